"""TFL001: ``tf.add(a, b)`` where ``a + b`` says the same."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional, Set

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rule import Rule
from tf_lint.semantics.tensors import TensorOracle

if TYPE_CHECKING:
    from tf_lint.context import FileContext

OPERATORS = {
    "tensorflow.add": "+",
    "tensorflow.math.add": "+",
    "tensorflow.subtract": "-",
    "tensorflow.math.subtract": "-",
    "tensorflow.multiply": "*",
    "tensorflow.math.multiply": "*",
    "tensorflow.divide": "/",
    "tensorflow.math.divide": "/",
    "tensorflow.matmul": "@",
    "tensorflow.linalg.matmul": "@",
}


class RedundantTfBinaryOp(Rule):
    code = "TFL001"
    name = "redundant-tf-binary-op"
    severity = Severity.STYLE
    default_enabled = False  # a readability preference, not a bug: opt in with select/extend-select
    fix_safety = "sometimes"
    fix_note = """
        Safe when the left operand is known to be a tensor: `a + b` then calls the tensor's own
        operator, which is `tf.add`. Unsafe otherwise: with a NumPy array on the left, `a + b`
        is NumPy's addition and returns an array, not a tensor. Operands and the result are
        parenthesised where precedence needs it.
    """
    message = "{function}(a, b) on a tensor is the same graph op as 'a {op} b'; the operator reads better (no speed difference)"
    summary = "Flags `tf.add`/`tf.subtract`/`tf.multiply`/`tf.divide`/`tf.matmul` (and their `tf.math`/`tf.linalg` twins) called with two operands, one of them a known tensor."
    rationale = """
        Readability only. Traced in a `tf.function`, `tf.add(a, b)` and `a + b` produce the same
        graph node (AddV2; Sub, Mul, RealDiv and MatMul for the others), and eager timings
        differ only by Python dispatch, in both directions (keras-runtime-facts §5). So the
        operator is not faster; it is shorter and reads like the maths.
    """
    example = """
        import tensorflow as tf
        a = tf.constant([1.0, 2.0, 3.0])
        b = tf.constant([4.0, 5.0, 6.0])
        c = tf.add(a, b)
    """
    use_instead = """
        import tensorflow as tf
        a = tf.constant([1.0, 2.0, 3.0])
        b = tf.constant([4.0, 5.0, 6.0])
        c = a + b
    """
    known_problems = """
        Fires only when an operand is known to be a tensor (bound to a TensorFlow op in the
        same file), because with two NumPy arrays or Python values the operator would do
        something else (`[1, 2] + [3, 4]` concatenates). Never fires when `name=` or any
        other keyword is given: the operator cannot name the op.
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.debug_expressions: Set[cst.BaseExpression] = set()  # f"{expr=}" prints expr's own text

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset(OPERATORS))

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        if node.equal is not None:
            self.debug_expressions.add(node.expression)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        function = self.ctx.resolve(node.func)  # scoped: a local rebinding of tf hides it
        op = OPERATORS.get(function or "")
        if op is None or len(node.args) != 2:
            return
        if any(arg.keyword is not None or arg.star for arg in node.args):
            return
        scope = self.ctx.scope
        oracle = TensorOracle(self.ctx.imports)
        left, right = node.args[0].value, node.args[1].value

        def check() -> None:
            left_is_tensor = oracle.is_tensor(left, scope)
            if left_is_tensor or oracle.is_tensor(right, scope):
                spelled = "tf." + (function or "").split(".", 1)[1]
                rewritable = not _has_comment(node) and node not in self.debug_expressions
                fix = None if not rewritable else Fix(operator_form(left, op, right), safe=left_is_tensor, title=f"use the {op} operator")
                self.report(node, fix=fix, function=spelled, op=op)

        self.defer(check)


# Binding strength of the operators this rule writes and of operands it may meet.
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "//": 2, "%": 2, "@": 2, "**": 4}
_ATOMS = (
    cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Integer, cst.Float, cst.Imaginary,
    cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.List, cst.Tuple, cst.Dict,
    cst.Set, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.Ellipsis, cst.Await,
)


def _strength(expr: cst.BaseExpression) -> int:
    if expr.lpar or isinstance(expr, _ATOMS):
        return 5
    if isinstance(expr, cst.UnaryOperation) and not isinstance(expr.operator, cst.Not):
        return 3
    if isinstance(expr, cst.BinaryOperation):
        return _PRECEDENCE.get(_operator_text(expr.operator), 0)
    return 0  # comparisons, boolean operators, lambdas, conditionals: always parenthesise


def _operator_text(operator: cst.BaseBinaryOp) -> str:
    return cst.Module([]).code_for_node(operator).strip()


def operator_form(left: cst.BaseExpression, op: str, right: cst.BaseExpression) -> str:
    """``(a + b)`` from ``tf.add(a, b)``; operands are parenthesised when they bind looser than
    ``op`` (the right one also when equal: ``a - (b - c)``). The fixer drops the outer
    parentheses where the call stood alone (an assignment, an argument)."""
    code = cst.Module([]).code_for_node
    level = _PRECEDENCE[op]
    left_code = code(left) if _strength(left) >= level else f"({code(left)})"
    right_code = code(right) if _strength(right) > level else f"({code(right)})"
    return f"({left_code} {op} {right_code})"


def _has_comment(node: cst.CSTNode) -> bool:
    """A comment inside the call would be lost by rewriting it: leave that one to the user."""
    return "#" in cst.Module([]).code_for_node(node) and any(_comments(node))


def _comments(node: cst.CSTNode) -> Iterator[cst.Comment]:
    for child in node.children:
        if isinstance(child, cst.Comment):
            yield child
        else:
            yield from _comments(child)
