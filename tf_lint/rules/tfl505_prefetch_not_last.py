"""TFL505: a ``prefetch()`` followed by more work: it buffers the wrong elements."""

from __future__ import annotations

from typing import Tuple

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import PipelineRule, Pipelines
from tf_lint.semantics.dataflow import Step

# Steps that do work per element or change the elements: a prefetch before them is misplaced.
_WORK = frozenset({"batch", "padded_batch", "ragged_batch", "map", "shuffle", "unbatch", "filter", "interleave", "flat_map"})


class PrefetchNotLast(PipelineRule):
    code = "TFL505"
    name = "prefetch-not-last"
    severity = Severity.PERFORMANCE
    judged_steps = _WORK
    message = ".prefetch() is followed by .{step}(): it overlaps the wrong stage with training; make prefetch the last step"
    summary = "Flags `prefetch()` that is followed by `batch`, `map`, `shuffle` or other per-element work in the same pipeline."
    rationale = """
        `prefetch()` lets the pipeline produce the next elements while the model trains on
        the current ones. Placed before `batch()` or `map()`, it buffers raw elements, and the
        batching and mapping after it still run on the training step's critical path.
    """
    example = """
        ds = ds.prefetch(tf.data.AUTOTUNE).batch(32)
    """
    use_instead = """
        ds = ds.batch(32).prefetch(tf.data.AUTOTUNE)
    """
    known_problems = "A pipeline with another `prefetch()` at its end is not flagged."

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        for step in steps[:-1]:
            if step.name == "prefetch":
                if "prefetch" in pipelines.after.get(id(steps[-1].call), set()):
                    return  # another prefetch ends the pipeline
                self.report_step(step, step=steps[-1].name)
                return
