"""TFL403: ``tf.Variable(...)`` created on every call of a traced function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rules._traced_code_rule import TracedCodeRule
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_VARIABLES = frozenset({"tensorflow.Variable", "keras.Variable", "keras.backend.Variable"})


class VariableCreatedInTfFunction(TracedCodeRule):
    code = "TFL403"
    name = "variable-created-in-tf-function"
    severity = Severity.ERROR
    message = "tf.Variable created inside a traced function: tf.function only supports variables created on the first call, so a second trace raises ValueError; create it once outside (in __init__/build), or guard it with `if self.v is None`"
    summary = "Flags `tf.Variable(...)`/`keras.Variable(...)` in a `tf.function` body that no `is None`/`hasattr` test guards."
    rationale = """
        Measured with TensorFlow 2.21: a `tf.function` that creates `tf.Variable(1.0)` in its
        body raised `ValueError: tf.function only supports singleton tf.Variables created on
        the first call. Make sure the tf.Variable is only created once or created outside
        tf.function` when traced again. Variables are state: they belong in `__init__`/`build`.
    """
    example = """
        @tf.function
        def scale(x):
            factor = tf.Variable(2.0)
            return x * factor
    """
    use_instead = """
        factor = tf.Variable(2.0)

        @tf.function
        def scale(x):
            return x * factor
    """
    known_problems = "The create-on-first-call pattern is not flagged: a variable under an `if` that tests `is None`, `hasattr(...)` or `not <flag>` (`if not self.built:`)."

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.guards = 0

    def visit_If(self, node: cst.If) -> None:
        if _lazy_creation_test(node.test):
            self.guards += 1
            self.ctx.shared.setdefault("tfl403-guards", set()).add(id(node))

    def leave_If(self, node: cst.If) -> None:
        if id(node) in self.ctx.shared.get("tfl403-guards", set()):
            self.guards -= 1

    def candidate_calls(self) -> CallInterests:
        return CallInterests(names=_VARIABLES)

    def on_candidate_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee in _VARIABLES and not self.guards:
            self.candidate(node)

    def judge(self, node: cst.CSTNode, scope: Scope, extra: Any) -> None:
        assert isinstance(node, cst.Call)
        if self.ctx.names(scope).resolve(node.func) in _VARIABLES:
            self.report(node)


def _lazy_creation_test(test: cst.BaseExpression) -> bool:
    """``x is None``, ``not hasattr(self, "v")``, ``not self.built``, ``self.v is None and ...``:
    the tests of the create-on-first-call pattern tf.function supports."""
    if isinstance(test, cst.UnaryOperation):
        if isinstance(test.operator, cst.Not) and isinstance(test.expression, (cst.Name, cst.Attribute)):
            return True  # if not self.built: / if not initialized:
        return _lazy_creation_test(test.expression)
    if isinstance(test, cst.BooleanOperation):
        return _lazy_creation_test(test.left) or _lazy_creation_test(test.right)
    if isinstance(test, cst.Comparison):
        return any(
            isinstance(c.operator, (cst.Is, cst.IsNot)) and isinstance(c.comparator, cst.Name) and c.comparator.value == "None"
            for c in test.comparisons
        )
    return isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "hasattr"
