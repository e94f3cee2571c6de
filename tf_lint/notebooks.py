"""Jupyter notebooks: lint the code cells as one module, report positions per cell.

The code cells are joined in order (an import in cell 1 serves cell 5, as when the notebook
runs top to bottom). IPython syntax is not Python: line magics (``%time``), shell escapes
(``!pip install``), help (``obj?``) and captured shell output (``files = !ls``) become
``pass`` at the same indentation, and a cell magic (``%%bash``) takes its whole cell out.
A line inside open brackets or after a backslash continues Python code and is never taken
for a magic. Each cell is preceded by a marker comment (``#%% tf-lint cell N``), which no
fix touches: it carries findings back to their cell and line, and fixed code back into the
cell it came from, however many lines a fix added or removed.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, FrozenSet, List, NamedTuple, Optional, Sequence, Tuple

from tf_lint.diagnostics import Diagnostic
from tf_lint.noqa import physical_lines

# %magic, %%cell, !shell (also "! pip"), ?help, obj?, obj??, files = !ls, t = %timeit f().
# A "%" must be followed by a name, so "%" as Python's operator at a line start stays Python.
_MAGIC = re.compile(r"^\s*(?:%%?[A-Za-z]|!(?!=)|\?|[\w.]+\?\??\s*$|[\w.,\s\[\]:]+=\s*(?:%[A-Za-z]|!(?!=)))")
_PYTHON_KERNELS = ("python", "ipython", "python3", "python2")
# IPython's automagic: a line magic written without its "%" (`ls data/`, `pip install x`),
# taken as one only where the cell does not parse as Python otherwise.
_AUTOMAGIC = re.compile(
    r"^\s*(?:ls|cd|pwd|pip|conda|cat|mkdir|rmdir|cp|mv|rm|less|env|who|whos|time|timeit|load_ext|matplotlib|run|"
    r"tensorflow_version|pylab|history|reset|alias|bookmark|pinfo|sx|sc|set_env|store|autoreload|pdb|debug)"
    r"(?:\s+(?![=(\[:]|[+\-*/%&|^<>!]=)|\s*$)"
)


@dataclass
class Cell:
    index: int  # 1-based position among all cells (what Jupyter's UI counts)
    first_line: int  # 1-based line of its first line in the joined module
    lines: List[str]  # its source as linted (magics replaced)
    magics: Dict[int, str] = field(default_factory=dict)  # 0-based line -> original text
    indent: str = ""  # indentation IPython strips from the lines that start with it (removed here too)
    dedented: FrozenSet[int] = frozenset()  # 0-based lines the indentation was removed from
    broken: Optional[Tuple[int, int, str]] = None  # (line, column, error) of a cell that does not parse


class BrokenCell(NamedTuple):
    cell: int  # its 1-based index among all cells
    line: int  # 1-based, in the joined module
    col: int
    error: str
    exercise: bool = False  # a blank left for the reader ("# YOUR CODE HERE"): incomplete on purpose


# Course notebooks leave cells for the student to complete: `batch_size = # TODO`.
_EXERCISE = re.compile(r"#.*\b(?:YOUR CODE|TODO|FILL ?IN|COMPLETE THIS|EXERCISE)\b|^\s*\w+\s*=\s*(?:#.*)?$|\.\.\.\s*#", re.IGNORECASE | re.MULTILINE)


@dataclass
class Notebook:
    raw: Dict[str, Any]
    cells: List[Cell]
    python2: bool = False  # a Python 2 kernel: its print statements are valid there

    @property
    def source(self) -> str:
        return "".join(marker(cell.index) + "".join(cell.lines) for cell in self.cells)

    def locate(self, line: int) -> Tuple[int, int]:
        """(cell index, line within the cell) of a line of the joined module."""
        for cell in reversed(self.cells):
            if line >= cell.first_line:
                return cell.index, line - cell.first_line + 1
        return (self.cells[0].index, line) if self.cells else (0, line)


    def magic_lines(self) -> str:
        """The IPython lines of the code cells (``!pip install ...``, ``%tensorflow_version``), in order."""
        return "".join(cell.magics[i] for cell in self.cells for i in sorted(cell.magics))

    def isolate_broken_cells(self, parses: Callable[[str], Optional[Tuple[int, int, str]]]) -> List[BrokenCell]:
        """Cells run one by one in Jupyter, so one that does not parse breaks only itself. Each
        cell is tried alone (``parses`` gives the error's line, column and message, or None);
        one that fails is tried again as IPython would read it (leading indentation stripped,
        automagic lines such as ``ls data/``), and if it still fails it is blanked out (its
        line count kept) so the other cells are linted together."""
        broken: List[BrokenCell] = []
        for cell in self.cells:
            error = parses("".join(cell.lines))
            if error is None:
                continue
            error = self._as_ipython_reads(cell, parses)
            if error is None:
                continue
            line, col, message = error
            exercise = _EXERCISE.search("".join(cell.lines)) is not None
            cell.broken = error
            cell.lines = ["\n" for _ in cell.lines]
            broken.append(BrokenCell(cell.index, cell.first_line + line - 1, col, message, exercise))
        return broken

    @staticmethod
    def _as_ipython_reads(cell: Cell, parses: Callable[[str], Optional[Tuple[int, int, str]]]) -> Optional[Tuple[int, int, str]]:
        """Retry with IPython's own input transformations; None when the cell then parses (and
        keeps them), else the first error."""
        indent = _leading_indent(cell.lines)
        lines = [line[len(indent):] if indent and line.startswith(indent) else line for line in cell.lines]
        magics = dict(cell.magics)
        for i, line in enumerate(lines):
            if _AUTOMAGIC.match(line):
                magics[i] = cell.magics.get(i, indent + line if line.strip() else line)
                lines[i] = "pass\n"
        error = parses("".join(lines))
        if error is None:
            dedented = frozenset(i for i, line in enumerate(cell.lines) if indent and line.startswith(indent))
            cell.lines, cell.magics, cell.indent, cell.dedented = lines, magics, indent, dedented
        return error


def _leading_indent(lines: Sequence[str]) -> str:
    """The indentation of the cell's first line, which IPython strips from every line that
    starts with it (its ``leading_indent`` input transformer)."""
    first = next((line for line in lines if line.strip()), "")
    return first[: len(first) - len(first.lstrip(" \t"))]


def marker(index: int) -> str:
    return f"#%% tf-lint cell {index}\n"


class NotebookError(ValueError):
    """Not a notebook tf-lint can read (invalid JSON, no cell list, a cell that is not text)."""


def _source_lines(cell: Dict[str, Any], index: int) -> List[str]:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(part, str) for part in source):
        text = "".join(source)
    elif isinstance(source, str):
        text = source
    else:
        raise NotebookError(f"cell {index}: 'source' must be text or a list of text")
    lines = physical_lines(text)  # as Python counts lines: not at form feeds or U+2028
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    return lines


class _Continuation:
    """Whether the next line continues a statement (open brackets, a backslash, an open
    triple-quoted string), from a light scan of the Python lines seen so far."""

    def __init__(self) -> None:
        self.depth = 0
        self.backslash = False
        self.triple: Optional[str] = None

    @property
    def active(self) -> bool:
        return self.depth > 0 or self.backslash or self.triple is not None

    def feed(self, line: str) -> None:
        i, n = 0, len(line)
        while i < n:
            if self.triple is not None:
                end = line.find(self.triple, i)
                if end < 0:
                    break
                i, self.triple = end + 3, None
                continue
            char = line[i]
            if char == "#":
                break
            if char in "\"'":
                if line.startswith(char * 3, i):
                    self.triple, i = char * 3, i + 3
                    continue
                end = i + 1
                while end < n and line[end] != char:
                    end += 2 if line[end] == "\\" else 1
                i = end + 1
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        self.backslash = line.rstrip("\r\n").endswith("\\") and self.triple is None


def _neutralise(lines: List[str]) -> Tuple[List[str], Dict[int, str]]:
    """IPython-only lines -> ``pass``; a ``%%`` cell magic -> the whole cell."""
    if lines and lines[0].lstrip().startswith("%%"):
        return ["\n" for _ in lines], dict(enumerate(lines))
    out: List[str] = []
    magics: Dict[int, str] = {}
    python = _Continuation()
    shell_continues = False
    for i, line in enumerate(lines):
        if shell_continues or (not python.active and _MAGIC.match(line)):
            indent = line[: len(line) - len(line.lstrip())]
            out.append("\n" if shell_continues else f"{indent}pass\n")
            magics[i] = line
            shell_continues = line.rstrip().endswith("\\")  # `!cmd \` (trailing blanks allowed)
        else:
            out.append(line)
            python.feed(line)
    return out, magics


def _is_python(raw: Dict[str, Any]) -> bool:
    metadata = raw.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    for key in ("language_info", "kernelspec"):
        section = metadata.get(key)
        if isinstance(section, dict):
            language = section.get("name" if key == "language_info" else "language")
            if isinstance(language, str) and language:
                return language.lower() in _PYTHON_KERNELS
    return True  # nbformat's default is a Python kernel


def _is_python2(raw: Dict[str, Any]) -> bool:
    metadata = raw.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    kernel = metadata.get("kernelspec") if isinstance(metadata.get("kernelspec"), dict) else {}
    language = metadata.get("language_info") if isinstance(metadata.get("language_info"), dict) else {}
    version = str(language.get("version", "")) if isinstance(language, dict) else ""
    name = str(kernel.get("name", "")) if isinstance(kernel, dict) else ""
    return version.startswith("2.") or name == "python2"


def parse_notebook(text: str) -> Notebook:
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"invalid JSON: {error}") from None
    cells = raw.get("cells") if isinstance(raw, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("no 'cells' list: not a Jupyter notebook (nbformat 4)")
    if not _is_python(raw):
        return Notebook(raw, [])
    python2 = _is_python2(raw)
    parsed: List[Cell] = []
    line = 1
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        lines, magics = _neutralise(_source_lines(cell, index))
        parsed.append(Cell(index, line + 1, lines, magics))  # after its marker line
        line += 1 + len(lines)
    return Notebook(raw, parsed, python2)


def to_cells(diagnostics: Sequence[Diagnostic], notebook: Notebook) -> List[Diagnostic]:
    """Give each finding its cell and in-cell line (sorting stays by the joined line)."""
    placed = []
    cells = {cell.index: cell for cell in notebook.cells if cell.indent}
    for d in diagnostics:
        cell, cell_line = notebook.locate(d.line)
        end_line = notebook.locate(d.end_line)[1] if d.end_line else 0
        dedented = cells[cell].dedented if cell in cells else frozenset()
        shift = len(cells[cell].indent) if cell_line - 1 in dedented else 0
        end_shift = len(cells[cell].indent) if end_line - 1 in dedented else 0
        placed.append(replace(d, cell=cell, cell_line=cell_line, cell_end_line=end_line, col=d.col + shift, end_col=d.end_col + end_shift if d.end_col else d.end_col))
    return placed


def _magic_positions(before: List[str], after: List[str], magics: Dict[int, str]) -> Optional[Dict[int, str]]:
    """Where each magic's placeholder line is in the fixed cell (fixes never touch them)."""
    if not magics:
        return {}
    moved: Dict[int, str] = {}
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, _ in matcher.get_opcodes():
        if tag == "equal":
            moved.update({b0 + k: magics[a0 + k] for k in range(a1 - a0) if a0 + k in magics})
    return moved if len(moved) == len(magics) else None


def with_fixed_source(notebook: Notebook, fixed: str) -> Optional[str]:
    """The notebook's JSON with each code cell's source replaced from ``fixed`` (the joined,
    fixed module), magics restored, outputs and metadata untouched. None when a cell marker or
    a magic's place cannot be found again."""
    after = physical_lines(fixed)
    positions: List[int] = []
    search_from = 0
    for cell in notebook.cells:
        try:
            found = after.index(marker(cell.index), search_from)
        except ValueError:
            return None
        positions.append(found)
        search_from = found + 1
    raw = json.loads(json.dumps(notebook.raw))  # a copy
    raw_cells = raw["cells"]
    for position, cell in enumerate(notebook.cells):
        if cell.broken is not None:
            continue  # a cell that does not parse was not linted, and is never rewritten
        end = positions[position + 1] if position + 1 < len(positions) else len(after)
        new_lines = list(after[positions[position] + 1 : end])
        magics = _magic_positions(cell.lines, new_lines, cell.magics)
        if magics is None:
            return None
        if cell.indent:  # lines IPython reads dedented go back with their indentation
            if len(new_lines) != len(cell.lines):
                return None  # a fix changed the line count: which lines had it is unknown
            new_lines = [cell.indent + line if i in cell.dedented else line for i, line in enumerate(new_lines)]
        for index, original_line in magics.items():
            new_lines[index] = original_line
        original = raw_cells[cell.index - 1].get("source", "")
        original_text = "".join(original) if isinstance(original, list) else original
        text = "".join(new_lines)
        as_read = [cell.indent + line if i in cell.dedented else line for i, line in enumerate(cell.lines)]
        if text == "".join(cell.magics.get(i, line) for i, line in enumerate(as_read)):
            continue  # untouched: keep its exact original form
        if not original_text.endswith(("\n", "\r")) and text.endswith("\n"):
            text = text[:-1]
        raw_cells[cell.index - 1]["source"] = physical_lines(text) if isinstance(original, list) else text
    return json.dumps(raw, indent=1, sort_keys=True, ensure_ascii=False) + "\n"  # as Jupyter writes it
