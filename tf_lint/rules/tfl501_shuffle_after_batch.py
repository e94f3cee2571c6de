"""TFL501: ``.batch().shuffle()``: shuffles whole batches, so batch composition never changes."""

from __future__ import annotations

from typing import Tuple

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import BATCHING, DIRECTORY_LOADERS, PipelineRule, Pipelines, last_index
from tf_lint.semantics.dataflow import Step


class ShuffleAfterBatch(PipelineRule):
    code = "TFL501"
    name = "shuffle-after-batch"
    severity = Severity.WARNING
    judged_steps = frozenset({"shuffle"})
    message = ".shuffle() after .{batch}() shuffles the order of whole batches: the same samples train together in every epoch; shuffle before batching"
    summary = "Flags a `shuffle()` that comes after `batch()` in a pipeline that was not shuffled element by element before."
    rationale = """
        After `batch()`, each dataset element is a batch, so `shuffle()` only reorders
        batches; which samples share a batch is fixed by the order before batching and is
        the same every epoch. Stochastic gradient descent relies on batches being fresh
        random draws. The tf.data guide shuffles before batching.
    """
    example = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(32).shuffle(100)
    """
    use_instead = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10_000).batch(32)
    """
    known_problems = """
        Not flagged when the elements were shuffled before batching too (shuffling batches
        on top is a deliberate bucketing trick) or the pipeline starts from a Keras
        `*_dataset_from_directory` loader (which shuffles files itself). Pipelines whose
        records are already batches (TFRecords of batches) cannot be told apart.
    """

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        if steps[0].name in DIRECTORY_LOADERS:
            return
        batch = last_index(steps, BATCHING, len(steps) - 1)
        if batch is None:
            return
        unbatch = last_index(steps, frozenset({"unbatch"}), len(steps) - 1)
        if unbatch is not None and unbatch > batch:
            return  # elements again by the time of the shuffle
        if last_index(steps, frozenset({"shuffle"}), batch) is not None:
            return  # elements were shuffled before batching as well
        self.report_step(steps[-1], batch=steps[batch].name)
