"""TFL207: a ``tf.function`` made anew on each iteration of a loop, so it retraces every time."""

from __future__ import annotations

from typing import List, Optional, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rule import Rule
from tf_lint.semantics.loops import hot_loops
from tf_lint.semantics.scopes import Loop, Scope
from tf_lint.semantics.tracing import TF_FUNCTION, is_tf_function
from tf_lint.walk import children


class TfFunctionCreatedInLoop(Rule):
    code = "TFL207"
    name = "tf-function-created-in-loop"
    severity = Severity.PERFORMANCE
    message = "tf.function created inside a loop: each iteration makes a new function that traces again (measured: 20 iterations, 20 traces, about 11 ms each on a trivial function); create it once before the loop"
    summary = "Flags `tf.function(...)` calls and `@tf.function` definitions inside a loop body, when the new function is used once per iteration."
    rationale = """
        A `tf.function` keeps its traced graphs on the function object. Creating the object
        in the loop throws them away: every iteration traces from scratch, and TensorFlow's
        retracing warning names "creating @tf.function repeatedly in a loop" as its first
        cause. Measured with TensorFlow 2.21: `h = tf.function(lambda x: x * 2); h(x)` in a
        20-iteration loop traced 20 times (0.227 s in all, for a one-op function); created
        once, it traces once.
    """
    example = """
        for batch in batches:
            step = tf.function(train_step)
            step(batch)
    """
    use_instead = """
        step = tf.function(train_step)
        for batch in batches:
            step(batch)
    """
    known_problems = """
        Not flagged when the new function is called several times in the iteration (or in
        an inner loop): one function per configuration of a sweep, reused inside it, is a
        reasonable design.
        Loops that are not hot are left alone: in test files (`test_*.py`, `*_test.py`,
        `conftest.py`), and loops the source shows run at most 16 times in all (a literal list
        of cases, `range(3)`, `zip` of such lists, a 2x2 `tf.constant`).
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset({TF_FUNCTION}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        loops = self.ctx.enclosing_loops()
        if callee != TF_FUNCTION or not loops:
            return
        scope = self.ctx.scope
        self.defer(lambda: self._check(node, node, loops, scope))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = self.ctx.scope.parent
        function = outer.enclosing_function() if outer is not None else None
        loops = [loop for loop in self.ctx.loops if loop.in_body and loop.function is function]
        decorated = [d for d in node.decorators if is_tf_function(self.ctx.names(outer), d.decorator)] if loops and outer else []
        if decorated and outer is not None:
            self.defer(lambda: self._check(decorated[0], node, loops, outer))

    def _check(self, report_on: cst.CSTNode, made: cst.CSTNode, loops: List[Loop], scope: Scope) -> None:
        if isinstance(made, cst.Call) and not is_tf_function(self.ctx.names(scope), made.func):
            return
        if not hot_loops(self.ctx.path, loops, scope, self.ctx.names(scope)):
            return  # a few traces in all, or a test that wants one function per case
        name = _bound_name(made, loops[-1].node)
        if name is not None and _reused(name, loops[-1].node):
            return
        self.report(report_on)


def _bound_name(made: cst.CSTNode, loop: cst.CSTNode) -> Optional[str]:
    if isinstance(made, cst.FunctionDef):
        return made.name.value
    for node in _walk(loop):
        if isinstance(node, cst.Assign) and node.value is made and len(node.targets) == 1:
            target = node.targets[0].target
            return target.value if isinstance(target, cst.Name) else None
    return None


def _reused(name: str, loop: cst.CSTNode) -> bool:
    """Called twice or more in the loop's body, or inside a loop nested in it."""
    body = loop.body if isinstance(loop, (cst.For, cst.While)) else loop
    calls = 0
    for node, nested in _walk_with_nesting(body):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == name:
            if nested:
                return True
            calls += 1
    return calls >= 2


def _walk(root: cst.CSTNode) -> List[cst.CSTNode]:
    found: List[cst.CSTNode] = []
    stack: List[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children(node))
    return found


def _walk_with_nesting(root: cst.CSTNode) -> List[Tuple[cst.CSTNode, bool]]:
    found: List[Tuple[cst.CSTNode, bool]] = []
    stack: List[Tuple[cst.CSTNode, bool]] = [(root, False)]
    while stack:
        node, nested = stack.pop()
        found.append((node, nested))
        inner = nested or isinstance(node, (cst.For, cst.While, cst.BaseComp))
        stack.extend((child, inner) for child in children(node))
    return found
