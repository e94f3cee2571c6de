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
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Tuple, Type

from tf_lint._version import __version__

if TYPE_CHECKING:
    from tf_lint.config import Config

# Codes that are off by default (flake8's extend-default-ignore), spelled out so that
# registering the plugin imports nothing heavy; a test keeps this equal to the registry's.
DEFAULT_OFF: Tuple[str, ...] = ("TFL001", "TFL205")


@functools.lru_cache(maxsize=256)
def _project_config_for(directory: str) -> Optional["Config"]:
    """The project's ``[tool.tf-lint]`` engine settings (target-keras, prefilter, max-file-size),
    so flake8 checks a file the way the CLI does; None when no pyproject.toml up the tree
    mentions tf-lint (then the TOML parser is never imported). Selection and ignores stay
    flake8's business."""
    if not any(_mentions_tf_lint(parent / "pyproject.toml") for parent in (Path(directory), *Path(directory).parents)):
        return None
    from tf_lint.config import Config, ConfigError, discover

    try:
        return discover(Path(directory))
    except ConfigError:
        return Config()  # flake8 has no way to report it; `tf-lint` will


def _mentions_tf_lint(pyproject: Path) -> bool:
    try:
        return b"tf-lint" in pyproject.read_bytes()
    except OSError:
        return False


def _project_config(filename: str) -> Optional["Config"]:
    if filename in ("-", "stdin", "<stdin>"):
        return _project_config_for(os.getcwd())
    return _project_config_for(str(Path(filename).resolve().parent))


class Flake8Checker:
    name = "tf-lint"
    version = __version__

    def __init__(self, tree: Optional[ast.AST], lines: List[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.extend_default_ignore(list(DEFAULT_OFF))

    def run(self) -> Iterator[Tuple[int, int, str, Type["Flake8Checker"]]]:
        from tf_lint.config import Config
        from tf_lint.engine import lint_source
        from tf_lint.noqa import file_is_exempt
        from tf_lint.runner import project_index, settings_for

        source = "".join(self.lines)
        if file_is_exempt(self.lines):  # the tf-lint file-level form; flake8 handles its own
            return
        config = _project_config(self.filename) or Config()
        path = None if self.filename in ("-", "stdin", "<stdin>") else Path(self.filename)
        # The same project view as the CLI: target versions from the project's metadata, and
        # the project modules this file imports, read from disk (see docs/architecture.md).
        settings = settings_for(config, path, source, self.filename)
        view = project_index(config).start(path) if path is not None and config.follow_imports else None
        found = lint_source(
            source, self.filename, target_keras=settings.keras, target_tensorflow=settings.tensorflow, project=view,
            tf1_possible=settings.tf1_possible, **config.engine_options(),
        )
        for diagnostic in found:
            # flake8 prints col + 1, the same 1-based column as the CLI.
            yield diagnostic.line, diagnostic.col, f"{diagnostic.code} {diagnostic.message}", type(self)
