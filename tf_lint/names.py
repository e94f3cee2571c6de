"""Import-aware names: which module or object a dotted expression refers to.

A light alias table built from the file's import statements answers "is this call
``tensorflow.add``?" without libcst's ScopeProvider/QualifiedNameProvider, which cost
several times the parse (see docs/performance.md). Every spelling of Keras is rewritten to
one canonical prefix, so rules compare against ``keras.losses.get`` or ``tensorflow.add``
and never string-match ``tf.`` themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Optional, Protocol, Sequence, Set, Tuple, Union

import libcst as cst

if TYPE_CHECKING:
    from tf_lint.semantics.scopes import Scope

# Longest prefixes first; one rewrite per name. ``tf.keras`` is Keras 3 in TF >= 2.16
# (keras-runtime-facts §0), and so are ``tf.compat.v1.keras`` and TF 2's shortcuts
# ``tf.optimizers``/``tf.losses``/``tf.metrics``/``tf.initializers`` (but not
# ``tf.compat.v1.losses``, TF 1's own API). ``tf_keras`` and TensorFlow's frozen copy
# ``tensorflow.python.keras`` are Keras 2: same names, checked against tf-keras data.
_CANONICAL_PREFIXES: Tuple[Tuple[str, str], ...] = (
    ("tensorflow.compat.v1.keras", "keras"),
    ("tensorflow.compat.v2.keras", "keras"),
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("keras._tf_keras.keras", "keras"),
    ("tensorflow.optimizers", "keras.optimizers"),
    ("tensorflow.losses", "keras.losses"),
    ("tensorflow.metrics", "keras.metrics"),
    ("tensorflow.initializers", "keras.initializers"),
    ("tensorflow.compat.v2", "tensorflow"),
    ("tensorflow.compat.v1", "tensorflow"),
    ("tf_keras", "keras"),
)
_LEGACY_PREFIXES = ("tf_keras", "tensorflow.python.keras")

ML_TOP_LEVEL = frozenset({"tensorflow", "keras", "tf_keras"})

_AMBIGUOUS = ""  # marker: one local name imported from two different places


def canonical(dotted: str) -> str:
    """Rewrite ``tensorflow.keras.X``/``tensorflow.compat.v1.X`` to ``keras.X``/``tensorflow.X``."""
    for prefix, replacement in _CANONICAL_PREFIXES:
        if dotted == prefix or dotted.startswith(prefix + "."):
            return replacement + dotted[len(prefix):]
    return dotted


def _is_legacy(dotted: str) -> bool:
    return any(dotted == p or dotted.startswith(p + ".") for p in _LEGACY_PREFIXES)


def dotted_parts(expr: cst.BaseExpression) -> Optional[List[str]]:
    """``a.b.c`` as ``['a', 'b', 'c']``; None for anything that is not a plain dotted name."""
    parts: List[str] = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    parts.reverse()
    return parts


def module_name(node: Union[cst.Attribute, cst.Name]) -> str:
    parts = dotted_parts(node)
    return ".".join(parts) if parts else ""


def _statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Every statement, recursing into compound statements (imports can sit anywhere)."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, cst.SimpleStatementLine):
            stack.extend(reversed(stmt.body))
            continue
        inner: List[cst.CSTNode] = []
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            child = getattr(stmt, field, None)
            if child is None:
                continue
            if isinstance(child, (list, tuple)):
                inner.extend(child)
            elif isinstance(child, cst.BaseSuite):
                inner.extend(child.body)
            else:
                inner.append(child)
        stack.extend(reversed(inner))


class ImportTable:
    """Local name -> canonical dotted target, for every import in the file.

    The table is flow-insensitive: an import inside a function counts for the whole file,
    which is what users mean in practice. A name imported from two different places is
    ambiguous and resolves to nothing (precision first).
    """

    def __init__(self) -> None:
        self._targets: Dict[str, str] = {}
        self.imports_ml = False  # the file imports tensorflow, keras or tf_keras
        self.legacy_keras = False  # the file imports tf_keras (Keras 2)
        self.modern_keras = False  # the file imports keras / tensorflow.keras by name (Keras 3)
        self._legacy: Dict[str, bool] = {}  # local name -> bound to Keras 2 (tf_keras...)
        self._written_ambiguous: Set[str] = set()  # `tf` is tensorflow.compat.v1 here, tensorflow there
        self.stars: List[str] = []  # modules imported with ``*``, as written (``.layers`` when relative)
        self._starred: Dict[str, Optional[str]] = {}  # name -> the star module that provides it
        # Set by the project layer: the TensorFlow/Keras name a target of this file's imports
        # stands for when a module of the project re-exports it (``mylib.layers.Dense`` ->
        # ``keras.layers.Dense``), or the project star module providing a name; None otherwise.
        self.project_target: Optional[Callable[[str], Optional[str]]] = None
        self.project_star: Optional[Callable[[str, str], bool]] = None
        self._through_project: Dict[str, Optional[str]] = {}

    @classmethod
    def from_module(cls, module: cst.Module) -> "ImportTable":
        table = cls()
        for stmt in _statements(module.body):
            if isinstance(stmt, cst.Import):
                table._add_import(stmt)
            elif isinstance(stmt, cst.ImportFrom):
                table._add_import_from(stmt)
        return table

    def _bind(self, local: str, target: str) -> None:
        """Record ``local`` -> ``target`` as written (canonicalised when resolving, once)."""
        top = target.split(".", 1)[0]
        if top in ML_TOP_LEVEL:
            self.imports_ml = True
        legacy = _is_legacy(target)
        if legacy:
            self.legacy_keras = True
        elif canonical(target).split(".", 1)[0] == "keras":
            self.modern_keras = True
        previous = self._targets.get(local)
        same = previous is None or (previous and canonical(previous) == canonical(target))
        self._targets[local] = target if same else _AMBIGUOUS
        if previous and previous != target:  # same canonical API, different written one (compat.v1)
            self._written_ambiguous.add(local)
        self._legacy[local] = legacy

    def _add_import(self, stmt: cst.Import) -> None:
        for alias in stmt.names:
            full = module_name(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind(alias.asname.name.value, full)
            else:
                head = full.split(".", 1)[0]
                self._bind(head, head)
                if full != head:  # ``import tensorflow.keras`` still marks ML use
                    self._bind_marker(full)

    def _bind_marker(self, full: str) -> None:
        if full.split(".", 1)[0] in ML_TOP_LEVEL:
            self.imports_ml = True

    def _add_import_from(self, stmt: cst.ImportFrom) -> None:
        dots = "." * len(stmt.relative)
        if stmt.module is None and not dots:
            return
        base = dots + (module_name(stmt.module) if stmt.module is not None else "")
        if isinstance(stmt.names, cst.ImportStar):
            self._bind_marker(base)
            self.stars.append(base)
            return
        for alias in stmt.names:
            name = module_name(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self._bind(local, f"{base}.{name}" if not base.endswith(".") else f"{base}{name}")

    def locals(self) -> List[str]:
        """Every local name the file's imports bind."""
        return list(self._targets)

    def targets(self) -> List[str]:
        """Every import target of the file as written (``config.LOSS``, ``.models``, star modules)."""
        return [target for target in self._targets.values() if target] + list(self.stars)

    def alias_of(self, target: str) -> Optional[str]:
        """A local name bound to exactly ``target`` (``tf`` for ``tensorflow``), for fixes."""
        return next((local for local, bound in sorted(self._targets.items()) if bound == target), None)

    def is_legacy(self, expr: cst.BaseExpression) -> bool:
        """Does ``expr`` come from Keras 2 (``tf_keras``, ``tensorflow.python.keras``)?"""
        parts = dotted_parts(expr)
        if not parts or not self._targets.get(parts[0]):
            return False
        return _is_legacy(".".join([self._targets[parts[0]], *parts[1:]]))

    def resolve(self, expr: cst.BaseExpression) -> Optional[str]:
        """Canonical dotted name of ``expr`` (``tf.keras.losses.get`` -> ``keras.losses.get``)."""
        parts = dotted_parts(expr)
        if not parts:
            return None
        target = self._targets.get(parts[0])
        if target is None and self.stars:
            star = self.star_module(parts[0])
            target = f"{star}.{parts[0]}" if star is not None and not star.endswith(".") else (f"{star}{parts[0]}" if star else None)
        if not target:
            return None
        dotted = ".".join([target, *parts[1:]])
        if self.project_target is not None and dotted.split(".", 1)[0] not in ML_TOP_LEVEL:
            if dotted not in self._through_project:
                self._through_project[dotted] = self.project_target(dotted)
            reexported = self._through_project[dotted]
            if reexported is not None:
                return reexported
        return canonical(dotted)

    def star_module(self, name: str) -> Optional[str]:
        """The module a ``from M import *`` of this file takes ``name`` from (the last such
        import that provides it): TensorFlow/Keras modules by the generated API data, modules
        of the project through the project layer."""
        if name in self._starred:
            return self._starred[name]
        found: Optional[str] = None
        for base in reversed(self.stars):
            if ml_star_provides(base, name) or (self.project_star is not None and self.project_star(base, name)):
                found = base
                break
        self._starred[name] = found
        return found

    def is_imported_name(self, local: str) -> bool:
        return local in self._targets or (bool(self.stars) and self.star_module(local) is not None)

    def target_of(self, local: str) -> Optional[str]:
        """What ``local`` was imported as (``tf_estimator`` -> ``tensorflow.estimator``)."""
        if local in self._written_ambiguous:
            return None
        return self._targets.get(local) or None

    def resolve_written(self, expr: cst.BaseExpression) -> Optional[str]:
        """The dotted name of ``expr`` as imported, without canonicalising: ``tf.placeholder``
        is ``tensorflow.placeholder`` but, under ``import tensorflow.compat.v1 as tf``,
        ``tensorflow.compat.v1.placeholder`` (a different API)."""
        parts = dotted_parts(expr)
        if not parts:
            return None
        target = self._targets.get(parts[0])
        if not target or parts[0] in self._written_ambiguous:
            return None
        return ".".join([target, *parts[1:]])


def ml_star_provides(base: str, name: str) -> bool:
    """Does ``from <base> import *`` bind ``name``, for a TensorFlow/Keras module? (public
    names only, as ``import *`` takes them; the generated API data says which exist)."""
    if name.startswith("_") or base.split(".", 1)[0] not in ML_TOP_LEVEL:
        return False
    from tf_lint.knowledge.api import KNOWN, api_path, lookup

    path = api_path(base)
    return path is not None and lookup(f"{path}.{name}").status == KNOWN


class Names(Protocol):
    """What rules and semantic helpers need to ask about names."""

    def resolve(self, expr: cst.BaseExpression) -> Optional[str]: ...

    def is_imported_name(self, local: str) -> bool: ...


class ScopedNames:
    """The import table as seen from one scope: a local rebinding hides the import.

    ``losses = {"cls": 1.0}`` in a function means ``losses.get(...)`` there is a dict
    lookup, not ``keras.losses.get``. Bindings are read when a question is asked, so ask after
    the traversal for an answer that accounts for the whole scope.
    """

    def __init__(self, imports: ImportTable, scope: "Scope") -> None:
        self.imports = imports
        self.scope = scope

    def resolve(self, expr: cst.BaseExpression) -> Optional[str]:
        parts = dotted_parts(expr)
        if not parts or self.scope.shadows_import(parts[0]):
            return None
        return self.imports.resolve(expr)

    def is_imported_name(self, local: str) -> bool:
        return self.imports.is_imported_name(local) and not self.scope.shadows_import(local)

    def resolve_written(self, expr: cst.BaseExpression) -> Optional[str]:
        parts = dotted_parts(expr)
        if not parts or self.scope.shadows_import(parts[0]):
            return None
        return self.imports.resolve_written(expr)
