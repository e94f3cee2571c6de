"""TFL611: a TF 1 ``keep_prob`` value passed where TF 2's ``tf.nn.dropout`` takes ``rate``."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.files import is_test_file
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, last_name, short_code
from tf_lint.semantics.scopes import Scope

_DROPOUT = "tensorflow.nn.dropout"
# A literal this high is far more often a TF 1 keep probability than a deliberate drop rate.
_SUSPICIOUS_RATE = 0.6


class DropoutKeepProb(Rule):
    code = "TFL611"
    name = "dropout-keep-prob-as-rate"
    severity = Severity.WARNING
    message = "tf.nn.dropout's second argument is rate, the fraction of units DROPPED, in TF 2 (it was keep_prob in TF 1): {value} {effect}; pass rate=1 - keep_prob"
    summary = "Flags `tf.nn.dropout(x, 0.8)` and `tf.nn.dropout(x, keep_prob)`: a TF 1 keep probability passed as TF 2's drop rate."
    rationale = """
        TF 1's `tf.nn.dropout(x, keep_prob)` kept that fraction of the units; TF 2's
        `tf.nn.dropout(x, rate)` drops it. Migrated code that kept the positional value runs
        without any error or warning and silently drops 80% of the units instead of 20%: the
        model over-regularises and trains worse. (The `keep_prob=` keyword itself raises
        `TypeError` in TF 2: TFL607 reports that.)
    """
    example = """
        hidden = tf.nn.dropout(hidden, 0.8)
        hidden = tf.nn.dropout(hidden, keep_prob)
    """
    use_instead = """
        hidden = tf.nn.dropout(hidden, rate=0.2)
        hidden = tf.nn.dropout(hidden, rate=1 - keep_prob)
    """
    known_problems = f"""
        Literal rates below {_SUSPICIOUS_RATE} are taken at their word (0.5 is a common,
        deliberate rate), and so are names that do not contain "keep", and literals in test
        files (`test_*.py`, `*_test.py`), which drop most units on purpose. `tf.compat.v1.nn.dropout`
        still takes `keep_prob` and is not flagged.
    """
    fix_safety = "unsafe"
    fix_note = """
        Unsafe: the fix writes `1 - value`, the TF 2 equivalent of a TF 1 keep probability.
        If the number really was meant as a (high) drop rate, the fix inverts it.
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset({_DROPOUT}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee != _DROPOUT:
            return
        scope = self.ctx.scope
        self.defer(lambda: self._check(node, scope))

    def _check(self, node: cst.Call, scope: Scope) -> None:
        if (self.ctx.target_tensorflow or "").startswith("1."):
            return  # TF 1 code: the second argument is keep_prob there
        names = self.ctx.names(scope)
        written = names.resolve_written(node.func) or ""
        if names.resolve(node.func) != _DROPOUT or ".compat.v1." in written:
            return
        rate = argument(node, "rate", 1)
        if rate is None:
            return
        value = rate.value
        number = _number(value)
        if number is not None:
            if not _SUSPICIOUS_RATE <= number < 1 or is_test_file(self.ctx.path):  # tests drop most units on purpose
                return
            effect = f"drops {number:.0%} of the units"
            replacement = f"{1 - number:.6g}"
        elif "keep" in last_name(value).lower():
            effect = "is a keep probability used as the drop rate"
            replacement = f"1 - {cst.Module([]).code_for_node(value)}"
        else:
            return
        self.report(value, fix=Fix(replacement, safe=False, title=f"use rate={replacement}"), value=short_code(value), effect=effect)


def _number(expr: cst.BaseExpression) -> Optional[float]:
    if isinstance(expr, (cst.Float, cst.Integer)):
        return float(expr.evaluated_value)
    return None
