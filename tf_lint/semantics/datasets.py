"""Is a ``tf.data.Dataset`` batched? Judged from its pipeline steps (``semantics.dataflow``).

The answer is three-valued: ``BATCHED``, ``UNBATCHED`` or ``None`` (unknown, or not a
dataset). Only sources whose elements are known to be single records count as unbatched:
``from_tensor_slices`` (one slice per element) and the file-record readers. ``range`` and
``list_files`` yield counters and file names, which a ``map`` may turn into whole batches
(synthetic data, one file per batch), so after a ``map`` they are unknown. ``from_tensors``,
``from_generator`` and ``zip`` can yield batches and are unknown from the start, as is any
step the module cannot see into (``interleave``, ``flat_map``, ``apply``, a user function).
"""

from __future__ import annotations

from typing import Dict, NamedTuple, Optional, Sequence

BATCHED = "batched"
UNBATCHED = "unbatched"


class _State(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    batched: bool
    map_may_batch: bool  # a map() over these elements may build whole batches

# Source step (see semantics.dataflow) -> may a map() turn its elements into batches?
_UNBATCHED_SOURCES: Dict[str, bool] = {
    "from_tensor_slices": False,
    "TFRecordDataset": False,
    "TextLineDataset": False,
    "FixedLengthRecordDataset": False,
    "range": True,
    "list_files": True,
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


def batch_state(steps: Sequence[str]) -> Optional[str]:
    """BATCHED, UNBATCHED or None for a pipeline given as its step names, source first
    (``["from_tensor_slices", "shuffle", "batch"]``)."""
    if not steps:
        return None
    source = steps[0]
    if source in _BATCHED_SOURCES:
        state: Optional[_State] = _State(batched=True, map_may_batch=False)
    elif source in _UNBATCHED_SOURCES:
        state = _State(batched=False, map_may_batch=_UNBATCHED_SOURCES[source])
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

