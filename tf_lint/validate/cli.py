"""``tf-lint --validate``: from parsed arguments to one verdict per finding."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Sequence, TextIO

from tf_lint.cache import ResultCache
from tf_lint.config import Config
from tf_lint.diagnostics import Diagnostic
from tf_lint.files import ReadFailure, decode_source, read_bytes
from tf_lint.notebooks import NotebookError, parse_notebook
from tf_lint.runner import settings_for
from tf_lint.validate.sandbox import Options
from tf_lint.validate.session import validate
from tf_lint.validate.verdicts import Verdict


def source_of(data: bytes, display: str) -> Optional[str]:
    """The text the findings' lines refer to: the file, or a notebook's joined code cells."""
    decoded = decode_source(data)
    if isinstance(decoded, ReadFailure):
        return None
    if display.endswith(".ipynb"):
        try:
            return parse_notebook(decoded.text).source
        except NotebookError:
            return None
    return decoded.text


def run_validation(
    diagnostics: Sequence[Diagnostic], args: argparse.Namespace, config: Config, stdin_data: Optional[bytes], progress: Optional[TextIO]
) -> List[Optional[Verdict]]:
    options = Options(
        backend=args.backend,
        device=args.device,
        timeout=args.validate_timeout,
        memory_mb=max(0, args.validate_memory),
        threshold=args.validate_threshold,
        python=sys.executable,
    )

    def reader(display: str) -> Optional[str]:
        if stdin_data is not None:
            return source_of(stdin_data, display)
        data = read_bytes(display)
        return None if isinstance(data, ReadFailure) else source_of(data, display)

    cache_dir = None
    if not args.no_cache:
        results = ResultCache(config.root or Path.cwd())  # creates the folder and its .gitignore
        cache_dir = results.directory / "validate" if results.enabled else None
    def keras_of(display: str) -> str:
        return settings_for(config, Path(display) if stdin_data is None or display != "-" else None, reader(display) or "", display).keras

    return validate(diagnostics, reader, options, cache_dir, progress, keras_of)
