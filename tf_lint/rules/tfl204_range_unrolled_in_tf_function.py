"""TFL204: ``for i in range(t.shape[0])`` inside ``tf.function`` unrolls the graph."""

from __future__ import annotations

from tf_lint.diagnostics import Severity
from tf_lint.rules._loop_rule import LoopRule
from tf_lint.semantics.loops import STATIC_SHAPE, LoopShape, range_over_size
from tf_lint.semantics.scopes import Scope
from tf_lint.semantics.tensors import TensorOracle
from tf_lint.semantics.tracing import TRACED


class RangeUnrolledInTfFunction(LoopRule):
    code = "TFL204"
    name = "python-range-unrolled-in-tf-function"
    severity = Severity.PERFORMANCE
    message = "'for ... in range({bound})' inside a tf.function is unrolled at trace time (one copy of the body per element); loop over tf.range({dynamic}) to build one graph loop"
    summary = "Flags a Python `range` over a tensor's static size (`t.shape[k]`, `len(t)`) inside a `tf.function`."
    rationale = """
        AutoGraph turns a loop into a graph `while` only when the bound is a tensor. A Python
        int bound, which `t.shape[0]` and `len(t)` are at trace time, unrolls the body once per
        iteration. Measured (keras-runtime-facts §4): 1,000 elements gave 7,003 graph ops and
        a 1.97 s trace, 10,000 elements 70,003 ops and a 19.9 s trace, where
        `tf.range(tf.shape(t)[0])` builds a 23-op while loop. With an `input_signature` whose
        dimension is `None`, the same loop raises `TypeError` instead.
    """
    example = """
        import tensorflow as tf

        @tf.function
        def total(t):
            acc = tf.constant(0.0)
            for i in range(t.shape[0]):
                acc += t[i]
            return acc
    """
    use_instead = """
        import tensorflow as tf

        @tf.function
        def total(t):
            acc = tf.constant(0.0)
            for i in tf.range(tf.shape(t)[0]):
                acc += t[i]
            return acc
    """
    known_problems = """
        Fires for names that are parameters of the traced function or known tensors; loops
        over `self.<attr>` sizes or literal bounds (deliberately unrolled layer stacks) are
        left alone. Only functions known to be traced count: decorated with `tf.function`,
        wrapped by `tf.function(f)` in the same file, or nested in such a function.
    """

    def on_loop(self, loop: LoopShape) -> None:
        ranged = range_over_size(loop.iter, self.ctx.imports)
        if ranged is None or ranged.kind != STATIC_SHAPE:
            return
        scope = self.ctx.scope

        def check() -> None:
            if self.ctx.tracing.state(scope) != TRACED:
                return
            name = ranged.array.value
            if _is_traced_parameter(scope, name) or TensorOracle(self.ctx.imports).is_tensor(ranged.array, scope):
                self.report(loop.node, bound=ranged.spelled, dynamic=ranged.as_tensor)

        self.defer(check)


def _is_traced_parameter(scope: Scope, name: str) -> bool:
    owner = scope.owner_of(name)
    return owner is not None and owner.kind == "function" and name in owner.params and name != "self"
