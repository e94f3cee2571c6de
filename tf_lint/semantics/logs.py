"""Logarithms in hand-written losses: what a ``log`` is applied to, and whether 0 can reach it."""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

import libcst as cst

from tf_lint.names import Names
from tf_lint.semantics.keras_calls import Receiver, receiver_kind
from tf_lint.semantics.scopes import ASSIGN, Scope

LOG_FUNCTIONS = frozenset({"tensorflow.math.log", "tensorflow.log", "keras.ops.log", "keras.backend.log"})
# Normalising activations whose log has a fused, stable form (log_softmax, log_sigmoid).
_NORMALISERS = {
    "tensorflow.nn.softmax": "softmax",
    "tensorflow.math.softmax": "softmax",
    "keras.activations.softmax": "softmax",
    "keras.ops.softmax": "softmax",
    "keras.backend.softmax": "softmax",
    "tensorflow.nn.sigmoid": "sigmoid",
    "tensorflow.math.sigmoid": "sigmoid",
    "tensorflow.sigmoid": "sigmoid",
    "keras.activations.sigmoid": "sigmoid",
    "keras.ops.sigmoid": "sigmoid",
}
# Calls whose result is bounded away from 0 (a clip or a maximum against epsilon), or positive.
_GUARDS = frozenset(
    {
        "tensorflow.clip_by_value", "tensorflow.math.clip_by_value", "keras.ops.clip", "keras.backend.clip",
        "tensorflow.maximum", "tensorflow.math.maximum", "keras.ops.maximum", "keras.backend.maximum",
        "tensorflow.exp", "tensorflow.math.exp", "keras.ops.exp", "tensorflow.nn.softplus",
        "tensorflow.math.softplus", "keras.ops.softplus", "keras.activations.softplus",
        "numpy.clip", "numpy.maximum", "numpy.exp",
    }
)
_EPSILON_FUNCTIONS = frozenset({"keras.backend.epsilon", "keras.config.epsilon"})
_EPSILON_NAME = re.compile(r"eps|tiny|smooth|small", re.IGNORECASE)
# Parameter names that hold predicted probabilities (``y_pred``, ``probs``, ``x_hat``...).
_PREDICTION_NAME = re.compile(r"pred|prob|output|hat|recon|^p$|^q$|^p_|_p$", re.IGNORECASE)


class Normalised(NamedTuple):
    """``softmax(...)``/``sigmoid(...)`` found under a log: which, and the call when written inline."""

    kind: str  # "softmax" | "sigmoid"
    call: Optional[cst.Call]  # None when reached through a name


def _through_name(expr: cst.BaseExpression, scope: Scope) -> Optional[cst.BaseExpression]:
    """The value a name is bound to once in its scope (else None)."""
    if not isinstance(expr, cst.Name):
        return None
    bindings = scope.bindings_of(expr.value)
    if len(bindings) == 1 and bindings[0].kind == ASSIGN and bindings[0].value is not None:
        return bindings[0].value
    return None


def normalised(expr: cst.BaseExpression, scope: Scope, names: Names) -> Optional[Normalised]:
    """``expr`` is the output of softmax/sigmoid, inline or through a name bound once."""
    inline = True
    value = _through_name(expr, scope)
    if value is not None:
        expr, inline = value, False
    if isinstance(expr, cst.Call):
        kind = _NORMALISERS.get(names.resolve(expr.func) or "")
        if kind is not None:
            return Normalised(kind, expr if inline else None)
    return None


def guarded(expr: cst.BaseExpression, scope: Scope, names: Names, _depth: int = 0) -> bool:
    """Is the value kept away from 0? True for a clip, a maximum, ``+ eps``, ``exp``, a positive
    literal, and for anything this cannot read (no finding). False for what is typically a
    probability passed straight in: a parameter (``y_pred``), a slice of one, ``1 - p``."""
    if _depth > 3:
        return True
    if isinstance(expr, (cst.Integer, cst.Float)):
        return float(expr.evaluated_value) > 0
    if isinstance(expr, cst.Call):
        qualified = names.resolve(expr.func)
        if qualified in _GUARDS or qualified in _EPSILON_FUNCTIONS:
            return True
        if qualified is None and receiver_kind(expr.func, scope, names) is Receiver.KERAS:
            return False  # model(x): the output layer's probabilities
        return True  # another function: unknown
    if isinstance(expr, cst.BinaryOperation):
        if isinstance(expr.operator, cst.Add):
            return _epsilon_like(expr.left, names) or _epsilon_like(expr.right, names) or (
                guarded(expr.left, scope, names, _depth + 1) and guarded(expr.right, scope, names, _depth + 1)
            )
        if isinstance(expr.operator, cst.Subtract):  # ``1 - p`` is 0 where p is 1
            return _has_epsilon(expr.left, names) or guarded(expr.right, scope, names, _depth + 1)
        return True
    if isinstance(expr, cst.Subscript):
        return guarded(expr.value, scope, names, _depth + 1)
    if isinstance(expr, cst.Name):
        value = _through_name(expr, scope)
        if value is not None:
            return guarded(value, scope, names, _depth + 1)
        owner = scope.owner_of(expr.value)
        bindings = owner.bindings.get(expr.value, []) if owner is not None else []
        # A prediction parameter never rebound (``y_pred``) is unguarded; a rebound one may have
        # been clipped, and other parameters (``smoothing``) are not probabilities.
        parameter = owner is not None and len(bindings) == 1 and expr.value in owner.params
        return not (parameter and _PREDICTION_NAME.search(expr.value))
    return True  # attributes and the rest: unknown


def _has_epsilon(expr: cst.BaseExpression, names: Names) -> bool:
    """``1e-7 + 1`` in ``1e-7 + 1 - p``: the author added an epsilon to the left operand."""
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return any(_epsilon_like(side, names) and not _is_one(side) for side in (expr.left, expr.right))
    return False


def _is_one(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, (cst.Integer, cst.Float)) and float(expr.evaluated_value) == 1.0


def _epsilon_like(expr: cst.BaseExpression, names: Names) -> bool:
    if isinstance(expr, (cst.Integer, cst.Float)):
        return float(expr.evaluated_value) > 0
    if isinstance(expr, cst.Call):
        return names.resolve(expr.func) in _EPSILON_FUNCTIONS
    text = expr.attr.value if isinstance(expr, cst.Attribute) else expr.value if isinstance(expr, cst.Name) else ""
    return bool(_EPSILON_NAME.search(text))
