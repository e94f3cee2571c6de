"""TFL211: ``Dataset.map`` without ``num_parallel_calls`` in a training pipeline."""

from __future__ import annotations

from typing import Tuple

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import BATCHING, PipelineRule, Pipelines
from tf_lint.semantics.dataflow import Step
from tf_lint.semantics.expressions import calls_in, keyword
from tf_lint.semantics.pipeline_functions import mapped_function

# File readers: every map over their records parses or decodes.
_FILE_SOURCES = frozenset({"TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset", "list_files"})
# Calls that read, parse or decode one record: the per-element work parallel calls speed up.
_DECODING = ("tensorflow.io.", "tensorflow.image.decode", "tensorflow.strings.", "tensorflow.audio.", "tensorflow.py_function", "tensorflow.numpy_function")


class MapWithoutParallelism(PipelineRule):
    code = "TFL211"
    name = "map-without-parallelism"
    severity = Severity.PERFORMANCE
    judged_steps = frozenset({"map"})
    message = ".map() without num_parallel_calls runs its function on one element at a time on one core; pass num_parallel_calls=tf.data.AUTOTUNE (the output order is kept)"
    summary = "Flags `map()` without `num_parallel_calls` when the mapped function reads or decodes records, in a pipeline batched later."
    rationale = """
        By default `Dataset.map` calls its function on one element at a time, so reading
        and decoding records runs serially while the accelerator waits. With
        `num_parallel_calls=tf.data.AUTOTUNE`, tf.data runs it on as many cores as it finds
        useful; the elements still come out in their original order (`deterministic`
        defaults to true). Measured on TensorFlow 2.21 on a 2-core machine: decoding,
        resizing and flipping 256 JPEGs took 0.331 s sequentially and 0.190 s with AUTOTUNE
        (1.75x; more with more cores). A map of plain tensor ops over in-memory tensors
        measured slower in parallel there (0.59x), so those are not flagged.
    """
    example = """
        ds = tf.data.Dataset.from_tensor_slices(paths).map(load_image).batch(32)
    """
    use_instead = """
        ds = tf.data.Dataset.from_tensor_slices(paths).map(load_image, num_parallel_calls=tf.data.AUTOTUNE).batch(32)
    """
    known_problems = """
        Only maps that read, parse or decode records (`tf.io.*`, `tf.image.decode_*`,
        `tf.strings.*`, `tf.py_function`...; the function must be a lambda or a `def` of the
        file) or that map a file reader's records, in pipelines batched later in the file.
    """

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        call = steps[-1].call
        if keyword(call, "num_parallel_calls") is not None:
            return
        if steps[0].name not in _FILE_SOURCES and not self._decodes(call):
            return
        if any(arg.star for arg in call.args) or len([a for a in call.args if a.keyword is None]) > 1:
            return  # num_parallel_calls passed by position, or unpacked
        later = pipelines.after.get(id(call), set())
        if not later & BATCHING and not any(s.name in BATCHING for s in steps[:-1]):
            return
        self.report_step(steps[-1])

    def _decodes(self, call: cst.Call) -> bool:
        function = mapped_function(call, self.ctx.module_scope)
        if function is None:
            return False
        return any((self.ctx.imports.resolve(c.func) or "").startswith(_DECODING) for c in calls_in(function))
