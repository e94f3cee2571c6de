"""Run flake8, optionally with the tf-lint plugin hidden from its plugin discovery.

    python benchmarks/flake8_without_tf_lint.py [--without-tf-lint] [--import-libcst] FLAKE8_ARGS...

Selecting other codes does not stop flake8 from running an installed plugin, so "plain
flake8" in the same environment means flake8 with our entry point filtered out. Both
variants go through this script, so they pay the same start-up. ``--import-libcst`` imports
libcst first, to price the import that any libcst-based plugin pays.
"""

from __future__ import annotations

import sys
from typing import Any, Iterator


def hide_tf_lint() -> None:
    from flake8.plugins import finder

    original = finder._find_importlib_plugins

    def without() -> Iterator[Any]:
        return (plugin for plugin in original() if plugin.package != "tf-lint")

    finder._find_importlib_plugins = without


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "--without-tf-lint":
        hide_tf_lint()
        args = args[1:]
    if args and args[0] == "--import-libcst":
        import libcst  # noqa: F401

        args = args[1:]
    from flake8.main.cli import main as flake8_main

    return int(flake8_main(args))


if __name__ == "__main__":
    raise SystemExit(main())
