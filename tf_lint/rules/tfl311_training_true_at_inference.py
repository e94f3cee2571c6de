"""TFL311: ``model(x, training=True)`` in a prediction or evaluation function."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rules._tape_rule import TapeRule
from tf_lint.semantics.expressions import keyword, short_code

# Function names that say "inference"; ``test_*`` functions are pytest's and excluded below.
_INFERENCE = re.compile(r"predict|infer|evaluat|^eval|_eval|serve|serving|test_step", re.IGNORECASE)
# Deliberate stochastic inference (Monte Carlo dropout) announces itself in names like these.
_STOCHASTIC = re.compile(r"mc_|_mc|monte|carlo|uncertain|sample|stochastic|bayes", re.IGNORECASE)


class TrainingTrueAtInference(TapeRule):
    code = "TFL311"
    name = "training-true-at-inference"
    severity = Severity.WARNING
    message = "{call}(..., training=True) in {function}(), an inference path: Dropout drops units at random and BatchNormalization normalises with the batch's statistics (and updates its moving averages), so predictions change from call to call; use training=False"
    summary = "Flags a model called with a literal `training=True` inside a function named like prediction, evaluation or serving, outside any `GradientTape`."
    rationale = """
        `training=True` switches every mode-dependent layer to its training behaviour.
        At inference that makes outputs random (Dropout) and dependent on the other samples
        in the batch (BatchNormalization), and each call moves BatchNormalization's moving
        averages. Measured on Keras 3.15 (JAX): two `training=True` calls of a Dropout model on
        the same input return different outputs, and one call moves the BatchNormalization
        moving mean from 0 to 0.0225.
    """
    example = """
        def predict(model, images):
            return model(images, training=True)
    """
    use_instead = """
        def predict(model, images):
            return model(images, training=False)
    """
    known_problems = """
        Only functions whose name says inference (`predict`, `infer`, `evaluate`, `eval`,
        `serve`, `test_step`) are checked. Monte Carlo dropout, which uses `training=True` at
        inference on purpose, is not flagged when the call is in a loop or comprehension or
        the function's name says so (`mc_predict`, `predict_with_uncertainty`).
    """
    fix_safety = "unsafe"
    fix_note = "Unsafe: `training=True` at inference may be deliberate (Monte Carlo dropout, test-time augmentation)."

    def call_interests(self) -> CallInterests:
        return CallInterests(keywords=frozenset({"training"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        flag = keyword(node, "training")
        if flag is None or not (isinstance(flag.value, cst.Name) and flag.value.value == "True"):
            return
        if self.tapes or self.ctx.loops or not isinstance(node.func, (cst.Name, cst.Attribute)):
            return
        function = self._function_name()
        if function is None or not _INFERENCE.search(function) or _STOCHASTIC.search(function):
            return
        if function.startswith("test_") and function != "test_step":
            return  # a pytest test: exercising training mode is its point
        if self.ctx.resolve(node.func) is not None:
            return  # an API function (tf.*, keras.*), not a model
        fix = Fix("False", safe=False, title="pass training=False")
        self.report(flag.value, fix=fix, call=short_code(node.func), function=function)

    def _function_name(self) -> Optional[str]:
        function = self.ctx.scope.enclosing_function()
        if function is None or not isinstance(function.node, cst.FunctionDef):
            return None
        return function.node.name.value
