"""TFL314: ``log(softmax(x))`` / ``log(sigmoid(x))`` instead of the fused, stable form."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.knowledge import api
from tf_lint.names import Names
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import short_code
from tf_lint.semantics.logs import LOG_FUNCTIONS, normalised
from tf_lint.semantics.scopes import Scope


class LogOfSoftmax(Rule):
    code = "TFL314"
    name = "log-of-softmax"
    severity = Severity.WARNING
    message = "log({kind}(...)) underflows: {kind} rounds small probabilities to exactly 0 and the log turns them into -inf (NaN gradients); use {fused}, which computes it stably from the logits"
    summary = "Flags `tf.math.log(tf.nn.softmax(x))` and `log(sigmoid(x))`, directly or through a name bound once."
    rationale = """
        In float32, softmax returns exactly 0 for a class whose logit is about 88 below the
        largest (sigmoid likewise for inputs below about -88), and `log(0)` is `-inf`.
        Measured on TensorFlow 2.21 and on Keras 3.15 with JAX, on CPU: for logits `[0, -90]`,
        `log(softmax(x))[1]` is `-inf` on both, and `log_softmax(x)[1]` is `-90.0`. The fused
        functions (`tf.nn.log_softmax`, `tf.math.log_sigmoid`, `keras.ops.log_softmax`)
        compute `x - logsumexp(x)`, which stays finite, and are one op instead of two.
    """
    example = """
        log_probs = tf.math.log(tf.nn.softmax(logits))
    """
    use_instead = """
        log_probs = tf.nn.log_softmax(logits)
    """
    known_problems = "A softmax computed in another function of the file, or on a name bound several times, is not followed."
    fix_safety = "unsafe"
    fix_note = """
        Unsafe: the fused function gives the same values wherever the original was finite
        and finite values where it gave `-inf`, which changes results (that is the point).
        Offered only for an inline softmax/sigmoid whose fused form exists in the same module
        (`tf.nn.softmax` -> `tf.nn.log_softmax`, `keras.ops.sigmoid` -> `keras.ops.log_sigmoid`).
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(names=LOG_FUNCTIONS)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not node.args or node.args[0].keyword is not None or node.args[0].star or len(node.args) > 1:
            return
        scope = self.ctx.scope
        self.defer(lambda: self._check(node, node.args[0].value, scope))

    def _check(self, node: cst.Call, arg: cst.BaseExpression, scope: Scope) -> None:
        names = self.ctx.names(scope)
        if names.resolve(node.func) not in LOG_FUNCTIONS:
            return
        found = normalised(arg, scope, names)
        if found is None:
            return
        fused_path = _fused_path(found.call, names) if found.call is not None else None
        if (names.resolve(node.func) or "").startswith("keras."):
            fused = f"keras.ops.log_{found.kind}"
        else:
            fused = "tf.nn.log_softmax" if found.kind == "softmax" else "tf.math.log_sigmoid"
        fix = None
        if fused_path is not None and found.call is not None and isinstance(found.call.func, cst.Attribute):
            new_func = found.call.func.with_changes(attr=cst.Name(f"log_{found.kind}"))
            replacement = cst.Module([]).code_for_node(found.call.with_changes(func=new_func))
            fused = short_code(new_func)
            fix = Fix(replacement, safe=False, title=f"use {fused}")
        self.report(node, fix=fix, kind=found.kind, fused=fused)


def _fused_path(call: cst.Call, names: Names) -> Optional[str]:
    """``tensorflow.nn.log_softmax`` for ``tf.nn.softmax(...)``, when the library has it."""
    qualified = names.resolve(call.func)
    if not qualified:
        return None
    module, _, function = qualified.rpartition(".")
    path = f"{module}.log_{function}"
    return path if api.lookup(path).status == "known" else None
