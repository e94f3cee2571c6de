"""The ``tf-lint`` command: exit 0 when clean, 1 with findings, 2 on a usage or config error."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import List, Optional, Sequence

from tf_lint._version import __version__
from tf_lint.cache import CACHE_DIR_NAME

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
INTERNAL_ERROR = "TFL999"


def _codes(value: str) -> List[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


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
    parser.add_argument("--target-keras", choices=("3", "2"), help="Keras version the code runs on: 3 (default; tf.keras in TF >= 2.16) or 2 (tf-keras)")
    parser.add_argument("--max-file-size", type=int, metavar="KIB", help="report bigger files as TFL904 instead of parsing them (default 1024; 0: no limit)")
    parser.add_argument("--no-prefilter", dest="prefilter", action="store_false", default=None, help="parse every file, even those that never mention tensorflow or keras")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--config", type=Path, metavar="FILE", help="read settings from this file instead of the nearest pyproject.toml")
    group.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    parser.add_argument("--stdin-filename", metavar="NAME", help="name to report for standard input (and to match per-file-ignores)")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="processes to use (default 0: one per CPU core)")
    parser.add_argument("--no-cache", action="store_true", help=f"do not read or write cached results ({CACHE_DIR_NAME}/)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    parser.add_argument("--version", action="version", version=f"tf-lint {__version__}")
    return parser


def _error(message: str) -> int:
    print(f"tf-lint: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _config_start(paths: Sequence[str]) -> Path:
    real = [Path(p).resolve() for p in paths if p != "-"]
    if not real:
        return Path.cwd()
    return Path(os.path.commonpath([str(p) for p in real]))


def main(argv: Optional[Sequence[str]] = None) -> int:
    from tf_lint import config as config_module
    from tf_lint.cache import ResultCache
    from tf_lint.files import discover
    from tf_lint.runner import check_paths, check_stdin, default_jobs

    args = build_parser().parse_args(argv)
    paths = args.paths or ["."]
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
        config = config.with_limits(args.max_file_size, args.prefilter)
    except config_module.ConfigError as error:
        return _error(str(error))

    if "-" in paths:
        if len(paths) > 1:
            return _error("'-' (standard input) cannot be combined with other paths")
        result = check_stdin(sys.stdin.buffer.read(), args.stdin_filename or "-", config)
    else:
        jobs = args.jobs if args.jobs > 0 else default_jobs()
        cache = None if args.no_cache else ResultCache(config.root or Path.cwd())
        result = check_paths(discover(paths, config.exclude, config.root), config, jobs, cache)

    out = sys.stdout
    reconfigure = getattr(out, "reconfigure", None)
    if reconfigure is not None:  # a file name that is not valid UTF-8 must not end the run
        reconfigure(errors="backslashreplace")
    for diagnostic in result.diagnostics:
        out.write(diagnostic.format_text() + "\n")
    out.flush()
    if not args.quiet:
        _summary(result.diagnostics, result.files_checked)
    if any(d.code == INTERNAL_ERROR for d in result.diagnostics):
        return EXIT_USAGE  # a bug in tf-lint: never let it pass as "just findings"
    if result.diagnostics and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _summary(diagnostics: Sequence[object], files: int) -> None:
    noun = "file" if files == 1 else "files"
    if not diagnostics:
        print(f"tf-lint: no findings in {files} {noun}", file=sys.stderr)
        return
    counts = Counter(d.code for d in diagnostics)  # type: ignore[attr-defined]
    detail = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
    print(f"tf-lint: {len(diagnostics)} finding{'s' if len(diagnostics) != 1 else ''} in {files} {noun} checked ({detail})", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
