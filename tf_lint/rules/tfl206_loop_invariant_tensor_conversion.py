"""TFL206: converting the same array to a tensor on every iteration of a loop."""

from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rule import Rule
from tf_lint.semantics.dataflow import ARRAY, dataflow
from tf_lint.semantics.expressions import names_in
from tf_lint.semantics.loops import hot_loops
from tf_lint.semantics.scopes import Loop, Scope
from tf_lint.walk import children

_CONVERSIONS = frozenset(
    {"tensorflow.constant", "tensorflow.convert_to_tensor", "keras.ops.convert_to_tensor", "numpy.array", "numpy.asarray"}
)


class LoopInvariantTensorConversion(Rule):
    code = "TFL206"
    name = "loop-invariant-tensor-conversion"
    severity = Severity.PERFORMANCE
    message = "{call}({arg}) converts the same data on every iteration (nothing it reads changes in the loop), copying it each time; convert once before the loop"
    summary = "Flags `tf.constant(x)`, `tf.convert_to_tensor(x)`, `np.array(x)`... inside a loop when nothing they read is assigned or mutated in the loop."
    rationale = """
        A conversion copies its input into a new tensor or array. When the input does not
        change between iterations, every copy after the first is wasted work. Measured with
        TensorFlow 2.21 on a 2-core CPU: adding a 512x512 float32 array to a tensor 200
        times took 0.075 s with `tf.constant(table)` in the loop and 0.039 s with it hoisted
        (1.9x); behind a matrix product the same waste was 1.1x.
    """
    example = """
        for step in range(steps):
            logits = tf.matmul(features, tf.constant(weights))
    """
    use_instead = """
        weights_tensor = tf.constant(weights)
        for step in range(steps):
            logits = tf.matmul(features, weights_tensor)
    """
    known_problems = """
        Only names the file binds to a NumPy array (`np.random.rand(...)`, `np.zeros(...)`,
        `np.load(...)`...) are flagged, and not when the loop assigns, subscript-assigns or
        calls a method on them (it may mutate them). Scalars and lists are cheap or unknown.
        Loops that are not hot are left alone: in test files (`test_*.py`, `*_test.py`,
        `conftest.py`), and loops the source shows run at most 16 times in all (a literal list
        of cases, `range(3)`, `zip` of such lists, a 2x2 `tf.constant`).
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(names=_CONVERSIONS)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        loops = self.ctx.enclosing_loops()
        if callee not in _CONVERSIONS or not loops or not node.args or node.args[0].keyword is not None:
            return
        argument = node.args[0].value
        if not isinstance(argument, cst.Name):
            return  # literals are cheap; expressions and calls may differ per iteration
        scope = self.ctx.scope
        self.defer(lambda: self._check(node, argument, loops, scope))

    def _check(self, node: cst.Call, argument: cst.Name, loops: List[Loop], scope: Scope) -> None:
        names = self.ctx.names(scope)
        if names.resolve(node.func) not in _CONVERSIONS or not hot_loops(self.ctx.path, loops, scope, names):
            return
        loop = loops[-1]
        changing = loop.assigned_in_body | loop.targets | _mutated(loop.node)
        if set(names_in(argument)) & changing:
            return
        value = dataflow(self.ctx).value(argument, scope, node)
        if value is None or value.kind != ARRAY:
            return  # only NumPy arrays the file makes: a list or a scalar is cheap or unknown
        self.report(node, call=cst.Module([]).code_for_node(node.func), arg=argument.value)


def _mutated(loop: cst.CSTNode) -> Set[str]:
    """Names a method is called on in the loop (``rows.append(...)``, ``arr.fill(0)``)."""
    found: Set[str] = set()
    stack: List[cst.CSTNode] = [loop]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name):
            found.add(node.func.value.value)
        stack.extend(children(node))
    return found
