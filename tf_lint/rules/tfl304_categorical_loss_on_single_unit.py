"""TFL304: a categorical cross-entropy on a one-unit output."""

from __future__ import annotations

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rules._model_loss_rule import ModelLossRule
from tf_lint.semantics.models import CATEGORICAL, Loss, Output


class CategoricalLossOnSingleUnit(ModelLossRule):
    code = "TFL304"
    name = "categorical-loss-on-single-unit"
    severity = Severity.ERROR
    message = "{loss} on a one-unit output has one class to choose from: the loss is about 0 whatever the model predicts; use binary_crossentropy with a sigmoid output, or one unit per class"
    summary = "Flags a categorical cross-entropy (`categorical_crossentropy`, `sparse_categorical_crossentropy`) compiled on a model whose output has one unit."
    rationale = """
        Categorical cross-entropy compares a distribution over classes; with one unit there
        is one class, the (softmax-normalised) prediction is always right and the loss
        stays near 0 (measured 1.19e-07 for any input), so nothing is learned. Keras warns
        only at run time.
    """
    example = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    use_instead = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """
    known_problems = "Models must be visible as for TFL301; units must be a literal."

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        if output.units == 1 and loss.name in CATEGORICAL:
            self.report(loss.node, loss=loss.name)
