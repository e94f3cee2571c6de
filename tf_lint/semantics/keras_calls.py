"""Recognising Keras model methods called on objects whose type the linter cannot see.

``model.compile(...)`` or ``self.model.fit(...)`` cannot be resolved through imports. A call
counts as Keras when the method name matches and there is evidence: the file imports
TensorFlow/Keras, the receiver is not a known non-Keras object (``re``, an sklearn
estimator built in the file...), and, for ``compile``, the arguments have Keras' shape.
"""

from __future__ import annotations

import enum
from typing import AbstractSet, Optional, Tuple

import libcst as cst

from tf_lint.names import Names
from tf_lint.semantics.links import follow_dotted, follow_import, single_binding
from tf_lint.semantics.models import model_source, names_at
from tf_lint.semantics.scopes import ASSIGN, DEFINITION, IMPORT, Scope

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


class Receiver(enum.Enum):
    KERAS = "keras"  # bound only to Keras model constructors in this file
    NOT_KERAS = "not-keras"  # a module or an object some other library made
    UNKNOWN = "unknown"


def is_model_factory(qualified: Optional[str]) -> bool:
    return qualified is not None and (qualified in _MODEL_FACTORIES or qualified.startswith("keras.applications."))


def receiver_kind(
    receiver: cst.BaseExpression, scope: Scope, names: Names, method: Optional[str] = None
) -> Receiver:
    """What the object a method is called on is, as far as this file tells.

    With ``method``, ``self.<method>(...)`` inside a class that defines ``<method>`` itself
    and does not derive from Keras is the class's own method (a ``Query.compile``), not Keras'.
    """
    if method is not None and isinstance(receiver, cst.Name) and receiver.value == "self":
        if _own_non_keras_method(scope, method, names):
            return Receiver.NOT_KERAS
    if isinstance(receiver, cst.Call):  # Trainer().compile(...): what the call makes
        return _made_by(receiver, scope, names)
    if not isinstance(receiver, cst.Name):
        if isinstance(receiver, cst.Attribute) and names.resolve(receiver) is not None:
            return Receiver.NOT_KERAS  # ``tf.nn.compile``-like module paths are never models
        return Receiver.UNKNOWN
    imported = follow_import(receiver.value, scope)
    binding = single_binding(imported) if imported is not None else None
    if imported is not None and binding is not None and binding.kind == ASSIGN and binding.value is not None:
        return _made_by(binding.value, imported.file.module_scope, names_at(imported.file.module_scope))  # `from train import model`
    owner = scope.owner_of(receiver.value)
    if owner is None:
        return Receiver.NOT_KERAS if names.is_imported_name(receiver.value) else Receiver.UNKNOWN
    bindings = owner.bindings.get(receiver.value, [])
    if any(b.kind in (DEFINITION, IMPORT) for b in bindings):
        return Receiver.NOT_KERAS  # a module, a function or a class, not a model object
    kinds = [
        _made_by(b.value, owner, names) if b.kind == ASSIGN and b.value is not None else Receiver.UNKNOWN
        for b in bindings
    ]
    if Receiver.NOT_KERAS in kinds:
        return Receiver.NOT_KERAS
    if kinds and all(kind is Receiver.KERAS for kind in kinds):
        return Receiver.KERAS
    return Receiver.UNKNOWN


def _made_by(value: cst.BaseExpression, scope: Scope, names: Names) -> Receiver:
    """The kind of object ``value`` builds: a Keras model factory, another library, a class
    or a model builder of this file or of another module of the project."""
    if not isinstance(value, cst.Call):
        return Receiver.UNKNOWN
    qualified = names.resolve(value.func)
    if is_model_factory(qualified):
        return Receiver.KERAS
    if qualified is not None and qualified.split(".", 1)[0] in ("keras", "tensorflow", "tf_keras"):
        return Receiver.UNKNOWN
    found = _class_definition(value.func, scope)
    if found is not None:
        return class_kind(found[0], found[1], names_at(found[1]))
    if model_source(value, scope) is not None:
        source = model_source(value, scope)
        if source is not None and is_model_factory(names_at(source.scope).resolve(source.constructor.func)):
            return Receiver.KERAS  # a builder of the project returning a Keras model
    if qualified is not None and follow_dotted(value.func, scope) is None:
        return Receiver.NOT_KERAS  # an object another library makes (sklearn, a tokenizer...)
    return Receiver.UNKNOWN


def _class_definition(expr: cst.BaseExpression, scope: Scope) -> Optional[Tuple[cst.ClassDef, Scope]]:
    """The ``class`` statement ``expr`` names, in this file or in the project module it is
    imported from, and the scope it is written in."""
    if isinstance(expr, cst.Name):
        bindings = scope.bindings_of(expr.value)
        if len(bindings) == 1 and isinstance(bindings[0].definition, cst.ClassDef):
            owner = scope.owner_of(expr.value)
            return (bindings[0].definition, owner) if owner is not None else None
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return None
    imported = follow_dotted(expr, scope)
    binding = single_binding(imported) if imported is not None else None
    if imported is not None and binding is not None and isinstance(binding.definition, cst.ClassDef):
        return binding.definition, imported.file.module_scope
    return None


def class_kind(definition: cst.ClassDef, scope: Scope, names: Names, _depth: int = 0) -> Receiver:
    """KERAS if a base is Keras (directly or through classes of this file); NOT_KERAS if the
    class has no base but ``object`` and such classes; UNKNOWN when a base comes from elsewhere
    (a project's own ``BaseModel`` may well wrap ``keras.Model``)."""
    result = Receiver.NOT_KERAS
    for base in definition.bases:
        if base.keyword is not None:
            continue  # metaclass=...
        qualified = names.resolve(base.value)
        if qualified is not None and qualified.startswith("keras."):
            return Receiver.KERAS
        if isinstance(base.value, cst.Name) and base.value.value == "object":
            continue
        parent = _class_definition(base.value, scope)
        kind = class_kind(parent[0], parent[1], names_at(parent[1]), _depth + 1) if parent is not None and _depth < 8 else Receiver.UNKNOWN
        if kind is Receiver.KERAS:
            return Receiver.KERAS
        if kind is Receiver.UNKNOWN:
            result = Receiver.UNKNOWN
    return result


def method_call(node: cst.Call, names: AbstractSet[str]) -> Optional[cst.BaseExpression]:
    """The receiver of ``<receiver>.<method>(...)`` when ``method`` is in ``names``."""
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value in names:
        return func.value
    return None


def _own_non_keras_method(scope: Scope, method: str, names: Names) -> bool:
    function = scope.enclosing_function()
    owner = function.parent if function is not None else None
    if owner is None or owner.kind != "class" or not isinstance(owner.node, cst.ClassDef):
        return False
    if not any(b.kind == DEFINITION for b in owner.bindings.get(method, [])):
        return False
    return class_kind(owner.node, owner.parent or owner, names) is not Receiver.KERAS
