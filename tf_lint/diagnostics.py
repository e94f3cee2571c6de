"""The value types every part of tf-lint passes around: a finding and its severity."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple, Optional


class Severity(str, enum.Enum):
    """How bad a finding is; shown in docs and machine-readable output."""

    ERROR = "error"  # crashes, or silently wrong results
    WARNING = "warning"  # likely a bug
    PERFORMANCE = "performance"  # runs, but much slower than it should
    STYLE = "style"  # readability only


class Fix(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
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
    # Notebooks: ``line`` counts through all code cells joined (it orders findings); these say
    # where a user looks: the 1-based cell number and the line inside that cell. 0: a .py file.
    cell: int = field(default=0, compare=False)
    cell_line: int = field(default=0, compare=False)
    cell_end_line: int = field(default=0, compare=False)

    @property
    def shown_line(self) -> int:
        return self.cell_line if self.cell else self.line

    @property
    def shown_end_line(self) -> int:
        return self.cell_end_line if self.cell else self.end_line

    def format_text(self) -> str:
        """``path:line:col: CODE message`` (flake8's, column 1-based); in a notebook
        ``path:cell N:line:col: CODE message``."""
        where = f"cell {self.cell}:{self.cell_line}" if self.cell else str(self.line)
        return f"{self.path}:{where}:{self.col + 1}: {self.code} {self.message}"
