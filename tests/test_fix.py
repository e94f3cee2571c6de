"""Autofix: the fixture pairs, the properties every fix must keep, and the CLI's fixing modes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import List

import libcst as cst
import pytest
from conftest import FIXTURES, fix_fixture_dirs, fixture_files

from tf_lint.cli import main
from tf_lint.config import Config
from tf_lint.diagnostics import Diagnostic
from tf_lint.fixer import applicable, fix_text
from tf_lint.rule import Rule
from tf_lint.rules import all_rules, rule_for
from tf_lint.rules.tfl001_redundant_tf_binary_op import operator_form
from tf_lint.runner import check_text

EVERY_RULE = Config(select=("TFL",))
ENABLED = EVERY_RULE.enabled_codes()
FIX_DIRS = fix_fixture_dirs()
BAD = 'import keras\nmodel = keras.Sequential()\nmodel.compile(optimizer="adam", loss="Mse", metrics="mae")\n'
FIXED = 'import keras\nmodel = keras.Sequential()\nmodel.compile(optimizer="adam", loss="mse", metrics=["mae"])\n'


def fixed(text: str, unsafe: bool = False) -> str:
    outcome = fix_text(text, "f.py", EVERY_RULE, ENABLED, unsafe=unsafe)
    assert outcome.error is None, outcome.error
    return outcome.source


@pytest.mark.parametrize("directory", FIX_DIRS, ids=[d.parent.name for d in FIX_DIRS])
def test_fix_fixture_pairs(directory: Path) -> None:
    before = (directory / "before.py").read_text(encoding="utf-8")
    after = (directory / "after.py").read_text(encoding="utf-8")
    unsafe_file = directory / "after_unsafe.py"
    after_unsafe = unsafe_file.read_text(encoding="utf-8") if unsafe_file.exists() else after
    assert fixed(before) == after
    assert fixed(before, unsafe=True) == after_unsafe
    assert before != after_unsafe, "a fix fixture must change something"
    assert "noqa" not in before or all(line in after_unsafe.splitlines() for line in before.splitlines() if "noqa" in line)


def test_every_fixable_rule_has_fix_fixtures_and_a_note() -> None:
    with_fixtures = {d.parent.name for d in FIX_DIRS}
    for rule in all_rules():
        assert rule.fix_safety in ("none", "safe", "unsafe", "sometimes"), rule.code
        if rule.fix_safety == "none":
            assert rule.code not in with_fixtures, f"{rule.code} has fix fixtures but declares no fix"
            continue
        assert rule.fix_note, f"{rule.code} must say why its fix is {rule.fix_safety}"
        assert issubclass(rule, Rule) and rule.code in with_fixtures, f"{rule.code} needs fixtures/{rule.code}/fix/"


def _fixtures_with_fixes() -> List[Path]:
    return [*fixture_files(), *(d / "before.py" for d in FIX_DIRS)]


@pytest.mark.parametrize("path", _fixtures_with_fixes(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixes_match_the_rule_metadata_and_reach_a_fixed_point(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    diagnostics: List[Diagnostic] = check_text(source, str(path), EVERY_RULE, ENABLED)
    for diagnostic in diagnostics:
        if diagnostic.fix is None:
            continue
        declared = rule_for(diagnostic.code).fix_safety
        assert declared != "none", f"{diagnostic.code} offers a fix but declares none"
        if declared != "sometimes":
            assert diagnostic.fix.safe == (declared == "safe"), diagnostic.format_text()
    for unsafe in (False, True):
        outcome = fix_text(source, str(path), EVERY_RULE, ENABLED, unsafe=unsafe)
        assert outcome.error is None, outcome.error
        cst.parse_module(outcome.source)
        assert not any(applicable(d, unsafe) for d in outcome.remaining), [d.format_text() for d in outcome.remaining]
        again = fix_text(outcome.source, str(path), EVERY_RULE, ENABLED, unsafe=unsafe)
        assert again.source == outcome.source and not again.applied


@pytest.mark.parametrize(
    "call, expected",
    [
        (("a", "+", "b"), "(a + b)"),
        (("a + b", "*", "c"), "((a + b) * c)"),
        (("a * b", "+", "c"), "(a * b + c)"),
        (("a", "-", "b - c"), "(a - (b - c))"),
        (("a - b", "-", "c"), "(a - b - c)"),
        (("-a", "*", "b"), "(-a * b)"),
        (("a if c else b", "+", "d"), "((a if c else b) + d)"),
        (("x.T", "@", "f(y)"), "(x.T @ f(y))"),
        (("a ** 2", "/", "b"), "(a ** 2 / b)"),
    ],
)
def test_operator_form_parenthesises_by_precedence(call: tuple, expected: str) -> None:  # type: ignore[type-arg]
    left, op, right = call
    assert operator_form(cst.parse_expression(left), op, cst.parse_expression(right)) == expected


def test_a_fix_that_would_not_parse_leaves_the_file_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    from tf_lint.diagnostics import Fix
    from tf_lint.rules import _identifier_rule

    monkeypatch.setattr(_identifier_rule, "string_fix", lambda expr, name, exact: Fix("'mse' +", True, "broken"))
    outcome = fix_text(BAD, "f.py", EVERY_RULE, ENABLED)
    assert outcome.source == BAD and not outcome.applied
    assert outcome.error and "left untouched" in outcome.error
    assert any(d.code == "TFL101" for d in outcome.remaining)


# --- the command line ---------------------------------------------------------------------


def run(capsys, *argv: str):  # type: ignore[no-untyped-def]
    code = main(["--isolated", "--no-cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_prints_and_writes_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.py"
    path.write_text(BAD)
    code, out, err = run(capsys, "--diff", str(path))
    assert code == 1 and path.read_text() == BAD
    assert f"--- a/{path}" in out and '-model.compile(optimizer="adam", loss="Mse", metrics="mae")' in out
    assert '+model.compile(optimizer="adam", loss="mse", metrics=["mae"])' in out
    assert "would fix 2 findings in 1 file" in err
    path.write_text(FIXED)
    assert run(capsys, "--diff", str(path))[:2] == (0, "")


def test_fix_writes_and_reports_what_is_left(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.py"
    path.write_text(BAD + "model.fit_generator(batches)\n")
    os.chmod(path, 0o640)
    code, out, err = run(capsys, "--fix", str(path))
    assert code == 1 and path.read_text() == FIXED + "model.fit_generator(batches)\n"
    assert out.count("\n") == 1 and ": TFL606 " in out
    assert "fixed 2 findings" in err and "1 fixable with --fix --unsafe-fixes" in err
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    code, out, _ = run(capsys, "--fix", "--unsafe-fixes", str(path))
    assert code == 0 and out == "" and path.read_text() == FIXED + "model.fit(batches)\n"
    assert not [p for p in tmp_path.iterdir() if p.name != "m.py"], "no temporary files left behind"


def test_fix_only_is_quiet_and_exits_0(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.py"
    path.write_text(BAD + "model.fit_generator(batches)\n")
    code, out, err = run(capsys, "--fix-only", str(path))
    assert (code, out) == (0, "") and "fixed 2 findings in 1 file" in err


def test_line_endings_and_encoding_survive(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(BAD.replace("\n", "\r\n").encode())
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n# café\n" + BAD).encode("latin-1"))
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    assert run(capsys, "--fix", str(tmp_path))[0] == 0
    assert crlf.read_bytes() == FIXED.replace("\n", "\r\n").encode()
    assert latin.read_bytes() == ("# -*- coding: latin-1 -*-\n# café\n" + FIXED).encode("latin-1")
    assert bom.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()


def test_read_only_file_is_a_clear_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Refused from the permission bits too, so root (as in CI containers) gets the same answer."""
    path = tmp_path / "m.py"
    path.write_text(BAD)
    os.chmod(path, 0o444)
    try:
        code, out, err = run(capsys, "--fix", str(path))
    finally:
        os.chmod(path, 0o644)
    assert code == 2 and path.read_text() == BAD and "Traceback" not in err
    assert f"{path}: not fixed, the file is read-only" in err
    assert ": TFL101 " in out  # the findings are still reported


def test_stdin_fix_prints_the_fixed_source() -> None:
    command = [sys.executable, "-m", "tf_lint", "--isolated", "--fix", "-"]
    proc = subprocess.run(command, input=BAD, capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout) == (0, FIXED), proc.stderr
    proc = subprocess.run([*command[:-2], "--diff", "-"], input=BAD, capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and proc.stdout.startswith("--- a/-\n+++ b/-\n")


def test_diff_counts_lines_as_python_does(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A form feed is not a line end for Python, nor for the diff."""
    path = tmp_path / "m.py"
    path.write_text(BAD.replace("model = keras", "\x0c\nmodel = keras"))
    code, out, _ = run(capsys, "--diff", str(path))
    assert code == 1 and "No newline at end of file" not in out
    assert '+model.compile(optimizer="adam", loss="mse", metrics=["mae"])' in out
