"""Findings with exactly one valid correction carry it, marked safe only when it cannot change intent."""

from __future__ import annotations

from tf_lint.engine import lint_source

HEADER = "from tensorflow import keras\nmodel = keras.Sequential()\n"


def fixes(line: str):  # type: ignore[no-untyped-def]
    return [(d.code, d.fix) for d in lint_source(HEADER + line + "\n", "x.py") if d.code != "TFL999"]


def test_case_only_difference_is_a_safe_fix_keeping_quotes() -> None:
    [(code, fix)] = fixes("model.compile(optimizer='adam', loss='Mse')")
    assert code == "TFL101" and fix is not None
    assert (fix.replacement, fix.safe) == ("'mse'", True)


def test_a_typo_guess_is_an_unsafe_fix() -> None:
    [(code, fix)] = fixes('keras.layers.Dense(3, activation="rleu")')
    assert code == "TFL105" and fix is not None
    assert (fix.replacement, fix.safe) == ('"relu"', False)


def test_no_fix_without_a_single_suggestion_or_for_a_constant_elsewhere() -> None:
    [(_, fix)] = fixes('keras.layers.Dense(3, kernel_regularizer="l3")')
    assert fix is None
    [(_, fix)] = fixes('NAME = "rleu"\nkeras.layers.Dense(3, activation=NAME)')
    assert fix is None


def test_bare_metric_string_is_wrapped_safely() -> None:
    [(code, fix)] = fixes('model.compile(optimizer="adam", loss="mse", metrics="mae")')
    assert code == "TFL103" and fix is not None
    assert (fix.replacement, fix.safe) == ('["mae"]', True)


def test_fix_spans_exactly_the_reported_node() -> None:
    [diagnostic] = lint_source(HEADER + 'model.compile(loss="Mse")\n', "x.py")
    assert (diagnostic.line, diagnostic.col, diagnostic.end_line, diagnostic.end_col) == (3, 19, 3, 24)


def test_names_that_differ_beyond_case_are_unsafe_fixes() -> None:
    # 'l1l2' is L1L2 with zero factors in Keras 3, where tf-keras 2's 'l1_l2' meant 0.01/0.01.
    [(_, fix)] = fixes('keras.layers.Dense(3, kernel_regularizer="l1_l2")')
    assert fix is not None and fix.replacement == '"l1l2"' and not fix.safe
    # 'leaky_relu' has slope 0.2 in Keras 3; tf-keras 2's 'LeakyReLU' had 0.3.
    [(_, fix)] = fixes('keras.layers.Dense(3, activation="LeakyReLU")')
    assert fix is not None and fix.replacement == '"leaky_relu"' and not fix.safe
    [(_, fix)] = fixes('keras.layers.Dense(3, kernel_initializer="Glorot_Uniform")')
    assert fix is not None and fix.safe


def test_rename_fix_for_removed_optimizer_argument() -> None:
    [(code, fix)] = fixes("keras.optimizers.Adam(lr=0.01, beta_1=0.9)")
    assert code == "TFL604" and fix is not None
    assert (fix.replacement, fix.safe) == ("learning_rate=0.01", True)
