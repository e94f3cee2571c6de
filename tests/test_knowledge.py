"""The shipped identifier data is exactly what the installed Keras says.

These tests need Keras with a backend (``pip install -e '.[test]'`` installs keras + jax).
Without it they skip, unless TF_LINT_REQUIRE_KERAS=1 (set by CI), which turns the skip
into a failure so a broken install cannot pass silently.
"""

from __future__ import annotations

import builtins
import importlib.util
import json
import os

import pytest

from tf_lint.knowledge import keras_knowledge
from tf_lint.knowledge.suggest import closest

if importlib.util.find_spec("tensorflow") is None:  # the light test install: Keras on JAX
    os.environ.setdefault("KERAS_BACKEND", "jax")


def _keras():  # type: ignore[no-untyped-def]
    try:
        import keras
    except Exception as error:  # noqa: BLE001 - any import failure means "no usable Keras"
        if os.environ.get("TF_LINT_REQUIRE_KERAS") == "1":
            pytest.fail(f"Keras is required here but cannot be imported: {error}")
        pytest.skip(f"Keras not importable: {error}")
    return keras


def test_shipped_data_loads_and_has_the_measured_shape() -> None:
    data = keras_knowledge()
    assert data.categories["metrics"].compile_aliases == {"acc", "accuracy"}
    assert data.categories["optimizers"].fails_at == "compile"
    assert data.categories["activations"].fails_at == "constructor"
    assert data.categories["metrics"].fails_at == "fit"
    assert data.metrics_must_be_a_list
    losses = data.losses
    assert {"mse", "MSE", "sparse_categorical_crossentropy", "MeanSquaredError"} <= losses.accepted
    assert losses.case_sensitive and losses.compile_aliases == {"ce", "crossentropy"}
    assert losses.accepts("CE", in_compile=True) and not losses.accepts("CE", in_compile=False)
    assert not losses.accepts("Mse", in_compile=True)
    assert data.optimizers.accepts("RMSProp", in_compile=True)  # optimizers ignore case


def test_matches_a_fresh_generation_from_installed_keras() -> None:
    keras = _keras()
    from tf_lint.knowledge import generate

    shipped = generate.data_path("3").read_text(encoding="utf-8")
    if keras.__version__ != keras_knowledge().keras_version:
        pytest.skip(f"data is for Keras {keras_knowledge().keras_version}, installed {keras.__version__}")
    backend = json.loads(shipped)["backend"]
    if keras.backend.backend() != backend:
        pytest.skip(f"data was generated on the {backend} backend, this is {keras.backend.backend()}")
    assert generate.render(generate.generate()) == shipped, "run `python -m tf_lint.knowledge.generate`"


def test_tf_keras_data_matches_installed_tf_keras() -> None:
    """tf-keras needs TensorFlow (about 2 GB), so CI does not install it; run this where it is."""
    try:
        import tf_keras
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"tf_keras not importable ({error}); `pip install tf-keras` to check tf-keras-2.json")
    from tf_lint.knowledge import generate

    data = keras_knowledge("2")
    if tf_keras.__version__ != data.keras_version:
        pytest.skip(f"data is for tf-keras {data.keras_version}, installed {tf_keras.__version__}")
    shipped = generate.data_path("2", "tf_keras").read_text(encoding="utf-8")
    assert generate.render(generate.generate("tf_keras")) == shipped
    shipped_migration = (generate.DATA_DIR / generate.MIGRATION_FILE).read_text(encoding="utf-8")
    assert generate.render(generate.migration()) == shipped_migration


def test_migration_data_holds_for_installed_keras_3() -> None:
    """Every argument recorded as rejected really raises in Keras 3, every ignored one warns,
    and every removed model method is really gone."""
    keras = _keras()
    import warnings

    from tf_lint.knowledge import migration

    data = migration()
    if keras.__version__ != data.to_version:
        pytest.skip(f"data is for Keras {data.to_version}, installed {keras.__version__}")
    assert data.optimizer_arguments["Adam"]["lr"].use == "learning_rate"
    for optimizer, arguments in data.optimizer_arguments.items():
        cls = getattr(keras.optimizers, optimizer)
        for argument, change in arguments.items():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if change.outcome == "error":
                    with pytest.raises(getattr(builtins, change.error or "ValueError")):
                        cls(**{argument: 0.5})
                else:
                    cls(**{argument: 0.5})
                    assert any(argument in str(w.message) for w in caught)
            if change.use is not None:
                cls(**{change.use: 0.5})
    assert {"fit_generator", "predict_generator", "evaluate_generator"} <= set(data.removed_model_methods)
    for method in data.removed_model_methods:
        assert not hasattr(keras.Model, method) and not hasattr(keras.Sequential, method)


def test_both_versions_ship_and_differ_where_measured() -> None:
    three, two = keras_knowledge("3"), keras_knowledge("2")
    assert not three.losses.accepts("logcosh", in_compile=True) and two.losses.accepts("logcosh", in_compile=True)
    assert three.losses.accepts("ctc", in_compile=True) and not two.losses.accepts("ctc", in_compile=True)
    assert three.metrics_must_be_a_list and not two.metrics_must_be_a_list
    assert two.categories["regularizers"].fails_at == "fit"  # tf-keras keeps unknown strings until training


TYPOS = {
    "losses": ["sparce_categorical_crossentropy", "Mse", "mean-squared-error"],
    "metrics": ["acuracy", "rmse", "huber", "ce"],
    "optimizers": ["adamm", "lamb"],
    "activations": ["ReLU", "rleu", "LeakyReLU"],
    "initializers": ["xavier_uniform", "Glorot_Uniform"],
    "regularizers": ["l1_l2", "l3"],
    "constraints": ["nonneg", "non_negg"],
}


@pytest.mark.parametrize("category", sorted(TYPOS))
def test_every_accepted_name_really_works_and_rejections_really_fail(category: str) -> None:
    keras = _keras()
    data = keras_knowledge().categories[category]
    get = getattr(keras, category).get
    for name in sorted(data.accepted):
        try:
            get(name)  # raises if the data is wrong
        except ImportError:
            pass  # a valid name whose object needs an optional package (STFT needs scipy)
    for name in [*data.rejected_public, *TYPOS[category]]:
        if data.rejection(name) == "NotImplementedError":
            continue  # passes get(), fails when used: the generator checks that the class is abstract
        assert not data.accepts(name, in_compile=False)
        with pytest.raises((ValueError, TypeError, KeyError)):
            get(name)


def test_layer_argument_map_matches_real_signatures() -> None:
    keras = _keras()
    import inspect

    table = keras_knowledge().layer_arguments
    assert table["Dense"]["activation"] == ("activations", 1)
    assert table["Activation"]["activation"] == ("activations", 0)
    assert table["LSTM"]["recurrent_activation"][0] == "activations"
    for layer, arguments in table.items():
        parameters = list(inspect.signature(getattr(keras.layers, layer)).parameters)
        for argument, (_, position) in arguments.items():
            assert argument in parameters
            if position is not None:
                assert parameters.index(argument) == position


@pytest.mark.parametrize(
    "typo, expected",
    [
        ("sparce_categorical_crossentropy", "sparse_categorical_crossentropy"),
        ("Mse", "mse"),
        ("mean-squared-error", "mean_squared_error"),
        ("meansquarederror", "mean_squared_error"),
        ("binary_crosentropy", "binary_crossentropy"),
        ("completely_unrelated_words", None),
        ("rmse", "root_mean_squared_error"),
    ],
)
def test_did_you_mean(typo: str, expected: str) -> None:
    pool = keras_knowledge().losses.accepted | keras_knowledge().categories["metrics"].accepted
    assert closest(typo, pool) == expected


def test_suggestions_know_exact_from_guess() -> None:
    from tf_lint.knowledge.suggest import suggest

    initializers = keras_knowledge().categories["initializers"].accepted
    assert suggest("Glorot_Uniform", initializers) == suggest("glorotuniform", initializers)
    found = suggest("Glorot_Uniform", initializers)
    assert found is not None and found.name == "glorot_uniform" and found.exact
    found = suggest("xavier_uniform", initializers)
    assert found is not None and found.name == "glorot_uniform" and not found.exact


def _api_data(package: str) -> str:
    from tf_lint.knowledge import api_generate

    return api_generate.data_path(package).read_text(encoding="utf-8")


def test_keras_api_surface_matches_installed_keras() -> None:
    """api-keras.json (names, kinds, keyword arguments) is what the installed Keras says."""
    keras = _keras()
    from tf_lint.knowledge import api_generate

    shipped = _api_data("keras")
    if json.loads(shipped)["version"] != keras.__version__:
        pytest.skip(f"api data is for Keras {json.loads(shipped)['version']}, installed {keras.__version__}")
    fresh = api_generate.generate("keras")
    assert api_generate.render({**fresh, "generated_in_s": None}) == shipped, "run `python -m tf_lint.knowledge.api_generate --package keras`"


def test_tensorflow_api_surface_matches_installed_tensorflow() -> None:
    """TensorFlow is about 2 GB, so CI does not install it; this runs where it is installed."""
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow not installed; `pip install tensorflow` to check api-tensorflow.json")
    import tensorflow as tf

    from tf_lint.knowledge import api_generate

    shipped = _api_data("tensorflow")
    if json.loads(shipped)["version"] != tf.__version__:
        pytest.skip(f"api data is for TensorFlow {json.loads(shipped)['version']}, installed {tf.__version__}")
    fresh = api_generate.generate("tensorflow")
    assert api_generate.render({**fresh, "generated_in_s": None}) == shipped


def test_api_surface_facts_hold_in_the_installed_keras() -> None:
    """Spot checks against the live library: names the data says are missing really are, and
    keywords it says a layer rejects really make the constructor raise."""
    keras = _keras()
    from tf_lint.knowledge.api import KNOWN, MISSING, lookup

    for path in ("keras.layers.CuDNNLSTM", "keras.utils.np_utils", "keras.ops.bool", "keras.layers.Dens"):
        assert lookup(path).status == MISSING, path
        owner, _, attr = path.rpartition(".")
        module = keras
        for part in owner.split(".")[1:]:
            module = getattr(module, part)
        assert not hasattr(module, attr), path
    dense = lookup("keras.layers.Dense")
    assert dense.status == KNOWN and dense.keywords is not None and "activation" in dense.keywords
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        keras.layers.Dense(2, activaton="relu")
    fit = lookup("keras.Model.fit")
    assert fit.keywords is not None and "nb_epoch" not in fit.keywords and "epochs" in fit.keywords


def test_api_data_is_small_and_loads_lazily() -> None:
    """Each file is under 512 KiB, and nothing is read until a file uses a tf/keras name."""
    import subprocess
    import sys

    from tf_lint.knowledge import api_generate

    for package in ("keras", "tensorflow"):
        assert api_generate.data_path(package).stat().st_size < 512 * 1024, package
    code = (
        "from tf_lint.engine import lint_source\n"
        "from tf_lint.knowledge.api import api_surface\n"
        "lint_source('import numpy as np\\nnp.zeros(3)\\n', 'a.py')\n"
        "before = api_surface.cache_info().currsize\n"
        "lint_source('import tensorflow as tf\\ntf.keras.layers.Dens(3)\\n', 'b.py')\n"
        "print(before, api_surface.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "1"]  # only Keras' data, and only for the file that needed it


def test_device_facts_match_the_installed_tensorflow() -> None:
    """The device types tf.device accepts, and the tf.config.experimental names that are the
    very same functions as tf.config's, as hard-coded in TFL702/TFL707."""
    try:
        import tensorflow as tf
        from tensorflow.python.framework import device_spec
    except ImportError:
        pytest.skip("TensorFlow not installed; `pip install tensorflow` to check the device facts")
    from tf_lint.rules.tfl707_deprecated_gpu_check import ALIASED
    from tf_lint.semantics.devices import VALID_DEVICE_TYPES, device_problem

    assert frozenset(device_spec._VALID_DEVICE_TYPES) == VALID_DEVICE_TYPES
    same = {
        name
        for name in dir(tf.config.experimental)
        if not name.startswith("_") and getattr(tf.config, name, None) is getattr(tf.config.experimental, name)
    }
    assert same == ALIASED
    for spec in ("/GPU:0", "gpu:0", "/device:GPU:0", "/job:localhost/replica:0/task:0/device:CPU:0", "cpu", "/gpu:*"):
        assert device_problem(spec) is None
        tf.DeviceSpec.from_string(spec)  # TensorFlow parses it too
    for spec in ("cuda:0", "gpu0", "/physical_device:GPU:0", "/XLA_GPU:0"):
        assert device_problem(spec) is not None
        with pytest.raises(ValueError):
            tf.DeviceSpec.from_string(spec)


def test_generators_import_only_below_themselves() -> None:
    """generate.py and api_generate.py share probes.py; neither imports the other."""
    import ast
    from pathlib import Path

    from tf_lint import knowledge

    folder = Path(knowledge.__file__).parent
    for name, other in (("generate", "api_generate"), ("api_generate", "generate"), ("probes", "generate"), ("probes", "api_generate")):
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert f"tf_lint.knowledge.{other}" not in imported, f"{name} imports {other}"
