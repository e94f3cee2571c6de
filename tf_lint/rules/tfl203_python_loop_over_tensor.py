"""TFL203: a Python loop over the elements of a tensor in eager code."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.names import Names
from tf_lint.rules._loop_rule import LoopRule
from tf_lint.semantics.expressions import short_code
from tf_lint.semantics.loops import LoopShape, hot, indexes_with, range_over_size
from tf_lint.semantics.reaching import reaching, shared_parents
from tf_lint.semantics.scopes import Scope, target_names
from tf_lint.semantics.tensors import TensorOracle
from tf_lint.semantics.tracing import EAGER


class PythonLoopOverTensor(LoopRule):
    code = "TFL203"
    name = "python-loop-over-tensor"
    severity = Severity.PERFORMANCE
    message = "Python loop over the elements of tensor {tensor!r} runs one eager op per element; use a vectorized tf op (or tf.map_fn / tf.vectorized_map)"
    summary = "Flags `for x in t` and `for i in range(len(t))`-style loops that index `t[i]`, where `t` is a tensor, in eager code."
    rationale = """
        Outside a `tf.function` every `t[i]` and every arithmetic op on it is a separate eager
        op dispatched from Python. Measured on CPU (keras-runtime-facts §4): summing `t[i]*2`
        over 1,000 elements took 146 ms against 59 µs for `tf.reduce_sum(t*2)` (2,475x);
        at 10,000 elements, 2.1 s (33,469x). `for row in t` is as slow.
    """
    example = """
        import tensorflow as tf
        t = tf.random.normal([1000])
        total = 0.0
        for i in range(t.shape[0]):
            total += t[i] * 2
    """
    use_instead = """
        import tensorflow as tf
        t = tf.random.normal([1000])
        total = tf.reduce_sum(t * 2)
    """
    known_problems = """
        Fires only when `t` is known to be a tensor: every binding of the name in its scope is
        a TensorFlow op that returns one tensor (`tf.constant`, `tf.random.normal`,
        `tf.reshape`...). Loops over `tf.range(n)` are counters (an epoch loop, say) and are not
        flagged. Loops over a `tf.data.Dataset`, a list of tensors
        (`tf.unstack(t)`, `model.weights`), NumPy arrays or function parameters are not
        flagged, nor are loops in code that may be traced (`@tf.function`, functions passed
        to `Dataset.map`, Keras `call`/`train_step` methods): AutoGraph converts those.
        Loops that are not hot are left alone: in test files (`test_*.py`, `*_test.py`,
        `conftest.py`), and loops the source shows run at most 16 times in all (a literal list
        of cases, `range(3)`, `zip` of such lists, a 2x2 `tf.constant`).
    """

    def on_loop(self, loop: LoopShape) -> None:
        scope = self.ctx.scope
        self.defer(lambda: self._check(loop, scope))

    def _check(self, loop: LoopShape, scope: Scope) -> None:
        if self.ctx.tracing.state(scope) != EAGER:
            return
        oracle = TensorOracle(self.ctx.imports)
        names = self.ctx.names(scope)
        ranged = range_over_size(loop.iter, names)
        if ranged is not None:
            index_names = target_names(loop.target)
            if (
                index_names
                and oracle.is_tensor(ranged.array, scope)
                and indexes_with(loop.body, ranged.array.value, index_names)
                and self._hot(loop, scope)
            ):
                self.report(loop.node, tensor=ranged.array.value)
            return
        if oracle.is_tensor(loop.iter, scope) and not _is_counter(loop.iter, scope, names) and self._hot(loop, scope):
            self.report(loop.node, tensor=short_code(loop.iter))

    def _hot(self, loop: LoopShape, scope: Scope) -> bool:
        """Not a handful of elements the source shows (a tensor's literal shape where the loop
        runs), not a test."""
        parents = shared_parents(self.ctx)

        def value_at_loop(name: str) -> Optional[cst.BaseExpression]:
            found = reaching(name, loop.iter, scope, parents)
            return found.value if found is not None and not found.path else None

        return hot(self.ctx.path, [loop.iter], scope, self.ctx.names(scope), value_at_loop)


def _is_counter(expr: cst.BaseExpression, scope: Scope, names: Names) -> bool:
    """``for epoch in tf.range(n)``: the elements are step counters, the body is arbitrary work."""
    if isinstance(expr, cst.Call):
        return names.resolve(expr.func) == "tensorflow.range"
    if isinstance(expr, cst.Name):
        bindings = scope.bindings_of(expr.value)
        return bool(bindings) and all(b.value is not None and _is_counter(b.value, scope, names) for b in bindings)
    return False
