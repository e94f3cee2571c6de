"""Is an expression known to hold a ``tf.Tensor``?

Only a curated set of TensorFlow calls counts as "makes a tensor": ops that return one
dense tensor. Calls that return lists/tuples of tensors (``tf.unstack``, ``tf.split``,
``tf.unique``), datasets, variables' containers or Python values are deliberately absent,
so a loop over ``tf.unstack(t)`` is not mistaken for a loop over a tensor. The list is a
precision choice of this linter, not a claim about the whole TF API: a name missing here
only means a finding is missed.
"""

from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from tf_lint.names import ImportTable, ScopedNames
from tf_lint.semantics.scopes import ASSIGN, AUGMENT, Binding, Scope

_TOP_LEVEL_OPS = frozenset(
    """
    constant convert_to_tensor Variable zeros ones zeros_like ones_like fill range linspace eye
    reshape cast concat stack transpose squeeze expand_dims tile gather gather_nd one_hot where
    matmul add subtract multiply divide abs exp sqrt square pow maximum minimum negative
    reduce_sum reduce_mean reduce_max reduce_min reduce_prod argmax argmin sort argsort cumsum
    clip_by_value sigmoid tanh identity pad reverse boolean_mask einsum tensordot
    """.split()
)
_SUBMODULE_OPS = {
    "tensorflow.random": frozenset(
        "normal uniform truncated_normal shuffle categorical gamma poisson stateless_normal "
        "stateless_uniform stateless_truncated_normal".split()
    ),
    "tensorflow.math": frozenset(
        "add subtract multiply divide abs exp log log1p sqrt square pow maximum minimum sigmoid "
        "tanh softplus reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_std "
        "reduce_variance reduce_logsumexp cumsum cumprod argmax argmin floor ceil round sign".split()
    ),
    "tensorflow.nn": frozenset("relu relu6 elu selu gelu softmax log_softmax sigmoid tanh softplus".split()),
    "tensorflow.linalg": frozenset("matmul matvec inv det transpose diag_part trace".split()),
    "tensorflow.image": frozenset("resize rgb_to_grayscale flip_left_right flip_up_down".split()),
}


def is_tensor_op(qualified: Optional[str]) -> bool:
    if qualified is None or not qualified.startswith("tensorflow."):
        return False
    module, _, name = qualified.rpartition(".")
    if module == "tensorflow":
        return name in _TOP_LEVEL_OPS
    return name in _SUBMODULE_OPS.get(module, frozenset())


class TensorOracle:
    """Answers "is this a tensor?" from the bindings of a finished traversal."""

    def __init__(self, imports: ImportTable) -> None:
        self.imports = imports

    def is_tensor(self, expr: cst.BaseExpression, scope: Scope, _seen: Optional[Set[str]] = None) -> bool:
        seen = _seen if _seen is not None else set()
        if isinstance(expr, cst.Call):
            return is_tensor_op(ScopedNames(self.imports, scope).resolve(expr.func))
        if isinstance(expr, cst.Name):
            return self.name_is_tensor(expr.value, scope, seen)
        if isinstance(expr, cst.Subscript):
            return self.is_tensor(expr.value, scope, seen)
        if isinstance(expr, cst.BinaryOperation):
            return self.is_tensor(expr.left, scope, seen) or self.is_tensor(expr.right, scope, seen)
        if isinstance(expr, cst.UnaryOperation):
            return self.is_tensor(expr.expression, scope, seen)
        return False

    def name_is_tensor(self, name: str, scope: Scope, seen: Set[str]) -> bool:
        """True when every binding of ``name`` visible here makes a tensor (and there is one)."""
        if name in seen:
            return False
        seen = seen | {name}
        owner = scope.owner_of(name)
        if owner is None:
            return False
        bindings: List[Binding] = owner.bindings.get(name, [])
        assigned = [b for b in bindings if b.kind != AUGMENT]
        if not assigned:
            return False
        for binding in assigned:
            if binding.kind != ASSIGN or binding.value is None:
                return False
            if not self.is_tensor(binding.value, owner, seen):
                return False
        return True
