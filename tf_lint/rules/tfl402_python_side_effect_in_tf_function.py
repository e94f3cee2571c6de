"""TFL402: mutating a Python list/dict/set from traced code: it happens once, at trace time."""

from __future__ import annotations

from typing import Any, List, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rules._traced_code_rule import TracedCodeRule
from tf_lint.semantics.scopes import ASSIGN, Scope
from tf_lint.walk import children

_MUTATORS = frozenset({"append", "extend", "insert", "update", "add", "setdefault", "pop", "remove", "clear"})


class PythonSideEffectInTfFunction(TracedCodeRule):
    code = "TFL402"
    name = "python-side-effect-in-tf-function"
    severity = Severity.WARNING
    message = "{target}.{method}(...) inside a traced function changes a Python {kind} only while the function is traced, not on each call; return the value, or use a tf.Variable or tf.TensorArray"
    summary = "Flags `.append()`/`.update()`... on a Python list, dict or set made outside the traced function that mutates it."
    rationale = """
        A `tf.function` runs its Python code once, to trace a graph; later calls run the
        graph, which has no trace of the Python side effect. Measured with TensorFlow 2.21: a
        function that appends to a global list, called three times, left the list with one
        element. Losses or predictions collected this way are silently missing.
    """
    example = """
        losses = []

        @tf.function
        def train_step(x, y):
            loss = step(x, y)
            losses.append(loss)
    """
    use_instead = """
        losses = []

        @tf.function
        def train_step(x, y):
            return step(x, y)

        for x, y in dataset:
            losses.append(train_step(x, y))
    """
    known_problems = """
        Only containers the file shows are Python ones: a global or enclosing-scope name
        bound to a list/dict/set literal or constructor, or `self.<attr>` set to one in the
        class. Lists built inside the function itself (and stacked later) are fine and not
        flagged.
    """

    def candidate_calls(self) -> CallInterests:
        return CallInterests(methods=_MUTATORS)

    def on_candidate_call(self, node: cst.Call, callee: Optional[str]) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS:
            self.candidate(node)

    def judge(self, node: cst.CSTNode, scope: Scope, extra: Any) -> None:
        assert isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
        receiver = node.func.value
        kind = self._outer_container(receiver, scope)
        if kind is not None:
            self.report(node.func, target=cst.Module([]).code_for_node(receiver), method=node.func.attr.value, kind=kind)

    def _outer_container(self, receiver: cst.BaseExpression, scope: Scope) -> Optional[str]:
        function = scope.enclosing_function()
        if isinstance(receiver, cst.Name):
            owner = scope.owner_of(receiver.value)
            if owner is None or function is None or owner is function or _inside(owner, function):
                return None  # a local (or unknown) container
            bindings = owner.bindings.get(receiver.value, [])
            if len(bindings) == 1 and bindings[0].kind == ASSIGN and bindings[0].value is not None:
                return _container_kind(bindings[0].value)
            return None
        if isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name) and receiver.value.value == "self":
            klass = function.parent if function is not None else None
            if klass is None or klass.kind != "class" or not isinstance(klass.node, cst.ClassDef):
                return None
            kinds = {_container_kind(value) for value in _self_values(klass.node, receiver.attr.value)}
            return kinds.pop() if len(kinds) == 1 else None
        return None


def _inside(scope: Scope, function: Scope) -> bool:
    current: Optional[Scope] = scope
    while current is not None:
        if current is function:
            return True
        current = current.parent
    return False


def _container_kind(value: cst.BaseExpression) -> Optional[str]:
    if isinstance(value, (cst.List, cst.ListComp)):
        return "list"
    if isinstance(value, (cst.Dict, cst.DictComp)):
        return "dict"
    if isinstance(value, (cst.Set, cst.SetComp)):
        return "set"
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in ("list", "dict", "set"):
        return value.func.value
    return None


def _self_values(klass: cst.ClassDef, attr: str) -> List[cst.BaseExpression]:
    """The values ``self.<attr> = value`` assigns anywhere in the class's methods."""
    values: List[cst.BaseExpression] = []
    for statement in klass.body.body:
        if not isinstance(statement, cst.FunctionDef):
            continue
        stack: List[cst.CSTNode] = [statement.body]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Assign):
                for target in node.targets:
                    written = target.target
                    if (
                        isinstance(written, cst.Attribute)
                        and isinstance(written.value, cst.Name)
                        and written.value.value == "self"
                        and written.attr.value == attr
                    ):
                        values.append(node.value)
            stack.extend(children(node))
    return values
