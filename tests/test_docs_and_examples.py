"""Generated docs are current, and the README's example command shows what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tf_lint.docs import render_readme

ROOT = Path(__file__).resolve().parent.parent


def test_readme_rules_table_is_current() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render_readme(text) == text, "run `python -m tf_lint.docs`"


def test_generated_rule_docs_are_current() -> None:
    from tf_lint.docs import generated_files

    pages = generated_files()
    on_disk = set((ROOT / "docs" / "rules").glob("*.md"))
    assert on_disk == {p for p in pages if p.parent.name == "rules"}, "run `python -m tf_lint.docs`"
    for path, text in pages.items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `python -m tf_lint.docs`"


def test_explain_prints_the_rule_page_and_rules_lists_them(capsys) -> None:  # type: ignore[no-untyped-def]
    from tf_lint.cli import main
    from tf_lint.rules import all_rules

    assert main(["--explain", "tfl101"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "rules" / "TFL101.md").read_text(encoding="utf-8")
    assert main(["--explain", "TFL1011"]) == 2
    assert "did you mean TFL111?" in capsys.readouterr().err
    assert main(["--list-rules"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:3] == ["TFL001", "redundant-tf-binary-op", "off"] and len(listing) == len(list(all_rules()))


def test_examples_show_the_briefs_findings() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tf_lint", "examples/", "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    brief = next(line for line in lines if line.startswith("examples/brief_debugging.py"))
    assert brief == (
        "examples/brief_debugging.py:12:20: TFL101 unknown loss 'sparce_categorical_crossentropy': "
        "Keras raises ValueError at the first fit(); did you mean 'sparse_categorical_crossentropy'?"
    )
    codes = {(line.split(":")[0], line.split(": ")[1].split()[0]) for line in lines}
    assert codes == {
        ("examples/brief_debugging.py", "TFL101"),
        ("examples/brief_optimization.py", "TFL001"),
        ("examples/slow_pipeline.py", "TFL209"),
        ("examples/slow_pipeline.py", "TFL201"),
        ("examples/slow_pipeline.py", "TFL203"),
        ("examples/slow_pipeline.py", "TFL204"),
        ("examples/api_names.py", "TFL601"),
        ("examples/api_names.py", "TFL607"),
        ("examples/api_names.py", "TFL608"),
        ("examples/brief_gpu.py", "TFL701"),
        ("examples/brief_gpu.py", "TFL707"),
        *(
            ("examples/keras_strings.py", code)
            for code in ("TFL103", "TFL105", "TFL106", "TFL107", "TFL109", "TFL604", "TFL605", "TFL606")
        ),
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert brief in readme


def test_flake8_entry_point_is_registered_and_agrees_on_the_brief() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "TFL", "examples/brief_debugging.py"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("examples/brief_debugging.py:12:20: TFL101 unknown loss 'sparce_categorical_crossentropy'")


def test_ci_runs_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && python -m pytest"
    assert test_command in readme and test_command in ci
    assert "pip install . && tf-lint examples/" in readme and "tf-lint examples/" in ci


def test_readme_diff_example_is_real_output() -> None:
    command = "tf-lint --diff --unsafe-fixes examples/brief_debugging.py"
    proc = subprocess.run(
        [sys.executable, "-m", "tf_lint", *command.split()[1:], "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    assert [line.rstrip() for line in shown.splitlines()] == [line.rstrip() for line in proc.stdout.splitlines()]
