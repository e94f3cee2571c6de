"""Where a file's project starts: the nearest directory with packaging metadata or ``.git``."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import NamedTuple, Optional

_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "environment.yml", "environment.yaml", "Pipfile", ".git")


class ProjectRoot(NamedTuple):
    path: Path
    marker: str  # the file or folder that makes it the root ("" when none was found)


def find_root(start: Path) -> ProjectRoot:
    """The root of the project ``start`` (a file or a directory) belongs to; without any
    marker up the tree, the directory of ``start`` itself."""
    return _root_of_start(str(start))


@functools.lru_cache(maxsize=65536)
def _root_of_start(start: str) -> ProjectRoot:
    path = Path(start)
    directory = path if path.is_dir() else path.parent
    return _root_of(str(directory.resolve()))


@functools.lru_cache(maxsize=4096)
def _root_of(directory: str) -> ProjectRoot:
    here = Path(directory)
    for candidate in (here, *here.parents):
        marker = marker_in(candidate)
        if marker is not None:
            return ProjectRoot(candidate, marker)
    return ProjectRoot(here, "")


def marker_in(directory: Path) -> Optional[str]:
    for name in _MARKERS:
        if (directory / name).exists():
            return name
    try:
        for entry in directory.iterdir():
            if entry.name.startswith("requirements") and entry.name.endswith(".txt"):
                return entry.name
    except OSError:
        pass
    return None


def forget_roots() -> None:
    _root_of.cache_clear()
    _root_of_start.cache_clear()
