"""A base for rules that care whether code runs inside ``with tf.GradientTape() as tape:``."""

from __future__ import annotations

from typing import TYPE_CHECKING, List

import libcst as cst

from tf_lint.rule import Rule

if TYPE_CHECKING:
    from tf_lint.context import FileContext

GRADIENT_TAPE = "tensorflow.GradientTape"


class TapeRule(Rule):
    """Keeps ``self.tapes``: the ``with`` statements recording gradients around the node visited."""

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.tapes: List[cst.With] = []

    def visit_With(self, node: cst.With) -> None:
        if any(_is_tape(item.item, self.ctx.resolve) for item in node.items):
            self.tapes.append(node)

    def leave_With(self, node: cst.With) -> None:
        if self.tapes and self.tapes[-1] is node:
            self.tapes.pop()


def _is_tape(expr: cst.BaseExpression, resolve: "object") -> bool:
    return isinstance(expr, cst.Call) and resolve(expr.func) == GRADIENT_TAPE  # type: ignore[operator]
