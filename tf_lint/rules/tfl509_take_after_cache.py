"""TFL509: ``.cache().take(n)``: the cache is never completed, so it is rebuilt every epoch."""

from __future__ import annotations

from typing import Tuple

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import PipelineRule, Pipelines, last_index
from tf_lint.semantics.dataflow import Step


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
    known_problems = "Not flagged: a `repeat()` between the cache and the take (which completes the cache when n exceeds one pass), and a take/skip split of the cached dataset (the skip side reads it to the end)."

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        cache = last_index(steps, frozenset({"cache"}), len(steps) - 1)
        if cache is None:
            return
        repeat = last_index(steps, frozenset({"repeat"}), len(steps) - 1)
        if repeat is not None and repeat > cache:
            return
        if "skip" in pipelines.after.get(id(steps[cache].call), set()):
            return  # a take/skip split: the skip side reads to the end and completes the cache
        self.report_step(steps[-1])
