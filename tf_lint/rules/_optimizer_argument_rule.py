"""Shared logic of the rules about Keras 2 optimizer arguments that Keras 3 rejects or ignores."""

from __future__ import annotations

from typing import ClassVar, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix
from tf_lint.knowledge import ArgumentChange, migration
from tf_lint.rule import Rule
from tf_lint.semantics.scopes import Scope

OPTIMIZERS = "keras.optimizers."


class OptimizerArgumentRule(Rule):
    """Reports keyword arguments whose generated Keras 3 outcome is ``outcome``."""

    outcome: ClassVar[str]

    def call_interests(self) -> CallInterests:
        return CallInterests(prefixes=(OPTIMIZERS,))

    def on_call(self, node: cst.Call, qualified: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml or self.ctx.version_guarded():
            return  # another version's branch (`if hasattr(tf.keras.optimizers, "legacy")`)
        if qualified is None or not qualified.startswith(OPTIMIZERS) or self.ctx.version_for(node) != "3":
            return
        changes = migration().optimizer_arguments.get(qualified[len(OPTIMIZERS):], {})
        scope = self.ctx.scope
        for arg in node.args:
            change = changes.get(arg.keyword.value) if arg.keyword is not None else None
            if change is not None and change.outcome == self.outcome and not _is_zero(arg.value):
                self.defer(lambda a=arg, c=change: self._check(node, a, c, scope))  # type: ignore[misc]

    def _check(self, node: cst.Call, arg: cst.Arg, change: ArgumentChange, scope: Scope) -> None:
        qualified = self.ctx.names(scope).resolve(node.func)
        if qualified is None or not qualified.startswith(OPTIMIZERS):
            return
        assert arg.keyword is not None
        self.report_change(node, arg, arg.keyword.value, qualified[len(OPTIMIZERS):], change)

    def report_change(self, call: cst.Call, arg: cst.Arg, name: str, optimizer: str, change: ArgumentChange) -> None:
        raise NotImplementedError


def rename_fix(call: cst.Call, arg: cst.Arg, new_name: Optional[str]) -> Optional[Fix]:
    """``lr=0.01`` -> ``learning_rate=0.01``: same value, the argument's current name. None when
    the call already passes ``new_name`` (renaming would repeat a keyword: the user must choose)."""
    if new_name is None or any(a.keyword is not None and a.keyword.value == new_name for a in call.args):
        return None
    renamed = arg.with_changes(keyword=cst.Name(new_name), comma=cst.MaybeSentinel.DEFAULT)
    return Fix(cst.Module([]).code_for_node(renamed), safe=True, title=f"rename to {new_name}=")


def _is_zero(value: cst.BaseExpression) -> bool:
    """``decay=0.0`` copied from Keras 2's defaults did nothing there either."""
    if isinstance(value, (cst.Integer, cst.Float)):
        return value.evaluated_value == 0
    return False
