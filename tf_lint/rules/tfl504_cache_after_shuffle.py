"""TFL504: ``.shuffle().cache()``: one shuffled order, replayed every epoch."""

from __future__ import annotations

from typing import Tuple

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import PipelineRule, Pipelines, last_index
from tf_lint.semantics.dataflow import Step


class CacheAfterShuffle(PipelineRule):
    code = "TFL504"
    name = "cache-after-shuffle"
    severity = Severity.WARNING
    judged_steps = frozenset({"cache"})
    message = ".cache() after .shuffle() stores one shuffled order and replays it every epoch; cache before shuffling"
    summary = "Flags `shuffle()` followed by `cache()` when no `shuffle()` comes after the cache."
    rationale = """
        The cache keeps the elements in the order of the first pass. After it, the earlier
        shuffle never runs again, so every epoch iterates the same permutation, as if the
        data had been shuffled once on disk.
    """
    example = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).cache().batch(32)
    """
    use_instead = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).cache().shuffle(1000).batch(32)
    """
    known_problems = "A pipeline that shuffles again after the cache, in any use of it in the file, is not flagged."

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        shuffle = last_index(steps, frozenset({"shuffle"}), len(steps) - 1)
        if shuffle is None:
            return
        earlier_cache = last_index(steps, frozenset({"cache"}), len(steps) - 1)
        if earlier_cache is not None and earlier_cache > shuffle:
            return  # an earlier cache already froze the order: reported there
        if "shuffle" in pipelines.after.get(id(steps[-1].call), set()):
            return  # shuffled again after the cache
        self.report_step(steps[-1])
