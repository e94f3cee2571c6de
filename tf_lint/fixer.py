"""Apply the fixes rules attach to their findings, as libcst node replacements.

A rule's :class:`~tf_lint.diagnostics.Fix` carries the source of the node that should stand
where the reported node stands. The fixer parses the file again, finds the node with exactly
the reported span, parses the replacement into a node of the same kind and swaps it in with a
transformer, so everything around it (comments, spacing, parentheses, line endings) is kept
by libcst itself. It then lints the result again and repeats, a bounded number of times,
until no applicable fix is left. If a result does not re-parse, the file is left untouched.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from tf_lint.config import Config
from tf_lint.diagnostics import Diagnostic
from tf_lint.runner import check_text

MAX_PASSES = 20  # nested fixes (tf.add(tf.add(a, b), c)) take one pass per level; this bounds a bad rule
Span = Tuple[int, int, int, int]

# Where an expression stands alone, so parentheses a replacement brought along are noise.
_STANDALONE_PARENTS = (
    cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Return, cst.Expr, cst.Arg,
    cst.Element, cst.DictElement, cst.Index, cst.SubscriptElement,
)


@dataclass
class FixOutcome:
    """What fixing one file did: the new text, the fixes applied, what is left."""

    source: str
    applied: List[Diagnostic] = field(default_factory=list)
    remaining: List[Diagnostic] = field(default_factory=list)
    error: Optional[str] = None  # why the file was left as it was

    @property
    def changed(self) -> bool:
        return bool(self.applied) and self.error is None


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    return diagnostic.fix is not None and (diagnostic.fix.safe or unsafe)


def fix_text(
    text: str,
    display: str,
    config: Config,
    enabled: FrozenSet[str],
    path: Optional[Path] = None,
    unsafe: bool = False,
    pins: str = "",
) -> FixOutcome:
    """Lint, apply every applicable fix that does not overlap another, and repeat. ``pins``:
    a notebook's magic lines (see ``runner.check_text``)."""
    current = text
    applied: List[Diagnostic] = []
    found = check_text(current, display, config, enabled, path, pins)
    for _ in range(MAX_PASSES):
        chosen = _non_overlapping([d for d in found if applicable(d, unsafe)])
        if not chosen:
            break
        try:
            updated = apply_fixes(current, chosen)
        except _CannotApply as error:
            return FixOutcome(text, [], check_text(text, display, config, enabled, path, pins), str(error))
        if updated == current:
            break
        problem = _reparse_problem(text, updated)
        if problem is not None:
            return FixOutcome(text, [], check_text(text, display, config, enabled, path, pins), problem)
        applied.extend(chosen)
        current = updated
        found = check_text(current, display, config, enabled, path, pins)
    return FixOutcome(current, applied, found)


def _non_overlapping(diagnostics: Sequence[Diagnostic]) -> List[Diagnostic]:
    """The innermost fixes, in source order, none touching another; an enclosing fix waits for
    the next pass, when its replacement is computed from the already fixed inside."""
    spans = {(d.line, d.col, d.end_line, d.end_col) for d in diagnostics}

    def encloses_another(span: Span) -> bool:
        start, end = span[:2], span[2:]
        return any(other != span and start <= other[:2] and other[2:] <= end for other in spans)

    chosen: List[Diagnostic] = []
    last_end = (0, -1)
    for diagnostic in sorted(diagnostics, key=lambda d: (d.line, d.col, d.end_line, d.end_col, d.code)):
        span = (diagnostic.line, diagnostic.col, diagnostic.end_line, diagnostic.end_col)
        if encloses_another(span):
            continue
        if (diagnostic.line, diagnostic.col) > last_end:
            chosen.append(diagnostic)
            last_end = (diagnostic.end_line, diagnostic.end_col)
    return chosen


def _reparse_problem(original: str, updated: str) -> Optional[str]:
    try:
        cst.parse_module(updated)
    except Exception as error:  # noqa: BLE001 - any failure means: do not write this
        return f"the fixed code does not parse ({type(error).__name__}); the file was left untouched"
    try:
        ast.parse(original)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # this Python cannot compile the original either: libcst's word stands
    try:
        ast.parse(updated)
    except (SyntaxError, ValueError) as error:
        return f"the fixed code does not compile ({error}); the file was left untouched"
    except (RecursionError, MemoryError):
        return None
    return None


class _CannotApply(Exception):
    """A fix that does not fit the tree (a stale position, an unparsable replacement)."""


def apply_fixes(source: str, diagnostics: Sequence[Diagnostic]) -> str:
    """``source`` with each diagnostic's fix replacing the node at its exact span."""
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    wanted: Dict[Span, str] = {}
    for diagnostic in diagnostics:
        assert diagnostic.fix is not None
        wanted[(diagnostic.line, diagnostic.col, diagnostic.end_line, diagnostic.end_col)] = diagnostic.fix.replacement
    transformer = _Replacer(positions, wanted)
    updated = module.visit(transformer)
    missing = set(wanted) - transformer.done
    if missing:
        line, col, _, _ = min(missing)
        raise _CannotApply(f"no node at {line}:{col + 1} matches its fix; the file was left untouched")
    return updated.code


class _Replacer(cst.CSTTransformer):
    """Swap in replacements by span, innermost node of a fitting kind first."""

    def __init__(self, positions: Mapping[cst.CSTNode, CodeRange], wanted: Dict[Span, str]) -> None:
        super().__init__()
        self.positions = positions
        self.wanted = wanted
        self.done: Set[Span] = set()
        self.parents: List[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.parents.append(node)
        return True

    def on_leave(  # type: ignore[override]  # a replacement may be of another node type
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> Union[cst.CSTNode, cst.RemovalSentinel]:
        self.parents.pop()
        where = self.positions.get(original_node)
        if where is None:
            return updated_node
        span = (where.start.line, where.start.column, where.end.line, where.end.column)
        replacement = self.wanted.get(span)
        if replacement is None or span in self.done:
            return updated_node
        parent = self.parents[-1] if self.parents else None
        if isinstance(parent, cst.FormattedStringExpression) and parent.equal is not None:
            self.done.add(span)  # f"{expr=}" prints the expression's own text: rewriting it changes output
            return updated_node
        node = _replacement_for(updated_node, replacement, parent)
        if node is None:
            return updated_node  # not the kind this fix replaces: an enclosing node with the same span may be
        self.done.add(span)
        return node


def _replacement_for(original: cst.CSTNode, text: str, parent: Optional[cst.CSTNode]) -> Optional[cst.CSTNode]:
    if isinstance(original, cst.Arg):
        try:
            call = cst.parse_expression(f"f({text})")
        except cst.ParserSyntaxError:
            raise _CannotApply(f"the fix {text!r} is not a call argument") from None
        assert isinstance(call, cst.Call) and len(call.args) == 1
        return call.args[0].with_changes(comma=original.comma, whitespace_after_arg=original.whitespace_after_arg)
    if not isinstance(original, cst.BaseExpression):
        return None
    try:
        expression = cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None  # e.g. ``name=value``: meant for the enclosing Arg with the same span
    if original.lpar:  # keep the user's parentheses, drop the fix's own
        return expression.with_changes(lpar=original.lpar, rpar=original.rpar)
    if expression.lpar and isinstance(parent, _STANDALONE_PARENTS) and "\n" not in text:
        return expression.with_changes(lpar=[], rpar=[])  # (a line break needs the brackets to stay valid)
    return expression

