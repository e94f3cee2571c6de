"""Import-aware resolution: every import spelling maps to one canonical name."""

from __future__ import annotations

import libcst as cst
import pytest

from tf_lint.names import ImportTable, canonical


def resolve(source: str, expression: str):  # type: ignore[no-untyped-def]
    table = ImportTable.from_module(cst.parse_module(source))
    return table.resolve(cst.parse_expression(expression))


@pytest.mark.parametrize(
    "source, expression, expected",
    [
        ("import tensorflow as tf", "tf.add", "tensorflow.add"),
        ("import tensorflow as T", "T.add", "tensorflow.add"),
        ("import tensorflow", "tensorflow.math.add", "tensorflow.math.add"),
        ("import tensorflow.compat.v1 as tf", "tf.add", "tensorflow.add"),
        ("import tensorflow as tf", "tf.compat.v1.add", "tensorflow.add"),
        ("import tensorflow as tf", "tf.keras.losses.get", "keras.losses.get"),
        ("import tensorflow as tf", "tf.compat.v1.keras.Model", "keras.Model"),
        ("from tensorflow import keras", "keras.layers.Dense", "keras.layers.Dense"),
        ("import keras", "keras.layers.Dense", "keras.layers.Dense"),
        ("from keras import layers", "layers.Dense", "keras.layers.Dense"),
        ("from tensorflow.keras import layers as L", "L.Dense", "keras.layers.Dense"),
        ("from tensorflow.keras.layers import Dense", "Dense", "keras.layers.Dense"),
        ("from tensorflow.keras.layers import Dense as D", "D", "keras.layers.Dense"),
        ("import tensorflow.keras", "tensorflow.keras.Model", "keras.Model"),
        ("from tensorflow.data import Dataset", "Dataset.from_tensor_slices", "tensorflow.data.Dataset.from_tensor_slices"),
        ("def f():\n    import tensorflow as tf\n", "tf.add", "tensorflow.add"),
        ("try:\n    import tensorflow as tf\nexcept ImportError:\n    tf = None\n", "tf.add", "tensorflow.add"),
    ],
)
def test_import_forms(source: str, expression: str, expected: str) -> None:
    assert resolve(source, expression) == expected


@pytest.mark.parametrize(
    "source, expression",
    [
        ("import re", "tf.add"),  # not imported
        ("from tensorflow import keras as K\nfrom other import thing as K", "K.losses.get"),  # ambiguous
        ("import tensorflow as tf", "tf().add"),  # not a dotted name
    ],
)
def test_unresolvable(source: str, expression: str) -> None:
    assert resolve(source, expression) is None


def test_relative_imports_name_project_modules_never_tensorflow() -> None:
    """``from . import tf`` is the package's own ``tf`` module: kept as a relative name (for the
    project layer to follow), never taken for TensorFlow."""
    assert resolve("from . import tf", "tf.add") == ".tf.add"
    assert resolve("from .models import build as b", "b") == ".models.build"
    assert resolve("from .. import tf", "tf.add") == "..tf.add"


def test_star_imports_of_keras_modules_resolve_by_the_api_data() -> None:
    source = "from tensorflow.keras.layers import *\nfrom numpy import *\n"
    assert resolve(source, "Dense") == "keras.layers.Dense"
    assert resolve(source, "Dens") is None  # not a name of keras.layers
    assert resolve(source, "_private") is None
    assert resolve("from tensorflow.keras.layers import *\nfrom tensorflow.keras.optimizers import *\n", "Adam") == "keras.optimizers.Adam"


def test_same_target_twice_is_not_ambiguous() -> None:
    source = "try:\n    from tensorflow import keras\nexcept ImportError:\n    import keras\n"
    assert resolve(source, "keras.losses.get") == "keras.losses.get"


def test_ml_and_legacy_flags() -> None:
    assert ImportTable.from_module(cst.parse_module("import numpy")).imports_ml is False
    table = ImportTable.from_module(cst.parse_module("import tf_keras"))
    assert table.imports_ml and table.legacy_keras
    assert ImportTable.from_module(cst.parse_module("from tensorflow.keras import *")).imports_ml


def test_canonical_leaves_other_names_alone() -> None:
    assert canonical("numpy.add") == "numpy.add"
    assert canonical("tensorflow.keras") == "keras"
    assert canonical("tensorflow.kerasx.y") == "tensorflow.kerasx.y"
