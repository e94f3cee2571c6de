"""The result cache: hits on unchanged files, misses on any change, survives corruption."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest

from tf_lint import runner
from tf_lint.cache import CACHE_DIR_NAME, ResultCache
from tf_lint.cli import main
from tf_lint.config import Config

BAD = 'import tensorflow as tf\nmodel = tf.keras.Sequential()\nmodel.compile(optimizer="adam", loss="msee")\n'


def lint(path: Path, cache: ResultCache, config: Optional[Config] = None) -> list:  # type: ignore[type-arg]
    return runner.check_paths([path], config or Config(), jobs=1, cache=cache).diagnostics


def test_unchanged_file_is_not_linted_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "m.py"
    source.write_text(BAD)
    cache = ResultCache(tmp_path)
    first = lint(source, cache)
    assert [d.code for d in first] == ["TFL101"] and first[0].fix is not None

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("linted although cached")

    monkeypatch.setattr(runner, "check_text", fail)
    assert lint(source, cache) == first
    assert lint(source, cache)[0].fix == first[0].fix


def test_any_change_is_a_miss(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(BAD)
    cache = ResultCache(tmp_path)
    assert [d.code for d in lint(source, cache)] == ["TFL101"]
    source.write_text(BAD.replace("msee", "mse"))
    assert lint(source, cache) == []
    source.write_text(BAD)
    assert lint(source, cache, Config(ignore=("TFL101",))) == []  # other codes, other key
    assert lint(source, cache, Config(target_keras="2"))[0].code == "TFL101"


def test_corrupt_entries_are_ignored_and_rewritten(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(BAD)
    cache = ResultCache(tmp_path)
    expected = lint(source, cache)
    entries = [p for p in (tmp_path / CACHE_DIR_NAME).rglob("*.json")]
    assert len(entries) == 1
    entries[0].write_text('[{"line": ')  # truncated by a crash
    assert lint(source, cache) == expected
    assert entries[0].read_text().startswith("{\"deps\"")
    assert (tmp_path / CACHE_DIR_NAME / ".gitignore").read_text().endswith("*\n")


def test_cli_uses_the_cache_and_no_cache_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text(BAD)
    assert main(["m.py", "--no-cache", "-q"]) == 1
    uncached = capsys.readouterr().out
    assert not (tmp_path / CACHE_DIR_NAME).exists()
    assert main(["m.py", "-q"]) == 1
    cold = capsys.readouterr().out
    assert (tmp_path / CACHE_DIR_NAME).is_dir()
    assert main(["m.py", "-q"]) == 1
    warm = capsys.readouterr().out
    assert uncached == cold == warm and warm.startswith("m.py:3:38: TFL101 ")


def test_concurrent_runs_share_the_cache_safely(tmp_path: Path) -> None:
    """Two tf-lint processes on the same tree at once (an editor and pre-commit): both print
    the right findings, and what they leave behind is whole entries only."""
    import subprocess
    import sys

    for index in range(60):
        body = BAD if index % 3 else BAD.replace("msee", "mse")
        (tmp_path / f"m{index:02}.py").write_text(body + f"value = {index}\n" + "x = tf.constant(1)\n" * 200)
    command = [sys.executable, "-m", "tf_lint", ".", "-q", "-j", "1"]
    expected = subprocess.run([*command, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert expected.returncode == 1 and expected.stdout.count("TFL101") == 40
    for attempt in range(2):  # first both cold, then both warm
        runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for process in runs:
            out, err = process.communicate(timeout=300)
            assert (process.returncode, out, err) == (1, expected.stdout, ""), attempt
    cache_dir = tmp_path / CACHE_DIR_NAME
    assert not list(cache_dir.rglob("*.tmp"))
    entries = list(cache_dir.rglob("*.json"))
    assert len(entries) == 60 and all(entry.read_text().startswith("{\"deps\"") for entry in entries)
