"""TFL505: a ``prefetch()`` followed by more work: it buffers the wrong elements."""

from __future__ import annotations

from typing import List, Optional, Set, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rules._pipeline_rule import PipelineRule, Pipelines, is_projection
from tf_lint.semantics.dataflow import DATASET, Step, dataflow
from tf_lint.semantics.expressions import argument, keyword
from tf_lint.semantics.scopes import Scope

KERAS_DATA_METHODS = frozenset({"fit", "evaluate", "predict"})

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
    known_problems = """
        Only pipelines that reach `fit()`, `evaluate()` or `predict()` in the file are judged
        (a map after the prefetch that only feeds a printout of one batch costs nothing), and
        a `map()` that only picks parts of each element (`lambda x, y: x`) is not work. A
        pipeline with another `prefetch()` at its end is not flagged. Pipelines fed to a
        hand-written training loop are not judged.
    """

    def call_interests(self) -> CallInterests:
        own = super().call_interests()
        return own._replace(methods=own.methods | KERAS_DATA_METHODS)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in KERAS_DATA_METHODS:
            fed: List[Tuple[cst.Call, Scope]] = self.ctx.shared.setdefault("keras-data-calls", [])
            fed.append((node, self.ctx.scope))
        super().on_call(node, callee)

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        if is_projection(steps[-1], self.ctx.module_scope) or id(steps[-1].call) not in self._fed_to_keras():
            return
        for step in steps[:-1]:
            if step.name == "prefetch":
                if "prefetch" in pipelines.after.get(id(steps[-1].call), set()):
                    return  # another prefetch ends the pipeline
                self.report_step(step, step=steps[-1].name)
                return

    def _fed_to_keras(self) -> Set[int]:
        """Every step of every dataset the file passes to fit/evaluate/predict (computed once)."""
        shared = self.ctx.shared
        if "keras-fed-steps" not in shared:
            flow = dataflow(self.ctx)
            found: Set[int] = set()
            for call, scope in shared.get("keras-data-calls", []):
                for arg in (argument(call, "x", 0), keyword(call, "validation_data")):
                    value = flow.value(arg.value, scope, call) if arg is not None else None
                    if value is not None and value.kind == DATASET:
                        found.update(id(step.call) for step in value.steps)
            shared["keras-fed-steps"] = found
        fed: Set[int] = shared["keras-fed-steps"]
        return fed
