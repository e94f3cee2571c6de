"""TFL301: a softmax/sigmoid output fed to a loss told ``from_logits=True``."""

from __future__ import annotations

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rules._model_loss_rule import ModelLossRule
from tf_lint.semantics.models import PROBABILISTIC, Loss, Output


class ProbabilitiesAsLogits(ModelLossRule):
    code = "TFL301"
    name = "probabilities-passed-as-logits"
    severity = Severity.ERROR
    message = "the model already applies {activation}, but the loss has from_logits=True: {activation} is applied twice (on JAX and torch; TensorFlow warns and undoes it); remove the activation or set from_logits=False"
    summary = "Flags `compile(loss=...Crossentropy(from_logits=True))` on a model whose output layer applies softmax or sigmoid."
    rationale = """
        `from_logits=True` tells the loss to apply softmax (or sigmoid) itself. On an output
        that already went through one, the JAX backend computes the double softmax silently:
        measured loss 2.306 against 2.487 for the correct setup, a squashed training signal
        (keras-runtime-facts §7). The TensorFlow backend warns (`received from_logits=True,
        but the output argument was produced by a Softmax activation`) and quietly uses the
        pre-softmax values, so the same code trains differently per backend.
    """
    example = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10, activation="softmax")])
        model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    """
    use_instead = """
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10)])
        model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    """
    known_problems = """
        Only models built in the same scope (a `Sequential` list with its top-level `add`
        calls, or `Model(inputs, outputs)` with one output) and compiled with one loss are
        checked; custom training loops are not.
    """

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        if loss.from_logits and loss.name in PROBABILISTIC and output.activation in ("softmax", "sigmoid"):
            self.report(loss.node, activation=output.activation)
