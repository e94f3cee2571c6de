"""The pre-commit hooks in .pre-commit-hooks.yaml, run by the real pre-commit on a scratch repo.

pre-commit builds the hook's own virtualenv from this checkout (``pip install .``), so the
test needs PyPI or a warm pip cache; it takes about a minute the first time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = 'import keras\nmodel = keras.Sequential()\nmodel.compile(optimizer="adam", loss="Mse")\n'
GOOD = 'import keras\nmodel = keras.Sequential()\nmodel.compile(optimizer="adam", loss="mse")\n'

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


def _pre_commit(repo: Path, hook: str, *files: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    pytest.importorskip("pre_commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--files", *files]
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, check=False, timeout=600)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("precommit") / "project"
    path.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    (path / "bad.py").write_text(BAD)
    (path / "good.py").write_text(GOOD)
    shutil.copy(ROOT / "fixtures" / "notebooks" / "training.ipynb", path / "nb.ipynb")
    subprocess.run(["git", "add", "."], cwd=path, check=True)
    return path


def test_hook_fails_on_the_bad_file_and_passes_the_good_one(repo: Path) -> None:
    bad = _pre_commit(repo, "tf-lint", "bad.py", "nb.ipynb")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.py:3:38: TFL101 unknown loss 'Mse'" in bad.stdout
    assert "nb.ipynb:cell 4:3:20: TFL101 unknown loss 'sparce_categorical_crossentropy'" in bad.stdout  # types_or: jupyter
    good = _pre_commit(repo, "tf-lint", "good.py")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


def test_fix_hook_rewrites_the_file(repo: Path) -> None:
    proc = _pre_commit(repo, "tf-lint-fix", "bad.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # pre-commit fails a hook that changed files
    assert (repo / "bad.py").read_text() == GOOD
