"""TensorFlow device strings, parsed the way ``tf.device`` parses them.

``tf.device(spec)`` splits the spec on ``/`` and each part on ``:``. A part is ``job:x``,
``replica:n``, ``task:n``, ``<TYPE>`` or ``<TYPE>:<index>`` (TYPE one of the device types,
``cpu``/``gpu`` also in lower case), or ``device:<TYPE>:<index>``; anything else raises
``ValueError: Unknown attribute ...``. Soft placement then runs an op on the CPU when the
named device does not exist, silently (keras-runtime-facts section 6).
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

# tensorflow/python/framework/device_spec.py: _VALID_DEVICE_TYPES (checked against the installed
# TensorFlow by tests/test_knowledge.py). Plug-ins may register more, so other names are only
# called wrong when they are another framework's (below).
VALID_DEVICE_TYPES = frozenset({"CPU", "GPU", "TPU", "CUSTOM", "EPU"})
# Device names from other frameworks that TensorFlow rejects (PyTorch's "cuda"/"mps"), and
# "XLA_GPU"/"XLA_CPU", which TF 2 no longer has.
_FOREIGN = {"cuda": "GPU", "mps": "GPU", "xla_gpu": "GPU", "xla_cpu": "CPU"}
_GLUED = re.compile(r"^(cpu|gpu|tpu)(\d+)$", re.IGNORECASE)


def _index_ok(text: str) -> bool:
    """``int()`` as TensorFlow applies it (spaces allowed), ``*``, and not negative (TensorFlow
    parses ``-1`` but rejects it as a malformed device at the first op)."""
    if text == "*":
        return True
    try:
        return int(text) >= 0
    except ValueError:
        return False


class DeviceProblem(NamedTuple):
    part: str  # the offending part, as TensorFlow's error names it
    fixed: Optional[str]  # a spec that means what was meant, when that is certain


def device_problem(spec: str) -> Optional[DeviceProblem]:
    """What ``tf.device(spec)`` would reject, or None (valid, or a plug-in's device type)."""
    parts = [part.split(":") for part in spec.split("/")]
    named = [fields for fields in parts if fields != [""]]
    for fields in parts:
        if not fields or fields == [""]:
            continue
        head = fields[0]
        if len(fields) == 2 and head in ("job", "replica", "task"):
            continue
        if len(fields) in (1, 2) and head.upper() in VALID_DEVICE_TYPES:
            if len(fields) == 2 and not _index_ok(fields[1]):
                return DeviceProblem(head, None)
            continue
        if len(fields) == 3 and head == "device":
            if not _index_ok(fields[2]):
                return DeviceProblem(head, None)
            continue
        glued = _GLUED.match(head)
        if glued is not None and len(fields) == 1:
            return DeviceProblem(head, f"/{glued.group(1).upper()}:{glued.group(2)}")
        foreign = _FOREIGN.get(head.lower())
        if foreign is not None:
            index = fields[1].strip() if len(fields) == 2 and _index_ok(fields[1]) else "0" if len(fields) == 1 else None
            return DeviceProblem(head, f"/{foreign}:{index}" if index is not None and len(named) == 1 else None)
        if head in ("device", "physical_device"):
            return DeviceProblem(head, None)
    return None


def names_gpu(spec: str) -> bool:
    """Does the spec ask for a GPU (``/GPU:0``, ``/device:GPU:1``, ``gpu``)?"""
    return re.search(r"(^|[/:])gpu(:|$)", spec, re.IGNORECASE) is not None
