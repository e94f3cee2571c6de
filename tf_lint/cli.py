"""The ``tf-lint`` command: exit 0 when clean, 1 with findings, 2 on a usage or config error."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Sequence

from tf_lint._version import __version__
from tf_lint.cache import CACHE_DIR_NAME
from tf_lint.config import OUTPUT_FORMATS as FORMATS
from tf_lint.reporting import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, exit_code, report, summary

if TYPE_CHECKING:
    from tf_lint.validate.verdicts import Verdict



def _codes(value: str) -> List[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {value!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tf-lint",
        description="Static linter for TensorFlow 2 / Keras 3 code.",
        epilog="Exit status: 0 no findings, 1 findings, 2 usage or configuration error, or an internal error (TFL999).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories to lint (default: .); '-' reads standard input")
    parser.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated codes or prefixes to enable (replaces the configured set)")
    parser.add_argument("--extend-select", type=_codes, default=[], metavar="CODES", help="codes or prefixes to enable in addition")
    parser.add_argument("--ignore", type=_codes, metavar="CODES", help="codes or prefixes to disable (replaces the configured list)")
    parser.add_argument("--extend-ignore", type=_codes, default=[], metavar="CODES", help="codes or prefixes to disable in addition")
    parser.add_argument("--target-keras", choices=("3", "2"), help="Keras version the code runs on: 3 (tf.keras in TF >= 2.16) or 2 (tf-keras); default: inferred from the project's dependencies, else 3")
    parser.add_argument("--target-tensorflow", metavar="X.Y", help="TensorFlow release the code runs on, such as 2.15; default: the newest its requirements allow")
    parser.add_argument("--show-settings", action="store_true", help="print, for each PATH, the project root, the target versions and where each was read from, then exit")
    parser.add_argument("--max-file-size", type=int, metavar="KIB", help="report bigger files as TFL904 instead of parsing them (default 1024; 0: no limit)")
    parser.add_argument("--no-prefilter", dest="prefilter", action="store_false", default=None, help="parse every file, even those that never mention tensorflow or keras")
    parser.add_argument("--no-follow-imports", dest="follow_imports", action="store_false", default=None, help="check each file on its own: do not follow imports into the project's other modules")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--config", type=Path, metavar="FILE", help="read settings from this file instead of the nearest pyproject.toml")
    group.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    parser.add_argument("--stdin-filename", metavar="NAME", help="name to report for standard input (and to match per-file-ignores)")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="processes to use (default 0: one per CPU core)")
    parser.add_argument("--no-cache", action="store_true", help=f"do not read or write cached results ({CACHE_DIR_NAME}/)")
    fixing = parser.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true", help="apply safe fixes in place, then report what is left")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="apply unsafe fixes too (a best guess: review the diff)")
    fixing.add_argument("--fix-only", action="store_true", help="apply fixes and report nothing but a summary (exit 0)")
    fixing.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them; exit 1 when there is one")
    checking = parser.add_argument_group("runtime validation (opt-in; needs Keras and a backend: pip install 'tf-lint[validate]')")
    checking.add_argument("--validate", action="store_true", help="rebuild each finding's model in a sandboxed process and confirm or refute it on the real runtime (also: `tf-lint validate PATH`)")
    checking.add_argument("--backend", choices=("auto", "tensorflow", "jax", "torch"), default="auto", help="Keras backend for --validate (default auto: TensorFlow, else JAX, else torch)")
    checking.add_argument("--device", choices=("auto", "cpu", "gpu"), default="auto", help="device for --validate (default auto: the GPU when there is one)")
    checking.add_argument("--validate-timeout", type=_positive, default=120.0, metavar="SECONDS", help="seconds per check, the first one including Keras' import (default 120)")
    checking.add_argument("--validate-memory", type=int, default=8192, metavar="MIB", help="memory cap of the check process in MiB (default 8192; 0: none)")
    checking.add_argument("--validate-threshold", type=_positive, default=2.0, metavar="RATIO", help="slowdown that confirms a performance finding (default 2)")
    output = parser.add_argument_group("output")
    output.add_argument("--format", "--output-format", dest="format", choices=FORMATS, help="text (default; flake8 style), json, sarif (SARIF 2.1.0) or github (workflow annotations)")
    output.add_argument("--output-file", type=Path, metavar="FILE", help="write the findings to FILE (atomically) instead of standard output")
    output.add_argument("--statistics", action="store_true", help="after the findings, count them per code (text format)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    parser.add_argument("--explain", metavar="CODE", help="print a rule's documentation (what, why, example, fix) and exit")
    parser.add_argument("--list-rules", action="store_true", help="list every rule: code, name, default on/off, fix (also: `tf-lint rules`)")
    parser.add_argument("--version", action="version", version=f"tf-lint {__version__}")
    return parser


def _rule_info(code: Optional[str]) -> int:
    from tf_lint.docs import FIX_LABELS, explain
    from tf_lint.rules import all_rules

    if code is None:
        for rule in all_rules():
            default = "on" if rule.default_enabled else "off"
            fix = FIX_LABELS[rule.fix_safety] or "-"
            print(f"{rule.code}  {rule.name:<34} {default:<4} fix: {fix}")
        return EXIT_CLEAN
    codes = {rule.code for rule in all_rules()}
    if code.upper() not in codes:
        from tf_lint.knowledge.suggest import closest

        hint = closest(code.upper(), sorted(codes))
        return _error(f"no rule {code!r}" + (f"; did you mean {hint}?" if hint else "") + " (tf-lint --list-rules lists them)")
    sys.stdout.write(explain(code.upper()))
    return EXIT_CLEAN


def _error(message: str) -> int:
    print(f"tf-lint: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _config_start(paths: Sequence[str]) -> Path:
    real = [Path(p).resolve() for p in paths if p != "-"]
    if not real:
        return Path.cwd()
    return Path(os.path.commonpath([str(p) for p in real]))


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `tf-lint . | head`: the reader left; no traceback for that
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS


def _main(argv: Optional[Sequence[str]]) -> int:
    from tf_lint import config as config_module
    from tf_lint.cache import ResultCache
    from tf_lint.files import discover
    from tf_lint.runner import check_paths, check_stdin, default_jobs

    args = build_parser().parse_args(argv)
    if args.explain or args.list_rules or (args.paths == ["rules"] and not os.path.lexists("rules")):
        return _rule_info(args.explain)
    if args.paths[:1] == ["validate"] and not os.path.lexists("validate"):
        args.validate, args.paths = True, args.paths[1:]
    paths = args.paths or ["."]
    if args.validate and (args.fix or args.fix_only or args.diff):
        return _error("--validate cannot be combined with --fix, --fix-only or --diff")
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        return _error("no such file or directory: " + ", ".join(missing))
    try:
        if args.isolated:
            config = config_module.Config()
        elif args.config is not None:
            config = config_module.load_file(args.config)
        else:
            config = config_module.discover(_config_start(paths))
        config = config.with_overrides(args.select, args.extend_select, args.ignore, args.extend_ignore)
        config = config.with_target_keras(args.target_keras)
        config = config.with_target_tensorflow(args.target_tensorflow)
        config = config.with_limits(args.max_file_size, args.prefilter, args.follow_imports)
    except config_module.ConfigError as error:
        return _error(str(error))

    if args.show_settings:
        from tf_lint.show_settings import show_settings

        return show_settings(paths, config, args.stdin_filename)
    if "-" in paths and len(paths) > 1:
        return _error("'-' (standard input) cannot be combined with other paths")
    if args.fix or args.fix_only or args.diff:
        from tf_lint.fix_cli import run_fixes

        return run_fixes(args, paths, config)
    progress = sys.stderr if not args.quiet and sys.stderr.isatty() else None  # never in piped output
    stdin_data: Optional[bytes] = None
    if "-" in paths:
        stdin_data = sys.stdin.buffer.read()
        result = check_stdin(stdin_data, args.stdin_filename or "-", config)
    else:
        jobs = args.jobs if args.jobs > 0 else default_jobs()
        cache = None if args.no_cache else ResultCache(config.root or Path.cwd())
        result = check_paths(discover(paths, config.exclude, config.root, config.suffixes), config, jobs, cache, progress)

    verdicts: Optional[List[Optional["Verdict"]]] = None
    counted = result.diagnostics
    if args.validate:
        from tf_lint.validate.cli import run_validation

        verdicts = run_validation(result.diagnostics, args, config, stdin_data, progress)
        counted = [d for d, v in zip(result.diagnostics, verdicts) if v is None or v.status != "refuted"]
    if not report(result.diagnostics, args, config, verdicts):
        return EXIT_USAGE
    if not args.quiet:
        summary(result.diagnostics, result.files_checked, verdicts=verdicts)
    return exit_code(counted, args.exit_zero)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
