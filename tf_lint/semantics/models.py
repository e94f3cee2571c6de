"""What a compiled model outputs and which loss it is given, as far as the file shows.

Shared by the model/loss correctness rules (TFL3xx). A model is followed only when its name
has exactly one binding in its scope, to ``keras.Sequential([...])`` (plus ``add`` calls made
at the top level of that scope) or to ``keras.Model(inputs, outputs)`` whose single output is
a layer call. The output layer's units and activation come from literals (or names bound
once to literals); trailing ``Activation(...)``/``Softmax()`` layers set the activation.
Anything else is unknown, and unknown never produces a finding.
"""

from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional, Tuple

import libcst as cst

from tf_lint.names import ImportTable, Names, ScopedNames
from tf_lint.semantics.expressions import argument, constant_binding, constant_string, function_returns, keyword
from tf_lint.semantics.links import built_at, file_of, follow_dotted, follow_import, is_foreign, single_binding
from tf_lint.semantics.scopes import ASSIGN, DEFINITION, Scope

SEQUENTIAL = frozenset({"keras.Sequential", "keras.models.Sequential"})
FUNCTIONAL = frozenset({"keras.Model", "keras.models.Model"})
_UNIT_LAYERS = frozenset({"keras.layers.Dense", "keras.layers.EinsumDense"})
_ACTIVATION_FUNCTIONS = {
    "keras.activations.softmax": "softmax",
    "keras.activations.sigmoid": "sigmoid",
    "keras.activations.linear": "linear",
    "keras.activations.relu": "relu",
    "tensorflow.nn.softmax": "softmax",
    "tensorflow.nn.sigmoid": "sigmoid",
    "tensorflow.sigmoid": "sigmoid",
    "tensorflow.nn.relu": "relu",
}
UNKNOWN = None


class Output(NamedTuple):
    """The model's output layer: ``units`` (None: unknown) and ``activation`` ("softmax",
    "sigmoid", "linear"...; None: unknown). ``explicit`` is False when the activation is
    Keras' default (no ``activation=`` written)."""

    units: Optional[int]
    activation: Optional[str]
    explicit: bool
    layer: cst.Call  # the Dense call, for messages
    folded: bool = False  # the activation comes from an Activation/Softmax layer after it
    origin: str = ""  # " (output layer at models.py:9)" when the model is built in another module


class Loss(NamedTuple):
    """``name`` in Keras' snake_case (``sparse_categorical_crossentropy``), ``from_logits``
    as written (False when absent), and the node to report on."""

    name: str
    from_logits: bool
    node: cst.CSTNode


class AddCalls:
    """``<name>.add(layer)`` calls at the top level of a scope, recorded during the walk."""

    def __init__(self) -> None:
        self.calls: Dict[int, Dict[str, List[Optional[cst.BaseExpression]]]] = {}  # id(scope) -> name -> layers

    def record(self, scope: Scope, name: str, layer: Optional[cst.BaseExpression]) -> None:
        """``layer`` None: an ``add``/``pop`` the summary cannot follow (in a loop or branch)."""
        self.calls.setdefault(id(scope), {}).setdefault(name, []).append(layer)

    def of(self, scope: Scope, name: str) -> List[Optional[cst.BaseExpression]]:
        """Every ``add`` made on ``name`` in ``scope``; None entries cannot be followed."""
        return self.calls.get(id(scope), {}).get(name, [])


class ModelSource(NamedTuple):
    """Where a model is built: the ``Sequential(...)``/``Model(...)`` call, the scope it is
    written in (maybe in another module of the project), and the name it is bound to there
    (None: returned directly)."""

    constructor: cst.Call
    scope: Scope
    name: Optional[str]
    callers: Tuple[Tuple[Scope, str], ...] = ()  # names bound to a builder's result on the way


def model_source(receiver: cst.BaseExpression, scope: Scope) -> Optional[ModelSource]:
    """The constructor call of the model ``receiver`` names, following ``model = build()``
    into an undecorated function with one ``return`` (at most three levels), in this file or
    in the project module it is imported from."""
    name: Optional[str] = None
    callers: List[Tuple[Scope, str]] = []
    expr: cst.BaseExpression = receiver
    for _ in range(4):
        if isinstance(expr, cst.Name):
            bound = _bound_once(expr.value, scope)
            if bound is None or not isinstance(bound[0], cst.Call):
                return None
            expr, scope, name = bound
            continue
        if not isinstance(expr, cst.Call):
            return None
        builder = _builder(expr, scope)
        if builder is None:
            return ModelSource(expr, scope, name, tuple(callers))
        if name is not None:
            callers.append((scope, name))
        expr, scope = builder
        name = None
    return None


def _bound_once(name: str, scope: Scope) -> Optional[Tuple[cst.BaseExpression, Scope, str]]:
    """The value ``name`` is assigned once, in its scope or at the top of the project module
    it is imported from, with that scope and the name there."""
    owner = scope.owner_of(name)
    if owner is not None:
        bindings = owner.bindings.get(name, [])
        if len(bindings) == 1 and bindings[0].kind == ASSIGN and bindings[0].value is not None:
            return bindings[0].value, owner, name
    imported = follow_import(name, scope)
    binding = single_binding(imported) if imported is not None else None
    if imported is None or binding is None or binding.kind != ASSIGN or binding.value is None:
        return None
    return binding.value, imported.file.module_scope, imported.name


def _builder(call: cst.Call, scope: Scope) -> Optional[Tuple[cst.BaseExpression, Scope]]:
    """``build_model(...)``: the expression its single ``return`` gives, in the function's scope."""
    found = function_called(call, scope)
    if found is None:
        return None
    definition, inner = found
    if definition.decorators:
        return None
    returns = function_returns(definition)
    if returns is None or len(returns) != 1 or returns[0].value is None:
        return None
    return returns[0].value, inner


def function_called(call: cst.Call, scope: Scope) -> Optional[Tuple[cst.FunctionDef, Scope]]:
    """The ``def`` a call runs and its scope: a function of this file (``build()``) or one
    imported from a project module (``build()`` after ``from models import build``,
    ``models.build()`` after ``import models``)."""
    definition: Optional[cst.CSTNode] = None
    file = file_of(scope)
    if isinstance(call.func, cst.Name):
        bindings = scope.bindings_of(call.func.value)
        if len(bindings) == 1 and bindings[0].kind == DEFINITION:
            definition = bindings[0].definition
    if definition is None and isinstance(call.func, (cst.Name, cst.Attribute)):
        imported = follow_dotted(call.func, scope)
        binding = single_binding(imported) if imported is not None else None
        if imported is not None and binding is not None:
            definition, file = binding.definition, imported.file
    if not isinstance(definition, cst.FunctionDef) or file is None:
        return None
    info = file.tracing.functions.get(definition)
    return (definition, info.scope) if info is not None else None


def model_output(receiver: cst.BaseExpression, scope: Scope) -> Optional[Output]:
    """The output layer of the model ``receiver`` names, when the code shows it."""
    source = model_source(receiver, scope)
    if source is None:
        return None
    built, owner = source.constructor, source.scope
    names = names_at(owner)
    qualified = names.resolve(built.func)
    if any(adds_of(caller, caller_name) for caller, caller_name in source.callers):
        return None  # layers added to the builder's result: the builder's last layer is not the output
    added = adds_of(owner, source.name) if source.name is not None else []
    found: Optional[Output] = None
    if qualified in SEQUENTIAL:
        layers = _literal_layers(built)
        if layers is None or any(layer is None for layer in added):
            return None
        found = _sequential_output([*layers, *(layer for layer in added if layer is not None)], owner, names)
    elif qualified in FUNCTIONAL:
        outputs = argument(built, "outputs", 1)
        if outputs is None or added:
            return None
        found = _functional_output(outputs.value, owner, names)
    built_in = file_of(owner)
    if found is not None and built_in is not None and is_foreign(built_in, scope):
        found = found._replace(origin=f" (output layer at {built_at(scope, built_in, found.layer)})")
    return found


def names_at(scope: Scope) -> ScopedNames:
    """The import-aware names of the file ``scope`` belongs to, as seen from ``scope``."""
    file = file_of(scope)
    return ScopedNames(file.imports if file is not None else ImportTable(), scope)


def adds_of(scope: Scope, name: str) -> List[Optional[cst.BaseExpression]]:
    file = file_of(scope)
    adds: Optional[AddCalls] = getattr(file, "adds", None)
    return adds.of(scope, name) if adds is not None else []


def _literal_layers(call: cst.Call) -> Optional[List[cst.BaseExpression]]:
    layers = argument(call, "layers", 0)
    if layers is None:
        return []
    if not isinstance(layers.value, (cst.List, cst.Tuple)):
        return None
    if any(isinstance(element, cst.StarredElement) for element in layers.value.elements):
        return None
    return [element.value for element in layers.value.elements]


def _sequential_output(layers: List[cst.BaseExpression], scope: Scope, names: Names) -> Optional[Output]:
    activation: Optional[str] = None
    explicit = False
    for layer in reversed(layers):
        if not isinstance(layer, cst.Call):
            return None
        qualified = names.resolve(layer.func)
        folded = _activation_layer(layer, qualified, scope, names)
        if folded is not None:
            if activation is None:
                activation, explicit = folded, True
            continue
        if qualified in _UNIT_LAYERS:
            return _dense_output(layer, scope, names, activation, explicit)
        return None  # another kind of layer ends the model: units unknown
    return None


def _functional_output(outputs: cst.BaseExpression, scope: Scope, names: Names) -> Optional[Output]:
    activation: Optional[str] = None
    explicit = False
    expr = outputs
    for _ in range(8):  # out = Activation("softmax")(Dense(10)(h)), through names bound once
        if isinstance(expr, cst.Name):
            bindings = scope.bindings_of(expr.value)
            if len(bindings) != 1 or bindings[0].kind != ASSIGN or bindings[0].value is None:
                return None
            expr = bindings[0].value
            continue
        if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Call) and len(expr.args) == 1):
            return None
        layer = expr.func
        qualified = names.resolve(layer.func)
        folded = _activation_layer(layer, qualified, scope, names)
        if folded is not None:
            if activation is None:
                activation, explicit = folded, True
            expr = expr.args[0].value
            continue
        if qualified in _UNIT_LAYERS:
            return _dense_output(layer, scope, names, activation, explicit)
        return None
    return None


def _activation_layer(layer: cst.Call, qualified: Optional[str], scope: Scope, names: Names) -> Optional[str]:
    """The activation an ``Activation(...)``/``Softmax()`` layer applies; None otherwise."""
    if qualified == "keras.layers.Softmax":
        axis = argument(layer, "axis", 0)
        return "softmax" if axis is None or _int(axis.value) == -1 else "other"
    if qualified == "keras.layers.Activation":
        given = argument(layer, "activation", 0)
        return _activation_value(given.value, scope, names) or "other" if given is not None else "other"
    return None


def dense_output(layer: cst.Call, scope: Scope, names: Names) -> Output:
    """What one ``Dense(...)`` call outputs, on its own."""
    return _dense_output(layer, scope, names, None, False)


def _dense_output(layer: cst.Call, scope: Scope, names: Names, after: Optional[str], explicit: bool) -> Output:
    units_arg = argument(layer, "units", 0)
    units = _int(units_arg.value, scope) if units_arg is not None else None
    if after is not None:
        own = argument(layer, "activation", 1)
        if own is not None and _activation_value(own.value, scope, names) not in ("linear",):
            return Output(units, None, True, layer)  # two activations in a row: not followed
        return Output(units, None if after == "other" else after, explicit, layer, folded=True)
    given = argument(layer, "activation", 1)
    if given is None:
        return Output(units, "linear", False, layer)
    return Output(units, _activation_value(given.value, scope, names), True, layer)


def _activation_value(expr: cst.BaseExpression, scope: Scope, names: Names) -> Optional[str]:
    if isinstance(expr, cst.Name) and expr.value == "None":
        return "linear"
    text = constant_string(expr, scope)
    if text is not None:
        return text.lower()
    qualified = names.resolve(expr)
    return _ACTIVATION_FUNCTIONS.get(qualified or "")


def literal_int(expr: cst.BaseExpression, scope: Optional[Scope] = None) -> Optional[int]:
    """An integer literal, or a name bound once to one."""
    return _int(expr, scope)


def _int(expr: cst.BaseExpression, scope: Optional[Scope] = None) -> Optional[int]:
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus) and isinstance(expr.expression, cst.Integer):
        return -int(expr.expression.evaluated_value)
    if isinstance(expr, (cst.Name, cst.Attribute)) and scope is not None:
        bound = constant_binding(expr, scope)
        if bound is not None and isinstance(bound[0], cst.Integer):
            return int(bound[0].evaluated_value)
    return None


_LOSS_CLASSES = {
    "keras.losses.CategoricalCrossentropy": "categorical_crossentropy",
    "keras.losses.SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
    "keras.losses.BinaryCrossentropy": "binary_crossentropy",
    "keras.losses.BinaryFocalCrossentropy": "binary_focal_crossentropy",
    "keras.losses.CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
    "keras.losses.MeanSquaredError": "mean_squared_error",
    "keras.losses.MeanAbsoluteError": "mean_absolute_error",
    "keras.losses.MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "keras.losses.MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "keras.losses.Huber": "huber",
    "keras.losses.LogCosh": "log_cosh",
}
_LOSS_ALIASES = {"crossentropy": "categorical_crossentropy", "ce": "categorical_crossentropy", "bce": "binary_crossentropy"}


def compiled_loss(compile_call: cst.Call, scope: Scope, names: Names) -> Optional[Loss]:
    """The loss of ``compile(...)`` when it is one string, one Keras loss function or one loss
    object with a literal ``from_logits``; None for dicts, lists, custom losses."""
    given = argument(compile_call, "loss", 1)
    if given is None:
        return None
    expr = given.value
    text = constant_string(expr, scope)
    if text is not None:
        name = text.lower()
        return Loss(_LOSS_ALIASES.get(name, name), False, given)
    via_name = False
    if isinstance(expr, cst.Name):
        bindings = scope.bindings_of(expr.value)
        if len(bindings) == 1 and bindings[0].kind == ASSIGN and isinstance(bindings[0].value, cst.Call):
            expr, via_name = bindings[0].value, True
    qualified = names.resolve(expr.func) if isinstance(expr, cst.Call) else names.resolve(expr)
    if qualified is None or not qualified.startswith("keras.losses."):
        return None
    if isinstance(expr, cst.Call):
        known = _LOSS_CLASSES.get(qualified)
        if known is None:
            return None
        flag = keyword(expr, "from_logits")
        if flag is None:
            return Loss(known, False, given)
        if isinstance(flag.value, cst.Name) and flag.value.value in ("True", "False"):
            return Loss(known, flag.value.value == "True", given if via_name else flag)
        return None
    return Loss(qualified.rsplit(".", 1)[1], False, given)  # keras.losses.binary_crossentropy


REGRESSION = frozenset(
    {
        "mean_squared_error", "mse", "mean_absolute_error", "mae", "mean_absolute_percentage_error", "mape",
        "mean_squared_logarithmic_error", "msle", "huber", "log_cosh", "logcosh",
    }
)
CATEGORICAL = frozenset({"categorical_crossentropy", "sparse_categorical_crossentropy", "categorical_focal_crossentropy"})
PROBABILISTIC = CATEGORICAL | frozenset({"binary_crossentropy", "binary_focal_crossentropy"})
