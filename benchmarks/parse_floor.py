"""The parse floor: read each file and ``libcst.parse_module`` it, nothing else.

    python benchmarks/parse_floor.py FILE_LIST          # one path per line
    python benchmarks/parse_floor.py [--repeat N] --report FILE  # median ms of N parses of one file

Run as its own process by ``bench.py``, so its wall time includes the interpreter start
just like the linters it is compared with.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import libcst as cst


def parse(path: Path) -> None:
    try:
        cst.parse_module(path.read_bytes())
    except Exception:  # noqa: BLE001 - a file the parser rejects still costs its attempt
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--report", action="store_true", help="target is one file: print the median parse time in ms")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.report:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            parse(args.target)
            times.append((time.perf_counter() - start) * 1000)
        print(f"median ms {statistics.median(times):.1f}")
        return 0
    for line in args.target.read_text().splitlines():
        if line:
            parse(Path(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
