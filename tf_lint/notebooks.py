"""Jupyter notebooks: lint the code cells as one module, report positions per cell.

The code cells are joined in order (an import in cell 1 serves cell 5, as when the notebook
runs top to bottom). IPython syntax is not Python: line magics (``%time``), shell escapes
(``!pip install``), help (``obj?``) and captured shell output (``files = !ls``) become
``pass`` at the same indentation, and a cell magic (``%%bash``) takes its whole cell out.
Line numbers are kept, so every finding maps back to its cell and line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from tf_lint.diagnostics import Diagnostic

# %magic, %%cell, !shell, ?help, obj?, obj??, files = !ls, t = %timeit f(). A "%" or "!" must
# be followed by a name or a command, so a continuation line like "    % x)" stays Python.
_MAGIC = re.compile(r"^\s*(?:%%?[A-Za-z]|![^=\s]|\?|[\w.]+\?\??\s*$|[\w.,\s\[\]]+=\s*(?:%[A-Za-z]|![^=\s]))")


@dataclass
class Cell:
    index: int  # 1-based position among all cells (what Jupyter's UI counts)
    first_line: int  # 1-based line of its first line in the joined module
    lines: List[str]  # its source as linted (magics replaced)
    magics: Dict[int, str] = field(default_factory=dict)  # 0-based line -> original text


@dataclass
class Notebook:
    raw: Dict[str, Any]
    cells: List[Cell]

    @property
    def source(self) -> str:
        return "".join(line for cell in self.cells for line in cell.lines)

    def locate(self, line: int) -> Tuple[int, int]:
        """(cell index, line within the cell) of a line of the joined module."""
        for cell in reversed(self.cells):
            if line >= cell.first_line:
                return cell.index, line - cell.first_line + 1
        return (self.cells[0].index, line) if self.cells else (0, line)


class NotebookError(ValueError):
    """Not a notebook tf-lint can read (invalid JSON, no cell list)."""


def _source_lines(cell: Dict[str, Any]) -> List[str]:
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def _neutralise(lines: List[str]) -> Tuple[List[str], Dict[int, str]]:
    """IPython-only lines -> ``pass``; a ``%%`` cell magic -> the whole cell."""
    if lines and lines[0].lstrip().startswith("%%"):
        return ["\n" for _ in lines], {i: line for i, line in enumerate(lines)}
    out: List[str] = []
    magics: Dict[int, str] = {}
    continued = False
    for i, line in enumerate(lines):
        if continued or _MAGIC.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}pass\n" if not continued else "\n")
            magics[i] = line
            continued = line.rstrip("\n").endswith("\\")
        else:
            out.append(line)
    return out, magics


def parse_notebook(text: str) -> Notebook:
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"invalid JSON: {error}") from None
    cells = raw.get("cells") if isinstance(raw, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("no 'cells' list: not a Jupyter notebook (nbformat 4)")
    language = str(raw.get("metadata", {}).get("language_info", {}).get("name", "python")).lower()
    if language not in ("python", "ipython", "python3"):
        return Notebook(raw, [])
    parsed: List[Cell] = []
    line = 1
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        lines, magics = _neutralise(_source_lines(cell))
        parsed.append(Cell(index, line, lines, magics))
        line += len(lines)
    return Notebook(raw, parsed)


def to_cells(diagnostics: Sequence[Diagnostic], notebook: Notebook) -> List[Diagnostic]:
    """Give each finding its cell and in-cell line (sorting stays by the joined line)."""
    placed = []
    for d in diagnostics:
        cell, cell_line = notebook.locate(d.line)
        end_line = notebook.locate(d.end_line)[1] if d.end_line else 0
        placed.append(replace(d, cell=cell, cell_line=cell_line, cell_end_line=end_line))
    return placed


def with_fixed_source(notebook: Notebook, fixed: str) -> Optional[str]:
    """The notebook's JSON with each code cell's source replaced from ``fixed`` (the joined,
    fixed module), magics restored, outputs and metadata untouched. None when a cell's line
    count changed around a magic line (its position would be a guess)."""
    lines = fixed.splitlines(keepends=True)
    raw = json.loads(json.dumps(notebook.raw))  # a copy
    raw_cells = raw["cells"]
    for position, cell in enumerate(notebook.cells):
        start = cell.first_line - 1
        end = notebook.cells[position + 1].first_line - 1 if position + 1 < len(notebook.cells) else len(lines)
        new_lines = lines[start:end]
        if len(new_lines) != len(cell.lines):
            return None  # fixes never add or remove lines today; refuse rather than guess
        restored = [cell.magics.get(i, line) for i, line in enumerate(new_lines)]
        original: Union[str, List[str]] = raw_cells[cell.index - 1].get("source", "")
        text = "".join(restored)
        if not "".join(original if isinstance(original, list) else [original]).endswith("\n") and text.endswith("\n"):
            text = text[:-1]
        raw_cells[cell.index - 1]["source"] = text.splitlines(keepends=True) if isinstance(original, list) else text
    return json.dumps(raw, indent=1, sort_keys=True, ensure_ascii=False) + "\n"  # as Jupyter writes it
