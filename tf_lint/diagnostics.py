"""The value types every part of tf-lint passes around: a finding and its severity."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(str, enum.Enum):
    """How bad a finding is; shown in docs and machine-readable output."""

    ERROR = "error"  # crashes, or silently wrong results
    WARNING = "warning"  # likely a bug
    PERFORMANCE = "performance"  # runs, but much slower than it should
    STYLE = "style"  # readability only


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding. ``line`` is 1-based, ``col`` 0-based (as in libcst and flake8's input).

    Field order is the sort order: path, then position, then code.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def format_text(self) -> str:
        """The flake8-compatible ``path:line:col: CODE message`` line (column printed 1-based)."""
        return f"{self.path}:{self.line}:{self.col + 1}: {self.code} {self.message}"
