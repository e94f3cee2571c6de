"""Finding the files to lint and reading them as Python would."""

from __future__ import annotations

import fnmatch
import io
import os
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Union

# KiB of source a file may have to be parsed. libcst needs about 700 bytes of memory per byte
# of source (a 25 MB file took 18 GB and 7 minutes); the largest hand-written files of
# TensorFlow and Keras are under 700 KiB. A bigger file gets TFL904.
DEFAULT_MAX_FILE_SIZE = 1024

# Directories never worth walking into, unless named on the command line.
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", ".eggs", "*.egg-info",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints",
    "build", "dist", "site-packages", "node_modules", "_build", "buck-out",
)


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str


@dataclass(frozen=True)
class ReadFailure:
    code: str  # TFL902 or TFL903
    fields: Dict[str, str]


def read_bytes(path: Union[str, Path]) -> Union[bytes, ReadFailure]:
    """The file's bytes, or the TFL903 failure the OS gave."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        return ReadFailure("TFL903", {"detail": error.strerror or str(error)})


def write_atomically(target: Path, data: bytes, mode: Optional[int] = None) -> None:
    """Write ``data`` to a temporary file beside ``target``, then rename it over ``target``: a
    reader never sees half a file, and a crash leaves the old one. Raises OSError."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tf-lint")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def decode_source(data: bytes) -> Union[SourceText, ReadFailure]:
    """Decode like the interpreter: BOM, then PEP 263 cookie, then UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # an unknown or conflicting coding cookie
        return ReadFailure("TFL902", {"encoding": "declared", "detail": str(error)})
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        return ReadFailure("TFL902", {"encoding": encoding, "detail": str(error)})
    return SourceText(text, encoding)


def _matches(rel_path: str, name: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(rel_path, pattern):
            return True
    return False


def _relative(path: Path, root: Optional[Path]) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def discover(
    paths: Sequence[Union[str, Path]],
    exclude: Sequence[str] = (),
    project_root: Optional[Path] = None,
    suffixes: Sequence[str] = (".py", ".ipynb"),
) -> Iterator[Path]:
    """Python files (and notebooks, by default) under ``paths``, sorted within each directory.

    A path named explicitly is always linted. While walking a directory, entries whose name
    or project-relative path matches an exclude pattern (``exclude`` plus the defaults) are
    skipped, as are virtualenvs.
    """
    patterns: List[str] = [*DEFAULT_EXCLUDES, *exclude]
    root = project_root.resolve() if project_root is not None else None
    for start in paths:
        start = Path(start)
        if not start.is_dir():
            yield start
            continue
        for directory, subdirs, files in os.walk(start):
            here = Path(directory)
            subdirs[:] = sorted(
                d for d in subdirs
                if not _matches(_relative(here / d, root), d, patterns) and not _is_virtualenv(here / d)
            )
            for name in sorted(files):
                if name.endswith(tuple(suffixes)) and not _matches(_relative(here / name, root), name, patterns):
                    yield here / name


def is_test_file(path: str) -> bool:
    """``test_*.py``, ``*_test.py`` and ``conftest.py``: code that exercises edge cases on purpose."""
    name = os.path.basename(path)
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
