"""TFL214: eager execution forced in training code (``run_eagerly=True``, ``run_functions_eagerly(True)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Set

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.files import is_test_file
from tf_lint.positions import node_line
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, calls_in, keyword
from tf_lint.semantics.keras_calls import Receiver, receiver_kind
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_SWITCHES = {
    "tensorflow.config.run_functions_eagerly": "tf.config.run_functions_eagerly(True)",
    "tensorflow.config.experimental_run_functions_eagerly": "tf.config.experimental_run_functions_eagerly(True)",
    "tensorflow.data.experimental.enable_debug_mode": "tf.data.experimental.enable_debug_mode()",
}


class EagerModeForced(Rule):
    code = "TFL214"
    name = "eager-mode-forced"
    severity = Severity.PERFORMANCE
    message = "{what} turns off graph compilation for {scope}: every step runs op by op in Python (measured 63x slower fit() on JAX and 14x on TensorFlow for a small MLP); keep it for debugging, behind a flag"
    summary = "Flags `compile(run_eagerly=True)`, `tf.config.run_functions_eagerly(True)` and `tf.data.experimental.enable_debug_mode()` written unconditionally."
    rationale = """
        Eager execution is the debugging mode the TensorFlow tips recommend for finding a
        bug: every op runs immediately and `print` works. Left in training code, it removes
        what makes training fast: `fit()` no longer compiles its step (`tf.function` on
        TensorFlow, `jax.jit` on JAX) and `tf.function`s run as plain Python. Measured with
        Keras 3.15 on the 2-core CPU machine, two epochs of a 32-64-1 MLP (batch 32):
        0.12 s compiled against 7.72 s with `run_eagerly=True` on JAX (63x), and 0.66 s
        against 9.32 s on TensorFlow 2.21 (14x).
    """
    example = """
        model.compile(optimizer="adam", loss="mse", run_eagerly=True)
    """
    use_instead = """
        model.compile(optimizer="adam", loss="mse", run_eagerly=args.debug)
    """
    known_problems = """
        Not flagged: a value that is not the literal `True` (`run_eagerly=args.debug`), a call
        inside any `if` (a debugging switch), `run_functions_eagerly(True)` in a file that
        also turns it off again with `run_functions_eagerly(False)`, and test files
        (`test_*.py`, `*_test.py`), which run eagerly on purpose to check behaviour, and a
        model compiled with `run_eagerly=True` whose every `fit()` trains on a literal slice of
        at most 1,024 samples (`fit(x[:64], y[:64])`: the option shown, nothing to speed up).
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.conditions = 0
        self.switched_back: Set[str] = set()  # switches the file also turns off with a literal False

    def visit_If(self, node: cst.If) -> None:
        self.conditions += 1

    def leave_If(self, node: cst.If) -> None:
        self.conditions -= 1

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset(_SWITCHES), methods=frozenset({"compile"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if self.conditions or not self.ctx.imports.imports_ml or is_test_file(self.ctx.path):
            return
        scope = self.ctx.scope
        if callee in _SWITCHES:
            flag = argument(node, "run_eagerly", 0)
            if flag is not None and isinstance(flag.value, cst.Name) and flag.value.value == "False":
                self.switched_back.add(callee)
            if callee.endswith("enable_debug_mode") or (flag is not None and _is_true(flag.value)):
                self.defer(lambda: self._check_switch(node, callee, scope))
            return
        flag = keyword(node, "run_eagerly")
        if flag is not None and _is_true(flag.value) and isinstance(node.func, cst.Attribute):
            receiver = node.func.value
            self.defer(lambda: self._check_compile(flag, receiver, scope))

    def _only_tiny_fits(self, flag: cst.Arg, model: str, scope: Scope) -> bool:
        """Every ``<model>.fit(...)`` between this compile and the next rebinding of ``model``
        trains on a literal slice of at most TINY_FIT samples (``x[:64]``), and there is one.
        (A notebook compiles a new ``model`` in many cells.)"""
        compiled_at = node_line(self.ctx, flag)
        owner = scope.owner_of(model) or scope
        rebound = [node_line(self.ctx, b.value) for b in owner.bindings.get(model, []) if b.value is not None]
        until = min((line for line in rebound if line > compiled_at), default=10**9)
        fits = [
            call for call in calls_in(owner.node)
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "fit"
            and isinstance(call.func.value, cst.Name) and call.func.value.value == model
            and compiled_at < node_line(self.ctx, call) < until
        ]
        return bool(fits) and all(_tiny_slice(call) for call in fits)

    def _check_switch(self, node: cst.Call, callee: str, scope: Scope) -> None:
        if callee in self.switched_back:
            return  # turned on for a demonstration or a debugging stretch, and off again
        if self.ctx.names(scope).resolve(node.func) == callee:
            where = "every tf.data function (and runs the pipeline on one thread)" if callee.endswith("enable_debug_mode") else "every tf.function and Keras model in the process"
            self.report(node, what=_SWITCHES[callee], scope=where)

    def _check_compile(self, flag: cst.Arg, receiver: cst.BaseExpression, scope: Scope) -> None:
        if not isinstance(receiver, (cst.Name, cst.Attribute)):
            return  # Query().compile(...): an object made on the spot, of a class this does not follow
        if isinstance(receiver, cst.Name) and self._only_tiny_fits(flag, receiver.value, scope):
            return  # the option shown on a handful of samples (fit(x[:64], y[:64])): nothing to speed up
        if receiver_kind(receiver, scope, self.ctx.names(scope), "compile") is not Receiver.NOT_KERAS:
            self.report(flag, what="compile(run_eagerly=True)", scope="this model's fit(), evaluate() and predict()")


def _is_true(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) and value.value == "True"


TINY_FIT = 1024  # samples: a fit on a literal slice this small runs in milliseconds compiled or not


def _tiny_slice(call: cst.Call) -> bool:
    data = argument(call, "x", 0)
    value = data.value if data is not None else None
    if not isinstance(value, cst.Subscript) or len(value.slice) != 1 or not isinstance(value.slice[0].slice, cst.Slice):
        return False
    part = value.slice[0].slice
    return part.lower is None and isinstance(part.upper, cst.Integer) and int(part.upper.evaluated_value) <= TINY_FIT
