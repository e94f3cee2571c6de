"""Parse once, run every enabled rule in one traversal, return sorted diagnostics."""

from __future__ import annotations

import ast
import contextlib
import gc
import re
import sys
from typing import Callable, Collection, Dict, Iterator, List, Mapping, Optional, Tuple, Type

import libcst as cst
from libcst.metadata import CodeRange

from tf_lint.calls import CallRouter
from tf_lint.context import ContextEnter, ContextExit, FileContext
from tf_lint.diagnostics import Diagnostic
from tf_lint.files import DEFAULT_MAX_FILE_SIZE
from tf_lint.positions import node_positions
from tf_lint.registry import RuleMeta
from tf_lint.rule import Rule
from tf_lint.rules import all_rules, rule_for
from tf_lint.semantics.links import ProjectLinks
from tf_lint.walk import Walker

# A file that never spells one of these cannot import TensorFlow or Keras, so no rule can
# fire on it: skip it without parsing (the parse is most of the cost).
_ML_MARKER = re.compile(r"tensorflow|keras")
_RECURSION_LIMIT = 20_000


def mentions_ml(source: str) -> bool:
    return _ML_MARKER.search(source) is not None


def rule_classes(enabled: Optional[Collection[str]] = None) -> List[Type[Rule]]:
    """Visitor rules whose codes are enabled (all of them when ``enabled`` is None)."""
    return [
        rule
        for rule in all_rules()
        if issubclass(rule, Rule) and (enabled is None or rule.code in enabled)
    ]


def tool_diagnostic(path: str, code: str, line: int = 1, col: int = 0, **fields: str) -> Diagnostic:
    rule = rule_for(code)
    return Diagnostic(path, line, col, code, rule.format_message(fields), rule.severity)


class _Failures:
    """Rules that crashed on this file: each becomes one TFL999 and is muted for the file."""

    def __init__(self) -> None:
        self.failed: Dict[Type[RuleMeta], Tuple[cst.CSTNode, BaseException]] = {}

    def record(self, owner: object, node: cst.CSTNode, error: Exception) -> None:
        self.failed.setdefault(type(owner), (node, error))  # type: ignore[arg-type]

    def run(self, rule: Type[RuleMeta], node: cst.CSTNode, function: Callable[[], None]) -> None:
        if rule in self.failed:
            return
        try:
            function()
        except Exception as error:  # noqa: BLE001 - one buggy rule must not stop the others
            self.failed[rule] = (node, error)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while one file is parsed and walked.

    A libcst tree is tens of thousands of small objects without reference cycles; every
    collection the parse triggers traverses all of them, for nothing, and older trees too.
    Pausing the collector for the file saved about 10% of the parse and of the walk; what
    the file's work leaves behind is collected as usual once it is switched back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _deep_recursion() -> Iterator[None]:
    """Room for deeply nested code (a 400-branch elif chain, 350 terms joined by +).

    From Python 3.11 on, Python-to-Python calls do not use the C stack, so a higher limit is
    safe there; older interpreters keep theirs and report such files as TFL999.
    """
    previous = sys.getrecursionlimit()
    if sys.version_info >= (3, 11) and previous < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def lint_source(
    source: str,
    path: str = "<stdin>",
    enabled: Optional[Collection[str]] = None,
    *,
    prefilter: bool = True,
    target_keras: str = "3",
    target_tensorflow: Optional[str] = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    project: Optional[ProjectLinks] = None,
    tf1_possible: bool = False,
) -> List[Diagnostic]:
    """Every finding of the enabled rules in ``source``, sorted; no noqa or ignore filtering.

    ``max_file_size`` (KiB, 0: no limit) turns a bigger file into one TFL904 instead of a
    parse that could take minutes and gigabytes. ``target_keras``/``target_tensorflow`` are
    the versions the file runs on (``project.settings``); ``project`` lets questions follow
    imports into the other modules of the project (None: this file alone); ``tf1_possible``:
    nothing requires TensorFlow 2, so a file written for TF 1 is checked as TF 1 code.
    """
    if prefilter and not mentions_ml(source):
        return []
    if max_file_size and len(source) > max_file_size * 1024:
        size = f"{-(-len(source) // 1024):,}"
        return [tool_diagnostic(path, "TFL904", size=size, limit=f"{max_file_size:,}")]
    with _deep_recursion(), _gc_paused():
        try:
            return _lint(source, path, enabled, target_keras, target_tensorflow, project, tf1_possible)
        except RecursionError:
            return [tool_diagnostic(path, "TFL999", rule="the engine", detail="the file nests too deeply")]


def _lint(
    source: str,
    path: str,
    enabled: Optional[Collection[str]],
    target_keras: str,
    target_tensorflow: Optional[str],
    project: Optional[ProjectLinks],
    tf1_possible: bool,
) -> List[Diagnostic]:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return [_syntax_error(path, source, error)]
    except (RecursionError, MemoryError, ValueError) as error:
        return [tool_diagnostic(path, "TFL901", what="file", detail=f"{type(error).__name__}: {error}")]
    classes = rule_classes(enabled)
    if not classes:
        return []
    ctx = FileContext(path, module, source, target_keras, target_tensorflow, project, tf1_possible)
    rules = [cls(ctx) for cls in classes]
    failures = _Failures()
    try:
        router = CallRouter(ctx.callee, rules, failures.record, muted=failures.failed)
        Walker([ContextEnter(ctx), router, *rules, ContextExit(ctx)], failures.record, muted=failures.failed).walk(module)
    except RecursionError:
        raise  # reported by lint_source as "nests too deeply", not as an engine bug
    except Exception as error:  # noqa: BLE001 - an engine bug on one file must not end the run
        return [tool_diagnostic(path, "TFL999", rule="the engine", detail=f"{type(error).__name__}: {error}")]
    for rule_class, check in ctx.deferred:
        failures.run(rule_class, module, check)
    for rule in rules:
        failures.run(type(rule), module, rule.finish)
    return _positioned(path, module, ctx, failures)


def file_context(
    source: str, path: str, *, target_keras: str = "3", target_tensorflow: Optional[str] = None, project: Optional[ProjectLinks] = None
) -> Optional[FileContext]:
    """``source`` parsed and walked by the context visitors only (scopes, bindings, functions;
    no rule runs): what questions from another module need to know about it. None when it
    does not parse."""
    with _deep_recursion(), _gc_paused():
        try:
            module = cst.parse_module(source)
            ctx = FileContext(path, module, source, target_keras, target_tensorflow, project)
            Walker([ContextEnter(ctx), ContextExit(ctx)], _reraise).walk(module)
        except (cst.ParserSyntaxError, RecursionError, MemoryError, ValueError):
            return None
    return ctx


def _reraise(owner: object, node: cst.CSTNode, error: Exception) -> None:
    raise error


def parse_error(source: str) -> Optional[Tuple[int, int, str]]:
    """Why ``source`` does not parse (1-based line, 0-based column, detail); None if it does."""
    with _deep_recursion(), _gc_paused():
        try:
            cst.parse_module(source)
        except cst.ParserSyntaxError as error:
            return _syntax_error_at(source, error)
        except (RecursionError, MemoryError, ValueError) as error:
            return 1, 0, f"{type(error).__name__}: {error}"
    return None


def _syntax_error(path: str, source: str, error: cst.ParserSyntaxError) -> Diagnostic:
    line, col, detail = _syntax_error_at(source, error)
    return tool_diagnostic(path, "TFL901", line, col, what="file", detail=detail)


def _syntax_error_at(source: str, error: cst.ParserSyntaxError) -> Tuple[int, int, str]:
    """Prefer CPython's own location and wording; libcst's point past the real error."""
    try:
        ast.parse(source)
    except SyntaxError as python_error:
        return python_error.lineno or 1, max((python_error.offset or 1) - 1, 0), f"SyntaxError: {python_error.msg}"
    except (ValueError, RecursionError, MemoryError):
        pass
    return error.raw_line, error.raw_column, error.message


def _expected_error_lines(ctx: FileContext, positions: Mapping[cst.CSTNode, CodeRange]) -> List[Tuple[int, int]]:
    """Line ranges of code meant to fail: ``with pytest.raises(...)`` blocks, and the body of
    a function of the file that is called only inside such blocks (the TF guide's
    ``with assert_raises(ValueError): f(1.0)``)."""
    spans = [(positions[b].start.line, positions[b].end.line) for b in ctx.expected_error_blocks if b in positions]
    if not spans:
        return spans

    def inside(node: cst.CSTNode) -> bool:
        return node in positions and any(a <= positions[node].start.line <= b for a, b in spans)

    for definition, info in ctx.tracing.functions.items():
        sites = ctx.tracing.call_sites.get(info.name, [])
        if sites and info.name not in ctx.tracing.used_as_value and all(inside(call) for call, _ in sites) and definition in positions:
            spans.append((positions[definition].start.line, positions[definition].end.line))
    return spans


def _positioned(path: str, module: cst.Module, ctx: FileContext, failures: _Failures) -> List[Diagnostic]:
    failed = failures.failed
    if not ctx.findings and not failed:
        return []
    # Positions cost a full code-generation pass: pay for them only when there is a finding.
    positions = ctx.shared.get("positions") or node_positions(module)
    expected_errors = _expected_error_lines(ctx, positions)
    seen = set()
    diagnostics = []
    for node, rule, message, fix in ctx.findings:
        if rule in failed:
            continue
        span = positions.get(node)
        if span is None:
            continue  # a node of another module: its findings belong to that module's own lint

        position = span.start
        if any(first <= position.line <= last for first, last in expected_errors):
            continue  # code under test that is meant to raise
        diagnostic = Diagnostic(
            path, position.line, position.column, rule.code, message, rule.severity, span.end.line, span.end.column, fix
        )
        if diagnostic not in seen:
            seen.add(diagnostic)
            diagnostics.append(diagnostic)
    for rule, (node, error) in failed.items():
        start = positions[node].start if node in positions else None
        diagnostics.append(
            tool_diagnostic(
                path, "TFL999", start.line if start else 1, start.column if start else 0,
                rule=f"{rule.code} ({rule.name})", detail=f"{type(error).__name__}: {error}",
            )
        )
    return sorted(diagnostics)

