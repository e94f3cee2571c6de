"""TFL507: a shuffle buffer too small to shuffle (1, or no larger than the batch)."""

from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import BATCHING, PipelineRule, Pipelines, toy_source
from tf_lint.semantics.dataflow import Step
from tf_lint.semantics.expressions import argument


class IneffectiveShuffleBuffer(PipelineRule):
    code = "TFL507"
    name = "ineffective-shuffle-buffer"
    severity = Severity.WARNING
    judged_steps = frozenset({"shuffle"})
    message = "shuffle(buffer_size={size}) {reason}; use a buffer comparable to the dataset size (or shuffle file names before interleaving)"
    summary = "Flags `shuffle()` with a literal buffer of 1, or no larger than the literal batch size that follows."
    rationale = """
        `shuffle(n)` fills a buffer of n elements and draws each output at random from it,
        so an element can only move about n places. A buffer of 1 returns the elements in
        order; a buffer the size of one batch makes each batch a window of consecutive
        records, nearly the unshuffled order.
    """
    example = """
        ds = ds.shuffle(32).batch(32)
    """
    use_instead = """
        ds = ds.shuffle(10_000).batch(32)
    """
    known_problems = """
        Only literal sizes are compared; `shuffle(len(x))` and named constants are trusted.
        Pipelines over a handful of literal elements (a demonstration) are not flagged.
    """

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        call = steps[-1].call
        size = _literal(argument(call, "buffer_size", 0))
        if size is None or toy_source(steps, self.ctx.module_scope, self.ctx.imports):
            return  # a six-element dataset shuffled to show what shuffle does
        if size <= 1:
            self.report_step(steps[-1], size=size, reason="does not shuffle at all: each element comes out in order")
            return
        for later in pipelines.after_steps.get(id(call), []):
            if later.name in BATCHING:
                batch = _literal(argument(later.call, "batch_size", 0))
                if batch is not None and size <= batch:
                    reason = f"is no larger than the batch of {batch}: each batch is a window of consecutive elements"
                    self.report_step(steps[-1], size=size, reason=reason)
                return


def _literal(arg: Optional[cst.Arg]) -> Optional[int]:
    if arg is not None and isinstance(arg.value, cst.Integer):
        return int(arg.value.evaluated_value)
    return None
