"""Which names of a file are ``tf.function``s, and how they were made."""

from __future__ import annotations

from typing import Mapping, NamedTuple, Optional

import libcst as cst

from tf_lint.names import Names
from tf_lint.semantics.scopes import ASSIGN, Scope
from tf_lint.semantics.tracing import FunctionInfo, is_tf_function

_SIGNATURE = "input_signature"


class TracedFunction(NamedTuple):
    name: str
    fixed_signature: bool  # input_signature=...: arguments are converted, no retracing


def traced_function(func: cst.BaseExpression, scope: Scope, names: Names, functions: Mapping[cst.CSTNode, FunctionInfo]) -> Optional[TracedFunction]:
    """``step`` in ``step(x, i)`` when ``step`` is bound once to a decorated ``def`` or to
    ``tf.function(...)``; None otherwise."""
    if not isinstance(func, cst.Name):
        return None
    bindings = scope.bindings_of(func.value)
    if len(bindings) != 1:
        return None
    binding = bindings[0]
    if isinstance(binding.definition, cst.FunctionDef):
        info = functions.get(binding.definition)
        if info is None or not info.decorated_traced:
            return None
        fixed = any(
            isinstance(d.decorator, cst.Call) and any(a.keyword is not None and a.keyword.value == _SIGNATURE for a in d.decorator.args)
            for d in binding.definition.decorators
        )
        return TracedFunction(func.value, fixed)
    if binding.kind == ASSIGN and isinstance(binding.value, cst.Call):
        made = binding.value
        wrapper = made.func if isinstance(made.func, cst.Call) else made  # tf.function(...)(g) or tf.function(g, ...)
        if not is_tf_function(names, wrapper.func if isinstance(wrapper, cst.Call) else wrapper):
            return None
        fixed = isinstance(wrapper, cst.Call) and any(a.keyword is not None and a.keyword.value == _SIGNATURE for a in wrapper.args)
        return TracedFunction(func.value, fixed)
    return None
