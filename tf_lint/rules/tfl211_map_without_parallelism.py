"""TFL211: ``Dataset.map`` without ``num_parallel_calls`` in a training pipeline."""

from __future__ import annotations

from typing import Set, Tuple

from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import BATCHING, PipelineRule, Pipelines, is_projection
from tf_lint.semantics.dataflow import Step
from tf_lint.semantics.expressions import calls_in, keyword
from tf_lint.semantics.links import built_at
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
    message = ".map(){where} without num_parallel_calls runs its function on one element at a time on one core; pass num_parallel_calls=tf.data.AUTOTUNE (the output order is kept)"
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
        file) or that map a file reader's records, in pipelines batched later in the file. A
        `map()` in a helper of another module of the project, batched in this file, is reported
        here, where the pipeline enters the file, with the `map()`'s own location.
    """

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        later = pipelines.after.get(id(steps[-1].call), set())
        if self._serial_decoding(steps, len(steps) - 1, later):
            self.report_step(steps[-1], where="")

    def finish(self) -> None:
        super().finish()
        # A map() written in another module (a helper there builds the pipeline) and batched
        # here: reported where the pipeline enters this file, naming where the map() is.
        pipelines = self._pipelines()
        for _, steps in pipelines.points:
            if len(steps) < 2 or self._foreign(steps[-1]) or not self._foreign(steps[-2]):
                continue
            later = {s.name for s in steps} | pipelines.after.get(id(steps[-1].call), set())
            for index, step in enumerate(steps[:-1]):
                if step.name == "map" and self._foreign(step) and self._serial_decoding(steps, index, later):
                    self.report_step(steps[-1], where=f" at {built_at(self.ctx.module_scope, step.file, step.call)}")
                    break

    def _foreign(self, step: Step) -> bool:
        return step.file is not None and step.file is not self.ctx

    def _serial_decoding(self, steps: Tuple[Step, ...], index: int, later: Set[str]) -> bool:
        """Is ``steps[index]`` a decoding map() without parallel calls, in a pipeline batched
        before or after it?"""
        step = steps[index]
        call = step.call
        if step.name != "map" or keyword(call, "num_parallel_calls") is not None:
            return False
        if is_projection(step, step.file.module_scope if step.file is not None else self.ctx.module_scope):
            return False  # `lambda x, y: x`: no work to spread over cores
        if steps[0].name not in _FILE_SOURCES and not self._decodes(step):
            return False
        if any(arg.star for arg in call.args) or len([a for a in call.args if a.keyword is None]) > 1:
            return False  # num_parallel_calls passed by position, or unpacked
        return bool(later & BATCHING) or any(s.name in BATCHING for s in steps[:index])

    def _decodes(self, step: Step) -> bool:
        file = step.file if step.file is not None else self.ctx
        function = mapped_function(step.call, file.module_scope)
        if function is None:
            return False
        return any((file.imports.resolve(c.func) or "").startswith(_DECODING) for c in calls_in(function))
