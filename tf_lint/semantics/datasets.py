"""Is a ``tf.data.Dataset`` batched? Followed through method chains and reassignments.

The answer is three-valued: ``BATCHED``, ``UNBATCHED`` or ``None`` (unknown, or not a
dataset). Only sources whose elements are known to be single records count as unbatched
(``from_tensor_slices``, ``range``, file readers); ``from_tensors``, ``from_generator`` and
``zip`` can yield batches and stay unknown, as does any step the module cannot see into
(``interleave``, ``flat_map``, ``apply``, a user function).
"""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from tf_lint.names import ImportTable

BATCHED = "batched"
UNBATCHED = "unbatched"

_UNBATCHED_SOURCES = frozenset(
    {
        "tensorflow.data.Dataset.from_tensor_slices",
        "tensorflow.data.Dataset.range",
        "tensorflow.data.Dataset.list_files",
        "tensorflow.data.TFRecordDataset",
        "tensorflow.data.TextLineDataset",
        "tensorflow.data.FixedLengthRecordDataset",
    }
)
_BATCHING = frozenset({"batch", "padded_batch", "ragged_batch", "bucket_by_sequence_length"})
_UNBATCHING = frozenset({"unbatch"})
# Element-wise or order-only steps: the elements keep their batch-ness.
_KEEPING = frozenset(
    {
        "map", "filter", "shuffle", "repeat", "prefetch", "cache", "take", "skip", "shard",
        "with_options", "take_while", "ignore_errors", "apply_options", "concatenate",
    }
)


class DatasetFlow:
    """Batch state of dataset-valued names, updated in statement order within each scope."""

    def __init__(self, imports: ImportTable) -> None:
        self.imports = imports
        self._states: Dict[cst.CSTNode, Dict[str, Optional[str]]] = {}

    def state_of(self, expr: cst.BaseExpression, scope: cst.CSTNode) -> Optional[str]:
        if isinstance(expr, cst.Name):
            return self._states.get(scope, {}).get(expr.value)
        if not isinstance(expr, cst.Call):
            return None
        func = expr.func
        if self.imports.resolve(func) in _UNBATCHED_SOURCES:
            return UNBATCHED
        if not isinstance(func, cst.Attribute):
            return None
        base = self.state_of(func.value, scope)
        if base is None:
            return None
        step = func.attr.value
        if step in _BATCHING:
            return BATCHED
        if step in _UNBATCHING:
            return UNBATCHED
        return base if step in _KEEPING else None

    def assign(self, name: str, value: Optional[cst.BaseExpression], scope: cst.CSTNode, *, conditional: bool) -> None:
        """Record ``name = value``; in a branch or loop, keep a state only if both paths agree."""
        states = self._states.setdefault(scope, {})
        new = self.state_of(value, scope) if value is not None else None
        if conditional and states.get(name) != new:
            new = None
        states[name] = new
