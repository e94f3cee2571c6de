"""Base of the model/loss correctness rules: each ``compile`` call with the output layer of
the model it compiles and the loss it is given (see ``tf_lint.semantics.models``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Optional, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.rule import Rule
from tf_lint.semantics.models import AddCalls, Loss, Output, compiled_loss, model_output
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext


class ModelLossRule(Rule):
    """Subclasses implement :meth:`judge`; it runs after the walk, once per ``compile`` whose
    model output and loss are both known."""

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.adds = AddCalls()
        self._branches = 0  # if/try/while nesting: an add() there may not run

    def visit_If(self, node: cst.If) -> None:
        self._branches += 1

    def leave_If(self, node: cst.If) -> None:
        self._branches -= 1

    def visit_Try(self, node: cst.Try) -> None:
        self._branches += 1

    def leave_Try(self, node: cst.Try) -> None:
        self._branches -= 1

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=frozenset({"compile", "add", "pop"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml or not isinstance(node.func, cst.Attribute):
            return
        receiver, method = node.func.value, node.func.attr.value
        if not isinstance(receiver, cst.Name):
            return
        scope = self.ctx.scope
        if method in ("add", "pop"):
            owner = scope.owner_of(receiver.value) or scope
            followable = method == "add" and owner is scope and not self._branches and not self.ctx.enclosing_loops()
            layer = node.args[0].value if followable and len(node.args) == 1 and node.args[0].keyword is None else None
            self.adds.record(owner, receiver.value, layer)
            return
        self.defer(lambda: self._check(node, receiver, scope))

    def _check(self, node: cst.Call, receiver: cst.Name, scope: Scope) -> None:
        # Every rule of the family asks the same question of the same compile(): answer once
        # per file (the add() calls each rule recorded are the same walk's).
        memo: Dict[int, Tuple[Optional[Output], Optional[Loss]]] = self.ctx.shared.setdefault("model-loss", {})
        if id(node) not in memo:
            names = self.ctx.names(scope)
            loss = compiled_loss(node, scope, names)
            output = model_output(receiver, scope, self.ctx.names, self.adds, self.ctx.tracing.functions) if loss is not None else None
            memo[id(node)] = (output, loss)
        output, found_loss = memo[id(node)]
        if output is not None and found_loss is not None:
            self.judge(node, output, found_loss)

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        raise NotImplementedError
