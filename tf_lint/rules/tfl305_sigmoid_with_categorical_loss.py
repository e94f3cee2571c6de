"""TFL305: sigmoid outputs fed to a categorical cross-entropy."""

from __future__ import annotations

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rules._model_loss_rule import ModelLossRule
from tf_lint.semantics.models import CATEGORICAL, Loss, Output


class SigmoidWithCategoricalLoss(ModelLossRule):
    code = "TFL305"
    name = "sigmoid-with-categorical-loss"
    severity = Severity.WARNING
    message = "sigmoid outputs do not sum to 1, but {loss} expects one distribution over classes; use softmax for one class per sample, or binary_crossentropy for several labels per sample"
    summary = "Flags a sigmoid output layer (more than one unit) compiled with a categorical cross-entropy."
    rationale = """
        Independent sigmoids are a multi-label output; categorical cross-entropy is a
        one-label loss that renormalises the outputs by their sum, so the gradients are
        neither objective's. The pairing usually reflects a mix-up between multi-class and
        multi-label classification. Measured on Keras 3.15: neither JAX nor TensorFlow 2.21
        warns or raises; the model trains, on the wrong objective.
    """
    example = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(5, activation="sigmoid")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    use_instead = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    known_problems = "Models must be visible as for TFL301. One-unit outputs are TFL304's."

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        if output.activation == "sigmoid" and output.units != 1 and loss.name in CATEGORICAL and not loss.from_logits:
            self.report(loss.node, loss=loss.name)
