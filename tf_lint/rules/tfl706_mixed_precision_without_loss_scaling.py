"""TFL706: a custom training loop under ``mixed_float16`` that never scales the loss."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional, Set

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.files import is_test_file
from tf_lint.rules._tape_rule import TapeRule
from tf_lint.semantics.mixed_precision import SET_POLICY, sets_mixed_float16

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_SCALING = re.compile(r"LossScaleOptimizer|scale_loss|get_scaled_loss")


class MixedPrecisionWithoutLossScaling(TapeRule):
    code = "TFL706"
    name = "mixed-precision-without-loss-scaling"
    severity = Severity.WARNING
    message = "gradients computed under the mixed_float16 policy without loss scaling: float16 gradients below about 6e-8 round to zero, so small updates are lost; wrap the optimizer in keras.optimizers.LossScaleOptimizer and take the gradient of optimizer.scale_loss(loss)"
    summary = "Flags `tape.gradient(...)` in a file that sets the `mixed_float16` policy and never uses a `LossScaleOptimizer` or `scale_loss`."
    rationale = """
        `fit()` wraps the optimizer in a `LossScaleOptimizer` automatically under
        `mixed_float16`; a hand-written `GradientTape` loop does not. Without scaling, the
        float16 gradients of a small loss underflow: float16 has no values between 0 and
        about 6e-8, so those gradient entries become exactly zero and the weights they
        belong to stop learning, without an error. The Keras mixed-precision guide scales
        the loss before `tape.gradient` and unscales the gradients after.
    """
    example = """
        keras.mixed_precision.set_global_policy("mixed_float16")
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
    """
    use_instead = """
        keras.mixed_precision.set_global_policy("mixed_float16")
        optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam())
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
            scaled = optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, model.trainable_variables)
    """
    known_problems = "The whole file counts: any mention of `LossScaleOptimizer`, `scale_loss` or `get_scaled_loss` anywhere silences it. The policy must be set with a literal `'mixed_float16'` in the same file. Test files are skipped (they check layers under the policy, not training)."

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.mixed = False
        self.tape_names: Set[str] = set()

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self.tapes and node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.tape_names.add(node.asname.name.value)

    def call_interests(self) -> CallInterests:
        return CallInterests(names=SET_POLICY, methods=frozenset({"gradient"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee in SET_POLICY:
            self.mixed = self.mixed or sets_mixed_float16(node)
            return
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in self.tape_names:
            self.defer(lambda: self._check(node))

    def _check(self, node: cst.Call) -> None:
        if self.mixed and not _SCALING.search(self.ctx.source) and not is_test_file(self.ctx.path):
            self.report(node)
