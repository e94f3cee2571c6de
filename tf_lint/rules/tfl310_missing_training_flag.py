"""TFL310: a model with Dropout/BatchNormalization called under a GradientTape without ``training=True``."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rules._tape_rule import TapeRule
from tf_lint.semantics.expressions import calls_in
from tf_lint.semantics.models import FUNCTIONAL, SEQUENTIAL, model_source, names_at
from tf_lint.semantics.scopes import Scope

_MODE_LAYERS = frozenset(
    {
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
        "GaussianDropout", "AlphaDropout", "BatchNormalization",
    }
)


def _mode_layer(qualified: Optional[str]) -> Optional[str]:
    """``Dropout`` for ``keras.layers.Dropout``; random augmentation layers too (``RandomFlip``)."""
    if qualified is None or not qualified.startswith("keras.layers."):
        return None
    short = qualified[len("keras.layers."):]
    return short if short in _MODE_LAYERS or short.startswith("Random") else None


class MissingTrainingFlag(TapeRule):
    code = "TFL310"
    name = "missing-training-flag-in-custom-loop"
    severity = Severity.WARNING
    message = "{model}(...) is called under a GradientTape without training=True, so its {layer} runs in inference mode: outside fit(), Keras treats a missing training flag as training=False; pass training=True"
    summary = "Flags a custom training step that calls a model containing Dropout, BatchNormalization or random augmentation layers without `training=True`."
    rationale = """
        `fit()` passes `training=True` for you; a hand-written loop must do it itself. Called
        as `model(x)`, Keras 3 runs the layers in inference mode: Dropout does nothing and
        BatchNormalization normalises with moving statistics it never updates. The model
        still trains, just without its regularisation, and evaluates differently from how
        it was trained. Measured on Keras 3.15 (JAX): `model(x)` gives exactly the output of
        `model(x, training=False)` and leaves the BatchNormalization moving mean at 0.
    """
    example = """
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x))
    """
    use_instead = """
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
    """
    known_problems = """
        Only models whose layers the file shows: a `Sequential([...])` (plus `add` calls) or
        a Functional model built in a builder function of the file, named by the call. Models
        passed in as parameters, `self(...)` in `train_step`, and subclassed models are not
        checked.
    """
    fix_safety = "unsafe"
    fix_note = "Unsafe: adding `training=True` changes what the step computes (that is the point, but a frozen-statistics fine-tuning step may want `training=False` instead)."

    def call_interests(self) -> CallInterests:
        return CallInterests(functions=frozenset({"*"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not self.tapes or not isinstance(node.func, cst.Name) or not self.ctx.imports.imports_ml:
            return
        if any(arg.keyword is not None and arg.keyword.value == "training" or arg.star for arg in node.args):
            return
        scope = self.ctx.scope
        self.defer(lambda: self._check(node, node.func, scope))  # type: ignore[arg-type]

    def _check(self, node: cst.Call, func: cst.Name, scope: Scope) -> None:
        if self.ctx.names(scope).resolve(func) is not None:
            return
        layer = self._mode_layer_of(func, scope)
        if layer is None:
            return
        no_space = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
        flag = cst.Arg(cst.Name("True"), keyword=cst.Name("training"), equal=no_space)
        with_flag = node.with_changes(args=[*node.args, flag])  # libcst writes the comma before it
        fix = Fix(cst.Module([]).code_for_node(with_flag), safe=False, title="pass training=True")
        self.report(node, fix=fix, model=func.value, layer=layer)

    def _mode_layer_of(self, func: cst.Name, scope: Scope) -> Optional[str]:
        source = model_source(func, scope)
        if source is None:
            return None
        names = names_at(source.scope)
        qualified = names.resolve(source.constructor.func)
        candidates: List[cst.BaseExpression] = []
        if qualified in SEQUENTIAL:
            given = source.constructor.args[0].value if source.constructor.args else None
            if isinstance(given, (cst.List, cst.Tuple)):
                candidates = [element.value for element in given.elements]
            if source.name is not None:
                candidates += [call.args[0].value for call in _add_calls(source.scope, source.name) if call.args]
        elif qualified in FUNCTIONAL and source.scope.kind == "function":
            candidates = list(calls_in(source.scope.node, nested=False))  # a builder: its layers are the model's
        for candidate in candidates:
            if isinstance(candidate, cst.Call):
                found = _mode_layer(names.resolve(candidate.func))
                if found is not None:
                    return found
        return None


def _add_calls(scope: Scope, name: str) -> List[cst.Call]:
    """``name.add(...)`` calls written directly in the scope's body."""
    return [
        node
        for node in calls_in(scope.node, nested=False)
        if isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "add"
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == name
    ]
