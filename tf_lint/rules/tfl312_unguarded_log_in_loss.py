"""TFL312: ``log(p)`` in a hand-written loss with nothing keeping ``p`` away from 0."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional, Set

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rules._tape_rule import TapeRule
from tf_lint.semantics.expressions import argument, short_code
from tf_lint.semantics.logs import LOG_FUNCTIONS, guarded, normalised
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_LOSS_NAME = re.compile(r"loss|entropy|nll|likelihood|divergence|objective", re.IGNORECASE)


class UnguardedLogInLoss(TapeRule):
    code = "TFL312"
    name = "unguarded-log-in-loss"
    severity = Severity.WARNING
    message = "{log}({arg}) in a hand-written loss: a probability that reaches exactly 0 gives -inf and then NaN gradients; clip it first ({clip}) or use a keras.losses cross-entropy"
    summary = "Flags `tf.math.log(p)` in a loss function or under a `GradientTape` when nothing (clip, maximum, `+ epsilon`) keeps `p` away from 0."
    rationale = """
        A hand-written cross-entropy such as `-tf.reduce_sum(y * tf.math.log(y_pred))` works
        until one predicted probability underflows to exactly 0 in float32 (a confident
        softmax does this within a few epochs): `log(0)` is `-inf`, `0 * -inf` is NaN, and
        the NaN spreads to every weight through the gradient. Keras' own cross-entropies
        clip to `[epsilon, 1 - epsilon]` (or work from logits) for this reason.
    """
    example = """
        def cross_entropy(y_true, y_pred):
            return -tf.reduce_sum(y_true * tf.math.log(y_pred), axis=-1)
    """
    use_instead = """
        def cross_entropy(y_true, y_pred):
            y_pred = tf.clip_by_value(y_pred, 1e-7, 1.0)
            return -tf.reduce_sum(y_true * tf.math.log(y_pred), axis=-1)
    """
    known_problems = """
        Only logs in functions named like a loss (`loss`, `entropy`, `nll`, `likelihood`...),
        in functions passed as `compile(loss=...)`, or under a `GradientTape`, and only when
        the argument is a parameter, a slice of one, a name bound to one or `1 - p`. Values
        this cannot read are assumed safe. `log(softmax(x))` is TFL314's.
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._loss_functions: Set[str] = set()  # names passed as compile(loss=...)

    def call_interests(self) -> CallInterests:
        return CallInterests(names=LOG_FUNCTIONS, methods=frozenset({"compile"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee in LOG_FUNCTIONS:
            if not node.args or node.args[0].keyword is not None or node.args[0].star:
                return
            scope = self.ctx.scope
            under_tape = bool(self.tapes)
            self.defer(lambda: self._check(node, node.args[0].value, scope, under_tape))
            return
        loss = argument(node, "loss", 1)
        if loss is not None and isinstance(loss.value, cst.Name):
            self._loss_functions.add(loss.value.value)

    def _check(self, node: cst.Call, arg: cst.BaseExpression, scope: Scope, under_tape: bool) -> None:
        names = self.ctx.names(scope)
        if names.resolve(node.func) not in LOG_FUNCTIONS or not (under_tape or self._in_loss(scope)):
            return
        if normalised(arg, scope, names) is not None or guarded(arg, scope, names):
            return
        written = names.resolve(node.func) or ""
        clip = "keras.ops.clip(p, 1e-7, 1.0)" if written.startswith("keras.") else "tf.clip_by_value(p, 1e-7, 1.0)"
        self.report(node, log=short_code(node.func), arg=short_code(arg), clip=clip)

    def _in_loss(self, scope: Scope) -> bool:
        function = scope.enclosing_function()
        if function is None or not isinstance(function.node, cst.FunctionDef):
            return False
        name = function.node.name.value
        return bool(_LOSS_NAME.search(name)) or name in self._loss_functions
