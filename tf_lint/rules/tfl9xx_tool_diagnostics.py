"""TFL9xx: what the engine reports about a file it could not lint, or about itself.

Bad input never ends a run with a traceback: the file gets one of these diagnostics and the
run goes on with the next file.
"""

from __future__ import annotations

from tf_lint.diagnostics import Severity
from tf_lint.rule import ToolDiagnostic


class SyntaxErrorInFile(ToolDiagnostic):
    code = "TFL901"
    name = "syntax-error"
    severity = Severity.ERROR
    message = "cannot parse this {what}, so it was not linted: {detail}"
    summary = "The file (or a notebook cell) is not valid Python (for the libcst parser), so no rule could run on it."
    rationale = """
        A file tf-lint cannot parse is a file it cannot vouch for; the run continues with the
        other files. In a notebook, cells run one by one, so a cell that does not parse gets
        its own TFL901 and the other cells are still linted together. A cell is first read as
        IPython reads it (its common indentation stripped, automagic lines such as `ls data/`
        taken as magics); cells of a Python 2 kernel that only Python 2 accepts, and exercise
        cells left for the reader to complete (`batch_size =  # YOUR CODE HERE`), are skipped
        without a finding.
    """
    example = "def broken(:\n    pass"
    use_instead = "def fixed():\n    pass"


class UndecodableFile(ToolDiagnostic):
    code = "TFL902"
    name = "undecodable-file"
    severity = Severity.ERROR
    message = "cannot decode this file as {encoding}, so it was not linted: {detail}"
    summary = "The file's bytes do not match its declared encoding (PEP 263 cookie, BOM, or UTF-8 by default)."
    rationale = "Python itself would refuse to import the file."
    example = "# -*- coding: utf-8 -*-\nname = '<latin-1 bytes here>'"
    use_instead = "# -*- coding: latin-1 -*-\nname = '<latin-1 bytes here>'"


class UnreadableFile(ToolDiagnostic):
    code = "TFL903"
    name = "unreadable-file"
    severity = Severity.ERROR
    message = "cannot read this file: {detail}"
    summary = "The operating system refused to read the file (permissions, a broken link, a directory named like a file...)."
    rationale = "The file was not linted; fix the path or the permissions."
    example = "# a file without read permission"
    use_instead = "# chmod +r the file"


class FileTooLarge(ToolDiagnostic):
    code = "TFL904"
    name = "file-too-large"
    severity = Severity.ERROR
    message = "file too large to lint ({size} KiB > max-file-size {limit} KiB), so it was not linted; raise max-file-size (0: no limit) to lint it"
    summary = "The file is bigger than `max-file-size` (default 1024 KiB), so it was not parsed."
    rationale = (
        "The libcst parser needs about 700 bytes of memory per byte of source: a generated 25 MB,"
        " one-million-line file took 18 GB and 7 minutes. Such files are almost always generated;"
        " exclude them, or raise `max-file-size` in `[tool.tf-lint]` (or `--max-file-size`)."
    )
    example = "# a 30 MB generated file that imports tensorflow"
    use_instead = '[tool.tf-lint]\nextend-exclude = ["generated/*"]'


class UnreadableNotebook(ToolDiagnostic):
    code = "TFL905"
    name = "unreadable-notebook"
    severity = Severity.ERROR
    message = "cannot read this notebook, so it was not linted: {detail}"
    summary = "An `.ipynb` file that is not a readable Jupyter notebook (broken JSON, no cell list)."
    rationale = "Jupyter could not open it either; a merge conflict left in the JSON is the usual cause."
    example = '{"cells": [ <<<<<<< HEAD'
    use_instead = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


class InternalError(ToolDiagnostic):
    code = "TFL999"
    name = "internal-error"
    severity = Severity.ERROR
    message = "internal error in {rule}, which was skipped for this file: {detail}; please report it"
    summary = "A rule crashed on this file. The other rules still ran; the crashing one was muted for this file."
    rationale = "A bug in tf-lint, not in your code. Please report it with the file (or a reduced copy)."
    example = "# any code that triggers a bug in a rule"
    use_instead = "# the same code, once the rule is fixed"
