"""Every fixture's inline expectations hold, through the CLI engine and through flake8 alike."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES, fixture_files, parse_expectations

from tf_lint.config import Config
from tf_lint.runner import check_text

FILES = fixture_files()


def cli_findings(path: Path):  # type: ignore[no-untyped-def]
    config = Config(select=("TFL",))  # what `flake8 --select TFL` runs: every rule, default-off ones too
    return check_text(path.read_text(encoding="utf-8"), str(path), config, config.enabled_codes(), path)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_fixture_expectations(path: Path) -> None:
    expected = parse_expectations(path.read_text(encoding="utf-8"))
    found = cli_findings(path)
    assert Counter((line, code) for line, code, _ in expected) == Counter((d.line, d.code) for d in found), "\n".join(
        d.format_text() for d in found
    )
    for line, code, col in expected:
        if col is not None:
            assert any(d.line == line and d.code == code and d.col + 1 == col for d in found), (line, code, col)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_flake8_reports_the_same(path: Path, flake8_on_fixtures) -> None:  # type: ignore[no-untyped-def]
    try:
        ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError:
        pytest.skip("this Python rejects the file: flake8 reports E999 and runs no plugin on it")
    cli = sorted((d.line, d.col + 1, d.code, d.message) for d in cli_findings(path))
    flake8 = sorted(flake8_on_fixtures.get(str(path.resolve()), []))
    assert cli == flake8


def test_every_rule_has_hits_and_lookalikes() -> None:
    from tf_lint.rule import Rule
    from tf_lint.rules import all_rules

    for rule in all_rules():
        if not issubclass(rule, Rule):
            continue
        directory = FIXTURES / rule.code
        hits = directory / "hits.py"
        lookalikes = directory / "lookalikes.py"
        assert hits.is_file() and lookalikes.is_file(), f"{rule.code} needs fixtures/{rule.code}/hits.py and lookalikes.py"
        assert any(code == rule.code for _, code, _ in parse_expectations(hits.read_text())), f"{hits} expects no {rule.code}"
        body = lookalikes.read_text()
        assert body.count("\n") >= 15, f"{lookalikes} is too thin to prove anything"
        assert not any(code == rule.code for _, code, _ in parse_expectations(body))


def test_default_off_rules_are_off_in_flake8_too() -> None:
    """Without --select, flake8 runs what the CLI runs by default (TFL001 is off in both)."""
    import subprocess
    import sys

    path = FIXTURES / "TFL001" / "hits.py"
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--format=%(code)s", str(path)],
        capture_output=True, text=True, check=False,
    )
    flake8_codes = {line for line in proc.stdout.split() if line.startswith("TFL")}
    config = Config()
    cli_codes = {d.code for d in check_text(path.read_text(), str(path), config, config.enabled_codes(), path)}
    assert flake8_codes == cli_codes == set()
