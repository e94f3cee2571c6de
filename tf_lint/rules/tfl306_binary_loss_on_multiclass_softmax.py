"""TFL306: binary cross-entropy on a multi-class softmax output."""

from __future__ import annotations

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rules._model_loss_rule import ModelLossRule
from tf_lint.semantics.models import Loss, Output

_BINARY = frozenset({"binary_crossentropy", "binary_focal_crossentropy"})


class BinaryLossOnMulticlassSoftmax(ModelLossRule):
    code = "TFL306"
    name = "binary-loss-on-multiclass-softmax"
    severity = Severity.WARNING
    message = "{loss} on a {units}-way softmax scores each class as an independent yes/no target while softmax makes them compete; use categorical_crossentropy (one-hot labels) or sparse_categorical_crossentropy (integer labels)"
    summary = "Flags `binary_crossentropy` compiled on a model whose output is a softmax over three or more units."
    rationale = """
        A softmax output is one distribution over classes; binary cross-entropy treats each
        of its k values as a separate Bernoulli target, a different objective that still
        trains, which is why the mistake survives. In Keras 2, `metrics=["accuracy"]` then
        resolved to binary accuracy and reported at least (k-1)/k; Keras 3 picks the
        accuracy from the output shape, so the report is honest and the harm is the
        objective alone. Measured on Keras 3.15 with JAX and with TensorFlow 2.21: no warning
        on either, and `'accuracy'` resolves to `CategoricalAccuracy` on both.
    """
    example = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    """
    use_instead = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    """
    known_problems = "Two-unit softmax outputs (nearly equivalent to categorical cross-entropy) are not flagged. Models must be visible as for TFL301."

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        if output.activation == "softmax" and output.units is not None and output.units > 2 and loss.name in _BINARY and not loss.from_logits:
            self.report(loss.node, loss=loss.name, units=output.units)
