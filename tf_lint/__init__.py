"""tf-lint: a static linter for TensorFlow 2 / Keras 3 code.

It never imports or runs the code it reads, and never imports TensorFlow or Keras itself.
"""

from tf_lint._version import __version__

__all__ = ["__version__", "lint_source"]


def lint_source(source: str, path: str = "<string>"):  # type: ignore[no-untyped-def]
    """Lint ``source`` with every default rule; returns sorted Diagnostics (no noqa filtering)."""
    from tf_lint.config import Config
    from tf_lint.engine import lint_source as _lint

    return _lint(source, path, Config().enabled_codes())
