"""The modules of a project, parsed when a question first reaches them.

Linting ``train.py`` may need to know what ``LOSS`` is in ``config.py`` or what
``build_model()`` in ``models.py`` returns. The index resolves the import
(``project.modules``), parses that module once per process and walks it with the context
visitors only (scopes, bindings, functions; no rules), and hands the question on. Nothing is
read for modules no question reaches, so a 10,000-file monorepo costs only what its imports
actually use; at most ``max_modules`` parsed modules (and ``max_source`` bytes of their
source) are kept, least recently used first out.

While a file is linted, every module its questions read is recorded with the hash of its
bytes (and every import that found no module): the result cache keeps a file's findings only
while those are unchanged, so editing ``config.py`` re-lints exactly the files whose findings
read it.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, List, NamedTuple, Optional, Pattern, Set, Tuple

import libcst as cst

from tf_lint.files import DEFAULT_MAX_FILE_SIZE, ReadFailure, decode_source, read_bytes
from tf_lint.names import ML_TOP_LEVEL, canonical, ml_star_provides
from tf_lint.project.dependencies import Dependencies, digest, stamp
from tf_lint.project.modules import ModuleResolver
from tf_lint.project.root import find_root
from tf_lint.project.settings import FileSettings
from tf_lint.project.summary import ModuleSummary, summarize
from tf_lint.semantics.links import Imported, ModuleFile

if TYPE_CHECKING:
    from tf_lint.context import FileContext

SettingsFor = Callable[[Path, str], FileSettings]
_MAX_HOPS = 6


class _Loaded(NamedTuple):
    context: Optional["FileContext"]
    sha: str
    size: int
    stamp: Tuple[int, int]  # (mtime, size) when read: a long-lived process sees edits


_UNTRUSTED = itertools.count()


def _stamp(path: Path) -> Tuple[int, int]:
    """(mtime, size), or a value that never matches when those cannot tell a change."""
    return stamp(path) or (-1, next(_UNTRUSTED))


class ProjectIndex:
    """Per process: project modules parsed on demand, and the dependencies of the file being linted."""

    def __init__(self, settings_for: SettingsFor, max_modules: int = 64, max_source: int = 4 * 1024 * 1024) -> None:
        self.settings_for = settings_for
        self.max_modules = max_modules
        self.max_source = max_source
        self._loaded: "OrderedDict[Path, _Loaded]" = OrderedDict()
        self._source_bytes = 0
        self._resolvers: Dict[Path, ModuleResolver] = {}
        self._loading: Set[Path] = set()
        self._files: Dict[Path, str] = {}
        self._misses: Set[Tuple[str, str]] = set()
        self._texts: Dict[Path, Tuple[Tuple[int, int], str, str]] = {}  # path -> (stamp, sha, text)
        self._summaries: Dict[Path, ModuleSummary] = {}

    # --- the file being linted --------------------------------------------------------------

    def start(self, path: Path) -> "ProjectView":
        """The project as ``path`` sees it; starts recording what the questions of its lint read."""
        self._files, self._misses = {}, set()
        return ProjectView(self, path.resolve())

    def dependencies(self) -> Dependencies:
        return Dependencies(tuple(sorted((str(p), sha) for p, sha in self._files.items())), tuple(sorted(self._misses)))

    def resolver(self, root: Path) -> ModuleResolver:
        if root not in self._resolvers:
            self._resolvers[root] = ModuleResolver(root)
        return self._resolvers[root]

    # --- other modules ----------------------------------------------------------------------

    def module(self, path: Path) -> Optional["FileContext"]:
        """``path`` parsed and walked (None if it cannot be read or parsed, or is being loaded)."""
        loaded = self._loaded.get(path)
        if loaded is not None and loaded.stamp != _stamp(path):
            del self._loaded[path]
            self._source_bytes -= loaded.size
            loaded = None
        if loaded is None:
            if path in self._loading:
                return None  # an import cycle: the module asks about itself
            self._loading.add(path)
            try:
                loaded = self._load(path)
            finally:
                self._loading.discard(path)
            self._keep(path, loaded)
        else:
            self._loaded.move_to_end(path)
        self._files[path] = loaded.sha
        return loaded.context

    def _load(self, path: Path) -> _Loaded:
        from tf_lint.engine import file_context

        stamp = _stamp(path)
        data = read_bytes(path)
        if isinstance(data, ReadFailure):
            return _Loaded(None, "", 0, stamp)
        sha = digest(data)
        if len(data) > DEFAULT_MAX_FILE_SIZE * 1024:
            return _Loaded(None, sha, 0, stamp)
        source = decode_source(data)
        if isinstance(source, ReadFailure):
            return _Loaded(None, sha, 0, stamp)
        settings = self.settings_for(path, source.text)
        context = file_context(
            source.text, str(path), target_keras=settings.keras, target_tensorflow=settings.tensorflow, project=ProjectView(self, path)
        )
        return _Loaded(context, sha, len(data), stamp)

    def _keep(self, path: Path, loaded: _Loaded) -> None:
        self._loaded[path] = loaded
        self._source_bytes += loaded.size
        while len(self._loaded) > self.max_modules or (self._source_bytes > self.max_source and len(self._loaded) > 1):
            _, old = self._loaded.popitem(last=False)
            self._source_bytes -= old.size

    def miss(self, importer: Path, written: str) -> None:
        self._misses.add((str(importer), written))

    def text_of(self, path: Path) -> str:
        """The module's text, without parsing it (recorded like a parsed module)."""
        stamp = _stamp(path)
        if path not in self._texts or self._texts[path][0] != stamp:
            data = read_bytes(path)
            decoded = decode_source(data) if not isinstance(data, ReadFailure) else data
            text = decoded.text if not isinstance(decoded, ReadFailure) else ""
            self._texts[path] = (stamp, digest(data) if not isinstance(data, ReadFailure) else "", text)
            self._summaries.pop(path, None)
        _, sha, text = self._texts[path]
        self._files[path] = sha
        return text

    def summary(self, path: Path) -> ModuleSummary:
        """The module's top-level imports and names, by Python's fast parser (memoised)."""
        text = self.text_of(path)
        if path not in self._summaries:
            self._summaries[path] = summarize(text)
        return self._summaries[path]


class ProjectView:
    """The project as one file sees it: the ``semantics.links.ProjectLinks`` of that file."""

    def __init__(self, index: ProjectIndex, path: Path) -> None:
        self.index = index
        self.path = path
        self.root = find_root(path).path
        self._resolver = index.resolver(self.root)

    def target(self, written: str) -> Optional[Imported]:
        if written.split(".", 1)[0] in ML_TOP_LEVEL:
            return None
        found = self._resolver.find(self.path, written)
        if found is None:
            self.index.miss(self.path, written)
            return None
        if len(found.rest) > 1 or found.path == self.path:
            return None  # an attribute of an object, or the file itself
        context = self.index.module(found.path)
        if context is None:
            return None
        return Imported(context, found.rest[0] if found.rest else "")

    def imports_mention(self, pattern: Pattern[str], targets: List[str]) -> bool:
        """Does the text of a project module among ``targets`` (this file's imports) match?
        A cheap look, no parse: lets a file skip questions no module it uses could answer."""
        for written in targets:
            if written.split(".", 1)[0] in ML_TOP_LEVEL:
                continue
            found = self._resolver.find(self.path, written)
            if found is not None and found.path != self.path and pattern.search(self.index.text_of(found.path)):
                return True
        return False

    def ml_name(self, written: str) -> Optional[str]:
        """The TensorFlow/Keras name a project module re-exports under ``written``
        (``mylib.layers.Dense`` bound there by ``from tensorflow.keras.layers import Dense``).
        Reads only the modules' top-level imports (``project.summary``), never their code."""
        importer = self.path
        for _ in range(_MAX_HOPS):
            found = self._resolver.find(importer, written)
            if found is None or len(found.rest) != 1 or found.path == importer:
                return None
            summary = self.index.summary(found.path)
            name = found.rest[0]
            if name in summary.defined:
                return None  # defined there: a project object, not a re-export
            target = summary.imports.get(name)
            if target is None:
                star = self._star_source(found.path, summary, name, 0)
                target = None if star is None else _join(star, name)
            if target is None:
                return None
            if target.split(".", 1)[0] in ML_TOP_LEVEL:
                return canonical(target)
            importer, written = found.path, target
        return None

    def star_provides(self, base: str, name: str) -> bool:
        """Does ``from <base> import *`` (a project module) bind ``name`` here?"""
        if name.startswith("_"):
            return False
        found = self._resolver.find(self.path, base)
        if found is None or found.rest or found.path == self.path:
            return False
        summary = self.index.summary(found.path)
        if summary.exported is not None:
            return name in summary.exported
        return name in summary.defined or name in summary.imports or self._star_source(found.path, summary, name, 0) is not None

    def _star_source(self, path: Path, summary: ModuleSummary, name: str, depth: int) -> Optional[str]:
        """The star module (as ``path`` writes it) through which ``path`` binds ``name``."""
        if depth > _MAX_HOPS:
            return None
        for base in reversed(summary.stars):
            if base.split(".", 1)[0] in ML_TOP_LEVEL:
                if ml_star_provides(base, name):
                    return base
                continue
            found = self._resolver.find(path, base)
            if found is None or found.rest or found.path == path:
                continue
            inner = self.index.summary(found.path)
            if (inner.exported is not None and name in inner.exported) or (
                inner.exported is None and (name in inner.defined or name in inner.imports or self._star_source(found.path, inner, name, depth + 1))
            ):
                return base
        return None

    def describe(self, file: ModuleFile, node: cst.CSTNode) -> str:
        from tf_lint.positions import node_line

        try:
            shown = Path(file.path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            shown = Path(file.path).name
        line = node_line(file, node)
        return f"{shown}:{line}" if line else shown


def _join(base: str, name: str) -> str:
    return f"{base}{name}" if base.endswith(".") else f"{base}.{name}"


def _literal_all(module: ModuleFile) -> Optional[List[str]]:
    """``__all__ = [...]`` of the module when it is one literal list or tuple of strings."""
    bindings = module.module_scope.bindings.get("__all__", [])
    if len(bindings) != 1 or not isinstance(bindings[0].value, (cst.List, cst.Tuple)):
        return None
    names = []
    for element in bindings[0].value.elements:
        if not isinstance(element.value, cst.SimpleString):
            return None
        value = element.value.evaluated_value
        if not isinstance(value, str):
            return None
        names.append(value)
    return names
