"""Is a function traced into a graph by ``tf.function``, run eagerly, or can we not tell?

Loops behave differently in the two worlds (keras-runtime-facts §4): a Python loop over a
tensor is a per-element eager op in eager code, but AutoGraph converts it inside a
``tf.function``, where a ``range`` over a static shape is unrolled instead. Rules that
depend on the difference act only on the answers ``EAGER`` and ``TRACED``.

Functions are identified by (defining scope, name), so ``GraphRunner.step`` being wrapped
says nothing about ``EagerDebugger.step``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional, Set, Tuple

import libcst as cst

from tf_lint.names import Names, dotted_parts
from tf_lint.semantics.scopes import Scope

EAGER = "eager"
TRACED = "traced"
UNKNOWN = "unknown"

TF_FUNCTION = "tensorflow.function"

# Keras traces these methods inside fit()/predict() unless run_eagerly=True.
KERAS_TRACED_METHODS = frozenset(
    {"call", "train_step", "test_step", "predict_step", "compute_loss", "compute_metrics", "update_state"}
)
# Decorators known not to change how a function runs.
HARMLESS_DECORATORS = frozenset({"staticmethod", "classmethod", "property", "abstractmethod", "abc.abstractmethod"})


def is_tf_function(names: Names, expr: cst.BaseExpression) -> bool:
    """``tf.function`` itself, or a call of it such as ``tf.function(jit_compile=True)``."""
    if isinstance(expr, cst.Call):
        expr = expr.func
    return names.resolve(expr) == TF_FUNCTION


class FunctionInfo(NamedTuple):
    name: str
    scope: Scope
    decorated_traced: bool
    unknown_decorator: bool
    is_method: bool


@dataclass
class TracingFacts:
    """Collected during the traversal; queried after it."""

    functions: Dict[cst.CSTNode, FunctionInfo] = field(default_factory=dict)
    wrapped: Set[Tuple[Scope, str]] = field(default_factory=set)  # (defining scope, name) passed to tf.function
    wrapped_somewhere: Set[str] = field(default_factory=set)  # tf.function(obj.f): which f, we cannot tell
    used_as_value: Set[str] = field(default_factory=set)  # passed, returned or stored: may be traced elsewhere
    called_from: Dict[str, Set[Scope]] = field(default_factory=dict)  # callee name -> calling functions/lambdas
    call_sites: Dict[str, List[Tuple[cst.Call, Scope]]] = field(default_factory=dict)  # f(...) calls by name, with their scope

    def declared_global(self, name: str) -> bool:
        """Does any function of the file declare ``global name`` or ``nonlocal name`` (and so
        may rebind it from inside when called)?"""
        return any(
            name in info.scope.declared_global or name in info.scope.declared_nonlocal for info in self.functions.values()
        )

    def add_function(self, node: cst.FunctionDef, scope: Scope, names: Names) -> None:
        traced = unknown = False
        for decorator in node.decorators:
            expr = decorator.decorator
            if is_tf_function(names, expr):
                traced = True
                continue
            text = ".".join(dotted_parts(expr.func if isinstance(expr, cst.Call) else expr) or [])
            if text not in HARMLESS_DECORATORS:
                unknown = True
        is_method = scope.parent is not None and scope.parent.kind == "class"
        self.functions[node] = FunctionInfo(node.name.value, scope, traced, unknown, is_method)

    def note_wrapped(self, wrapped: cst.BaseExpression, where: Scope) -> None:
        """Record ``tf.function(<wrapped>)`` written in scope ``where``."""
        if isinstance(wrapped, cst.Name):
            owner = where.owner_of(wrapped.value) or where.module()
            self.wrapped.add((owner, wrapped.value))
            return
        if not isinstance(wrapped, cst.Attribute):
            return
        receiver = wrapped.value
        function = where.enclosing_function()
        if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls") and function is not None:
            if function.parent is not None and function.parent.kind == "class":
                self.wrapped.add((function.parent, wrapped.attr.value))
                return
        self.wrapped_somewhere.add(wrapped.attr.value)

    def _own_state(self, scope: Scope) -> str:
        if scope.kind == "lambda":
            return UNKNOWN  # lambdas are mostly passed to map()/Lambda layers
        info = self.functions.get(scope.node)
        if info is None or scope.parent is None:
            return UNKNOWN
        if info.decorated_traced or (scope.parent, info.name) in self.wrapped:
            return TRACED
        if info.unknown_decorator or info.name in self.used_as_value or info.name in self.wrapped_somewhere:
            return UNKNOWN
        if info.is_method and info.name in KERAS_TRACED_METHODS:
            return UNKNOWN
        return EAGER

    def state(self, scope: Scope, _depth: int = 0) -> str:
        """TRACED if this code or any function around it is traced; EAGER only when sure."""
        result = EAGER
        function: Optional[Scope] = scope.enclosing_function()
        while function is not None:
            own = self._own_state(function)
            if own == TRACED:
                return TRACED
            if own == UNKNOWN or (_depth < 3 and self._called_from_non_eager(function, _depth)):
                result = UNKNOWN
            parent = function.parent
            function = parent.enclosing_function() if parent is not None else None
        return result

    def _called_from_non_eager(self, function: Scope, depth: int) -> bool:
        """Called (by name or as ``self.name``) from code that may be traced: AutoGraph follows calls."""
        info = self.functions.get(function.node)
        if info is None:
            return False
        return any(self.state(caller, depth + 1) != EAGER for caller in self.called_from.get(info.name, ()))
