"""The flake8 entry point ``TFL``: a thin adapter over the same engine as the CLI.

flake8 handles selection, ``# noqa``, per-file-ignores and output itself, so the adapter
yields every finding of every rule. The engine is imported on the first file, not at
plugin load, so ``flake8`` without TFL findings starts as fast as before.
"""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple, Type

from tf_lint._version import __version__

# Rules that are off by default would go here (flake8's extend-default-ignore).
DEFAULT_OFF: Tuple[str, ...] = ()


@functools.lru_cache(maxsize=256)
def _target_keras_for(directory: str) -> str:
    """``target-keras`` from the project's ``[tool.tf-lint]``, so flake8 checks the same Keras
    version as the CLI. Selection and ignores stay flake8's business."""
    from tf_lint.config import ConfigError, discover

    try:
        return discover(Path(directory)).target_keras
    except ConfigError:
        return "3"  # flake8 has no way to report it; `tf-lint` will


def _target_keras(filename: str) -> str:
    if filename in ("-", "stdin", "<stdin>"):
        return _target_keras_for(os.getcwd())
    return _target_keras_for(str(Path(filename).resolve().parent))


class Flake8Checker:
    name = "tf-lint"
    version = __version__

    def __init__(self, tree: Optional[ast.AST], lines: List[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        from tf_lint.registry import all_rules

        off = [rule.code for rule in all_rules() if not rule.default_enabled]
        if off:
            option_manager.extend_default_ignore(off)

    def run(self) -> Iterator[Tuple[int, int, str, Type["Flake8Checker"]]]:
        from tf_lint.engine import lint_source
        from tf_lint.noqa import file_is_exempt

        source = "".join(self.lines)
        if file_is_exempt(self.lines):  # the tf-lint file-level form; flake8 handles its own
            return
        for diagnostic in lint_source(source, self.filename, target_keras=_target_keras(self.filename)):
            # flake8 prints col + 1, the same 1-based column as the CLI.
            yield diagnostic.line, diagnostic.col, f"{diagnostic.code} {diagnostic.message}", type(self)
