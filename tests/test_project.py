"""The project model: target versions from a project's own metadata, modules found by import,
facts that cross files, and the cache that follows them."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

from tf_lint.cli import main
from tf_lint.config import Config, ConfigError, parse_table
from tf_lint.project.metadata import all_requirements
from tf_lint.project.modules import ModuleResolver
from tf_lint.project.requirements import parse_requirement, specifier_range
from tf_lint.project.root import find_root
from tf_lint.project.settings import file_settings, legacy_setting, project_settings


def write(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def lint(root: Path, *args: str) -> List[str]:
    """Findings as ``path:line CODE`` relative to ``root`` (the CLI run from the root)."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "tf_lint", "--no-cache", "-q", "--format", "text", *args],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return [" ".join(line.split(":")[0:2]) + " " + line.split(" ")[1] for line in proc.stdout.splitlines()]


# --- specifiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec, newest, keras2",
    [
        (">=2.9,<2.16", (2, 15), True),
        ("==2.10.0", (2, 10), True),
        ("==2.10.*", (2, 10), True),
        ("~=2.13.0", (2, 13), True),
        ("~=2.13", None, False),
        ("<=2.15.1", (2, 15), True),
        ("^2.10", None, False),  # Poetry: <3
        ("~2.10", (2, 10), True),  # Poetry: <2.11
        ("=2.10", (2, 10), True),  # conda: 2.10.*
        ("<2.16.0rc0", (2, 15), True),
        (">=2.16", None, False),
        ("", None, False),
    ],
)
def test_specifier_ranges(spec: str, newest: object, keras2: bool) -> None:
    allowed = specifier_range(spec)
    assert allowed.newest_minor() == newest
    assert allowed.below((2, 16)) is keras2


def test_requirement_lines() -> None:
    found = parse_requirement('tensorflow-gpu>=2.4,<2.9 ; python_version < "3.9"', "r.txt", 3)
    assert found is not None and found.name == "tensorflow-gpu" and found.range.newest_minor() == (2, 8) and found.line == 3
    assert parse_requirement("TF_Keras", "r.txt", 1).name == "tf-keras"  # type: ignore[union-attr]
    assert parse_requirement("-e .", "r.txt", 1) is None
    assert parse_requirement("git+https://github.com/x/y.git#egg=keras", "r.txt", 1).name == "keras"  # type: ignore[union-attr]


# --- metadata formats -----------------------------------------------------------------------


def test_every_metadata_format_is_read_without_running_it(tmp_path: Path) -> None:
    write(tmp_path, {
        "pyproject.toml": """
            [project]
            dependencies = ["numpy"]
            [project.optional-dependencies]
            gpu = ["tensorflow[and-cuda]>=2.14,<2.16"]
            [tool.poetry.dependencies]
            keras = "^2.12"
            """,
        "setup.py": """
            import setuptools
            REQUIRED = ["tf-keras>=2.15"]
            raise SystemExit("never run")
            setuptools.setup(name="x", install_requires=REQUIRED + ["pillow"], extras_require={"dev": ["pytest"]})
            """,
        "setup.cfg": "[options]\ninstall_requires =\n    h5py\n",
        "Pipfile": '[packages]\ntensorflow-cpu = "==2.11.0"\n',
        "environment.yml": "name: x\ndependencies:\n  - python=3.10\n  - tensorflow=2.10\n  - pip:\n    - keras-tuner\n",
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "scipy  # comment\n",
    })
    found = {(r.name, r.file, r.group) for r in all_requirements(tmp_path)}
    assert {
        ("numpy", "pyproject.toml", "main"), ("tensorflow", "pyproject.toml", "gpu"), ("keras", "pyproject.toml", "main"),
        ("tf-keras", "setup.py", "main"), ("pillow", "setup.py", "main"), ("pytest", "setup.py", "dev"),
        ("h5py", "setup.cfg", "main"), ("tensorflow-cpu", "Pipfile", "main"), ("tensorflow", "environment.yml", "main"),
        ("keras-tuner", "environment.yml", "main"), ("scipy", "requirements/base.txt", "main"),
    } <= found
    setup_line = next(r.line for r in all_requirements(tmp_path) if r.name == "tf-keras")
    assert setup_line == 2


def test_the_project_root_is_the_nearest_metadata(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "", "sub/requirements-dev.txt": "", "sub/pkg/mod.py": "", "other/mod.py": ""})
    assert find_root(tmp_path / "sub" / "pkg" / "mod.py").path == (tmp_path / "sub").resolve()
    assert find_root(tmp_path / "other" / "mod.py").path == tmp_path.resolve()


# --- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files, keras, tensorflow, evidence",
    [
        ({"requirements.txt": "tensorflow==2.15.0\n"}, "2", "2.15", "requirements.txt:1"),
        ({"requirements.txt": "tensorflow>=2.16\ntf-keras\n"}, "2", None, "requirements.txt:2"),
        ({"requirements.txt": "keras<3\ntensorflow\n"}, "2", None, "requirements.txt:1"),
        ({"requirements.txt": "keras>=3\ntf-keras\n"}, "3", None, "requirements.txt:1"),
        ({"requirements.txt": "tensorflow>=2.16,<2.19\n"}, "3", "2.18", "requirements.txt:1"),
        ({"pyproject.toml": '[project]\ndependencies = ["tensorflow~=2.13.0"]\n'}, "2", "2.13", "pyproject.toml:2"),
        ({"setup.py": 'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\nsetup(install_requires=["keras>=3"])\n'}, "2", None, "setup.py:2"),
        ({"pyproject.toml": "", "tests/conftest.py": "import os\nos.environ.setdefault('TF_USE_LEGACY_KERAS', 'True')\n"}, "2", None, "tests/conftest.py:2"),
        ({"requirements.txt": "numpy\n", "tox.ini": "[testenv]\nsetenv =\n    TF_USE_LEGACY_KERAS=1\n"}, "2", None, "tox.ini:3"),
        ({"requirements.txt": "keras_applications>=1.0.7,<=1.0.8\n"}, "2", None, "requirements.txt:1"),
        ({"requirements.txt": "numpy\n"}, "3", None, ""),
    ],
)
def test_target_versions_are_inferred_from_the_project(tmp_path: Path, files: Dict[str, str], keras: str, tensorflow: object, evidence: str) -> None:
    write(tmp_path, {**files, "train.py": "import tensorflow as tf\n"})
    settings = file_settings(project_settings(tmp_path / "train.py"), "", "train.py", None, None)
    assert (settings.keras, settings.tensorflow) == (keras, tensorflow)
    shown = settings.keras_how.evidence or settings.tensorflow_how.evidence
    assert (f"{shown.file}:{shown.line}" if shown else "") == evidence


def test_configuration_and_the_file_itself_win(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "tensorflow==2.15\n"})
    project = project_settings(tmp_path / "x.py")
    assert file_settings(project, "", "x.py", "3", None).keras == "3"
    assert file_settings(project, "", "x.py", None, "2.12").tensorflow == "2.12"
    own = 'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "true"\n'
    assert file_settings(project_settings(tmp_path / "x.py"), own, "x.py", None, None).keras_how.evidence.line == 2  # type: ignore[union-attr]
    assert file_settings(None, "", "x.py", None, "2.15").keras == "2"  # target-tensorflow alone says Keras 2
    assert file_settings(None, "", "x.py", None, "2.16").keras == "3"


@pytest.mark.parametrize(
    "text, on",
    [
        ('os.environ["TF_USE_LEGACY_KERAS"] = "1"', True),
        ("os.environ['TF_USE_LEGACY_KERAS']='True'", True),
        ('os.environ.update({"TF_USE_LEGACY_KERAS": "1"})', True),
        ("%env TF_USE_LEGACY_KERAS=1", True),
        ('os.environ["TF_USE_LEGACY_KERAS"] = "0"', False),
        ('# os.environ["TF_USE_LEGACY_KERAS"] = "1"', False),
        ('flag = os.environ.get("TF_USE_LEGACY_KERAS")', False),
    ],
)
def test_legacy_keras_setting(text: str, on: bool) -> None:
    assert (legacy_setting(text) is not None) is on


def test_target_tensorflow_config_key_is_validated() -> None:
    assert parse_table({"target-tensorflow": "2.15"}).target_tensorflow == "2.15"
    with pytest.raises(ConfigError, match="major.minor"):
        parse_table({"target-tensorflow": 2.1})
    with pytest.raises(ConfigError, match="major.minor"):
        parse_table({"target-tensorflow": "latest"})
    assert parse_table({}).target_keras is None  # inferred unless set


def test_show_settings_names_each_inference_and_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {"requirements.txt": "numpy\ntensorflow>=2.12,<2.16\n", "train.py": "import tensorflow as tf\n"})
    assert main(["--show-settings", str(tmp_path / "train.py")]) == 0
    out = capsys.readouterr().out
    assert f"project root: {tmp_path.resolve()} (found by requirements.txt)" in out
    assert "target Keras: 2  (TensorFlow below 2.16 ships Keras 2 as tf.keras: requirements.txt:2: tensorflow>=2.12,<2.16)" in out
    assert "target TensorFlow: 2.15" in out
    assert main(["--show-settings", "--target-keras", "3", str(tmp_path / "train.py")]) == 0
    assert "target Keras: 3  (set by target-keras)" in capsys.readouterr().out


# --- modules ------------------------------------------------------------------------------


def test_imports_resolve_to_project_files_as_python_would(tmp_path: Path) -> None:
    write(tmp_path, {
        "pyproject.toml": "",
        "src/pkg/__init__.py": "",
        "src/pkg/models.py": "",
        "src/pkg/sub/__init__.py": "",
        "src/pkg/sub/train.py": "",
        "scripts/run.py": "",
        "scripts/helpers.py": "",
        "config.py": "",
    })
    resolver = ModuleResolver(tmp_path)
    train = tmp_path / "src/pkg/sub/train.py"
    assert resolver.find(train, "..models.build").path == (tmp_path / "src/pkg/models.py").resolve()  # type: ignore[union-attr]
    assert resolver.find(train, "pkg.models.build").rest == ("build",)  # type: ignore[union-attr]  # the package base
    assert resolver.find(train, ".").path.name == "__init__.py"  # type: ignore[union-attr]
    assert resolver.find(tmp_path / "scripts/run.py", "helpers.x").path.name == "helpers.py"  # type: ignore[union-attr]
    assert resolver.find(tmp_path / "scripts/run.py", "config.LOSS").path.name == "config.py"  # type: ignore[union-attr]  # the root
    assert resolver.find(train, "numpy.zeros") is None
    assert resolver.find(train, "tensorflow.keras") is None
    write(tmp_path, {".venv/lib/python3.11/site-packages/numpy/__init__.py": "", ".venv/lib/python3.11/site-packages/mod.py": ""})
    installed = tmp_path / ".venv/lib/python3.11/site-packages/mod.py"
    assert ModuleResolver(tmp_path).find(installed.resolve(), "numpy.zeros") is None  # installed packages are not the project's


# --- facts that cross files ------------------------------------------------------------------

CROSS = {
    "pyproject.toml": '[project]\ndependencies = ["tensorflow>=2.16"]\n',
    "config.py": 'LOSS = "sparce_categorical_crossentropy"\n',
    "train.py": """
        import tensorflow as tf
        from config import LOSS
        model = tf.keras.Sequential([tf.keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="adam", loss=LOSS)
        """,
}


def test_a_value_from_another_module_is_reported_where_it_reaches_keras(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, CROSS)
    assert main(["--no-cache", "-q", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "train.py:4:" in out and "'sparce_categorical_crossentropy' (LOSS, config.py:1)" in out


def test_flake8_sees_the_same_project(tmp_path: Path) -> None:
    from conftest import run_flake8

    write(tmp_path, CROSS)
    found = run_flake8([tmp_path / "train.py"])
    assert [(line, code) for line, _, code, _ in found[str((tmp_path / "train.py").resolve())]] == [(4, "TFL101")]


def test_editing_a_module_relints_the_files_that_read_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, {**CROSS, "other.py": "import tensorflow as tf\nx = tf.constant(1)\n"})
    args = ["-q", "-j", "1", str(tmp_path)]
    assert main(args) == 1
    capsys.readouterr()
    (tmp_path / "config.py").write_text('LOSS = "sparse_categorical_crossentropy"\n', encoding="utf-8")
    assert main(args) == 0  # train.py re-linted although its own bytes did not change
    capsys.readouterr()
    (tmp_path / "config.py").unlink()
    assert main(args) == 0
    (tmp_path / "config.py").write_text('LOSS = "nope"\n', encoding="utf-8")  # a module that appears again
    assert main(args) == 1
    assert "'nope' (LOSS, config.py:1)" in capsys.readouterr().out


def test_a_user_class_named_like_keras_is_not_keras(tmp_path: Path) -> None:
    write(tmp_path, {
        "trainer.py": "class Trainer:\n    def compile(self, loss):\n        self.loss = loss\n",
        "base.py": "import tensorflow as tf\nclass Base(tf.keras.Model):\n    pass\n",
        "run.py": """
            import tensorflow as tf
            from trainer import Trainer
            from base import Base
            Trainer().compile(loss="whatever")
            Base().compile(optimizer="adam", loss="whatever")
            """,
    })
    assert lint(tmp_path) == ["run.py 5 TFL101"]


def test_stdin_with_a_filename_sees_its_project(tmp_path: Path) -> None:
    import subprocess
    import sys

    write(tmp_path, CROSS)
    proc = subprocess.run(
        [sys.executable, "-m", "tf_lint", "-", "--stdin-filename", str(tmp_path / "train.py"), "-q"],
        input=(tmp_path / "train.py").read_text(), capture_output=True, text=True, check=False, cwd=os.getcwd(),
    )
    assert proc.returncode == 1 and "(LOSS, config.py:1)" in proc.stdout


def test_config_without_project_metadata_keeps_keras_3() -> None:
    assert Config().target_keras is None
    assert file_settings(None, "", "x.py", Config().target_keras, None).keras == "3"


def test_a_notebook_that_installs_its_versions_is_checked_against_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    def notebook(first_cell: str) -> Path:
        cells = [first_cell, "import tensorflow as tf\nm = tf.keras.Sequential()\nm.fit_generator(iter([]), steps_per_epoch=1)\n"]
        raw = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        path = tmp_path / "nb.ipynb"
        path.write_text(json.dumps(raw), encoding="utf-8")
        return path

    write(tmp_path, {"requirements.txt": "numpy\n"})
    assert main(["--no-cache", "-q", str(notebook("!pip install -q tensorflow==2.9.*\n"))]) == 0  # Keras 2: fit_generator exists
    assert main(["--no-cache", "-q", str(notebook("%tensorflow_version 1.x\n"))]) == 0
    assert main(["--no-cache", "-q", str(notebook("!pip install -q 'tensorflow>=2.16'\n"))]) == 1
    capsys.readouterr()
    main(["--show-settings", str(notebook("%tensorflow_version 1.x\n"))])
    out = capsys.readouterr().out
    assert "target TensorFlow: 1.15" in out and "nb.ipynb:1: %tensorflow_version 1.x" in out


def test_code_written_for_tf1_is_checked_as_tf1_unless_the_project_requires_tf2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\nsess = tf.Session()\nsess.run(tf.global_variables_initializer())\n"
    write(tmp_path, {"requirements.txt": "numpy\n", "graph.py": graph, "stray.py": "import tensorflow as tf\ns = tf.Session()\n"})
    assert main(["--no-cache", "-q", str(tmp_path / "graph.py")]) == 0
    assert main(["--no-cache", "-q", str(tmp_path / "stray.py")]) == 1  # one TF 1 call in TF 2 code
    assert main(["--no-cache", "-q", "--target-tensorflow", "2.16", str(tmp_path / "graph.py")]) == 1
    capsys.readouterr()
    main(["--show-settings", str(tmp_path / "graph.py")])
    assert "target TensorFlow: 1.15  (nothing requires TensorFlow 2, and the file is written for TF 1: tf.placeholder, tf.Session" in capsys.readouterr().out
    (tmp_path / "requirements.txt").write_text("tensorflow>=2.4\n", encoding="utf-8")
    assert main(["--no-cache", "-q", str(tmp_path / "graph.py")]) == 1  # the project requires TF 2


def test_follow_imports_can_be_turned_off(tmp_path: Path) -> None:
    write(tmp_path, {**CROSS, "pyproject.toml": '[project]\ndependencies = ["tensorflow>=2.16"]\n[tool.tf-lint]\nfollow-imports = false\n'})
    assert lint(tmp_path, "train.py") == []
    assert lint(tmp_path, "--isolated", "train.py") == ["train.py 4 TFL101"]
    assert lint(tmp_path, "--isolated", "--no-follow-imports", "train.py") == []
