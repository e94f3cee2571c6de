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

# Rules that are off by default would go here (flake8's extend-default-ignore).
DEFAULT_OFF: Tuple[str, ...] = ()


@functools.lru_cache(maxsize=256)
def _project_config_for(directory: str) -> "Config":
    """The project's ``[tool.tf-lint]`` engine settings (target-keras, prefilter, max-file-size),
    so flake8 checks a file the way the CLI does. Selection and ignores stay flake8's business."""
    from tf_lint.config import Config, ConfigError, discover

    try:
        return discover(Path(directory))
    except ConfigError:
        return Config()  # flake8 has no way to report it; `tf-lint` will


def _project_config(filename: str) -> "Config":
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
        config = _project_config(self.filename)
        found = lint_source(
            source,
            self.filename,
            prefilter=config.prefilter,
            target_keras=config.target_keras,
            max_file_size=config.max_file_size,
        )
        for diagnostic in found:
            # flake8 prints col + 1, the same 1-based column as the CLI.
            yield diagnostic.line, diagnostic.col, f"{diagnostic.code} {diagnostic.message}", type(self)
