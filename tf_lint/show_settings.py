"""``tf-lint --show-settings PATH``: what tf-lint inferred for a file, and from where."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional, Sequence

from tf_lint.config import Config
from tf_lint.files import ReadFailure, decode_source, read_bytes
from tf_lint.notebooks import NotebookError, parse_notebook
from tf_lint.project.settings import Inferred, file_settings, project_settings
from tf_lint.reporting import EXIT_CLEAN
from tf_lint.semantics.tf1 import MIN_TF1_NAMES, TF1_TARGET, tf1_names


def show_settings(paths: Sequence[str], config: Config, stdin_filename: Optional[str] = None) -> int:
    """One block per path: its project root, config file, target Keras and TensorFlow with the
    file and line each came from. Directories show their project's settings."""
    blocks = [_block(Path(stdin_filename) if path == "-" and stdin_filename else Path(path), config) for path in paths or ["."]]
    sys.stdout.write("\n".join(blocks))
    return EXIT_CLEAN


def _block(path: Path, config: Config) -> str:
    text = ""
    if path.is_file():
        data = read_bytes(path)
        decoded = decode_source(data) if not isinstance(data, ReadFailure) else data
        text = decoded.text if not isinstance(decoded, ReadFailure) else ""
    pins = ""
    if path.suffix == ".ipynb" and text:
        try:
            pins = parse_notebook(text).magic_lines()
        except NotebookError:
            pass
    project = project_settings(path)
    settings = file_settings(project, text, str(path), config.target_keras, config.target_tensorflow, pins)
    root = project.root
    lines: List[str] = [f"{path}:"]
    lines.append(f"  project root: {root.path}" + (f" (found by {root.marker})" if root.marker else " (no project metadata found)"))
    source = f"{config.source} [tool.tf-lint]" if config.source else "none (defaults)"
    lines.append(f"  configuration: {source}")
    tf1 = _written_for_tf1(text, pins) if settings.tf1_possible and settings.tensorflow is None else []
    if len(tf1) >= MIN_TF1_NAMES and settings.keras_how.how != "config":
        lines.append("  target Keras: 2  (TensorFlow 1 code: its tf.keras is Keras 2)")
    else:
        lines.append(f"  target Keras: {settings.keras}  ({_how(settings.keras_how)})")
    if len(tf1) >= MIN_TF1_NAMES:
        names = ", ".join(name.replace("tensorflow.", "tf.") for name in tf1[:4])
        lines.append(f"  target TensorFlow: {TF1_TARGET}  (nothing requires TensorFlow 2, and the file is written for TF 1: {names})")
    else:
        shown_tf = settings.tensorflow or "the newest (no pin)"
        lines.append(f"  target TensorFlow: {shown_tf}  ({_how(settings.tensorflow_how)})")
    return "\n".join(lines) + "\n"


def _how(inferred: Inferred) -> str:
    if inferred.how == "config":
        return f"set by {inferred.reason}"
    if inferred.evidence is not None:
        return f"{inferred.reason}: {inferred.evidence}"
    return inferred.reason


def _written_for_tf1(text: str, notebook_magics: str) -> List[str]:
    """The TF 1-only names the file uses (``semantics.tf1``), as the linter will see them."""
    import libcst as cst

    from tf_lint.names import ImportTable

    if notebook_magics or text.lstrip().startswith("{"):
        try:
            text = parse_notebook(text).source
        except NotebookError:
            return []
    try:
        imports = ImportTable.from_module(cst.parse_module(text))
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return []
    return tf1_names(imports, text)
