"""One traversal of the syntax tree that feeds every rule: a batched visitor without libcst's cost.

libcst's own visitor rebuilds every node it passes (``_visit_and_replace_children``), which
measured at about twice the parse time on the Keras sources; walking the dataclass fields
directly took under a twentieth of it (see docs/performance.md). The walk skips pure
whitespace and punctuation fields, visits the rest in source order, and supports the same
hook names as libcst: ``visit_<Node>``, ``leave_<Node>``, ``visit_<Node>_<field>`` and
``leave_<Node>_<field>``. Visitors run in list order on the way down and on the way up.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, ClassVar, Container, Dict, List, Optional, Sequence, Set, Tuple, Type

import libcst as cst

Hook = Callable[[cst.CSTNode], None]

# Fields that only hold whitespace, comments or punctuation: nothing a rule looks at.
_SKIPPED_FIELDS = frozenset(
    {
        "lpar", "rpar", "leading_lines", "lines_after_decorators", "header", "footer", "comma",
        "semicolon", "equal", "newline", "trailing_whitespace", "lbracket", "rbracket", "lbrace",
        "rbrace", "operator", "asynchronous", "first_colon", "second_colon", "colon", "dot", "star",
        "walrus", "default_indicator", "indent", "encoding", "default_indent", "default_newline",
        "has_trailing_newline", "relative", "posonly_ind", "whitespace",
    }
)
_SKIPPED_PREFIXES = ("whitespace_", "lines_")
# Dataclass field order differs from source order for these; visit them as the code reads.
_SOURCE_ORDER: Dict[str, Tuple[str, ...]] = {
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns", "body"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    "ExceptHandler": ("type", "name", "body"),
    "IfExp": ("body", "test", "orelse"),
    "MatchCase": ("pattern", "guard", "body"),
    "Parameters": ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
}

_FIELDS: Dict[type, Tuple[str, ...]] = {}


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The node's children that carry code (not whitespace or punctuation), in source order.

    Much cheaper than libcst's ``node.children``, which builds every child through a visitor;
    semantic helpers that search subtrees use this.
    """
    found: List[cst.CSTNode] = []
    for field in child_fields(type(node)):
        value = getattr(node, field)
        if isinstance(value, cst.CSTNode):
            found.append(value)
        elif type(value) in (list, tuple):
            found.extend(item for item in value if isinstance(item, cst.CSTNode))
    return found


def child_fields(node_type: Type[cst.CSTNode]) -> Tuple[str, ...]:
    fields = _FIELDS.get(node_type)
    if fields is None:
        names = [
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _SKIPPED_FIELDS and not f.name.startswith(_SKIPPED_PREFIXES)
        ]
        order = _SOURCE_ORDER.get(node_type.__name__)
        if order is not None:
            names = [n for n in order if n in names] + [n for n in names if n not in order]
        fields = _FIELDS[node_type] = tuple(names)
    return fields


class Visitor:
    """Base for anything the walk feeds. Subclasses define ``visit_*``/``leave_*`` methods
    (aliases such as ``visit_SetComp = _comprehension`` work too).

    ``isolated`` visitors (rules) that raise are reported through the walker's ``on_error``
    and muted for the rest of the tree; others (the engine's own bookkeeping) propagate.
    """

    isolated: ClassVar[bool] = True
    _hook_names: ClassVar[Dict[type, Tuple[str, ...]]] = {}

    def get_visitors(self) -> Dict[str, Hook]:
        cls = type(self)
        names = Visitor._hook_names.get(cls)
        if names is None:
            names = tuple(n for n in dir(cls) if n.startswith(("visit_", "leave_")) and callable(getattr(cls, n)))
            Visitor._hook_names[cls] = names
        return {name: getattr(self, name) for name in names}


ErrorHandler = Callable[[Visitor, cst.CSTNode, Exception], None]
_Bound = Tuple[Hook, Visitor]
# Per node type: hooks before, (field, hooks before field, hooks after field) per child field, hooks after.
_Plan = Tuple[List[_Bound], Tuple[Tuple[str, List[_Bound], List[_Bound]], ...], List[_Bound]]


class Walker:
    """Dispatches each node of one tree to every visitor that has a hook for it."""

    def __init__(self, visitors: Sequence[Visitor], on_error: ErrorHandler, muted: Optional[Container[type]] = None) -> None:
        """``muted``: visitor types to skip, shared with whoever else records failures."""
        self._hooks: Dict[Tuple[str, str, str], List[_Bound]] = {}
        self._on_error = on_error
        self._muted: Set[Visitor] = set()
        self._muted_types: Container[type] = muted if muted is not None else ()
        self._plans: Dict[type, _Plan] = {}
        for visitor in visitors:
            for name, hook in visitor.get_visitors().items():
                kind, _, target = name.partition("_")
                node_type, _, field = target.partition("_")
                self._hooks.setdefault((kind, node_type, field), []).append((hook, visitor))

    def _plan(self, node_type: Type[cst.CSTNode]) -> _Plan:
        name, hooks = node_type.__name__, self._hooks
        fields = tuple(
            (field, hooks.get(("visit", name, field), []), hooks.get(("leave", name, field), []))
            for field in child_fields(node_type)
        )
        plan = (hooks.get(("visit", name, ""), []), fields, hooks.get(("leave", name, ""), []))
        self._plans[node_type] = plan
        return plan

    def _call(self, bound: List[_Bound], node: cst.CSTNode) -> None:
        for hook, owner in bound:
            if owner in self._muted or type(owner) in self._muted_types:
                continue
            try:
                hook(node)
            except Exception as error:  # noqa: BLE001 - a crashing rule must not stop the others
                if not owner.isolated:
                    raise
                self._muted.add(owner)
                self._on_error(owner, node, error)

    def walk(self, node: cst.CSTNode) -> None:
        plan = self._plans.get(type(node)) or self._plan(type(node))
        if plan[0]:
            self._call(plan[0], node)
        for field, before, after in plan[1]:
            if before:
                self._call(before, node)
            value = getattr(node, field)
            if isinstance(value, cst.CSTNode):
                self.walk(value)
            elif type(value) in (list, tuple):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        self.walk(item)
            if after:
                self._call(after, node)
        if plan[2]:
            self._call(plan[2], node)
