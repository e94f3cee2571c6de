"""TFL308: an output layer whose width differs from the number of classes the labels are encoded with."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rules._model_loss_rule import ModelLossRule
from tf_lint.semantics.expressions import argument
from tf_lint.semantics.models import Loss, Output, literal_int

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_ENCODERS = {"keras.utils.to_categorical": ("num_classes", 1), "tensorflow.one_hot": ("depth", 1)}
_ONE_HOT_LOSSES = frozenset({"categorical_crossentropy", "categorical_focal_crossentropy"})


class OutputUnitsVsNumClasses(ModelLossRule):
    code = "TFL308"
    name = "output-units-vs-num-classes"
    severity = Severity.ERROR
    message = "the output layer has {units} units, but the labels are one-hot encoded with {classes} classes ({encoder}); the first fit() fails on the shape mismatch"
    summary = "Flags a categorical model whose output width differs from the literal class count of `to_categorical(y, k)`/`tf.one_hot(y, k)` in the same file."
    rationale = """
        One-hot labels of width k and predictions of another width cannot be compared:
        Keras raises a shape error at the first `fit()`, after the data loading and the
        model building have run. Measured on Keras 3.15, identical on JAX and TensorFlow 2.21:
        `ValueError: Arguments target and output must have the same shape. Received:
        target.shape=(32, 10), output.shape=(32, 9)`.
    """
    example = """
        y = keras.utils.to_categorical(labels, 10)
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(9, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    use_instead = """
        y = keras.utils.to_categorical(labels, 10)
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    known_problems = """
        Only when both widths are literals (or names bound once to literals), the loss is
        a one-hot categorical cross-entropy, and every `to_categorical`/`one_hot` of the
        file uses the same class count.
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._encodings: List[Tuple[Optional[int], str]] = []

    def call_interests(self) -> CallInterests:
        base = super().call_interests()
        return CallInterests(names=frozenset(_ENCODERS), methods=base.methods)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee in _ENCODERS:
            keyword, position = _ENCODERS[callee]
            given = argument(node, keyword, position)
            scope = self.ctx.scope
            spelled = "to_categorical" if callee.startswith("keras") else "tf.one_hot"
            self._encodings.append((literal_int(given.value, scope) if given is not None else None, spelled))
            return
        super().on_call(node, callee)

    def judge(self, compile_call: cst.Call, output: Output, loss: Loss) -> None:
        counts = {count for count, _ in self._encodings}
        if len(counts) != 1 or None in counts or loss.name not in _ONE_HOT_LOSSES or output.units is None:
            return
        classes = counts.pop()
        if classes is not None and output.units != classes and output.units > 1:
            encoder = f"{self._encodings[0][1]}(..., {classes})"
            self.report(output.layer, units=output.units, classes=classes, encoder=encoder)
