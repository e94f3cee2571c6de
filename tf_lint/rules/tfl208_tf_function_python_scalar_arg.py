"""TFL208: a ``tf.function`` called in a loop with a Python number that changes every call."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, List, Optional, Set

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rule import Rule
from tf_lint.semantics.loops import hot_loops
from tf_lint.semantics.scopes import Loop, Scope, target_names
from tf_lint.semantics.traced_functions import traced_function

if TYPE_CHECKING:
    from tf_lint.context import FileContext

# Parameters that take a few fixed values on purpose (a handful of traces, no warning).
_MODE_NAMES = re.compile(r"^(training|mode|is_\w+|use_\w+)$")


class TfFunctionPythonScalarArg(Rule):
    code = "TFL208"
    name = "tf-function-python-scalar-arg"
    severity = Severity.PERFORMANCE
    message = "{function}() is a tf.function called with the Python number {arg}, which changes every iteration: each new value traces a new graph (measured: 20 calls, 20 traces, 12x slower than with a tensor); pass {tensor}"
    summary = "Flags a `tf.function` called inside `for i in range(...)`/`enumerate(...)` with the loop counter (or arithmetic on it) as an argument."
    rationale = """
        `tf.function` treats Python numbers as constants of the graph: each new value is a
        new input signature and a new trace. Measured with TensorFlow 2.21: calling
        `f(x, i)` for `i in range(20)` traced 20 times (0.419 s), against one trace and
        0.036 s with `tf.constant(float(i))`. TensorFlow warns at the fifth trace, then
        stops warning. `reduce_retracing=True` does not help with changing Python numbers.
    """
    example = """
        for step in range(1000):
            loss = train_step(images, labels, step)
    """
    use_instead = """
        for step in range(1000):
            loss = train_step(images, labels, tf.constant(step))
    """
    known_problems = """
        Only functions known to be traced (decorated in the file, or made by
        `tf.function(...)` and bound to a name) and loops over `range`/`enumerate`. Not
        flagged: functions with an `input_signature`, `i % k` (a few values), booleans, and
        parameters named like modes (`training`, `mode`, `is_*`).
        Loops that are not hot are left alone: in test files (`test_*.py`, `*_test.py`,
        `conftest.py`), and loops the source shows run at most 16 times in all (a literal list
        of cases, `range(3)`, `zip` of such lists, a 2x2 `tf.constant`).
    """
    fix_safety = "unsafe"
    fix_note = "Unsafe: wraps the argument in `tf.constant(...)`; code inside the function that uses it as a Python int (a `range`, a shape) must then handle a tensor."

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._counters: Dict[int, Set[str]] = {}  # id(loop node) -> the int counters it binds

    def call_interests(self) -> CallInterests:
        return CallInterests(functions=frozenset({"*"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not isinstance(node.func, cst.Name) or not node.args:
            return
        loops = self.ctx.enclosing_loops()
        if not loops:
            return
        counters: Set[str] = set()
        for loop in loops:
            if id(loop.node) not in self._counters:
                self._counters[id(loop.node)] = _counters(loop.node)
            counters |= self._counters[id(loop.node)]
        if counters and any(_varies_with(arg.value, counters) for arg in node.args):
            scope = self.ctx.scope
            self.defer(lambda: self._check(node, counters, scope, loops))

    def _check(self, call: cst.Call, counters: Set[str], scope: Scope, loops: List[Loop]) -> None:
        if not hot_loops(self.ctx.path, loops, scope, self.ctx.names(scope)):
            return  # a few traces in all, or a test
        found = traced_function(call.func, scope, self.ctx.names(scope), self.ctx.tracing.functions)
        if found is None or found.fixed_signature:
            return
        for arg in call.args:
            if arg.keyword is not None and _MODE_NAMES.match(arg.keyword.value):
                continue
            if _varies_with(arg.value, counters):
                alias = self.ctx.imports.alias_of("tensorflow") or "tf"
                code = cst.Module([]).code_for_node(arg.value)
                tensor = f"{alias}.constant({code})"
                self.report(arg.value, fix=Fix(tensor, safe=False, title=f"pass {tensor}"), function=found.name, arg=code, tensor=tensor)
                return


def _counters(loop: cst.CSTNode) -> Set[str]:
    """The int counters a ``for`` over ``range(...)``/``enumerate(...)`` binds."""
    clause = loop if isinstance(loop, cst.For) else getattr(loop, "for_in", None)
    if not isinstance(clause, (cst.For, cst.CompFor)):
        return set()
    iterator, target = clause.iter, clause.target
    if not (isinstance(iterator, cst.Call) and isinstance(iterator.func, cst.Name)):
        return set()
    if iterator.func.value == "range":
        return set(target_names(target))
    if iterator.func.value == "enumerate" and isinstance(target, cst.Tuple) and target.elements:
        first = target.elements[0].value
        return {first.value} if isinstance(first, cst.Name) else set()
    return set()


def _varies_with(expr: cst.BaseExpression, counters: Set[str]) -> bool:
    if isinstance(expr, cst.Name):
        return expr.value in counters
    if isinstance(expr, cst.BinaryOperation):
        if isinstance(expr.operator, (cst.Modulo, cst.FloorDivide)):
            return False  # i % 3: a few values, a few traces
        return _varies_with(expr.left, counters) or _varies_with(expr.right, counters)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in ("float", "int"):
        return bool(expr.args) and _varies_with(expr.args[0].value, counters)
    return False
