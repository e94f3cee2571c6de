"""Is a ``tf.data.Dataset`` batched? Followed through method chains and reassignments.

The answer is three-valued: ``BATCHED``, ``UNBATCHED`` or ``None`` (unknown, or not a
dataset). Only sources whose elements are known to be single records count as unbatched:
``from_tensor_slices`` (one slice per element) and the file-record readers. ``range`` and
``list_files`` yield counters and file names, which a ``map`` may turn into whole batches
(synthetic data, one file per batch), so after a ``map`` they are unknown. ``from_tensors``,
``from_generator`` and ``zip`` can yield batches and are unknown from the start, as is any
step the module cannot see into (``interleave``, ``flat_map``, ``apply``, a user function).
"""

from __future__ import annotations

from typing import Dict, NamedTuple, Optional, Sequence, Set

import libcst as cst

from tf_lint.names import ImportTable, ScopedNames
from tf_lint.semantics.scopes import Scope

BATCHED = "batched"
UNBATCHED = "unbatched"

# Source -> may a map() turn its elements into batches?
_UNBATCHED_SOURCES: Dict[str, bool] = {
    "tensorflow.data.Dataset.from_tensor_slices": False,
    "tensorflow.data.TFRecordDataset": False,
    "tensorflow.data.TextLineDataset": False,
    "tensorflow.data.FixedLengthRecordDataset": False,
    "tensorflow.data.Dataset.range": True,
    "tensorflow.data.Dataset.list_files": True,
}
_BATCHING = frozenset({"batch", "padded_batch", "ragged_batch", "bucket_by_sequence_length"})
_UNBATCHING = frozenset({"unbatch"})
_MAPPING = frozenset({"map"})
# Order-only or filtering steps: the elements keep their batch-ness.
_KEEPING = frozenset(
    {
        "filter", "shuffle", "repeat", "prefetch", "cache", "take", "skip", "shard",
        "with_options", "take_while", "ignore_errors", "concatenate",
    }
)


# Keras' directory/array loaders hand back datasets of whole batches.
_BATCHED_SOURCES = frozenset(
    {
        "image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory",
        "timeseries_dataset_from_array",
    }
)
_SOURCE_STEPS = {qualified.rsplit(".", 1)[1]: may_batch for qualified, may_batch in _UNBATCHED_SOURCES.items()}


def batch_state(steps: Sequence[str]) -> Optional[str]:
    """BATCHED, UNBATCHED or None for a pipeline given as its step names, source first
    (``["from_tensor_slices", "shuffle", "batch"]``): the same rules as :class:`DatasetFlow`."""
    if not steps:
        return None
    source = steps[0]
    if source in _BATCHED_SOURCES:
        state: Optional[_State] = _State(batched=True, map_may_batch=False)
    elif source in _SOURCE_STEPS:
        state = _State(batched=False, map_may_batch=_SOURCE_STEPS[source])
    else:
        return None
    for step in steps[1:]:
        assert state is not None
        if step in _BATCHING:
            state = _State(batched=True, map_may_batch=False)
        elif step in _UNBATCHING:
            state = _State(batched=False, map_may_batch=False)
        elif step in _MAPPING:
            if state.map_may_batch and not state.batched:
                return None
        elif step not in _KEEPING:
            return None
    assert state is not None
    return BATCHED if state.batched else UNBATCHED


class _State(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    batched: bool
    map_may_batch: bool  # a map() over these elements may build whole batches


class DatasetFlow:
    """Batch state of dataset-valued names, updated in statement order within each scope."""

    def __init__(self, imports: ImportTable) -> None:
        self.imports = imports
        self._states: Dict[cst.CSTNode, Dict[str, Optional[_State]]] = {}
        self._tainted: Set[str] = set()  # module names some function rebinds via ``global``

    def state_of(self, expr: cst.BaseExpression, scope: Scope) -> Optional[str]:
        state = self._evaluate(expr, scope)
        if state is None:
            return None
        return BATCHED if state.batched else UNBATCHED

    def _evaluate(self, expr: cst.BaseExpression, scope: Scope) -> Optional[_State]:
        if isinstance(expr, cst.Name):
            return self._states.get(scope.node, {}).get(expr.value)
        if not isinstance(expr, cst.Call):
            return None
        func = expr.func
        source = ScopedNames(self.imports, scope).resolve(func)
        if source in _UNBATCHED_SOURCES:
            return _State(batched=False, map_may_batch=_UNBATCHED_SOURCES[source])
        if not isinstance(func, cst.Attribute):
            return None
        base = self._evaluate(func.value, scope)
        if base is None:
            return None
        step = func.attr.value
        if step in _BATCHING:
            return _State(batched=True, map_may_batch=False)
        if step in _UNBATCHING:
            return _State(batched=False, map_may_batch=False)
        if step in _MAPPING:
            return None if base.map_may_batch and not base.batched else base
        return base if step in _KEEPING else None

    def assign(self, name: str, value: Optional[cst.BaseExpression], scope: Scope, *, conditional: bool) -> None:
        """Record ``name = value``; in a branch or loop, keep a state only if both paths agree.

        A name declared ``global`` is module state that any call may change: unknown for good.
        """
        if name in scope.declared_global:
            self._states.setdefault(scope.module().node, {})[name] = None
            self._tainted.add(name)
            return
        if scope.parent is None and name in self._tainted:
            return
        states = self._states.setdefault(scope.node, {})
        new = self._evaluate(value, scope) if value is not None else None
        if conditional and states.get(name) != new:
            new = None
        states[name] = new
