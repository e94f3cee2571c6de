"""TFL404: ``.numpy()`` or a NumPy call on a tensor inside traced code."""

from __future__ import annotations

from typing import Any, List, Optional, Set

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rules._traced_code_rule import TracedCodeRule
from tf_lint.semantics.expressions import names_in
from tf_lint.semantics.scopes import Scope
from tf_lint.walk import children

_STATIC_ATTRIBUTES = frozenset({"shape", "dtype", "ndim", "name"})


class NumpyInTracedFunction(TracedCodeRule):
    code = "TFL404"
    name = "numpy-in-traced-function"
    severity = Severity.ERROR
    message = "{expr} inside a traced function: tensors there are symbolic and have no value ({error}); use tf ops, or tf.numpy_function for NumPy code"
    summary = "Flags `.numpy()` calls, and `np.*` calls on the function's parameters, inside a `tf.function` or a function passed to `Dataset.map`."
    rationale = """
        While tracing, a tensor is a placeholder for values that do not exist yet. Measured
        with TensorFlow 2.21: `x.numpy()` in a `tf.function` raised `AttributeError:
        'SymbolicTensor' object has no attribute 'numpy'`, and `np.mean(x)` raised
        `NotImplementedError: Cannot convert a symbolic tf.Tensor (x:0) to a numpy array`.
        The same code works in eager mode, so it breaks when `@tf.function` is added or the
        function is handed to `Dataset.map`.
    """
    example = """
        @tf.function
        def normalize(x):
            return (x - np.mean(x)) / np.std(x)
    """
    use_instead = """
        @tf.function
        def normalize(x):
            return (x - tf.reduce_mean(x)) / tf.math.reduce_std(x)
    """
    known_problems = """
        NumPy calls are flagged only when an argument names a parameter of the traced
        function; arguments that are only `.shape`/`.dtype` attributes (static at trace time)
        are fine and not flagged.
    """

    def candidate_calls(self) -> CallInterests:
        return CallInterests(methods=frozenset({"numpy"}), prefixes=("numpy.",))

    def on_candidate_call(self, node: cst.Call, callee: Optional[str]) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "numpy" and not node.args:
            self.candidate(node, "numpy")
        elif (callee or "").startswith("numpy.") and node.args:
            self.candidate(node, "np")

    def judge(self, node: cst.CSTNode, scope: Scope, extra: Any) -> None:
        assert isinstance(node, cst.Call)
        if extra == "numpy":
            receiver = node.func.value  # type: ignore[attr-defined]
            if self.ctx.names(scope).resolve(receiver) is not None:
                return  # np.ndarray... module paths
            self.report(node, expr=f"{_short(node)}", error="AttributeError: 'SymbolicTensor' object has no attribute 'numpy'")
            return
        if not (self.ctx.names(scope).resolve(node.func) or "").startswith("numpy."):
            return
        function = scope.enclosing_function()
        params = set(function.params) - {"self"} if function is not None else set()
        if any(_mentions_value(arg.value, params) for arg in node.args):
            self.report(node, expr=_short(node), error="NotImplementedError: Cannot convert a symbolic tf.Tensor to a numpy array")


def _short(node: cst.CSTNode) -> str:
    code = cst.Module([]).code_for_node(node)
    return code if len(code) <= 40 else code[:37] + "..."


def _mentions_value(expr: cst.BaseExpression, params: Set[str]) -> bool:
    """Does ``expr`` use a parameter's value (not just its ``.shape``/``.dtype``)?"""
    if isinstance(expr, cst.Attribute) and expr.attr.value in _STATIC_ATTRIBUTES:
        return False
    if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Attribute) and expr.value.attr.value in _STATIC_ATTRIBUTES:
        return False
    if isinstance(expr, cst.Name):
        return expr.value in params
    return any(name in params for name in names_in(expr)) and not _only_static_uses(expr)


def _only_static_uses(expr: cst.CSTNode) -> bool:
    stack: List[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Attribute) and node.attr.value in _STATIC_ATTRIBUTES:
            continue
        if isinstance(node, cst.Name):
            return False
        stack.extend(children(node))
    return True
