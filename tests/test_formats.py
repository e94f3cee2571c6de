"""Output formats: golden outputs for text, JSON and GitHub; SARIF against the official schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tf_lint.cli import main

DATA = Path(__file__).resolve().parent / "data"
SOURCE = (
    "import keras\n"
    "model = keras.Sequential()\n"
    'model.compile(optimizer="adam", loss="Mse", metrics="mae")\n'
    "model.fit_generator(batches)\n"
)
TEXT = (
    "m.py:3:38: TFL101 unknown loss 'Mse': Keras raises ValueError at the first fit(); did you mean 'mse'?\n"
    "m.py:3:53: TFL103 metrics='mae' is a bare string: Keras 3 raises ValueError at compile() (it wants a list, tuple or dict);"
    " use metrics=['mae']\n"
    "m.py:4:7: TFL606 fit_generator() does not exist in Keras 3: AttributeError when this line runs;"
    " use fit(), which accepts generators and PyDataset\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / "m.py").write_text(SOURCE)
    return tmp_path


def run(capsys, *argv: str):  # type: ignore[no-untyped-def]
    code = main(["--isolated", "--no-cache", "m.py", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_is_flake8_style_and_uncoloured_when_piped(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys)
    assert (code, out) == (1, TEXT) and "\033[" not in out
    assert "3 findings in 1 file checked (TFL101: 1, TFL103: 1, TFL606: 1)" in err


def test_text_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from tf_lint.formats import use_colour

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_colour(Terminal()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())


def test_statistics(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = run(capsys, "--statistics")[1]
    assert out == TEXT + "1     TFL101 unknown-loss\n1     TFL103 metrics-not-a-list\n1     TFL606 removed-model-method\n"


def test_json(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--format", "json")
    items = json.loads(out)
    assert code == 1 and [item["code"] for item in items] == ["TFL101", "TFL103", "TFL606"]
    assert items[0] == {
        "path": "m.py",
        "line": 3,
        "column": 38,
        "end_line": 3,
        "end_column": 43,
        "code": "TFL101",
        "name": "unknown-loss",
        "message": "unknown loss 'Mse': Keras raises ValueError at the first fit(); did you mean 'mse'?",
        "severity": "error",
        "fix": {"replacement": '"mse"', "safe": True, "title": "replace with 'mse'"},
        "docs": "docs/rules/TFL101.md",
    }
    assert items[2]["fix"]["safe"] is False


def test_github_annotations(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = run(capsys, "--format", "github")[1]
    assert out.splitlines() == [
        "::error file=m.py,line=3,col=38,endLine=3,endColumn=43,title=TFL101 unknown-loss::"
        "TFL101 unknown loss 'Mse': Keras raises ValueError at the first fit(); did you mean 'mse'?",
        "::error file=m.py,line=3,col=53,endLine=3,endColumn=58,title=TFL103 metrics-not-a-list::"
        "TFL103 metrics='mae' is a bare string: Keras 3 raises ValueError at compile() (it wants a list, tuple or dict);"
        " use metrics=['mae']",
        "::error file=m.py,line=4,col=7,endLine=4,endColumn=20,title=TFL606 removed-model-method::"
        "TFL606 fit_generator() does not exist in Keras 3: AttributeError when this line runs;"
        " use fit(), which accepts generators and PyDataset",
    ]


def test_github_escapes_property_and_message_text() -> None:
    from tf_lint.diagnostics import Diagnostic
    from tf_lint.formats import render_github

    odd = Diagnostic("dir,a:b/100%.py", 1, 0, "TFL101", "50% off\nnext line")
    assert render_github([odd]) == "::error file=dir%2Ca%3Ab/100%25.py,line=1,col=1,title=TFL101 unknown-loss::TFL101 50%25 off%0Anext line\n"


def test_sarif_validates_against_the_official_schema(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    code, out, _ = run(capsys, "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, schema)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert code == 1 and log["version"] == "2.1.0"
    assert [r["ruleId"] for r in run_["results"]] == ["TFL101", "TFL103", "TFL606"]
    first = run_["results"][0]
    assert rules[first["ruleIndex"]]["id"] == "TFL101"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 38, "endLine": 3, "endColumn": 43}
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == '"mse"'
    # an empty run is valid too
    (project / "m.py").write_text("import keras\n")
    empty = json.loads(run(capsys, "--format", "sarif")[1])
    jsonschema.validate(empty, schema)
    assert empty["runs"][0]["results"] == []


def test_output_file_and_format_from_config(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--output-file", "report.txt")
    assert code == 1 and out == "" and (project / "report.txt").read_text() == TEXT
    (project / "pyproject.toml").write_text('[tool.tf-lint]\noutput-format = "json"\n')
    code = main(["--no-cache", "m.py", "-q"])
    assert code == 1 and json.loads(capsys.readouterr().out)[0]["code"] == "TFL101"
    (project / "pyproject.toml").write_text('[tool.tf-lint]\noutput-format = "xml"\n')
    assert main(["--no-cache", "m.py"]) == 2 and "output-format must be one of" in capsys.readouterr().err
    assert run(capsys, "--output-file", "no/such/dir/report.txt")[0] == 2


def test_sarif_uris_are_percent_encoded() -> None:
    from tf_lint.formats import _artifact

    assert _artifact("my dir,x:y%z/f #1.py") == {"uri": "my%20dir%2Cx%3Ay%25z/f%20%231.py", "uriBaseId": "%SRCROOT%"}
    assert _artifact("./src/m.py") == {"uri": "src/m.py", "uriBaseId": "%SRCROOT%"}
    assert _artifact("/abs/a b.py") == {"uri": "file:///abs/a%20b.py"}


def test_statistics_go_to_stderr_for_machine_formats(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "--format", "json", "--statistics")
    assert code == 1 and len(json.loads(out)) == 3 and "1     TFL101 unknown-loss" in err
