"""noqa semantics match flake8's, case by case."""

from __future__ import annotations

import pytest

from tf_lint.diagnostics import Diagnostic
from tf_lint.noqa import file_is_exempt, filter_noqa, is_suppressed


@pytest.mark.parametrize(
    "comment, code, suppressed",
    [
        ("x = 1  # noqa", "TFL101", True),
        ("x = 1  # NOQA", "TFL101", True),
        ("x = 1  # noqa: TFL101", "TFL101", True),
        ("x = 1  # noqa:TFL101", "TFL101", True),
        ("x = 1  # noqa: TFL203,TFL101", "TFL101", True),
        ("x = 1  # noqa: TFL203, TFL101", "TFL101", True),
        ("x = 1  # noqa: TFL1", "TFL101", True),  # a listed prefix covers the codes under it
        ("x = 1  # noqa: TFL", "TFL101", True),  # 'TFL' is not a code (no digits): a blanket noqa
        ("x = 1  # noqa: TFL203", "TFL101", False),
        ("x = 1  # noqa: tfl101", "TFL101", False),  # codes are case-sensitive, as in flake8
        ("x = 1  # no qa", "TFL101", False),
        ("x = 1", "TFL101", False),
    ],
)
def test_inline(comment: str, code: str, suppressed: bool) -> None:
    assert is_suppressed(code, comment) is suppressed
    assert flake8_suppresses(code, comment) is suppressed  # the reference we copy


def flake8_suppresses(code: str, line: str) -> bool:
    from flake8.violation import Violation

    violation = Violation(code, "f.py", 1, 1, "m", line)
    return violation.is_inline_ignored(disable_noqa=False)


def test_bare_noqa_after_invalid_codes_is_blanket() -> None:
    # flake8: '# noqa:' followed by no valid code is a blanket noqa.
    assert is_suppressed("TFL101", "x  # noqa:")


def test_file_level() -> None:
    assert file_is_exempt(["import tensorflow\n", "# flake8: noqa\n"])
    assert file_is_exempt(["# tf-lint: noqa\n"])
    assert file_is_exempt(["# TF-LINT: NOQA\n"])
    assert not file_is_exempt(["x = 1  # flake8: noqa\n"])  # must stand alone on its line


def test_multiline_string_maps_to_all_its_lines() -> None:
    source = 'x = f("""\nline\n""")  # noqa: TFL101\n'
    diagnostics = [Diagnostic("p", 1, 4, "TFL101", "m")]
    assert filter_noqa(source, diagnostics) == []


def test_untokenizable_source_falls_back_to_physical_lines() -> None:
    source = 'x = """unterminated  # noqa\n'
    assert filter_noqa(source, [Diagnostic("p", 1, 0, "TFL101", "m")]) == []
