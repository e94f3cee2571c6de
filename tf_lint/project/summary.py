"""What another module binds at its top, read with Python's own (fast) parser.

Resolving a name through the project (``from mylib.layers import Dense``: is it Keras'
Dense?) happens for many calls while a file is walked; it needs only the other module's
imports and the names it defines, never its code. ``ast`` gives those at a fraction of the cost
of the full libcst parse, which is kept for the questions that read bodies (a constant's
value, a builder's layers).
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Set


class ModuleSummary(NamedTuple):
    imports: Dict[str, str]  # local name -> import target as written (``.layers.Dense`` when relative)
    stars: List[str]  # modules imported with ``*``, as written
    defined: FrozenSet[str]  # names the module binds otherwise (assignments, defs, classes)
    exported: Optional[List[str]]  # a literal ``__all__``; None when there is none


EMPTY = ModuleSummary({}, [], frozenset(), None)


def summarize(source: str) -> ModuleSummary:
    """The module's top-level imports and definitions (statements nested in ``if``/``try`` at
    the top count; function and class bodies do not). A module that does not parse: EMPTY."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return EMPTY
    imports: Dict[str, str] = {}
    stars: List[str] = []
    defined: Set[str] = set()
    exported: Optional[List[str]] = None
    for node in _top_level(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    head = alias.name.split(".", 1)[0]
                    imports[head] = head
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    stars.append(base)
                else:
                    imports[alias.asname or alias.name] = f"{base}{alias.name}" if base.endswith(".") else f"{base}.{alias.name}"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                defined.update(found.id for found in ast.walk(target) if isinstance(found, ast.Name))
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                exported = _literal_names(node.value)
    for bound in defined:
        imports.pop(bound, None)  # rebound after import: not the import any more
    return ModuleSummary(imports, stars, frozenset(defined), exported)


def _top_level(body: List[ast.stmt]) -> List[ast.stmt]:
    found: List[ast.stmt] = []
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, ast.If):
            stack.extend(reversed(node.body + node.orelse))
        elif isinstance(node, ast.Try):
            stack.extend(reversed(node.body + [s for h in node.handlers for s in h.body] + node.orelse + node.finalbody))
    return found


def _literal_names(value: ast.expr) -> Optional[List[str]]:
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    names = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return names if len(names) == len(value.elts) else None
