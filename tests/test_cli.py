"""The tf-lint command end to end: output, exit codes, bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tf_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
BAD = 'import tensorflow as tf\nmodel = tf.keras.Sequential()\nmodel.compile(optimizer="adam", loss="msee")\n'
GOOD = 'import tensorflow as tf\nmodel = tf.keras.Sequential()\nmodel.compile(optimizer="adam", loss="mse")\n'


def run(capsys, *argv: str):  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    return tmp_path


def test_clean_file_exits_0(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "good.py").write_text(GOOD)
    code, out, err = run(capsys, "good.py")
    assert (code, out) == (0, "")
    assert "no findings in 1 file" in err


def test_findings_exit_1_in_flake8_format(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "bad.py").write_text(BAD)
    code, out, _ = run(capsys, "bad.py")
    assert code == 1
    assert out == "bad.py:3:38: TFL101 unknown loss 'msee': Keras raises ValueError at the first fit(); did you mean 'mse'?\n"


def test_directories_are_walked_and_output_sorted(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for name in ("b.py", "a.py", "sub/c.py", ".venv/lib/d.py", "build/e.py", "sub/notes.txt"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(BAD + BAD.splitlines()[-1] + "\n")
    code, out, _ = run(capsys, ".", "-q")
    lines = out.splitlines()
    assert code == 1
    assert [line.split(":")[0:2] for line in lines] == [
        ["a.py", "3"], ["a.py", "4"], ["b.py", "3"], ["b.py", "4"], ["sub/c.py", "3"], ["sub/c.py", "4"]
    ]


def test_configured_exclude_and_per_file_ignores(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "pyproject.toml").write_text(
        '[tool.tf-lint]\nexclude = ["generated"]\n[tool.tf-lint.per-file-ignores]\n"legacy/*" = ["TFL1"]\n'
    )
    for name in ("generated/x.py", "legacy/y.py", "src/z.py"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(BAD)
    code, out, _ = run(capsys, ".")
    assert code == 1 and [line.split(":")[0] for line in out.splitlines()] == ["src/z.py"]
    # A path named explicitly is always linted.
    code, out, _ = run(capsys, "generated/x.py")
    assert code == 1 and out.startswith("generated/x.py:3:")


def test_select_and_ignore_flags_override_config(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "bad.py").write_text(BAD)
    assert run(capsys, "bad.py", "--ignore", "TFL101")[0] == 0
    assert run(capsys, "bad.py", "--select", "TFL2")[0] == 0
    assert run(capsys, "bad.py", "--select", "TFL1,TFL2")[0] == 1
    assert run(capsys, "bad.py", "--exit-zero")[0] == 0


def test_missing_path_is_a_usage_error(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "nope.py")
    assert (code, out) == (2, "")
    assert "no such file or directory: nope.py" in err


def test_bad_config_is_exit_2_with_the_key(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "pyproject.toml").write_text('[tool.tf-lint]\nignroe = ["TFL001"]\n')
    (project / "good.py").write_text(GOOD)
    code, _, err = run(capsys, "good.py")
    assert code == 2 and "unknown key 'ignroe'" in err and "did you mean 'ignore'" in err and "Traceback" not in err


def test_bad_code_on_command_line_is_exit_2(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "good.py").write_text(GOOD)
    code, _, err = run(capsys, "good.py", "--select", "TFL1O1")
    assert code == 2 and "TFL1O1" in err


def test_unknown_flag_is_exit_2(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-such-flag"])
    assert exit_info.value.code == 2


def test_bad_files_get_a_diagnostic_and_the_run_goes_on(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "a_syntax.py").write_text("import tensorflow as tf\ndef broken(:\n    pass\n")
    (project / "b_undecodable.py").write_bytes(b"import tensorflow as tf\nname = '\xff\xfe'\n")
    (project / "c_cookie.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport tensorflow as tf\nname = '\xe9'\n")
    (project / "d_bom.py").write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    (project / "e_bad_cookie.py").write_bytes(b"# -*- coding: no-such-codec -*-\nimport tensorflow\n")
    os.symlink(project / "missing-target.py", project / "f_broken_link.py")
    (project / "z.py").write_text(BAD)
    code, out, err = run(capsys, ".")
    assert code == 1 and "Traceback" not in err
    codes = [(line.split(":")[0], line.split(": ")[1].split()[0]) for line in out.splitlines()]
    assert codes == [
        ("a_syntax.py", "TFL901"),
        ("b_undecodable.py", "TFL902"),
        ("d_bom.py", "TFL101"),
        ("e_bad_cookie.py", "TFL902"),
        ("f_broken_link.py", "TFL903"),
        ("z.py", "TFL101"),
    ]
    assert out.startswith("a_syntax.py:2:12: TFL901 cannot parse this file, so it was not linted: SyntaxError: ")


def test_stdin(project: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tf_lint", "-", "--stdin-filename", "from_stdin.py"],
        input=BAD.encode(), capture_output=True, check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith("from_stdin.py:3:38: TFL101 ")


def test_python_dash_m_and_console_script_agree(project: Path) -> None:
    (project / "bad.py").write_text(BAD)
    module = subprocess.run([sys.executable, "-m", "tf_lint", "bad.py"], capture_output=True, text=True, check=False)
    script = Path(sys.executable).with_name("tf-lint")
    assert module.returncode == 1 and "TFL101" in module.stdout
    if script.exists():
        console = subprocess.run([str(script), "bad.py"], capture_output=True, text=True, check=False)
        assert (console.returncode, console.stdout) == (module.returncode, module.stdout)


def test_version(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("tf-lint ")


def test_internal_error_is_reported_and_exits_2(project: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from tf_lint.rules.tfl103_metrics_not_a_list import MetricsNotAList

    def boom(self, node, callee):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaput")

    monkeypatch.setattr(MetricsNotAList, "on_call", boom)
    (project / "a.py").write_text(BAD)
    (project / "b.py").write_text(BAD)
    code, out, _ = run(capsys, ".")
    assert code == 2
    codes = [(line.split(":")[0], line.split(": ")[1].split()[0]) for line in out.splitlines()]
    # The crash is reported where the rule first failed (line 3, the compile call), the other
    # rule's finding stays.
    assert codes == [("a.py", "TFL999"), ("a.py", "TFL101"), ("b.py", "TFL999"), ("b.py", "TFL101")]
    assert "TFL103 (metrics-not-a-list)" in out and "RuntimeError: kaput" in out


def test_target_keras_from_config_and_flag(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "m.py").write_text('from tensorflow import keras\nm = keras.Sequential()\nm.compile(optimizer="adam", loss="logcosh")\n')
    code, out, _ = run(capsys, "m.py")
    assert code == 1 and "(valid in tf-keras 2, rejected by Keras 3)" in out
    assert run(capsys, "m.py", "--target-keras", "2")[0] == 0
    (project / "pyproject.toml").write_text('[tool.tf-lint]\ntarget-keras = "2"\n')
    assert run(capsys, "m.py")[0] == 0
    (project / "pyproject.toml").write_text('[tool.tf-lint]\ntarget-keras = "4"\n')
    code, _, err = run(capsys, "m.py")
    assert code == 2 and "target-keras" in err


def test_flake8_reads_target_keras_from_the_project(project: Path) -> None:
    (project / "m.py").write_text('from tensorflow import keras\nm = keras.Sequential()\nm.compile(optimizer="adam", loss="logcosh")\n')
    flake8 = [sys.executable, "-m", "flake8", "--select", "TFL", "m.py"]
    assert "TFL101" in subprocess.run(flake8, capture_output=True, text=True, check=False).stdout
    (project / "pyproject.toml").write_text('[tool.tf-lint]\ntarget-keras = "2"\n')
    assert subprocess.run(flake8, capture_output=True, text=True, check=False).stdout == ""


def test_parallel_run_gives_identical_output(capsys) -> None:  # type: ignore[no-untyped-def]
    root = Path(__file__).resolve().parent.parent
    args = [str(root / "fixtures"), str(root / "examples"), "--isolated", "--select", "TFL", "-q", "--no-cache"]
    serial = run(capsys, *args, "-j", "1")
    parallel = run(capsys, *args, "-j", "2")
    assert serial[0] == parallel[0] == 1
    assert serial[1] == parallel[1] and serial[1].count("\n") > 100


def test_pathological_inputs_never_raise(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "binary.py").write_bytes(bytes(range(256)) * 8 + b"import keras\n")
    (project / "empty.py").write_bytes(b"")
    (project / "bom_only.py").write_bytes(b"\xef\xbb\xbf")
    os.mkdir(project / "loop")
    os.symlink("..", project / "loop" / "up")  # walking must not follow it forever
    with open(os.path.join(os.fsencode(project), b"caf\xe9.py"), "wb") as handle:  # not valid UTF-8
        handle.write(BAD.encode())
    code, out, err = run(capsys, ".", "--no-cache")
    assert code == 1 and "Traceback" not in err
    lines = out.splitlines()
    assert any(line.startswith("binary.py:1:1: TFL902 ") for line in lines)
    assert any(": TFL101 " in line and line.startswith("caf") for line in lines)
    assert len(lines) == 2


def test_a_huge_file_gets_one_diagnostic_instead_of_gigabytes(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A million lines would take libcst minutes and ~18 GB; the size limit answers at once."""
    line = "x = tf.constant(1)\n"
    (project / "huge.py").write_text("import tensorflow as tf\n" + line * 1_000_000)
    (project / "huge_unrelated.py").write_text(line * 1_000_000)  # never mentions tf: skipped
    code, out, err = run(capsys, ".", "--no-cache")
    assert code == 1 and "Traceback" not in err
    assert out.splitlines() == [
        "huge.py:1:1: TFL904 file too large to lint (18,555 KiB > max-file-size 1,024 KiB), so it was not linted;"
        " raise max-file-size (0: no limit) to lint it"
    ]


def test_size_limit_and_prefilter_are_configurable(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "m.py").write_text(BAD + "# padding\n" * 120)  # a little over 1 KiB
    (project / "plain.py").write_text("def broken(:\n")  # no tf/keras: skipped unparsed by default
    assert run(capsys, "m.py", "plain.py", "--no-cache")[1].count("TFL101") == 1
    out = run(capsys, "m.py", "--no-cache", "--max-file-size", "1")[1]
    assert "TFL904" in out and "TFL101" not in out
    assert "plain.py:1:12: TFL901" in run(capsys, "plain.py", "--no-cache", "--no-prefilter")[1]
    (project / "pyproject.toml").write_text("[tool.tf-lint]\nmax-file-size = 1\nprefilter = false\n")
    out = run(capsys, "m.py", "plain.py")[1]
    assert "m.py:1:1: TFL904" in out and "plain.py:1:12: TFL901" in out
    assert "TFL101" in run(capsys, "m.py", "--max-file-size", "0")[1]  # 0: no limit (and a cache miss)
    code, _, err = run(capsys, "m.py", "--max-file-size", "-3")
    assert code == 2 and "max-file-size" in err


def test_progress_bar_only_for_many_files_and_only_where_asked(tmp_path: Path) -> None:
    import io

    from tf_lint.config import Config
    from tf_lint.runner import PROGRESS_THRESHOLD, check_paths

    files = []
    for index in range(PROGRESS_THRESHOLD + 1):
        path = tmp_path / f"m{index}.py"
        path.write_text("x = 1\n")
        files.append(path)
    shown = io.StringIO()
    check_paths(files, Config(), progress=shown)
    assert f"/{PROGRESS_THRESHOLD + 1} [" in shown.getvalue() and "file/s" in shown.getvalue()  # drawn, then cleared
    quiet = io.StringIO()
    check_paths(files[:PROGRESS_THRESHOLD], Config(), progress=quiet)
    assert quiet.getvalue() == ""


def test_no_progress_bar_in_piped_output(tmp_path: Path) -> None:
    for index in range(250):
        (tmp_path / f"m{index}.py").write_text("x = 1\n")
    proc = subprocess.run([sys.executable, "-m", "tf_lint", ".", "--no-cache"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout == ""
    assert proc.stderr == "tf-lint: no findings in 250 files\n"
