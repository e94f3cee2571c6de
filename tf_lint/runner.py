"""Lint files under a configuration: read, lint, then apply selection, per-file-ignores and noqa."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import FrozenSet, Iterable, List, Optional

from tf_lint.config import Config
from tf_lint.diagnostics import Diagnostic
from tf_lint.engine import lint_source, tool_diagnostic
from tf_lint.files import ReadFailure, decode_source, read_source
from tf_lint.noqa import filter_noqa


@dataclass
class RunResult:
    diagnostics: List[Diagnostic] = field(default_factory=list)
    files_checked: int = 0


def check_text(text: str, display: str, config: Config, enabled: FrozenSet[str], path: Optional[Path] = None) -> List[Diagnostic]:
    """Diagnostics for one decoded source, filtered the way the user configured."""
    ignored = config.ignored_for(path) if path is not None else ()
    codes = frozenset(c for c in enabled if not c.startswith(tuple(ignored))) if ignored else enabled
    found = [d for d in lint_source(text, display, codes) if d.code in codes]
    return filter_noqa(text, found)


def _check_read(result: object, display: str, config: Config, enabled: FrozenSet[str], path: Optional[Path]) -> List[Diagnostic]:
    if isinstance(result, ReadFailure):
        diagnostic = tool_diagnostic(display, result.code, 1, 0, **{k: str(v) for k, v in result.fields.items()})
        ignored = config.ignored_for(path) if path is not None else ()
        keep = diagnostic.code in enabled and not diagnostic.code.startswith(tuple(ignored))
        return [diagnostic] if keep else []
    return check_text(result.text, display, config, enabled, path)  # type: ignore[attr-defined]


def check_paths(files: Iterable[Path], config: Config) -> RunResult:
    enabled = config.enabled_codes()
    run = RunResult()
    for path in files:
        run.files_checked += 1
        run.diagnostics.extend(_check_read(read_source(path), str(path), config, enabled, path))
    run.diagnostics.sort()
    return run


def check_stdin(data: bytes, display: str, config: Config) -> RunResult:
    enabled = config.enabled_codes()
    path = Path(display) if display != "-" else None
    diagnostics = _check_read(decode_source(data), display, config, enabled, path)
    return RunResult(sorted(diagnostics), 1)
