"""Following a name into the project module it was imported from.

Every module scope knows its file (``Scope.file``), and a file linted inside a project knows
how to reach the project modules it imports (``ModuleFile.project``). A semantic question
that stops at an import today (what string is ``LOSS``? what does ``build_model()`` return?
is ``Trainer`` a Keras class?) asks here and goes on in the other module, with that module's
own scopes and imports. Only modules of the project are followed: TensorFlow, Keras and other
installed packages are never read. Unknown stays unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, NamedTuple, Optional, Protocol

import libcst as cst

from tf_lint.names import ImportTable, dotted_parts
from tf_lint.semantics.scopes import ASSIGN, DEFINITION, IMPORT, Binding, Scope

if TYPE_CHECKING:
    from tf_lint.semantics.tracing import TracingFacts

_MAX_HOPS = 6  # re-exports followed at most (a -> b -> c ...)


class ModuleFile(Protocol):
    """What a linted file (``context.FileContext``) offers to questions that reach it."""

    path: str
    source: str
    imports: ImportTable
    module_scope: Scope
    shared: Dict[str, Any]

    @property
    def tracing(self) -> "TracingFacts": ...

    @property
    def project(self) -> Optional["ProjectLinks"]: ...


class Imported(NamedTuple):
    """``name`` as bound at the top of another module of the project (``""``: the module)."""

    file: ModuleFile
    name: str


class ProjectLinks(Protocol):
    """The project as one file sees it (``project.index.ProjectView``)."""

    def target(self, written: str) -> Optional[Imported]:
        """Where an import target of this file (``config.LOSS``, ``.models.build``) is bound."""

    def describe(self, file: ModuleFile, node: cst.CSTNode) -> str:
        """``config.py:3``: where ``node`` of ``file`` is, relative to the project root."""


def file_of(scope: Scope) -> Optional[ModuleFile]:
    found: Optional[ModuleFile] = scope.module().file
    return found


def _links(scope: Scope) -> Optional[ProjectLinks]:
    file = file_of(scope)
    return file.project if file is not None else None


def only_imports(name: str, scope: Scope) -> bool:
    """Is ``name`` here bound by imports only (or by nothing, as a star import would)?"""
    owner = scope.owner_of(name)
    if owner is None:
        return True
    bindings = owner.bindings.get(name, [])
    return bool(bindings) and all(b.kind == IMPORT for b in bindings)


def follow_import(name: str, scope: Scope) -> Optional[Imported]:
    """Where ``name``, imported here from a project module, is defined there: re-exports are
    followed (``from .config import LOSS`` in a package ``__init__``). None when the name is
    not imported from the project, or when the chain cannot be followed."""
    links = _links(scope)
    file = file_of(scope)
    if links is None or file is None or not only_imports(name, scope):
        return None
    written = file.imports.target_of(name)
    if written is None and file.imports.stars:
        star = file.imports.star_module(name)
        written = None if star is None else (f"{star}{name}" if star.endswith(".") else f"{star}.{name}")
    return _chase(links.target(written), 0) if written else None


def follow_dotted(expr: cst.BaseExpression, scope: Scope) -> Optional[Imported]:
    """``D.make_dataset`` / ``pkg.models.build`` where the head is an imported project module."""
    parts = dotted_parts(expr)
    if not parts or len(parts) == 1:
        return follow_import(parts[0], scope) if parts else None
    links = _links(scope)
    file = file_of(scope)
    if links is None or file is None or not only_imports(parts[0], scope):
        return None
    written = file.imports.resolve_written(cst.Name(parts[0]))
    if written is None:
        return None
    return _chase(links.target(".".join([written, *parts[1:]]) if not written.endswith(".") else written + ".".join(parts[1:])), 0)


def _chase(found: Optional[Imported], hops: int) -> Optional[Imported]:
    """From a module's import of a name to the module that binds it otherwise."""
    while found is not None and found.name and hops < _MAX_HOPS:
        bindings = found.file.module_scope.bindings.get(found.name, [])
        if bindings and not all(b.kind == IMPORT for b in bindings):
            return found
        links = found.file.project
        written = found.file.imports.target_of(found.name)
        if written is None and found.file.imports.stars:
            star = found.file.imports.star_module(found.name)
            written = None if star is None else (f"{star}{found.name}" if star.endswith(".") else f"{star}.{found.name}")
        if links is None or written is None:
            return found if not bindings else None
        found = links.target(written)
        hops += 1
    return found if found is not None and hops < _MAX_HOPS else None


def single_binding(imported: Imported) -> Optional[Binding]:
    """The one binding of the name at the top of its module (an assignment, a def, a class)."""
    bindings = imported.file.module_scope.bindings.get(imported.name, [])
    if len(bindings) != 1 or bindings[0].kind not in (ASSIGN, DEFINITION):
        return None
    return bindings[0]


def built_at(scope: Scope, file: ModuleFile, node: cst.CSTNode) -> str:
    """``config.py:1``: where ``node`` of another module is, as ``scope``'s project shows it."""
    links = _links(scope)
    return links.describe(file, node) if links is not None else file.path


def is_foreign(node_file: Optional[ModuleFile], scope: Scope) -> bool:
    """Does a value made in ``node_file`` come from another module than ``scope``'s?"""
    here = file_of(scope)
    return node_file is not None and here is not None and node_file is not here
