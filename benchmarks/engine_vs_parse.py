"""How far the engine is from the libcst parse floor, on the same files, in one run.

    python benchmarks/engine_vs_parse.py [PATH ...]

Default corpus: the source of the installed ``keras`` package (``pip install keras``), read
without importing it. For each file it times ``libcst.parse_module`` alone, then the whole
engine (parse + traversal + rules + positions when there are findings), with every rule
enabled and the text prefilter off, so both columns see exactly the same files. Timings
are wall-clock and noisy (a few percent); compare the ratio, not the seconds, across
machines. Nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import resource
from importlib.metadata import version
import sys
import time
from pathlib import Path
from typing import List, Tuple

import libcst as cst

from tf_lint.config import Config
from tf_lint.engine import lint_source


def default_corpus() -> List[Path]:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("no corpus: pass paths, or pip install keras to use its sources")
    return [Path(next(iter(spec.submodule_search_locations)))]


def read_corpus(paths: List[Path]) -> List[Tuple[str, str]]:
    texts = []
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            try:
                texts.append((str(path), path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    texts = read_corpus(args.paths or default_corpus())
    lines = sum(text.count("\n") for _, text in texts)
    enabled = Config(select=("TFL",)).enabled_codes()

    parse_seconds = 0.0
    lint_seconds = 0.0
    findings = crashes = 0
    for path, text in texts:
        start = time.perf_counter()
        try:
            cst.parse_module(text)
        except Exception:  # noqa: BLE001 - the floor includes failed parses too
            pass
        middle = time.perf_counter()
        diagnostics = lint_source(text, path, enabled, prefilter=False)
        end = time.perf_counter()
        parse_seconds += middle - start
        lint_seconds += end - middle
        findings += sum(1 for d in diagnostics if d.code != "TFL999")
        crashes += sum(1 for d in diagnostics if d.code == "TFL999")

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, libcst {version('libcst')}")
    print(f"corpus: {len(texts)} files, {lines} lines")
    print("| what | seconds | files/s | lines/s |")
    print("|---|---|---|---|")
    for name, seconds in (("libcst parse (floor)", parse_seconds), ("tf-lint engine (parse included)", lint_seconds)):
        print(f"| {name} | {seconds:.2f} | {len(texts) / seconds:.1f} | {lines / seconds:.0f} |")
    print(f"ratio engine / parse: {lint_seconds / parse_seconds:.2f}")
    print(f"findings: {findings}, internal errors: {crashes}, peak RSS: {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
