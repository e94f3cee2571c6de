"""Every file of a large real corpus (the installed Keras sources) lints without a crash.

Read as text, never imported. Needs the test extra (keras); TF_LINT_REQUIRE_KERAS=1 (CI)
turns the skip into a failure.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from tf_lint.config import Config
from tf_lint.files import discover
from tf_lint.runner import check_paths, default_jobs


def test_installed_keras_sources_lint_without_internal_errors() -> None:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        if os.environ.get("TF_LINT_REQUIRE_KERAS") == "1":
            pytest.fail("keras is required here (pip install -e '.[test]')")
        pytest.skip("keras is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    files = list(discover([root]))
    assert len(files) > 500
    result = check_paths(files, Config(select=("TFL",)), jobs=default_jobs())
    internal = [d.format_text() for d in result.diagnostics if d.code == "TFL999"]
    assert internal == []
    assert result.files_checked == len(files)
