"""TFL509: ``.cache().take(n)``: the cache is never completed, so it is rebuilt every epoch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Set, Tuple

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import PipelineRule, Pipelines, last_index
from tf_lint.semantics.dataflow import Step

if TYPE_CHECKING:
    from tf_lint.context import FileContext


class TakeAfterCache(PipelineRule):
    code = "TFL509"
    name = "take-after-cache"
    severity = Severity.PERFORMANCE
    judged_steps = frozenset({"take"})
    message = ".take() after .cache() stops before the cache is complete, so tf.data discards the partial cache and reads the source again every epoch; take before caching"
    summary = "Flags `cache()` followed by `take()` (with no `repeat()` between them)."
    rationale = """
        A cache is only used once one full pass has written it. `take(n)` ends each pass
        early, the partial cache is dropped (TensorFlow logs "The calling iterator did not
        fully read the dataset being cached"), and every epoch pays the full cost of the
        steps before the cache again.
    """
    example = """
        ds = ds.map(decode).cache().take(1000)
    """
    use_instead = """
        ds = ds.map(decode).take(1000).cache()
    """
    known_problems = """
        Not flagged: a `repeat()` between the cache and the take (which completes the cache
        when n exceeds one pass), a take/skip split of the cached dataset (the skip side
        reads it to the end), and a `take()` iterated on the spot (`for batch in
        ds.take(1):`, a look at one batch).
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.iterated: Set[int] = set()  # take() calls iterated on the spot: a peek, not a pipeline

    def visit_For(self, node: cst.For) -> None:
        self.iterated.add(id(node.iter))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.iterated.add(id(node.iter))

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        if id(steps[-1].call) in self.iterated:
            return  # ``for batch in ds.take(1):`` looks at one batch; training later reads it all
        cache = last_index(steps, frozenset({"cache"}), len(steps) - 1)
        if cache is None:
            return
        repeat = last_index(steps, frozenset({"repeat"}), len(steps) - 1)
        if repeat is not None and repeat > cache:
            return
        if "skip" in pipelines.after.get(id(steps[cache].call), set()):
            return  # a take/skip split: the skip side reads to the end and completes the cache
        self.report_step(steps[-1])
