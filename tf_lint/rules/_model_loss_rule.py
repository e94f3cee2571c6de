"""Base of the model/loss correctness rules: each ``compile`` call with the output layer of
the model it compiles and the loss it is given (see ``tf_lint.semantics.models``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix
from tf_lint.rule import Rule
from tf_lint.semantics.models import Loss, Output, compiled_loss, model_output
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    pass


class ModelLossRule(Rule):
    """Subclasses implement :meth:`judge`; it runs after the walk, once per ``compile`` whose
    model output and loss are both known."""

    _origin = ""  # where the output layer is, when the model is built in another module

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=frozenset({"compile"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml or not isinstance(node.func, cst.Attribute):
            return
        receiver = node.func.value
        if not isinstance(receiver, cst.Name):
            return
        scope = self.ctx.scope
        self.defer(lambda: self._check(node, receiver, scope))

    def _check(self, node: cst.Call, receiver: cst.Name, scope: Scope) -> None:
        # Every rule of the family asks the same question of the same compile(): answer once
        # per file (the add() calls each rule recorded are the same walk's).
        memo: Dict[int, Tuple[Optional[Output], Optional[Loss]]] = self.ctx.shared.setdefault("model-loss", {})
        if id(node) not in memo:
            names = self.ctx.names(scope)
            loss = compiled_loss(node, scope, names)
            output = model_output(receiver, scope) if loss is not None else None
            memo[id(node)] = (output, loss)
        output, found_loss = memo[id(node)]
        if output is not None and found_loss is not None:
            self._origin = output.origin
            self.judge(node, output, found_loss)

    def report(self, node: cst.CSTNode, fix: Optional[Fix] = None, **fields: object) -> None:
        """As ``Rule.report``, naming the output layer's module when the model is built in another."""
        self.ctx.add_finding(node, type(self), self.format_message(fields) + self._origin, fix)

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        raise NotImplementedError
