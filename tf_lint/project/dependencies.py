"""What one file's findings read of other files, for the result cache (no parser needed here)."""

from __future__ import annotations

import hashlib
from typing import NamedTuple, Tuple


class Dependencies(NamedTuple):
    """The project modules a file's questions read, with the sha256 of their bytes, and the
    imports that found no module (a module created later must invalidate the result)."""

    files: Tuple[Tuple[str, str], ...] = ()  # (path, sha256 of the bytes)
    misses: Tuple[Tuple[str, str], ...] = ()  # (importing file, import target as written)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
