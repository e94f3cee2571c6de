"""TFL001: ``tf.add(a, b)`` where ``a + b`` says the same."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rule import Rule
from tf_lint.semantics.tensors import TensorOracle

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

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset(OPERATORS))

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
            if oracle.is_tensor(left, scope) or oracle.is_tensor(right, scope):
                spelled = "tf." + (function or "").split(".", 1)[1]
                self.report(node, function=spelled, op=op)

        self.defer(check)
