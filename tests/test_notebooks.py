"""Jupyter notebooks: code cells linted as one module, magics skipped, positions per cell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from tf_lint.cli import main
from tf_lint.notebooks import parse_notebook

NOTEBOOK = FIXTURES / "notebooks" / "training.ipynb"
TYPO = "unknown loss 'sparce_categorical_crossentropy': Keras raises ValueError at the first fit(); did you mean 'sparse_categorical_crossentropy'?"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(NOTEBOOK, tmp_path / "nb.ipynb")
    return tmp_path


def run(capsys, *argv: str):  # type: ignore[no-untyped-def]
    code = main(["--isolated", "--no-cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_name_their_cell_and_line(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "nb.ipynb")
    assert code == 1 and "Traceback" not in err
    assert out.splitlines() == [
        f"nb.ipynb:cell 4:3:20: TFL101 {TYPO}",
        "nb.ipynb:cell 7:2:38: TFL101 unknown loss 'Mse': Keras raises ValueError at the first fit(); did you mean 'mse'?",
    ]


def test_magics_are_skipped_not_errors() -> None:
    notebook = parse_notebook(NOTEBOOK.read_text())
    source = notebook.source
    assert "pip install" not in source and "%matplotlib" not in source and "files = !ls" not in source
    assert "    pass\n" in source  # the indented %time line keeps its block valid
    assert "msee" not in source  # the %%bash cell is out entirely
    compile(source, "nb", "exec")
    assert [cell.index for cell in notebook.cells] == [2, 3, 4, 5, 6, 7]


def test_json_gives_cell_and_line(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    items = json.loads(run(capsys, "nb.ipynb", "--format", "json")[1])
    assert [(i["cell"], i["line"], i["column"]) for i in items] == [(4, 3, 20), (7, 2, 38)]


def test_broken_json_is_one_finding(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(FIXTURES / "notebooks" / "broken.ipynb", project / "broken.ipynb")
    code, out, _ = run(capsys, "broken.ipynb")
    assert code == 1 and out.startswith("broken.ipynb:1:1: TFL905 cannot read this notebook, so it was not linted: invalid JSON")
    (project / "broken.ipynb").write_text('{"nbformat": 4}')
    assert "no 'cells' list" in run(capsys, "broken.ipynb")[1]


def test_directories_include_notebooks_unless_configured(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert "nb.ipynb:cell 4:3:20" in run(capsys, ".")[1]
    (project / "pyproject.toml").write_text("[tool.tf-lint]\nnotebooks = false\n")
    code = main(["--no-cache", "."])
    assert code == 0 and capsys.readouterr().out == ""
    assert main(["--no-cache", "nb.ipynb"]) == 1  # named on the command line: always linted
    capsys.readouterr()


def test_fix_rewrites_code_cells_only(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = json.loads((project / "nb.ipynb").read_text())
    code, out, err = run(capsys, "--fix", "--unsafe-fixes", "nb.ipynb")
    after = json.loads((project / "nb.ipynb").read_text())
    assert (code, out) == (0, ""), err
    changed = [i for i, (old, new) in enumerate(zip(before["cells"], after["cells"])) if old != new]
    assert changed == [3, 6]  # cells 4 and 7; cell 7's noqa line stays as it was
    assert after["cells"][3]["source"][2] == '              loss="sparse_categorical_crossentropy",\n'
    assert after["cells"][6]["source"] == ['model.compile(optimizer="adam", loss="Mse")  # noqa: TFL101\n', 'model.compile(optimizer="adam", loss="mse")']
    for key in ("metadata", "nbformat", "nbformat_minor"):
        assert after[key] == before[key]
    assert [c.get("outputs") for c in after["cells"]] == [c.get("outputs") for c in before["cells"]]
    assert after["cells"][1]["source"] == before["cells"][1]["source"]  # magics untouched
    assert run(capsys, "--fix", "nb.ipynb")[0] == 0 and json.loads((project / "nb.ipynb").read_text()) == after


def _notebook(*cells: object, metadata: object = None) -> str:
    body = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": source} for source in cells],
        "metadata": {"language_info": {"name": "python"}} if metadata is None else metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(body)


def test_shell_escapes_with_a_space_and_annotated_captures_are_magics() -> None:
    source = parse_notebook(_notebook(["! pip install -q tensorflow\n", "files: list = !ls\n", "import keras\n"])).source
    assert source == "#%% tf-lint cell 1\npass\npass\nimport keras\n"


def test_python_continuation_lines_are_never_magics() -> None:
    cell = ["msg = ('value: %s'\n", "       %keras.__version__)\n", "x = 1 + \\\n", "    !flag if False else 2\n"]
    notebook = parse_notebook(_notebook(["import keras\n"], cell))
    assert notebook.cells[1].magics == {} and "%keras.__version__" in notebook.source


@pytest.mark.parametrize(
    "text",
    [
        '{"cells": [{"cell_type": "code", "source": "import keras"}], "metadata": null, "nbformat": 4}',
        '{"cells": [{"cell_type": "code", "source": "import keras"}], "metadata": {"language_info": null}, "nbformat": 4}',
        '{"cells": [{"cell_type": "code", "source": ["import keras\\n", 5]}], "metadata": {}, "nbformat": 4}',
    ],
)
def test_odd_notebooks_never_crash(project: Path, capsys, text: str) -> None:  # type: ignore[no-untyped-def]
    (project / "odd.ipynb").write_text(text)
    code, out, err = run(capsys, "odd.ipynb", "nb.ipynb")
    assert "Traceback" not in err and code == 1
    assert "nb.ipynb:cell 4:3:20: TFL101" in out  # one odd notebook does not stop the others


def test_lines_are_counted_as_python_counts_them() -> None:
    text = _notebook(["import keras\n", "s = 'a\u2028b'\n"], ["keras.losses.get('msee')\n"])
    notebook = parse_notebook(text)
    assert notebook.locate(5) == (2, 1)  # marker, 2 lines, marker, then cell 2 line 1


def test_other_kernels_are_skipped_by_kernelspec_too(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    r_notebook = _notebook(["model <- keras_model_sequential() %>%\n"], metadata={"kernelspec": {"language": "R", "name": "ir"}})
    (project / "r.ipynb").write_text(r_notebook)
    assert run(capsys, "r.ipynb")[:2] == (0, "")


def test_fixes_that_change_a_cells_line_count_still_apply(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "nb.ipynb").write_text(
        _notebook(["!pip install tensorflow\n", "import tensorflow as tf\n", "a = tf.constant([1.0])\n"],
                  ["c = tf.add(\n", "    a,\n", "    a,\n", ")\n", "%time c\n"], ["d = tf.add(a, a)"])
    )
    code, _, err = run(capsys, "--select", "TFL001", "--fix", "nb.ipynb")
    cells = json.loads((project / "nb.ipynb").read_text())["cells"]
    assert code == 0, err
    assert cells[0]["source"][0] == "!pip install tensorflow\n"
    assert cells[1]["source"] == ["c = a + a\n", "%time c\n"]
    assert cells[2]["source"] == ["d = a + a"]


def _notebook_file(path: Path, cells: list, kernel: str = "python3", version: str = "3.10.0") -> Path:  # type: ignore[type-arg]
    raw = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source} for source in cells],
        "metadata": {"kernelspec": {"name": kernel, "language": "python", "display_name": kernel}, "language_info": {"name": "python", "version": version}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    return path


CELLS = [
    "import tensorflow as tf\n",
    "print 'a Python 2 statement'\n",
    "model = tf.keras.Sequential()\nmodel.compile(optimizer='adam', loss='msee')\n",
]


def test_a_cell_that_does_not_parse_breaks_only_itself(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _notebook_file(tmp_path / "nb.ipynb", CELLS)
    code, out, _ = run(capsys, str(tmp_path / "nb.ipynb"))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2
    assert lines[0].endswith("nb.ipynb:cell 2:1:1: TFL901 cannot parse this cell, so it was not linted: SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)? (the other cells were linted)")
    assert "nb.ipynb:cell 3:2:38: TFL101 unknown loss 'msee'" in lines[1]


def test_a_python_2_kernel_is_not_reported_for_python_2_syntax(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _notebook_file(tmp_path / "nb.ipynb", CELLS, kernel="python2", version="2.7.15")
    code, out, _ = run(capsys, str(tmp_path / "nb.ipynb"))
    assert code == 1 and [line.split(": ", 1)[1].split(" ")[0] for line in out.splitlines()] == ["TFL101"]


def test_cells_are_read_as_ipython_reads_them(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cells = [
        "import tensorflow as tf\n",
        "  model = tf.keras.Sequential()\n  model.compile(loss='msee')\n",  # IPython strips the common indentation
        "ls ./data/train/\n",  # automagic
        "!trainer \\\n  --data=$DATA \\ \n  --steps=10\n",  # a shell command continued, a blank after one backslash
        "model.compile(loss='Mse')\n",
    ]
    _notebook_file(tmp_path / "nb.ipynb", cells)
    code, out, _ = run(capsys, str(tmp_path / "nb.ipynb"))
    assert [line.split(":", 1)[1].split(": TFL")[0] for line in out.splitlines()] == ["cell 2:2:22", "cell 5:1:20"]
    assert "TFL901" not in out


def test_fixes_keep_an_indented_cell_indented_and_leave_a_broken_cell_alone(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cells = ["import tensorflow as tf\n", "  m = tf.keras.Sequential()\n  m.compile(loss='Mse')\n", "print 'x'\n"]
    path = _notebook_file(tmp_path / "nb.ipynb", cells)
    main(["--isolated", "--no-cache", "--fix", str(path)])
    capsys.readouterr()
    sources = ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"] for cell in json.loads(path.read_text())["cells"]]
    assert sources == ["import tensorflow as tf\n", "  m = tf.keras.Sequential()\n  m.compile(loss='mse')\n", "print 'x'\n"]


def test_an_exercise_cell_left_blank_is_not_reported(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cells = ["import tensorflow as tf\n", "BATCH_SIZE =  # TODO: pick a batch size\n", "model = tf.keras.Sequential()\nmodel.compile(loss='msee')\n"]
    _notebook_file(tmp_path / "nb.ipynb", cells)
    code, out, _ = run(capsys, str(tmp_path / "nb.ipynb"))
    assert code == 1 and [line.split(": ", 1)[1].split(" ")[0] for line in out.splitlines()] == ["TFL101"]
