"""Shared helpers for the test-suite."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tokenize
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*(?P<items>[^#]*)")
_ITEM = re.compile(r"^(?P<code>TFL\d{3})(?:@(?P<col>\d+))?$")

Expected = Tuple[int, str, Optional[int]]  # line, code, 1-based column (None: any)


def parse_expectations(text: str) -> List[Expected]:
    """Read ``# expect: TFL101, TFL203@5`` comments (real comments, found with tokenize)."""
    found: List[Expected] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = _EXPECT.search(token.string)
        if match is None:
            continue
        for item in filter(None, (part.strip() for part in match.group("items").split(","))):
            parsed = _ITEM.match(item)
            if parsed is None:
                raise ValueError(f"bad expectation {item!r} on line {token.start[0]}")
            col = int(parsed.group("col")) if parsed.group("col") else None
            found.append((token.start[0], parsed.group("code"), col))
    return found


def fixture_files() -> List[Path]:
    """Lint fixtures with ``# expect:`` comments; ``fix/`` folders hold before/after pairs instead."""
    return sorted(p for p in FIXTURES.rglob("*.py") if "fix" not in p.relative_to(FIXTURES).parts[:-1])


def fix_fixture_dirs() -> List[Path]:
    return sorted(p.parent for p in FIXTURES.glob("*/fix/before.py"))


def run_flake8(paths: Sequence[Path], *extra: str) -> Dict[str, List[Tuple[int, int, str, str]]]:
    """flake8 --select TFL over ``paths``: path -> [(line, col, code, message)] (col 1-based)."""
    fmt = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "TFL", f"--format={fmt}", *extra, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    results: Dict[str, List[Tuple[int, int, str, str]]] = {}
    for line in proc.stdout.splitlines():
        path, row, col, code, text = line.split("\t", 4)
        results.setdefault(str(Path(path).resolve()), []).append((int(row), int(col), code, text))
    return results


@pytest.fixture(scope="session")
def flake8_on_fixtures() -> Dict[str, List[Tuple[int, int, str, str]]]:
    return run_flake8([FIXTURES])


def counter(items) -> Counter:  # type: ignore[no-untyped-def]
    return Counter(items)
