"""``# noqa`` comments with flake8's exact semantics, so the CLI and the plugin agree.

* ``# noqa`` (any case) on the reported line silences everything there;
* ``# noqa: TFL101,TFL2`` silences the listed codes and the codes they prefix;
* the line searched is the one where the diagnostic starts, except that every line of a
  multi-line token (a triple-quoted string) maps to the whole logical span, as flake8 does;
* ``# flake8: noqa`` or ``# tf-lint: noqa`` alone on a line skips the whole file.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, Iterable, List, Optional

from tf_lint.diagnostics import Diagnostic

# Same grammar as flake8's NOQA_INLINE_REGEXP.
_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_FILE = re.compile(r"\s*# (?:flake8|tf-lint)[:=]\s*noqa", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def physical_lines(source: str) -> List[str]:
    """Lines as Python and flake8 count them: only \\n, \\r\\n and \\r end a line.

    ``str.splitlines`` also splits on form feeds, U+2028 and friends, which would shift
    every line number after them.
    """
    return _LINE.findall(source)


def file_is_exempt(lines: Iterable[str]) -> bool:
    return any(_FILE.match(line) for line in lines)


def _logical_line_map(source: str, lines: List[str]) -> Dict[int, str]:
    """Line number -> text to search, joining the lines of multi-line tokens (flake8's rule)."""
    mapping: Dict[int, str] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return mapping
    low, high = len(lines) + 2, -1
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        low, high = min(low, token.start[0]), max(high, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[low - 1 : high])
            for number in range(low, high + 1):
                mapping[number] = joined
            low, high = len(lines) + 2, -1
    return mapping


def is_suppressed(code: str, text: Optional[str]) -> bool:
    if not text:
        return False
    match = _INLINE.search(text)
    if match is None:
        return False
    listed = match.group("codes")
    if listed is None:
        return True
    codes = {c for c in _SEPARATORS.split(listed) if c}
    return code in codes or code.startswith(tuple(codes))


def filter_noqa(source: str, diagnostics: List[Diagnostic]) -> List[Diagnostic]:
    """Drop diagnostics silenced by noqa comments in ``source``."""
    if not diagnostics or "noqa" not in source.lower():
        return diagnostics
    lines = physical_lines(source)
    if file_is_exempt(lines):
        return []
    mapping = _logical_line_map(source, lines)
    kept = []
    for diagnostic in diagnostics:
        text = mapping.get(diagnostic.line)
        if text is None and 0 < diagnostic.line <= len(lines):
            text = lines[diagnostic.line - 1]
        if not is_suppressed(diagnostic.code, text):
            kept.append(diagnostic)
    return kept
