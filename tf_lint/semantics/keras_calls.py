"""Recognising Keras model methods called on objects whose type the linter cannot see.

``model.compile(...)`` or ``self.model.fit(...)`` cannot be resolved through imports. A call
counts as Keras when the method name matches and there is evidence: the file imports
TensorFlow/Keras, the receiver is not a known non-Keras object (``re``, an sklearn
estimator built in the file...), and, for ``compile``, the arguments have Keras' shape.
"""

from __future__ import annotations

import enum
from typing import AbstractSet, Optional

import libcst as cst

from tf_lint.names import ImportTable
from tf_lint.semantics.scopes import ASSIGN, DEFINITION, Scope

_MODEL_FACTORIES = frozenset(
    {
        "keras.Sequential",
        "keras.Model",
        "keras.models.Sequential",
        "keras.models.Model",
        "keras.models.load_model",
        "keras.saving.load_model",
        "keras.models.clone_model",
    }
)
COMPILE_KEYWORDS = frozenset(
    {"optimizer", "loss", "metrics", "loss_weights", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile"}
)


class Receiver(enum.Enum):
    KERAS = "keras"  # bound only to Keras model constructors in this file
    NOT_KERAS = "not-keras"  # a module or an object some other library made
    UNKNOWN = "unknown"


def is_model_factory(qualified: Optional[str]) -> bool:
    return qualified is not None and (qualified in _MODEL_FACTORIES or qualified.startswith("keras.applications."))


def receiver_kind(
    receiver: cst.BaseExpression, scope: Scope, imports: ImportTable, method: Optional[str] = None
) -> Receiver:
    """What the object a method is called on is, as far as this file tells.

    With ``method``, ``self.<method>(...)`` inside a class that defines ``<method>`` itself
    and does not derive from Keras is the class's own method (a ``Query.compile``), not Keras'.
    """
    if method is not None and isinstance(receiver, cst.Name) and receiver.value == "self":
        if _own_non_keras_method(scope, method, imports):
            return Receiver.NOT_KERAS
    if not isinstance(receiver, cst.Name):
        if isinstance(receiver, cst.Attribute) and imports.resolve(receiver) is not None:
            return Receiver.NOT_KERAS  # ``tf.nn.compile``-like module paths are never models
        return Receiver.UNKNOWN
    owner = scope.owner_of(receiver.value)
    if owner is None:
        return Receiver.NOT_KERAS if imports.is_imported_name(receiver.value) else Receiver.UNKNOWN
    bindings = owner.bindings.get(receiver.value, [])
    if any(b.kind == DEFINITION for b in bindings):
        return Receiver.NOT_KERAS  # a function or class defined here, not a model object
    values = [b.value for b in bindings if b.kind == ASSIGN and b.value is not None]
    if imports.is_imported_name(receiver.value) and owner is scope.module():
        return Receiver.NOT_KERAS
    made_by = [imports.resolve(v.func) for v in values if isinstance(v, cst.Call)]
    if any(q is not None and not q.startswith("keras.") and not q.startswith("tensorflow.") for q in made_by):
        return Receiver.NOT_KERAS
    if values and len(made_by) == len(values) == len(bindings) and all(is_model_factory(q) for q in made_by):
        return Receiver.KERAS
    return Receiver.UNKNOWN


def method_call(node: cst.Call, names: AbstractSet[str]) -> Optional[cst.BaseExpression]:
    """The receiver of ``<receiver>.<method>(...)`` when ``method`` is in ``names``."""
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value in names:
        return func.value
    return None


def _own_non_keras_method(scope: Scope, method: str, imports: ImportTable) -> bool:
    function = scope.enclosing_function()
    owner = function.parent if function is not None else None
    if owner is None or owner.kind != "class" or not isinstance(owner.node, cst.ClassDef):
        return False
    if not any(b.kind == DEFINITION for b in owner.bindings.get(method, [])):
        return False
    bases = [imports.resolve(base.value) or "" for base in owner.node.bases]
    return not any(base.startswith("keras.") for base in bases)
