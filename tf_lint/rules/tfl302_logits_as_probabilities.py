"""TFL302: a linear output fed to a cross-entropy that expects probabilities."""

from __future__ import annotations

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rules._model_loss_rule import ModelLossRule
from tf_lint.semantics.models import PROBABILISTIC, Loss, Output


class LogitsAsProbabilities(ModelLossRule):
    code = "TFL302"
    name = "logits-passed-as-probabilities"
    severity = Severity.ERROR
    message = "the output layer has no activation (it outputs logits), but {loss} expects probabilities (from_logits=False); add activation={expected!r} or use the loss class with from_logits=True"
    summary = "Flags a cross-entropy loss without `from_logits=True` on a model whose output `Dense` has no activation."
    rationale = """
        A cross-entropy with `from_logits=False` (the default of the strings and classes)
        reads the outputs as probabilities and clips them. Unbounded logits give a loss
        that trains badly, with no warning on any backend: measured 9.29 (TensorFlow) and
        8.21 (JAX) against about 2.4 for the correct setup (keras-runtime-facts §7).
    """
    example = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10)])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    """
    use_instead = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10)])
        model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    """
    known_problems = """
        Only an output `Dense` with no `activation=` at all counts as logits; an explicit
        `activation=None`/`'linear'` or a final `Activation('linear')` is taken as
        deliberate. Models must be visible as for TFL301.
    """

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        if loss.name in PROBABILISTIC and not loss.from_logits and output.activation == "linear" and not output.explicit:
            expected = "sigmoid" if loss.name.startswith("binary") else "softmax"
            self.report(loss.node, loss=loss.name, expected=expected)
