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
