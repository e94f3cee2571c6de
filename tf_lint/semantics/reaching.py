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

from typing import Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Sequence, Set, Tuple

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
        self._bound: Dict[int, Tuple[cst.CSTNode, FrozenSet[str]]] = {}  # id -> (node, names it binds)

    def bound(self, node: cst.CSTNode) -> FrozenSet[str]:
        """Every name bound under ``node`` (not in nested functions or classes), computed once."""
        entry = self._bound.get(id(node))
        if entry is None or entry[0] is not node:
            entry = (node, _bound_names(node))
            self._bound[id(node)] = entry
        return entry[1]

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


def shared_parents(ctx: "object") -> ParentMap:
    """The file's one ParentMap: every rule and the dataflow layer share its parent tables
    and bound-name sets, so a file's tree is indexed once however many rules ask."""
    shared = ctx.shared  # type: ignore[attr-defined]
    if "parent-map" not in shared:
        shared["parent-map"] = ParentMap()
    parents: ParentMap = shared["parent-map"]
    return parents


def earlier_statements(node: cst.CSTNode, scope: Scope, parents: ParentMap) -> Iterator[cst.CSTNode]:
    """The statements that run before ``node`` in its scope: those before it in its block,
    then those before the enclosing statement in the enclosing block, and so on, nearest first."""
    table = parents.of(scope)
    current: cst.CSTNode = node
    while current is not scope.node:
        parent = table.get(id(current))
        if parent is None:
            return
        if isinstance(parent, (cst.IndentedBlock, cst.Module)):
            index = next((i for i, statement in enumerate(parent.body) if statement is current), 0)
            yield from reversed(parent.body[:index])
        current = parent


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
        if isinstance(parent, (cst.For, cst.While)) and current is parent.body and name in parents.bound(parent):
            return None  # a previous iteration may have rebound it
        if isinstance(parent, (cst.IndentedBlock, cst.Module, cst.SimpleStatementLine)):
            found = _before(parent.body, current, name, branches, parents)
            if found is not None:
                return found if isinstance(found, list) else None
        current = parent
    return None


_UNKNOWN = object()


def _before(
    statements: Sequence[cst.CSTNode], current: Optional[cst.CSTNode], name: str, branches: bool, parents: ParentMap
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
                found = _small_binding(small, name, parents)
                if found is not None:
                    return [found] if isinstance(found, Reaching) else found
        elif name in parents.bound(statement):
            if branches and isinstance(statement, cst.If):
                return _if_branches(statement, name, parents)
            return _UNKNOWN
        elif isinstance(statement, cst.BaseSmallStatement):
            found = _small_binding(statement, name, parents)
            if found is not None:
                return [found] if isinstance(found, Reaching) else found
    return None


def _if_branches(statement: cst.If, name: str, parents: ParentMap) -> object:
    """Each branch of ``if``/``elif``/``else`` assigns ``name`` last at its top level: all of those."""
    found: List[Reaching] = []
    branch: Optional[cst.CSTNode] = statement
    while isinstance(branch, cst.If):
        if name in parents.bound(branch.test):
            return _UNKNOWN
        body = branch.body
        last = _before(body.body, None, name, True, parents) if isinstance(body, cst.IndentedBlock) else _UNKNOWN
        if not isinstance(last, list):
            return _UNKNOWN  # this branch keeps the old value (or binds it in a way not read)
        found.extend(last)
        branch = branch.orelse
    if not isinstance(branch, cst.Else) or not isinstance(branch.body, cst.IndentedBlock):
        return _UNKNOWN  # no else: the old value reaches too
    last = _before(branch.body.body, None, name, True, parents)
    if not isinstance(last, list):
        return _UNKNOWN
    return found + last


def _small_binding(small: cst.CSTNode, name: str, parents: ParentMap) -> Optional[object]:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            path = _path_in(target.target, name)
            if path is not None:
                return Reaching(small.value, path, small)
        return _UNKNOWN if name in parents.bound(small.value) else None  # a walrus in the value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == name:
        return Reaching(small.value, (), small) if small.value is not None else None
    return _UNKNOWN if name in parents.bound(small) else None


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


def _bound_names(node: cst.CSTNode) -> FrozenSet[str]:
    """The names anything under ``node`` (not in nested functions/classes) binds."""
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return frozenset({node.name.value})  # a def binds its name; its body is another scope
    names: Set[str] = set()
    for child in _walk(node):
        if isinstance(child, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign)):
            names.update(target_names(child.target))
        elif isinstance(child, (cst.For, cst.CompFor)):
            names.update(target_names(child.target))
        elif isinstance(child, cst.NamedExpr) and isinstance(child.target, cst.Name):
            names.add(child.target.value)
        elif isinstance(child, cst.AsName) and isinstance(child.name, cst.Name):
            names.add(child.name.value)
        elif isinstance(child, cst.Del):
            names.update(target_names(child.target))
        elif isinstance(child, (cst.Import, cst.ImportFrom)) and not isinstance(child.names, cst.ImportStar):
            for alias in child.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(bound, cst.Name):
                    names.add(bound.value)
                elif isinstance(bound, cst.Attribute):
                    names.add(cst.Module([]).code_for_node(bound).split(".")[0])
        elif isinstance(child, (cst.Global, cst.Nonlocal)):
            names.update(n.name.value for n in child.names)
        elif isinstance(child, (cst.FunctionDef, cst.ClassDef)):
            names.add(child.name.value)
        elif isinstance(child, (cst.MatchAs, cst.MatchStar)) and child.name is not None:
            names.add(child.name.value)
    return frozenset(names)


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is not node and isinstance(current, (cst.FunctionDef, cst.ClassDef)):
            continue  # its body binds in its own scope
        stack.extend(children(current))
