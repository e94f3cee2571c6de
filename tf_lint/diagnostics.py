"""The value types every part of tf-lint passes around: a finding and its severity."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional


class Severity(str, enum.Enum):
    """How bad a finding is; shown in docs and machine-readable output."""

    ERROR = "error"  # crashes, or silently wrong results
    WARNING = "warning"  # likely a bug
    PERFORMANCE = "performance"  # runs, but much slower than it should
    STYLE = "style"  # readability only


@dataclass(frozen=True)
class Fix:
    """A replacement for the source text of the reported node (``Diagnostic`` start to end).

    ``safe`` fixes keep the code's meaning for certain (``'Mse'`` -> ``'mse'``, the same name up
    to case); unsafe ones are a best guess (a did-you-mean on a typo).
    """

    replacement: str
    safe: bool
    title: str


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding. ``line`` is 1-based, ``col`` 0-based (as in libcst and flake8's input).

    Field order is the sort order: path, then position, then code. The end position and the
    fix ride along without taking part in comparisons.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    end_line: int = field(default=0, compare=False)
    end_col: int = field(default=0, compare=False)
    fix: Optional[Fix] = field(default=None, compare=False)

    def format_text(self) -> str:
        """The flake8-compatible ``path:line:col: CODE message`` line (column printed 1-based)."""
        return f"{self.path}:{self.line}:{self.col + 1}: {self.code} {self.message}"
