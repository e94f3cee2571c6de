"""A base for the tf.data pipeline-order rules: every dataset method call, with its pipeline.

Each ``ds.<step>(...)`` call of the file is a point where the pipeline is known up to that
step (``semantics.dataflow`` follows it through names, helpers and attributes). After the
traversal the base computes each point's pipeline once per file, notes which steps come
after each step in any pipeline of the file, and hands each pipeline whose last step is a
step the rule cares about to :meth:`judge`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.names import Names
from tf_lint.rule import Rule
from tf_lint.semantics.dataflow import DATASET, DATASET_METHODS, Step, dataflow, may_hold_datasets
from tf_lint.semantics.loops import static_int, static_length
from tf_lint.semantics.pipeline_functions import mapped_function
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

BATCHING = frozenset({"batch", "padded_batch", "ragged_batch", "bucket_by_sequence_length"})
TOY_ELEMENTS = 16  # a pipeline over at most this many literal elements is a demonstration
_SLICED_SOURCES = frozenset({"range", "from_tensor_slices"})
DIRECTORY_LOADERS = frozenset(
    {"image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory", "timeseries_dataset_from_array"}
)


class Pipelines:
    """Every dataset pipeline of one file, computed once and shared by the pipeline rules."""

    def __init__(self) -> None:
        self.points: List[Tuple[cst.Call, Tuple[Step, ...]]] = []
        self.after: Dict[int, Set[str]] = {}  # id(step call) -> names of steps that follow it somewhere
        self.after_steps: Dict[int, List[Step]] = {}


class PipelineRule(Rule):
    """Subclasses set ``judged_steps`` and implement :meth:`judge`."""

    judged_steps: ClassVar[FrozenSet[str]]

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.reported: Set[int] = set()

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=DATASET_METHODS)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml or not may_hold_datasets(self.ctx):
            return
        seen: Set[int] = self.ctx.shared.setdefault("pipeline-seen", set())
        if id(node) not in seen:  # every pipeline rule sees the call: record it once
            seen.add(id(node))
            points: List[Tuple[cst.Call, Scope]] = self.ctx.shared.setdefault("pipeline-points", [])
            points.append((node, self.ctx.scope))

    def finish(self) -> None:
        pipelines = self._pipelines()
        for _, steps in pipelines.points:
            if steps[-1].name in self.judged_steps:
                self.judge(steps, pipelines)

    def _pipelines(self) -> Pipelines:
        shared = self.ctx.shared
        if "pipelines" not in shared:
            pipelines = Pipelines()
            flow = dataflow(self.ctx)
            for call, scope in shared.get("pipeline-points", []):
                value = flow.value(call, scope)
                if value is None or value.kind != DATASET or value.steps[-1].call is not call:
                    continue
                pipelines.points.append((call, value.steps))
                for index, step in enumerate(value.steps):
                    later = value.steps[index + 1:]
                    pipelines.after.setdefault(id(step.call), set()).update(s.name for s in later)
                    known = pipelines.after_steps.setdefault(id(step.call), [])
                    known.extend(s for s in later if all(s.call is not k.call for k in known))
            shared["pipelines"] = pipelines
        result: Pipelines = shared["pipelines"]
        return result

    def judge(self, steps: Tuple[Step, ...], pipelines: Pipelines) -> None:
        raise NotImplementedError

    def report_step(self, at: Step, **fields: object) -> None:
        """Report on the step's method name (``shuffle`` in ``ds.shuffle(...)``), once; never on a
        step written in another module (that module's own lint reports it)."""
        if id(at.call) in self.reported or (at.file is not None and at.file is not self.ctx):
            return
        self.reported.add(id(at.call))
        func = at.call.func
        self.report(func.attr if isinstance(func, cst.Attribute) else at.call, None, **fields)


def last_index(steps: Tuple[Step, ...], names: FrozenSet[str], before: Optional[int] = None) -> Optional[int]:
    """The index of the last step named in ``names`` (before index ``before``)."""
    end = len(steps) if before is None else before
    for index in range(end - 1, -1, -1):
        if steps[index].name in names:
            return index
    return None


def toy_source(steps: Tuple[Step, ...], module_scope: Scope, names: Names) -> bool:
    """A pipeline over a handful of literal elements (``Dataset.range(10)``, a 4-row XOR table):
    a demonstration of what the steps do, not a training pipeline."""
    source = steps[0]
    first = source.call.args[0].value if source.call.args and source.call.args[0].keyword is None else None
    if first is None or source.name not in _SLICED_SOURCES:
        return False
    if isinstance(first, cst.Tuple) and first.elements:  # (features, labels): sliced together
        first = first.elements[0].value
    if source.name == "range":
        length = static_int(first, module_scope, names)
    else:
        length = static_length(first, module_scope, names)
    return length is not None and length <= TOY_ELEMENTS


def is_projection(step: Step, module_scope: Scope) -> bool:
    """``map(lambda x, y: x)``: picks parts of each element, no work per element."""
    if step.name != "map":
        return False
    function = mapped_function(step.call, module_scope)
    if not isinstance(function, cst.Lambda):
        return False
    params = {param.name.value for param in function.params.params}
    return _picks_from(function.body, params)


def _picks_from(expr: cst.BaseExpression, params: Set[str]) -> bool:
    if isinstance(expr, cst.Name):
        return expr.value in params
    if isinstance(expr, (cst.Tuple, cst.List)):
        return all(isinstance(e, cst.Element) and _picks_from(e.value, params) for e in expr.elements)
    if isinstance(expr, cst.Subscript):  # d["image"], x[0]
        return _picks_from(expr.value, params) and all(
            isinstance(e.slice, cst.Index) and isinstance(e.slice.value, (cst.SimpleString, cst.Integer)) for e in expr.slice
        )
    return False
