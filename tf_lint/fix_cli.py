"""The command line's fixing modes: ``--fix``, ``--fix-only`` and ``--diff`` (ruff's semantics).

- ``--fix`` writes the fixes, then reports what is left: exit 1 if anything is, else 0.
- ``--fix-only`` writes the fixes and reports only a summary: exit 0.
- ``--diff`` writes nothing and prints a unified diff: exit 1 when there is one.

Only safe fixes apply unless ``--unsafe-fixes`` is given. A file that cannot be fixed (it is
read-only, or the fixed code would not parse) is named on stderr and the run exits 2.
Standard input (``-``) gets its fixed text, or the diff, on stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from tf_lint.config import Config
from tf_lint.files import ReadFailure, decode_source, discover
from tf_lint.fix_runner import FixRun, fix_paths, unified_diff
from tf_lint.fixer import fix_text
from tf_lint.reporting import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, count, exit_code, print_diagnostics, report, summary
from tf_lint.runner import check_read, is_notebook


def run_fixes(args: argparse.Namespace, paths: Sequence[str], config: Config) -> int:
    if paths == ["-"]:
        return _fix_stdin(args, config)
    files = list(discover(paths, config.exclude, config.root, config.suffixes))
    run = fix_paths(files, config, unsafe=args.unsafe_fixes, write=not args.diff, diff=args.diff)
    for error in run.errors:
        print(f"tf-lint: error: {error}", file=sys.stderr)
    if args.diff:
        sys.stdout.write("".join(run.diffs))
        sys.stdout.flush()
        if not args.quiet:
            _diff_summary(run)
        return EXIT_USAGE if run.errors else (EXIT_FINDINGS if run.diffs else EXIT_CLEAN)
    if args.fix_only:
        if not args.quiet:
            print(f"tf-lint: fixed {count(run.fixed, 'finding')} in {count(run.files_changed, 'file')}", file=sys.stderr)
        return EXIT_USAGE if run.errors else EXIT_CLEAN
    if not report(run.remaining, args, config):
        return EXIT_USAGE
    if not args.quiet:
        summary(run.remaining, run.files_checked, run.fixed)
    return EXIT_USAGE if run.errors else exit_code(run.remaining, args.exit_zero)


def _diff_summary(run: FixRun) -> None:
    if not run.diffs:
        print(f"tf-lint: nothing to fix in {count(run.files_checked, 'file')}", file=sys.stderr)
        return
    print(f"tf-lint: would fix {count(run.fixed, 'finding')} in {count(run.files_changed, 'file')}", file=sys.stderr)


def _fix_stdin(args: argparse.Namespace, config: Config) -> int:
    display = args.stdin_filename or "-"
    if is_notebook(display):
        print("tf-lint: error: --fix and --diff work on notebook files, not on standard input", file=sys.stderr)
        return EXIT_USAGE
    data = sys.stdin.buffer.read()
    path = Path(display) if display != "-" else None
    enabled = config.enabled_codes()
    source = decode_source(data)
    if isinstance(source, ReadFailure):
        if not args.diff:
            sys.stdout.buffer.write(data)  # a filter must not swallow its input
        print_diagnostics(check_read(source, display, config, enabled, path), sys.stderr)
        return EXIT_FINDINGS
    outcome = fix_text(source.text, display, config, enabled, path, args.unsafe_fixes)
    if outcome.error:
        print(f"tf-lint: error: {display}: {outcome.error}", file=sys.stderr)
    fixed = outcome.source if outcome.changed else source.text
    remaining = outcome.remaining
    if args.diff:
        diff = unified_diff(source.text, fixed, display)
        sys.stdout.write(diff)
        return EXIT_USAGE if outcome.error else (EXIT_FINDINGS if diff else EXIT_CLEAN)
    sys.stdout.buffer.write(fixed.encode(source.encoding))
    sys.stdout.flush()
    if not args.fix_only:
        print_diagnostics(remaining, sys.stderr)
    if outcome.error:
        return EXIT_USAGE
    return EXIT_CLEAN if args.fix_only else exit_code(remaining, args.exit_zero)
