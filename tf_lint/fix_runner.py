"""``--fix``, ``--fix-only`` and ``--diff`` over files: read, fix, then write or show a diff.

Writing is atomic (a temporary file beside the original, then a rename) and keeps the file's
permissions, encoding and line endings. A file that cannot be written, or whose fixed code
would not parse, is reported and left as it was.
"""

from __future__ import annotations

import difflib
import functools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, FrozenSet, Iterable, List, Optional

from tf_lint.config import Config
from tf_lint.diagnostics import Diagnostic
from tf_lint.files import ReadFailure, decode_source, read_bytes, write_atomically
from tf_lint.fixer import fix_text
from tf_lint.noqa import physical_lines
from tf_lint.notebooks import NotebookError, to_cells, with_fixed_source
from tf_lint.runner import broken_cells, check_notebook, check_read, is_notebook, read_notebook


@dataclass
class FixRun:
    """What a fixing run did over all files."""

    remaining: List[Diagnostic] = field(default_factory=list)
    fixed: int = 0  # findings fixed
    files_changed: int = 0
    files_checked: int = 0
    diffs: List[str] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)  # "path: why", for files left untouched


def unified_diff(before: str, after: str, display: str) -> str:
    # Lines as Python counts them: str.splitlines also breaks at form feeds and U+2028, which
    # would show such a line as ending without a newline.
    lines = difflib.unified_diff(physical_lines(before), physical_lines(after), f"a/{display}", f"b/{display}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def write_fixed(path: Path, text: str, encoding: str) -> Optional[str]:
    """Replace ``path``'s content; None on success, else the reason it was not written."""
    target = path.resolve()  # through a symlink: rewrite the file, keep the link
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError as error:
        return f"cannot stat it: {error.strerror or error}"
    # The write bits too: root may write anything, but a read-only file says "leave me alone".
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        return "the file is read-only"
    try:
        data = text.encode(encoding)
    except (UnicodeEncodeError, LookupError) as error:
        return f"the fixed code cannot be encoded as {encoding}: {error}"
    try:
        write_atomically(target, data, mode)
    except OSError as error:
        return f"cannot write it: {error.strerror or error}"
    return None


def fix_paths(files: Iterable[Path], config: Config, unsafe: bool, write: bool, diff: bool) -> FixRun:
    """Fix every file; ``write`` puts the results on disk, ``diff`` collects unified diffs."""
    run = FixRun()
    enabled = config.enabled_codes()
    for path in files:
        run.files_checked += 1
        display = str(path)
        data = read_bytes(path)
        source = decode_source(data) if not isinstance(data, ReadFailure) else data
        if isinstance(source, ReadFailure):
            run.remaining.extend(check_read(source, display, config, enabled, path))
            continue
        if is_notebook(path):
            _fix_notebook(run, path, source.text, config, enabled, unsafe, write, diff)
            continue
        outcome = fix_text(source.text, display, config, enabled, path, unsafe)
        if outcome.error is not None:
            run.errors.append(f"{display}: {outcome.error}")
        if not outcome.changed:
            run.remaining.extend(outcome.remaining)
            continue
        _commit(
            run, path, write, diff,
            _Change(outcome.source, source.encoding, source.text, outcome.source, display, len(outcome.applied), outcome.remaining),
            functools.partial(check_read, source, display, config, enabled, path),
        )
    run.remaining.sort()
    return run


def _fix_notebook(run: FixRun, path: Path, text: str, config: Config, enabled: FrozenSet[str], unsafe: bool, write: bool, diff: bool) -> None:
    """Fix the code cells only; outputs, metadata and magics stay as they were. The diff shows
    the code cells joined, the way they were linted."""
    display = str(path)
    try:
        notebook, broken = read_notebook(text)
    except NotebookError:
        run.remaining.extend(check_notebook(text, display, config, enabled, path))
        return
    unparsed = broken_cells(notebook, broken, display, config, enabled, path)
    outcome = fix_text(notebook.source, display, config, enabled, path, unsafe, notebook.magic_lines())
    new_json = with_fixed_source(notebook, outcome.source) if outcome.changed else None
    if outcome.error is not None or (outcome.changed and new_json is None):
        run.errors.append(f"{display}: {outcome.error or 'the fixed code could not be mapped back to its cells; the notebook was left untouched'}")
        run.remaining.extend(check_notebook(text, display, config, enabled, path))
    elif new_json is None:
        run.remaining.extend(to_cells(outcome.remaining + unparsed, notebook))
    else:
        change = _Change(
            new_json, "utf-8", notebook.source, outcome.source, f"{display} (code cells)", len(outcome.applied), to_cells(outcome.remaining + unparsed, notebook)
        )
        _commit(run, path, write, diff, change, functools.partial(check_notebook, text, display, config, enabled, path))


@dataclass
class _Change:
    """A fixed file, ready to write: its new content and what to show and count."""

    content: str
    encoding: str
    shown_before: str  # what the diff compares (a notebook's code cells, not its JSON)
    shown_after: str
    label: str
    fixed: int
    remaining: List[Diagnostic]


def _commit(run: FixRun, path: Path, write: bool, diff: bool, change: _Change, original_findings: Callable[[], List[Diagnostic]]) -> None:
    """Write (or only diff) one fixed file and account for it; a file that cannot be written
    keeps its original findings."""
    problem = write_fixed(path, change.content, change.encoding) if write else None
    if problem is not None:
        run.errors.append(f"{path}: not fixed, {problem}")
        run.remaining.extend(original_findings())
        return
    run.fixed += change.fixed
    run.files_changed += 1
    if diff:
        run.diffs.append(unified_diff(change.shown_before, change.shown_after, change.label))
    run.remaining.extend(change.remaining)
