"""The end of a file path written in the source, for rules about file-name suffixes.

Only the *end* of a path decides its format, so a path counts as known when its last part is
a literal: ``"model.keras"``, ``f"{run}/model.keras"``, ``out_dir + "/model"``,
``os.path.join(out_dir, "model")``, ``Path(out_dir) / "model"``, or a name bound once to one
of these. Anything else is unknown.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

import libcst as cst

from tf_lint.names import Names
from tf_lint.semantics.expressions import string_value
from tf_lint.semantics.scopes import ASSIGN, Scope

_JOINERS = frozenset({"os.path.join", "posixpath.join", "ntpath.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})


class PathEnd(NamedTuple):
    text: str  # the literal end of the path
    complete: bool  # the whole path is this literal


def path_end(expr: cst.BaseExpression, scope: Scope, names: Names, _depth: int = 0) -> Optional[PathEnd]:
    if _depth > 4:
        return None
    text = string_value(expr)
    if text is not None:
        return PathEnd(text, True)
    if isinstance(expr, cst.FormattedString):
        tail = expr.parts[-1] if expr.parts else None
        if isinstance(tail, cst.FormattedStringText) and "b" not in expr.prefix.lower():
            return PathEnd(tail.value, len(expr.parts) == 1)
        return None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Add, cst.Divide)):
        right = path_end(expr.right, scope, names, _depth + 1)
        if right is None:
            return None
        if isinstance(expr.operator, cst.Divide):
            return PathEnd("/" + right.text, False)
        return PathEnd(right.text, False)
    if isinstance(expr, cst.Call) and expr.args and names.resolve(expr.func) in _JOINERS:
        last = expr.args[-1]
        if last.star or last.keyword is not None:
            return None
        right = path_end(last.value, scope, names, _depth + 1)
        if right is None:
            return None
        if len(expr.args) == 1:
            return right
        return PathEnd(right.text if right.text.startswith("/") or not right.complete else "/" + right.text, False)
    if isinstance(expr, cst.Name):
        bindings = scope.bindings_of(expr.value)
        if len(bindings) == 1 and bindings[0].kind == ASSIGN and bindings[0].value is not None:
            return path_end(bindings[0].value, scope, names, _depth + 1)
    return None


def decides_suffix(end: PathEnd) -> bool:
    """Does the known end show the whole suffix? ``"model"`` does (the whole path), ``"_v2"``
    after an unknown prefix does not, ``"/model"`` and ``".ckpt"`` do."""
    return end.complete or "/" in end.text or "." in end.text
