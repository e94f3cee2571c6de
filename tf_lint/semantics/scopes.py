"""Scopes, bindings and loops, recorded during the single traversal.

Each scope keeps every binding of every name it owns (assignment, parameter, loop target,
import...). Rules ask about a name only after the traversal (``Rule.defer``), when all its
bindings are known, so an answer never depends on statement order by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, NamedTuple, Optional, Set

import libcst as cst

# Binding kinds. Only ASSIGN carries a value a rule can inspect; every other kind means
# "the name holds something we cannot see" for the purposes of type-like questions.
ASSIGN = "assign"
AUGMENT = "augment"  # ``x += 1`` keeps whatever x was
OPAQUE = "opaque"  # parameter, loop target, with/except/match target, unpacking...
IMPORT = "import"  # the name is a module or an object imported from one
DEFINITION = "definition"  # def or class statement: the name is a function or a class


class Binding(NamedTuple):  # a named tuple: cheaper to create at import than a dataclass
    kind: str
    value: Optional[cst.BaseExpression] = None
    definition: Optional[cst.CSTNode] = None  # the FunctionDef/ClassDef of a DEFINITION


@dataclass(eq=False)  # identity semantics: scopes are used as dict keys
class Scope:
    """A function, class, lambda, comprehension or the module."""

    node: cst.CSTNode
    kind: str  # "module" | "function" | "class" | "lambda" | "comprehension"
    parent: Optional["Scope"]
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)
    declared_global: Set[str] = field(default_factory=set)
    declared_nonlocal: Set[str] = field(default_factory=set)
    params: List[str] = field(default_factory=list)
    # The module scope's file (a ``semantics.links.ModuleFile``): lets a question that reaches
    # a name imported from another module of the project continue there.
    file: Any = None

    def bind(self, name: str, binding: Binding) -> None:
        """Record a binding where Python puts it: ``global``/``nonlocal`` redirect it."""
        target: Scope = self
        if name in self.declared_global:
            target = self.module()
        elif name in self.declared_nonlocal:
            enclosing = self.parent
            while enclosing is not None and (enclosing.kind == "class" or name not in enclosing.bindings):
                enclosing = enclosing.parent
            target = enclosing if enclosing is not None else self
        target.bindings.setdefault(name, []).append(binding)

    def owner_of(self, name: str) -> Optional["Scope"]:
        """The scope whose binding ``name`` refers to here, following Python's LEGB rules."""
        if name in self.declared_global:
            return self.module()
        if name in self.bindings and name not in self.declared_nonlocal:
            return self
        scope = self.parent
        while scope is not None:
            # Class bodies are not visible from the functions nested in them.
            if scope.kind != "class" and name in scope.bindings:
                return scope
            scope = scope.parent
        return None

    def bindings_of(self, name: str) -> List[Binding]:
        owner = self.owner_of(name)
        return owner.bindings.get(name, []) if owner is not None else []

    def shadows_import(self, name: str) -> bool:
        """Is ``name`` here something other than what the file imported under that name?

        ``try: import tensorflow as tf`` / ``except ImportError: tf = None`` is a fallback,
        not a rebinding, so assignments of ``None`` do not count.
        """
        bindings = self.bindings_of(name)
        return any(
            b.kind != IMPORT and not (b.kind == ASSIGN and isinstance(b.value, cst.Name) and b.value.value == "None")
            for b in bindings
        )

    def module(self) -> "Scope":
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def enclosing_function(self) -> Optional["Scope"]:
        scope: Optional[Scope] = self
        while scope is not None and scope.kind not in ("function", "lambda"):
            scope = scope.parent
        return scope


@dataclass
class Loop:
    """A ``for``/``while`` statement or a comprehension, with what its body (re)binds.

    ``function`` is the function (or lambda) the loop runs in, None at module level: code in a
    ``def`` or ``lambda`` written inside the loop body does not run once per iteration.
    """

    node: cst.CSTNode
    targets: Set[str]
    function: Optional[Scope]
    assigned_in_body: Set[str] = field(default_factory=set)
    in_body: bool = False


def target_names(target: cst.BaseExpression) -> List[str]:
    """Names bound by an assignment or loop target (``a``, ``a, (b, c)``, ``*rest``)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names: List[str] = []
        for element in target.elements:
            names.extend(target_names(element.value))
        return names
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []


def base_name(expr: cst.BaseExpression) -> Optional[str]:
    """The root name of ``x``, ``x[i]``, ``x.attr``, ``x[i].attr``."""
    while isinstance(expr, (cst.Subscript, cst.Attribute)):
        expr = expr.value
    return expr.value if isinstance(expr, cst.Name) else None
