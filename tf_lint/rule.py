"""The Rule base class: one class per code, its metadata and documentation beside its logic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix
from tf_lint.registry import RuleMeta
from tf_lint.walk import Visitor

_NO_CALLS = CallInterests()

if TYPE_CHECKING:
    from tf_lint.context import FileContext

__all__ = ["Rule", "RuleMeta", "ToolDiagnostic"]


class Rule(RuleMeta, Visitor):
    """A rule that visits the syntax tree.

    A fresh instance is made for every file, so instance state never leaks between files.
    ``visit_*``/``leave_*`` methods run in the engine's single traversal (``tf_lint.walk``); decisions
    that need the whole file (every binding of a name, whether a function is traced) go in
    :meth:`finish`, which runs after the traversal.
    """

    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx

    def report(self, node: cst.CSTNode, fix: Optional[Fix] = None, **fields: object) -> None:
        """Record a finding anchored on ``node`` (the most specific node), with an optional fix
        that replaces exactly that node's source text."""
        self.ctx.add_finding(node, type(self), self.format_message(fields), fix)

    def defer(self, check: Callable[[], None]) -> None:
        """Run ``check`` after the traversal, when whole-file facts are known."""
        self.ctx.deferred.append((type(self), check))

    def finish(self) -> None:
        """Hook run after the traversal; rules that only use :meth:`defer` need not override it."""

    def call_interests(self) -> "CallInterests":
        """The calls :meth:`on_call` wants (see ``tf_lint.calls``); none by default."""
        return _NO_CALLS

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        """A call matching :meth:`call_interests`; ``callee`` is its unscoped qualified name."""


class ToolDiagnostic(RuleMeta):
    """A code the engine itself emits (unreadable file, syntax error, internal error)."""
