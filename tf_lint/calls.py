"""Route each call only to the rules that asked for it.

Most calls in a file (``print``, ``np.zeros``, a user's helpers) interest no rule. A rule
that only cares about some calls declares them (``CallInterests``: qualified names, name
prefixes, method names, bare function names, keyword arguments) and implements ``on_call``; the router computes the callee once per
call and wakes only the matching rules. Measured on the Keras sources, twenty rules each
running ``visit_Call`` on every call cost more than the walk itself.
"""

from __future__ import annotations

from typing import Callable, Container, Dict, FrozenSet, List, NamedTuple, Optional, Protocol, Sequence, Tuple

import libcst as cst

from tf_lint.walk import Visitor


class CallInterests(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """Which calls a rule wants: callee names, callee prefixes (``"keras.layers."``), methods."""

    names: FrozenSet[str] = frozenset()
    prefixes: Tuple[str, ...] = ()
    methods: FrozenSet[str] = frozenset()
    functions: FrozenSet[str] = frozenset()  # bare-name calls: "print", "float"; "*" for any f(...)
    keywords: FrozenSet[str] = frozenset()  # calls passing this keyword argument ("training")


class CallListener(Protocol):
    """What the router needs of a rule (``tf_lint.rule.Rule`` implements it)."""

    def call_interests(self) -> CallInterests: ...

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None: ...


class CallRouter(Visitor):
    """One ``visit_Call`` that dispatches to ``Rule.on_call`` by callee and method name."""

    isolated = False  # rule errors are caught here, per rule, and reported like the walker's

    def __init__(
        self,
        callee: Callable[[cst.Call], Optional[str]],
        rules: Sequence[CallListener],
        on_error: Callable[[CallListener, cst.CSTNode, Exception], None],
        muted: Container[type],
    ) -> None:
        """``callee``: the file's memoised qualified name of a call's function; ``muted``: rule
        types that already failed on this file (shared with the walker)."""
        self.callee = callee
        self.on_error = on_error
        self.muted = muted
        self.by_name: Dict[str, List[CallListener]] = {}
        self.by_method: Dict[str, List[CallListener]] = {}
        self.by_prefix: List[Tuple[str, CallListener]] = []
        self.by_function: Dict[str, List[CallListener]] = {}
        self.by_keyword: Dict[str, List[CallListener]] = {}
        for rule in rules:
            interests = rule.call_interests()
            for name in interests.names:
                self.by_name.setdefault(name, []).append(rule)
            for method in interests.methods:
                self.by_method.setdefault(method, []).append(rule)
            self.by_prefix.extend((prefix, rule) for prefix in interests.prefixes)
            for function in interests.functions:
                self.by_function.setdefault(function, []).append(rule)
            for name in interests.keywords:
                self.by_keyword.setdefault(name, []).append(rule)

    def visit_Call(self, node: cst.Call) -> None:
        callee = self.callee(node)
        wanted: List[CallListener] = []
        if callee is not None:
            wanted.extend(self.by_name.get(callee, ()))
            wanted.extend(rule for prefix, rule in self.by_prefix if callee.startswith(prefix))
        func = node.func
        if isinstance(func, cst.Attribute):
            wanted.extend(self.by_method.get(func.attr.value, ()))
        elif isinstance(func, cst.Name) and self.by_function:
            wanted.extend(self.by_function.get(func.value, ()))
            wanted.extend(self.by_function.get("*", ()))
        if self.by_keyword:
            for arg in node.args:
                if arg.keyword is not None:
                    wanted.extend(self.by_keyword.get(arg.keyword.value, ()))
        seen = set()
        for rule in wanted:
            if id(rule) in seen or type(rule) in self.muted:
                continue
            seen.add(id(rule))
            try:
                rule.on_call(node, callee)
            except Exception as error:  # noqa: BLE001 - a crashing rule must not stop the others
                self.on_error(rule, node, error)
