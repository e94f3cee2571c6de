"""Small readers of expressions: call arguments, literal strings, names used."""

from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

import libcst as cst

from tf_lint.semantics.links import Imported, built_at, follow_dotted, single_binding
from tf_lint.semantics.scopes import ASSIGN, Scope
from tf_lint.walk import children


def keyword(node: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional(node: cst.Call, index: int) -> Optional[cst.Arg]:
    """The ``index``-th positional argument, unless a ``*args`` makes positions unknowable."""
    position = 0
    for arg in node.args:
        if arg.keyword is not None or arg.star == "**":
            continue
        if arg.star == "*":
            return None
        if position == index:
            return arg
        position += 1
    return None


def argument(node: cst.Call, name: str, index: int) -> Optional[cst.Arg]:
    return keyword(node, name) or positional(node, index)


def string_value(expr: cst.BaseExpression) -> Optional[str]:
    """The text of a plain or implicitly concatenated string literal (no f-strings)."""
    if isinstance(expr, cst.SimpleString):
        try:
            value = expr.evaluated_value
        except (SyntaxError, ValueError):  # "\N{BOGUS}", "\x": libcst parses it, Python would not
            return None
        return value if isinstance(value, str) else None
    if isinstance(expr, cst.ConcatenatedString):
        left, right = string_value(expr.left), string_value(expr.right)
        return left + right if left is not None and right is not None else None
    return None


def names_in(expr: cst.CSTNode) -> Iterator[str]:
    """Every plain name read in ``expr`` (attribute names excluded)."""
    stack: List[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            yield node.value
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)
        elif isinstance(node, (cst.Lambda, cst.BaseComp)):
            continue
        else:
            stack.extend(children(node))


def is_int(expr: cst.BaseExpression, value: int) -> bool:
    return isinstance(expr, cst.Integer) and expr.evaluated_value == value


def last_name(expr: cst.BaseExpression) -> str:
    """``model`` for ``model``, ``net`` for ``self.net``; empty for anything else."""
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return expr.value if isinstance(expr, cst.Name) else ""


def short_code(expr: cst.CSTNode, limit: int = 40) -> str:
    """Source text of ``expr`` for a message, or its last name when that text is long."""
    code = cst.Module([]).code_for_node(expr)
    if len(code) <= limit:
        return code
    return (last_name(expr) if isinstance(expr, cst.BaseExpression) else "") or "..."


def constant_string(expr: cst.BaseExpression, scope: Scope) -> Optional[str]:
    """A string literal, or a name bound once in its scope to one, or a module-level constant
    of another project module imported here (``from config import LOSS``, ``cfg.LOSS``)."""
    text = string_value(expr)
    if text is not None or not isinstance(expr, (cst.Name, cst.Attribute)):
        return text
    bound = constant_binding(expr, scope)
    return string_value(bound[0]) if bound is not None else None


def constant_binding(expr: cst.BaseExpression, scope: Scope) -> Optional[Tuple[cst.BaseExpression, Optional[Imported]]]:
    """The value a name (or ``module.NAME``) is bound to once, and the project module it was
    imported from (None: this file)."""
    if isinstance(expr, cst.Name):
        bindings = scope.bindings_of(expr.value)
        if len(bindings) == 1 and bindings[0].kind == ASSIGN and bindings[0].value is not None:
            return bindings[0].value, None
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return None
    imported = follow_dotted(expr, scope)
    binding = single_binding(imported) if imported is not None else None
    if imported is None or binding is None or binding.kind != ASSIGN or binding.value is None:
        return None
    return binding.value, imported


def constant_origin(expr: cst.BaseExpression, scope: Scope) -> str:
    """`` (LOSS, config.py:3)`` when ``expr`` names a constant of another project module; ""
    otherwise. Findings stay where the value reaches Keras, and say where it was written."""
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        return ""
    bound = constant_binding(expr, scope)
    if bound is None or bound[1] is None:
        return ""
    return f" ({bound[1].name}, {built_at(scope, bound[1].file, bound[0])})"


_NESTED_CODE = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def calls_in(root: cst.CSTNode, *, nested: bool = True) -> List[cst.Call]:
    """Every call under ``root``; with ``nested=False``, not those in functions, lambdas or
    classes defined inside it (code that does not run when ``root`` runs)."""
    found: List[cst.Call] = []
    stack: List[cst.CSTNode] = list(children(root)) if not nested else [root]
    while stack:
        node = stack.pop()
        if not nested and isinstance(node, _NESTED_CODE):
            continue
        if isinstance(node, cst.Call):
            found.append(node)
        stack.extend(children(node))
    return found


def function_returns(function: cst.FunctionDef) -> Optional[List[cst.Return]]:
    """The function's own ``return`` statements (not those of nested functions or classes);
    None for a generator or coroutine, whose call does not give the returned value."""
    found: List[cst.Return] = []
    stack: List[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Return):
            found.append(node)
        elif isinstance(node, (cst.Yield, cst.Await)):
            return None
        elif not isinstance(node, _NESTED_CODE):
            stack.extend(children(node))
    return found
