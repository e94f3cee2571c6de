"""TFL303: a softmax over one unit, which always outputs 1.0."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rules._model_loss_rule import ModelLossRule
from tf_lint.semantics.models import Loss, Output, dense_output


class SoftmaxOnSingleUnit(ModelLossRule):
    code = "TFL303"
    name = "softmax-on-single-unit"
    severity = Severity.ERROR
    message = "softmax over a single unit always outputs 1.0, so the model cannot learn; use activation='sigmoid' (with binary_crossentropy) for two classes, or one unit per class"
    summary = "Flags `Dense(1, activation='softmax')`, and a one-unit output followed by `Softmax()`/`Activation('softmax')`."
    rationale = """
        Softmax normalises over the last axis; with one unit the result is exactly 1.0 for
        every input, the gradient through it is zero, and accuracy stays at the class
        prior. Measured on Keras 3.15 with a binary cross-entropy: on JAX every prediction is
        exactly 1.0 and the loss stays at 8.4694 epoch after epoch; on TensorFlow 2.21 every
        prediction is 0.99999994. Both backends only warn ("You are using a softmax over axis
        -1 of a tensor of shape (32, 1)") when the layer first runs.
    """
    example = """
        output = keras.layers.Dense(1, activation="softmax")
    """
    use_instead = """
        output = keras.layers.Dense(1, activation="sigmoid")
    """
    known_problems = "Units must be a literal (or a name bound once to one)."

    def call_interests(self) -> CallInterests:
        base = super().call_interests()
        return CallInterests(names=frozenset({"keras.layers.Dense"}), methods=base.methods)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee == "keras.layers.Dense":
            scope = self.ctx.scope

            def check() -> None:
                output = dense_output(node, scope, self.ctx.names(scope))
                if output.units == 1 and output.activation == "softmax":
                    self.report(node)

            self.defer(check)
            return
        super().on_call(node, callee)

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        if output.units == 1 and output.activation == "softmax" and output.folded:
            self.report(output.layer)  # Dense(1) followed by Softmax(): the Dense's own case is above
