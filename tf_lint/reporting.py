"""What every command mode prints and returns: findings in the chosen format, the summary
line, and the exit status (0 clean, 1 findings, 2 usage or internal error).

Shared by the linting command (``cli``) and the fixing modes (``fix_cli``), below both.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, TextIO

if TYPE_CHECKING:
    from tf_lint.config import Config
    from tf_lint.diagnostics import Diagnostic
    from tf_lint.validate.verdicts import Verdict

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
INTERNAL_ERROR = "TFL999"


def report(
    diagnostics: Sequence["Diagnostic"], args: argparse.Namespace, config: Config, verdicts: Optional[Sequence[Optional["Verdict"]]] = None
) -> bool:
    """Write the findings in the chosen format to stdout or ``--output-file``; False if the
    file could not be written (the reason is on stderr)."""
    from tf_lint.files import write_atomically
    from tf_lint.formats import render, statistics, use_colour

    fmt = args.format or config.output_format
    target: Optional[Path] = args.output_file
    text = render(diagnostics, fmt, colour=fmt == "text" and target is None and use_colour(sys.stdout), verdicts=verdicts)
    if args.statistics:
        if fmt == "text":
            text += statistics(diagnostics)
        else:  # keep machine-readable output parseable
            print(statistics(diagnostics), end="", file=sys.stderr)
    if target is None:
        _write(text)
        return True
    try:
        write_atomically(target.resolve(), text.encode("utf-8", "backslashreplace"))
    except OSError as error:
        print(f"tf-lint: error: cannot write {target}: {error.strerror or error}", file=sys.stderr)
        return False
    return True


def _write(text: str, out: Optional[TextIO] = None) -> None:
    out = out or sys.stdout
    reconfigure = getattr(out, "reconfigure", None)
    if reconfigure is not None:  # a file name that is not valid UTF-8 must not end the run
        reconfigure(errors="backslashreplace")
    out.write(text)
    out.flush()


def print_diagnostics(diagnostics: Sequence["Diagnostic"], out: Optional[TextIO] = None) -> None:
    """flake8-style lines, whatever the format (for findings that go to stderr)."""
    _write("".join(d.format_text() + "\n" for d in diagnostics), out)


def exit_code(diagnostics: Sequence["Diagnostic"], exit_zero: bool) -> int:
    if any(d.code == INTERNAL_ERROR for d in diagnostics):
        return EXIT_USAGE  # a bug in tf-lint: never let it pass as "just findings"
    if diagnostics and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def count(number: int, noun: str) -> str:
    """``1 file``, ``3 files``: the summaries' counts."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(
    diagnostics: Sequence["Diagnostic"], files: int, fixed: int = 0, verdicts: Optional[Sequence[Optional["Verdict"]]] = None
) -> None:
    if verdicts is not None:
        tally = Counter(v.status for v in verdicts if v is not None)
        checked = ", ".join(f"{tally[s]} {s}" for s in ("confirmed", "refuted", "inconclusive") if tally[s]) or "no finding has a validator"
        print(f"tf-lint: validated: {checked}" + ("; refuted findings do not count for the exit status" if tally["refuted"] else ""), file=sys.stderr)
    done = f"fixed {count(fixed, 'finding')}; " if fixed else ""
    if not diagnostics:
        print(f"tf-lint: {done}no findings in {count(files, 'file')}", file=sys.stderr)
        return
    counts = Counter(d.code for d in diagnostics)
    detail = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
    safe = sum(1 for d in diagnostics if d.fix is not None and d.fix.safe)
    unsafe = sum(1 for d in diagnostics if d.fix is not None and not d.fix.safe)
    fixable = ""
    if safe:
        fixable = f"; {safe} fixable with --fix" + (f", {unsafe} more with --unsafe-fixes" if unsafe else "")
    elif unsafe:
        fixable = f"; {unsafe} fixable with --fix --unsafe-fixes"
    print(f"tf-lint: {done}{count(len(diagnostics), 'finding')} in {count(files, 'file')} checked ({detail}){fixable}", file=sys.stderr)
