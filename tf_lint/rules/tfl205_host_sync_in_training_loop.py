"""TFL205: reading the loss back to Python on every step of a custom training loop."""

from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rule import Rule
from tf_lint.semantics.scopes import Scope, target_names
from tf_lint.semantics.traced_functions import traced_function
from tf_lint.walk import children

_STEP_METHODS = frozenset({"apply_gradients", "train_on_batch"})


class HostSyncInTrainingLoop(Rule):
    code = "TFL205"
    name = "host-sync-in-training-loop"
    severity = Severity.PERFORMANCE
    default_enabled = False
    message = "{expr} reads the step's result back to Python on every iteration of the training loop, which waits for the device to finish the step before the next one can be queued; accumulate with a keras.metrics.Mean and read it every N steps or once per epoch"
    summary = "Flags `.numpy()`, `float()`/`int()` and `print()` of a training step's result on every iteration of the loop that runs the step. Off by default."
    rationale = """
        On a GPU or TPU, TensorFlow and JAX queue work asynchronously: the Python loop can
        dispatch the next step while the device runs the current one. Converting the loss to
        a Python number makes the host wait for the device on every step, so the two never
        overlap. The cost depends on the accelerator and the step size: on the 2-core CPU
        machine tf-lint is measured on, where nothing runs asynchronously, `float(loss)` on
        each of 500 steps cost nothing (0.32 s with and 0.26 s without), so this rule is
        off by default; enable it (`--extend-select TFL205`) for code that trains on
        accelerators.
    """
    example = """
        for images, labels in dataset:
            loss = train_step(images, labels)
            print("loss", float(loss))
    """
    use_instead = """
        mean_loss = keras.metrics.Mean()
        for step, (images, labels) in enumerate(dataset):
            mean_loss.update_state(train_step(images, labels))
            if step % 100 == 0:
                print("loss", float(mean_loss.result()))
    """
    known_problems = """
        Only values the loop gets from a training step the file shows (a `tf.function` of
        the file, `train_on_batch`) are followed. Conversions under an `if` inside the loop
        (periodic logging) are not flagged.
    """

    def visit_For(self, node: cst.For) -> None:
        self._loop(node)

    def visit_While(self, node: cst.While) -> None:
        self._loop(node)

    def _loop(self, node: "cst.For | cst.While") -> None:
        if not self.ctx.imports.imports_ml:
            return
        scope = self.ctx.scope
        self.defer(lambda: self._check(node, scope))

    def _check(self, loop: "cst.For | cst.While", scope: Scope) -> None:
        names = self.ctx.names(scope)
        results: Set[str] = set()
        for statement in _unconditional(loop.body):
            if isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Call):
                call = statement.value
                step = traced_function(call.func, scope, names, self.ctx.tracing.functions) is not None
                if step or (isinstance(call.func, cst.Attribute) and call.func.attr.value in _STEP_METHODS):
                    for target in statement.targets:
                        results.update(target_names(target.target))
        if not results:
            return
        for node in _unconditional_calls(loop.body):
            expr = _sync_of(node, results)
            if expr is not None:
                self.report(node, expr=expr)


def _sync_of(call: cst.Call, results: Set[str]) -> Optional[str]:
    func = call.func
    code = cst.Module([]).code_for_node
    if isinstance(func, cst.Attribute) and func.attr.value == "numpy" and isinstance(func.value, cst.Name):
        return code(call) if func.value.value in results else None
    if isinstance(func, cst.Name) and func.value in ("float", "int", "print"):
        for arg in call.args:
            if isinstance(arg.value, cst.Name) and arg.value.value in results:
                return code(call) if len(code(call)) <= 40 else f"{func.value}({arg.value.value})"
    return None


def _unconditional(block: cst.BaseSuite) -> List[cst.BaseSmallStatement]:
    """The small statements of the loop body that run on every iteration (not under an if)."""
    found: List[cst.BaseSmallStatement] = []
    stack: List[cst.CSTNode] = [block]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.If, cst.FunctionDef, cst.ClassDef, cst.For, cst.While, cst.Try)):
            continue
        if isinstance(node, cst.BaseSmallStatement):
            found.append(node)
            continue
        stack.extend(children(node))
    return found


def _unconditional_calls(block: cst.BaseSuite) -> List[cst.Call]:
    calls: List[cst.Call] = []
    stack: List[cst.CSTNode] = list(_unconditional(block))
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Lambda):
            continue
        if isinstance(node, cst.Call):
            calls.append(node)
        stack.extend(children(node))
    return calls
