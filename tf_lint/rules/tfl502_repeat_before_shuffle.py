"""TFL502: ``.repeat().shuffle()``: the shuffle buffer mixes epochs."""

from __future__ import annotations

from typing import Tuple

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import PipelineRule, Pipelines, last_index, toy_source
from tf_lint.semantics.dataflow import Step


class RepeatBeforeShuffle(PipelineRule):
    code = "TFL502"
    name = "repeat-before-shuffle"
    severity = Severity.STYLE
    judged_steps = frozenset({"shuffle"})
    message = ".shuffle() after .repeat() blurs epoch boundaries: some elements are seen twice before others are seen once; shuffle before repeating"
    summary = "Flags `repeat()` followed by `shuffle()` when the elements were not shuffled before the repeat."
    rationale = """
        With `repeat()` first, the shuffle buffer draws from a stream in which the next
        epoch's elements already follow this epoch's, so an "epoch" no longer contains every
        element exactly once. Shuffling first and repeating after keeps each pass a
        permutation. (It is a trade-off some streaming pipelines make on purpose.)
    """
    example = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).repeat().shuffle(1000).batch(32)
    """
    use_instead = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).repeat().batch(32)
    """
    known_problems = """
        A deliberate cross-epoch shuffle (infinite streams, reinforcement learning buffers) is
        flagged too; suppress it with `# noqa: TFL502`. Pipelines over a handful of literal
        elements (`Dataset.range(10)`, a 4-row table written in the file) are demonstrations
        of the order and are not flagged.
    """

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        repeat = last_index(steps, frozenset({"repeat"}), len(steps) - 1)
        if repeat is None or last_index(steps, frozenset({"shuffle"}), repeat) is not None:
            return
        if toy_source(steps, self.ctx.module_scope, self.ctx.imports):
            return  # Dataset.range(10).repeat(3).shuffle(3): a demonstration of the order
        self.report_step(steps[-1])
