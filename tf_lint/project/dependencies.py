"""What one file's findings read of other files, for the result cache (no parser needed here)."""

from __future__ import annotations

import hashlib
import os
import time
from typing import NamedTuple, Optional, Tuple

# A file modified this recently may be modified again within the file system's timestamp
# granularity, without its (mtime, size) changing (git's "racy" files): its bytes are read again.
_RACY_SECONDS = 2.0


class Dependencies(NamedTuple):
    """The project modules a file's questions read, with the sha256 of their bytes, and the
    imports that found no module (a module created later must invalidate the result)."""

    files: Tuple[Tuple[str, str], ...] = ()  # (path, sha256 of the bytes)
    misses: Tuple[Tuple[str, str], ...] = ()  # (importing file, import target as written)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stamp(path: "os.PathLike[str] | str") -> Optional[Tuple[int, int]]:
    """(mtime, size) of the file, or None when it cannot be trusted to tell a change: the file
    is missing, or was modified in the last two seconds."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if time.time() - stat.st_mtime < _RACY_SECONDS:
        return None
    return (stat.st_mtime_ns, stat.st_size)
