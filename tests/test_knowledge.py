"""The shipped identifier data is exactly what the installed Keras says.

These tests need Keras with a backend (``pip install -e '.[test]'`` installs keras + jax).
Without it they skip, unless TF_LINT_REQUIRE_KERAS=1 (set by CI), which turns the skip
into a failure so a broken install cannot pass silently.
"""

from __future__ import annotations

import os

import pytest

from tf_lint.knowledge import keras_knowledge
from tf_lint.knowledge.suggest import closest

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
    assert generate.render(generate.generate()) == shipped, "run `python -m tf_lint.knowledge.generate`"


def test_every_accepted_loss_really_works_and_rejections_really_fail() -> None:
    keras = _keras()
    data = keras_knowledge()
    for name in sorted(data.losses.accepted):
        keras.losses.get(name)  # raises if the data is wrong
    for name in [*data.losses.rejected_public, "sparce_categorical_crossentropy", "Mse", "mean-squared-error"]:
        if data.losses.rejected_public.get(name) == "NotImplementedError":
            continue  # passes get(), fails at fit: covered by the generator's fit check
        with pytest.raises((ValueError, TypeError)):
            keras.losses.get(name)


@pytest.mark.parametrize(
    "typo, expected",
    [
        ("sparce_categorical_crossentropy", "sparse_categorical_crossentropy"),
        ("Mse", "mse"),
        ("mean-squared-error", "mean_squared_error"),
        ("meansquarederror", "mean_squared_error"),
        ("binary_crosentropy", "binary_crossentropy"),
        ("completely_unrelated_words", None),
    ],
)
def test_did_you_mean(typo: str, expected: str) -> None:
    assert closest(typo, keras_knowledge().losses.accepted) == expected
