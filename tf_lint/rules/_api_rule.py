"""Shared machinery of the rules that check names against the real TensorFlow/Keras API.

Every dotted name rooted in a ``tensorflow``/``keras`` import (``tf.keras.layers.Dens``,
``from tensorflow.keras.layers import Dens``) is looked up in the generated API data, as it
was imported (``import tensorflow.compat.v1 as tf`` makes ``tf.placeholder`` a TF1 name,
which exists). Names in version guards are left alone: a ``try`` whose handler catches
``AttributeError``/``ImportError`` (or ``Exception``), and both branches of an ``if`` (or a
conditional expression) whose test calls ``hasattr``/``getattr`` or reads a version.

Names are judged as of the project's target TensorFlow (``ctx.target_tensorflow``, the newest
minor release it allows; None: the newest data) from the per-release data: a name the target
still has is not missing, one it does not have yet is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Set

import libcst as cst

from tf_lint.knowledge.api import KNOWN, MISSING, Lookup, api_path
from tf_lint.knowledge.api_versions import lookup_in
from tf_lint.names import dotted_parts, module_name
from tf_lint.rule import Rule
from tf_lint.semantics.guards import left_for_other_versions
from tf_lint.semantics.reaching import shared_parents
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

class ApiNameRule(Rule):
    """Feeds :meth:`check_name` every dotted tf/keras name outside version guards, and
    :meth:`check_import` every ``import``/``from ... import`` of tensorflow or keras."""

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._inner: Set[int] = set()  # ids of Attribute nodes inside a chain already seen

    def guarded(self) -> bool:
        """Inside a version guard (``semantics.guards``): another version's branch."""
        return self.ctx.version_guarded()

    def left_earlier(self, node: cst.CSTNode, scope: Scope) -> bool:
        """The enclosing function already left on other versions (``if is_tf2: return shim``,
        ``err_if_tf2()``): ``node`` runs on one version only."""
        return left_for_other_versions(node, scope, shared_parents(self.ctx))

    # --- names the file itself assigns (`tf.placeholder = tf.compat.v1.placeholder`) ---------------

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._assigned(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._assigned(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assigned(node.target)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value == "setattr" and len(node.args) >= 2:
            owner, name = node.args[0].value, node.args[1].value
            text = name.evaluated_value if isinstance(name, cst.SimpleString) else None
            if isinstance(text, str) and isinstance(owner, (cst.Name, cst.Attribute)):
                written = self.ctx.imports.resolve_written(owner)
                if written is not None:
                    _assigned_paths(self.ctx).add(f"{written}.{text}")

    def _assigned(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Attribute):
            self._skip_attributes_in(target)
            written = self.ctx.imports.resolve_written(target)
            if written is not None:
                _assigned_paths(self.ctx).add(written)

    # --- names -------------------------------------------------------------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if id(node) in self._inner or not self.ctx.imports.imports_ml:
            return
        inner = node.value
        chain = []
        while isinstance(inner, cst.Attribute):
            chain.append(id(inner))
            inner = inner.value
        if not isinstance(inner, cst.Name) or not _imports_ml_name(self.ctx, inner.value):
            return  # ``self.a.b``, ``np.x``: inner links redo this walk, cheaper than recording them
        self._inner.update(chain)
        if self.guarded():
            return
        written = self.ctx.imports.resolve_written(node)
        if written is None:
            return
        paths = self.ctx.shared.setdefault("api-paths", {})
        path = paths[written] if written in paths else paths.setdefault(written, api_path(written))
        if path is None or not self.wants(written, path):
            return
        scope = self.ctx.scope
        head = inner.value
        imported = self.ctx.imports.target_of(head) or ""

        def check() -> None:
            if scope.shadows_import(head) or _assigned_by_file(self.ctx, written):
                return
            found = self.lookup(path)
            if found.status == KNOWN:
                return
            if found.status == MISSING and _missing_depth(found) <= _written_depth(path, written, imported):
                return  # the import itself is missing (`from tensorflow import estimator`): reported there
            if not self.left_earlier(node, scope):
                self.check_name(node, written, found, scope)

        self.defer(check)

    def _skip_attributes_in(self, *nodes: cst.CSTNode) -> None:
        """Module paths of import statements are judged by the import hooks, not as attributes."""
        for node in nodes:
            while isinstance(node, cst.Attribute):
                self._inner.add(id(node))
                node = node.value

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None:
            self._skip_attributes_in(node.module)
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar) or self.guarded():
            return
        base = module_name(node.module)
        if base.split(".")[0] not in ("tensorflow", "keras") or self.left_earlier(node, self.ctx.scope):
            return
        base_path = api_path(base)
        if base_path is None:
            return  # keras.src, tensorflow.python: implementation, not described
        for alias in node.names:
            if module_name(alias.name).startswith("_"):
                continue  # private and dunder names (__version__) are not API
            written = f"{base}.{module_name(alias.name)}"
            path = api_path(written)
            if path is None or not self.wants(written, path):
                continue
            found = self.lookup(path)
            # Module paths are files: TensorFlow has importable packages that its public
            # attributes do not show (tensorflow.lite.python...), so below the top level (and
            # tf.compat.v2, a copy of it) only the Keras tree (whose files are its API) and
            # tf.contrib are judged.
            judged = base_path in ("tensorflow", "tensorflow.compat.v2") or base_path.startswith("keras") or "contrib" in path
            if found.status != KNOWN and judged:
                self.check_name(alias.name, written, found, None)

    def visit_Import(self, node: cst.Import) -> None:
        self._skip_attributes_in(*(alias.name for alias in node.names))
        if self.guarded():
            return
        for alias in node.names:
            written = module_name(alias.name)
            path = api_path(written) if written.split(".")[0] in ("tensorflow", "keras") else None
            if path is not None and "." in path and self.wants(written, path) and not self.left_earlier(node, self.ctx.scope):
                found = self.lookup(path)
                if found.status != KNOWN:
                    self.check_name(alias.name, written, found, None)

    def target_tensorflow(self) -> Optional[str]:
        """The newest TensorFlow release the project allows (``"2.15"``); None: unknown."""
        target = getattr(self.ctx, "target_tensorflow", None)
        if isinstance(target, str) and target.startswith("1."):
            return "1.15"  # the only TF 1 release the data has; the API barely moved within 1.x
        return target if isinstance(target, str) else None

    def lookup(self, path: str) -> Lookup:
        """``path`` as of the target release (the newest data when there is none)."""
        return lookup_in(path, self.target_tensorflow())

    def wants(self, written: str, path: str) -> bool:
        """Cheap filter before the lookup: the names this rule may report."""
        if path.startswith("keras.") and self.ctx.keras_major != "3":
            return False  # the data describes Keras 3
        return True

    def check_name(self, node: cst.CSTNode, written: str, found: Lookup, scope: Optional[Scope]) -> None:
        """A name that is not KNOWN (missing, or unknown to the data)."""


def _assigned_paths(ctx: "FileContext") -> Set[str]:
    paths: Set[str] = ctx.shared.setdefault("assigned-api", set())
    return paths


def _assigned_by_file(ctx: "FileContext", written: str) -> bool:
    """``tf.placeholder = ...`` (or ``setattr``) anywhere in the file makes the name exist."""
    assigned = _assigned_paths(ctx)
    return any(written == path or written.startswith(path + ".") for path in assigned)


def written_missing(written: str, found: Lookup) -> str:
    """The missing name as written (``tensorflow.metrics.accuracy`` for the Keras lookup of
    ``keras.metrics.accuracy``): the written path cut at the part that is missing."""
    parts = written.split(".")
    return ".".join(parts[: _missing_depth(found) + written.count(".") - found.path.count(".")])


def _imports_ml_name(ctx: "FileContext", local: str) -> bool:
    """Is ``local`` imported from tensorflow or keras? (memoised per file)"""
    known = ctx.shared.setdefault("ml-names", {})
    answer = known.get(local)
    if answer is None:
        target = ctx.imports.target_of(local) or ""
        answer = known[local] = target.split(".", 1)[0] in ("tensorflow", "keras")
    return bool(answer)


def _missing_depth(found: Lookup) -> int:
    """How many dotted parts lead to the missing one (``tensorflow.estimator``: 2)."""
    return found.owner.count(".") + 2


def _written_depth(path: str, written: str, imported: str) -> int:
    """How many leading parts of ``path`` come from the import statement rather than from the
    attribute chain the user wrote (``tf_estimator.X`` with ``tf_estimator`` imported as
    ``tensorflow.estimator``: 2)."""
    extra = written.count(".") - path.count(".")  # tensorflow.keras.X -> keras.X drops one part
    return imported.count(".") + 1 - extra


def shown(node: cst.CSTNode, written: str, found: Lookup, scope: Optional[Scope]) -> str:
    """The name for a message: as written in code, or for an import (``scope`` None) the
    imported path up to the part that is missing (``keras.utils.layer_utils``)."""
    if scope is not None:
        return spelled(node, found)
    return written_missing(written, found) if found.status == MISSING else written


def spelled(node: cst.CSTNode, found: "Lookup | None" = None) -> str:
    """The name as the user wrote it (``tf.placeholder``), up to the part that is missing
    when ``found`` says which, on one line."""
    parts = dotted_parts(node) if isinstance(node, (cst.Attribute, cst.Name)) else None
    if not parts:
        return " ".join(cst.Module([]).code_for_node(node).split())
    if found is not None and found.status == MISSING:
        keep = len(parts) - (found.path.count(".") + 1 - _missing_depth(found))
        parts = parts[: max(keep, 1)]
    return ".".join(parts)
