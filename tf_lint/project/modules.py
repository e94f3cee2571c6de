"""Which file of the project an import names, as Python would find it.

The linter cannot know the ``sys.path`` a project runs with; it looks where Python usually
finds a project's own modules: the importing file's directory (scripts), the directory above
its top package (packages), the project root and ``src/``. The first place that has the
module wins, the longest module path first. TensorFlow, Keras and tf_keras are never looked
up in the project, nor is anything in a virtualenv, a ``site-packages`` folder or a hidden
directory inside it. Answers are memoised, so a large project pays one ``stat`` per distinct
(place, module).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

from tf_lint.names import ML_TOP_LEVEL


class Found(NamedTuple):
    """The module file an import names, and what it names inside (``["LOSS"]``; ``[]``: the module)."""

    path: Path
    rest: Tuple[str, ...]


class ModuleResolver:
    """Import targets of the files of one project root to files of that project."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._memo: Dict[Tuple[str, str], Optional[Found]] = {}
        self._tops: Dict[Tuple[str, str], bool] = {}
        self._bases: Dict[Path, List[Path]] = {}

    def find(self, importer: Path, written: str) -> Optional[Found]:
        """``written`` is an import target as the file spells it: ``config.LOSS``, ``data``,
        ``.models.build_model`` (relative: leading dots), ``..x``. ``importer`` is resolved
        (absolute, no symbolic links)."""
        level = len(written) - len(written.lstrip("."))
        parts = [p for p in written[level:].split(".") if p]
        directory = importer.parent
        if level:
            for _ in range(level - 1):
                directory = directory.parent
            return self._in(directory, parts, relative=True)
        if not parts or parts[0] in ML_TOP_LEVEL:
            return None
        for base in self._search_bases(directory):
            found = self._in(base, parts, relative=False)
            if found is not None:
                return found
        return None

    def _search_bases(self, directory: Path) -> List[Path]:
        if directory not in self._bases:
            bases: List[Path] = []
            for base in (directory, _package_base(directory), self.root, self.root / "src"):
                if base not in bases and _inside(base, self.root) and base.is_dir():
                    bases.append(base)
            self._bases[directory] = bases
        return self._bases[directory]

    def _in(self, base: Path, parts: List[str], relative: bool) -> Optional[Found]:
        if not relative and parts and not self._has_top(base, parts[0]):
            return None  # `numpy.zeros`: no numpy here, whatever follows
        key = (str(base), ".".join(parts) + ("@" if relative else ""))
        if key not in self._memo:
            self._memo[key] = self._lookup(base, parts, relative)
        return self._memo[key]

    def _has_top(self, base: Path, top: str) -> bool:
        """Is there a module or package ``top`` in ``base`` at all? (one memoised check per name)"""
        key = (str(base), top)
        if key not in self._tops:
            self._tops[key] = not _installed(base, self.root) and ((base / f"{top}.py").is_file() or (base / top).is_dir())
        return self._tops[key]

    def _lookup(self, base: Path, parts: List[str], relative: bool) -> Optional[Found]:
        if not _inside(base, self.root) or _installed(base, self.root):
            return None
        for length in range(len(parts), 0, -1):
            stem = base.joinpath(*parts[:length])
            for candidate in (stem.with_name(stem.name + ".py"), stem / "__init__.py"):
                if candidate.is_file():
                    return Found(candidate, tuple(parts[length:]))
        if relative:  # `from . import x`: x is a name of the package's __init__
            init = base / "__init__.py"
            if init.is_file():
                return Found(init, tuple(parts))
        return None


_INSTALLED = frozenset({"site-packages", "dist-packages"})


def _installed(path: Path, root: Path) -> bool:
    """Inside a virtualenv or an installed-packages folder of the project tree: other people's
    code (``.venv/lib/python3.11/site-packages/numpy``), never the project's own modules."""
    parts = path.relative_to(root).parts if path != root else ()
    return any(part in _INSTALLED or part.startswith(".") for part in parts)


def _package_base(directory: Path) -> Path:
    """The directory above the top package that contains ``directory`` (itself if none)."""
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        directory = directory.parent
    return directory


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
