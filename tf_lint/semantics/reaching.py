"""Which assignment gives a name its value at a given point of a function, when that is certain.

A small, conservative reaching-definition query over the syntax tree. From the statement
that uses the name, it looks back through the statements before it in the same block, then
in each enclosing block. The first statement that binds the name decides:

* a plain assignment at block level (``y = f(...)``, ``(a, y), (b, c) = g()``) is the answer;
* anything else that may bind it (an ``if``/``for``/``with``/``try`` that assigns it
  somewhere inside, ``y += 1``, ``del y``, an import) makes the answer unknown.

A name bound anywhere inside a loop that encloses the use is unknown (the loop's previous
iteration may have rebound it), and so is a name not bound before the use in the function
(a parameter or a global). Unknown is None and never produces a finding.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import libcst as cst

from tf_lint.semantics.scopes import Scope, target_names
from tf_lint.walk import children

_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.BaseComp)


class Reaching(NamedTuple):
    """The value assigned, and where the name sits in an unpacking target (``()``: plain)."""

    value: cst.BaseExpression
    path: Tuple[int, ...]
    statement: cst.CSTNode  # the small statement that assigns it


class ParentMap:
    """Parents of the nodes of one scope's body, built once per scope on first use."""

    def __init__(self) -> None:
        self._parents: Dict[int, Dict[int, cst.CSTNode]] = {}

    def of(self, scope: Scope) -> Dict[int, cst.CSTNode]:
        key = id(scope.node)
        if key not in self._parents:
            parents: Dict[int, cst.CSTNode] = {}
            stack: List[cst.CSTNode] = [scope.node]
            while stack:
                node = stack.pop()
                for child in children(node):
                    parents[id(child)] = node
                    if not isinstance(child, _NESTED):
                        stack.append(child)
            self._parents[key] = parents
        return self._parents[key]


def reaching(name: str, use: cst.CSTNode, scope: Scope, parents: ParentMap) -> Optional[Reaching]:
    """The one assignment that certainly gives ``name`` its value at ``use``."""
    found = reaching_all(name, use, scope, parents, branches=False)
    return found[0] if found is not None and len(found) == 1 else None


def reaching_all(
    name: str, use: cst.CSTNode, scope: Scope, parents: ParentMap, branches: bool = True
) -> Optional[List[Reaching]]:
    """The assignments that may give ``name`` its value at ``use``: one, or one per branch of
    an ``if``/``else`` whose every branch assigns it last at its top level (``branches``).
    None when any path is unknown."""
    table = parents.of(scope)
    current: cst.CSTNode = use
    while current is not scope.node:
        parent = table.get(id(current))
        if parent is None:
            return None
        if isinstance(parent, (cst.For, cst.While)) and current is parent.body and _binds(parent, name):
            return None  # a previous iteration may have rebound it
        if isinstance(parent, (cst.IndentedBlock, cst.Module, cst.SimpleStatementLine)):
            found = _before(parent.body, current, name, branches)
            if found is not None:
                return found if isinstance(found, list) else None
        current = parent
    return None


_UNKNOWN = object()


def _before(
    statements: Sequence[cst.CSTNode], current: Optional[cst.CSTNode], name: str, branches: bool
) -> Optional[object]:
    """The last binding(s) of ``name`` among ``statements`` before ``current`` (None: to the
    end): a list of Reaching, the ``_UNKNOWN`` marker when a binding cannot be read, or None
    when there is none."""
    if current is None:
        index = len(statements)
    else:
        found_index = next((i for i, statement in enumerate(statements) if statement is current), None)
        if found_index is None:
            return None
        index = found_index
    for statement in reversed(statements[:index]):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in reversed(statement.body):
                found = _small_binding(small, name)
                if found is not None:
                    return [found] if isinstance(found, Reaching) else found
        elif _binds(statement, name):
            if branches and isinstance(statement, cst.If):
                return _if_branches(statement, name)
            return _UNKNOWN
        elif isinstance(statement, cst.BaseSmallStatement):
            found = _small_binding(statement, name)
            if found is not None:
                return [found] if isinstance(found, Reaching) else found
    return None


def _if_branches(statement: cst.If, name: str) -> object:
    """Each branch of ``if``/``elif``/``else`` assigns ``name`` last at its top level: all of those."""
    found: List[Reaching] = []
    branch: Optional[cst.CSTNode] = statement
    while isinstance(branch, cst.If):
        if _binds(branch.test, name):
            return _UNKNOWN
        body = branch.body
        last = _before(body.body, None, name, True) if isinstance(body, cst.IndentedBlock) else _UNKNOWN
        if not isinstance(last, list):
            return _UNKNOWN  # this branch keeps the old value (or binds it in a way not read)
        found.extend(last)
        branch = branch.orelse
    if not isinstance(branch, cst.Else) or not isinstance(branch.body, cst.IndentedBlock):
        return _UNKNOWN  # no else: the old value reaches too
    last = _before(branch.body.body, None, name, True)
    if not isinstance(last, list):
        return _UNKNOWN
    return found + last


def _small_binding(small: cst.CSTNode, name: str) -> Optional[object]:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            path = _path_in(target.target, name)
            if path is not None:
                return Reaching(small.value, path, small)
        return _UNKNOWN if _binds(small.value, name) else None  # a walrus in the value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == name:
        return Reaching(small.value, (), small) if small.value is not None else None
    return _UNKNOWN if _binds(small, name) else None


def _path_in(target: cst.BaseExpression, name: str) -> Optional[Tuple[int, ...]]:
    if isinstance(target, cst.Name):
        return () if target.value == name else None
    if isinstance(target, (cst.Tuple, cst.List)):
        for index, element in enumerate(target.elements):
            if isinstance(element, cst.StarredElement):
                if name in target_names(element):
                    return None
                continue
            inner = _path_in(element.value, name)
            if inner is not None:
                return (index, *inner)
    return None


def _binds(node: cst.CSTNode, name: str) -> bool:
    """Does anything under ``node`` (not in nested functions/classes) bind ``name``?"""
    for child in _walk(node):
        if isinstance(child, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
            target = child.target
            if name in target_names(target):
                return True
        elif isinstance(child, (cst.For, cst.CompFor)) and name in target_names(child.target):
            return True
        elif isinstance(child, cst.NamedExpr) and isinstance(child.target, cst.Name) and child.target.value == name:
            return True
        elif isinstance(child, cst.AsName) and isinstance(child.name, cst.Name) and child.name.value == name:
            return True
        elif isinstance(child, cst.Del) and name in target_names(child.target):
            return True
        elif isinstance(child, (cst.Import, cst.ImportFrom)) and not isinstance(child.names, cst.ImportStar):
            for alias in child.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(bound, cst.Name) and bound.value == name:
                    return True
                if isinstance(bound, cst.Attribute) and cst.Module([]).code_for_node(bound).split(".")[0] == name:
                    return True
        elif isinstance(child, (cst.Global, cst.Nonlocal)) and any(n.name.value == name for n in child.names):
            return True
        elif isinstance(child, (cst.FunctionDef, cst.ClassDef)) and child.name.value == name:
            return True
        elif isinstance(child, (cst.MatchAs, cst.MatchStar)) and child.name is not None and child.name.value == name:
            return True
    return False


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is not node and isinstance(current, (cst.FunctionDef, cst.ClassDef)):
            continue  # its body binds in its own scope
        stack.extend(children(current))
