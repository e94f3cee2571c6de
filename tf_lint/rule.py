"""The Rule base class: one class per code, its metadata and documentation beside its logic."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.registry import register
from tf_lint.walk import Visitor

_NO_CALLS = CallInterests()

if TYPE_CHECKING:
    from tf_lint.context import FileContext


class RuleMeta:
    """Metadata every diagnostic code carries, whether a visitor produces it or the engine does.

    Subclasses that define ``code`` register themselves. The prose fields are Markdown and
    feed the generated rule docs; keep each one short and factual.
    """

    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case, reads as "allow <name>"
    message: ClassVar[str]  # str.format template filled by report(**fields)
    severity: ClassVar[Severity] = Severity.ERROR
    default_enabled: ClassVar[bool] = True
    summary: ClassVar[str] = ""  # what it does, one sentence
    rationale: ClassVar[str] = ""  # why it is bad, with the measured fact behind it
    example: ClassVar[str] = ""  # code that triggers it
    use_instead: ClassVar[str] = ""  # the corrected code
    known_problems: ClassVar[str] = ""  # what it deliberately misses
    # "none": no fix; "safe": every fix keeps the code's meaning; "unsafe": a best guess, applied
    # only with --unsafe-fixes; "sometimes": each fix says which it is (fix_note says when).
    fix_safety: ClassVar[str] = "none"
    fix_note: ClassVar[str] = ""  # why the fix is safe or not; required when there is one
    since: ClassVar[str] = "0.1.0"  # the tf-lint version that introduced the code

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            for attr in ("summary", "rationale", "example", "use_instead", "known_problems", "fix_note"):
                setattr(cls, attr, textwrap.dedent(getattr(cls, attr)).strip())
            register(cls)

    @classmethod
    def format_message(cls, fields: Mapping[str, object]) -> str:
        return cls.message.format(**fields)


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
