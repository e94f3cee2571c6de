"""The package type-checks under mypy --strict and passes ruff (both pinned in the test extra)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "module, args",
    [("mypy", []), ("ruff", ["check", "tf_lint", "tests", "benchmarks"])],
)
def test_tool_passes(module: str, args: list) -> None:  # type: ignore[type-arg]
    probe = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, check=False)
    if probe.returncode != 0 and shutil.which(module) is None:
        pytest.skip(f"{module} is not installed (pip install -e '.[test]')")
    proc = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
