"""TFL601, TFL602 and TFL608 against the project's target TensorFlow release
(``ctx.target_tensorflow``), from the shipped per-release data."""

from __future__ import annotations

from typing import Iterator, List, Optional

import pytest

from tf_lint.diagnostics import Diagnostic


@pytest.fixture
def target(monkeypatch: pytest.MonkeyPatch) -> Iterator[List[Optional[str]]]:
    """Sets ``ctx.target_tensorflow`` on every file context, as the engine does from the
    project's pins (works whether or not FileContext takes it as an argument)."""
    from tf_lint.context import FileContext

    chosen: List[Optional[str]] = [None]
    original = FileContext.__init__

    def init(self: FileContext, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.target_tensorflow = chosen[0]  # type: ignore[attr-defined]

    monkeypatch.setattr(FileContext, "__init__", init)
    yield chosen


def _lint(source: str, release: Optional[str], chosen: List[Optional[str]]) -> List[Diagnostic]:
    from tf_lint.engine import lint_source

    chosen[0] = release
    return [d for d in lint_source(source, "t.py", {"TFL601", "TFL602", "TFL608"}) if d.code.startswith("TFL6")]


ESTIMATOR = "import tensorflow as tf\nfrom tensorflow import estimator\nrun = tf.estimator.Estimator\n"


def test_removed_name_says_which_release_removed_it(target: List[Optional[str]]) -> None:
    found = _lint(ESTIMATOR, None, target)
    assert [(d.line, d.code) for d in found] == [(2, "TFL608"), (3, "TFL608")]
    assert "tf.estimator does not exist in TensorFlow 2.21.0 (removed in TensorFlow 2.16; AttributeError" in found[1].message


def test_a_target_that_still_has_the_name_is_not_flagged(target: List[Optional[str]]) -> None:
    assert _lint(ESTIMATOR, "2.15", target) == []
    found = _lint(ESTIMATOR, "2.16", target)
    assert [(d.line, d.code) for d in found] == [(2, "TFL608"), (3, "TFL608")]
    assert "does not exist in TensorFlow 2.16 (removed in TensorFlow 2.16;" in found[1].message


def test_a_target_older_than_the_name_is_flagged(target: List[Optional[str]]) -> None:
    source = "import tensorflow as tf\nx = tf.experimental.numpy.zeros(3)\n"
    assert _lint(source, None, target) == [] and _lint(source, "2.4", target) == []
    found = _lint(source, "2.3", target)
    assert [(d.line, d.code) for d in found] == [(2, "TFL608")]
    assert "tf.experimental.numpy does not exist in TensorFlow 2.3 (added in TensorFlow 2.4; AttributeError" in found[0].message
    assert "did you mean" not in found[0].message  # the name is right, the release is too old


def test_tf1_names_in_a_tf1_project(target: List[Optional[str]]) -> None:
    source = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\ninit = tf.contrib.layers.xavier_initializer()\n"
    assert _lint(source, "1.15", target) == []
    found = _lint(source, "2.5", target)
    assert [(d.line, d.code) for d in found] == [(2, "TFL601"), (3, "TFL602")]
    assert "gone from TF 2" in found[0].message and "tf.contrib was removed in TensorFlow 2.0" in found[1].message


def test_typos_are_typos_in_every_release(target: List[Optional[str]]) -> None:
    source = "import tensorflow as tf\ny = tf.math.logg(1.0)\n"
    for release in (None, "2.10", "2.99"):
        found = _lint(source, release, target)
        assert [(d.line, d.code) for d in found] == [(2, "TFL608")], release
        assert "did you mean log?" in found[0].message
    assert "TensorFlow 2.10 (" in _lint(source, "2.10", target)[0].message
    assert "TensorFlow 2.21.0 (" in _lint(source, "2.99", target)[0].message  # not covered: the newest data
