"""TFL705: a model's output layer computing in float16 under the ``mixed_float16`` policy."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, List, Optional, Set

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.positions import node_line
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, keyword, string_value
from tf_lint.semantics.links import built_at, file_of, is_foreign
from tf_lint.semantics.mixed_precision import SET_POLICY, sets_mixed_float16
from tf_lint.semantics.models import FUNCTIONAL, SEQUENTIAL, model_source, names_at
from tf_lint.semantics.scopes import ASSIGN, Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext



class MixedPrecisionFloat16Output(Rule):
    code = "TFL705"
    name = "mixed-precision-float16-output"
    severity = Severity.WARNING
    message = "under the mixed_float16 policy this output layer{where} computes in float16, so the softmax and the loss run at half precision (overflow above 65504, underflow below 6e-8); pass dtype='float32' to the last layer"
    summary = "Flags the last layer of a compiled model without `dtype='float32'` in a file that sets the `mixed_float16` policy."
    rationale = """
        Mixed precision computes layers in float16 and keeps variables in float32. The
        output is the exception the Keras mixed-precision guide makes: a softmax or a
        cross-entropy in float16 loses precision and can overflow, which shows up as a loss
        of `inf`/`nan` or a model that stops improving. Measured with Keras 3.15 (JAX): under
        `set_global_policy("mixed_float16")` a `Dense(10, activation="softmax")` output
        returns float16; with `dtype="float32"` it returns float32.
    """
    example = """
        keras.mixed_precision.set_global_policy("mixed_float16")
        model = keras.Sequential([keras.Input((784,)), layers.Dense(256, activation="relu"), layers.Dense(10, activation="softmax")])
    """
    use_instead = """
        keras.mixed_precision.set_global_policy("mixed_float16")
        model = keras.Sequential([keras.Input((784,)), layers.Dense(256, activation="relu"), layers.Dense(10, activation="softmax", dtype="float32")])
    """
    known_problems = """
        Only models the file builds (a `Sequential` list or a Functional `Model`) and compiles,
        in files that set the policy with a literal `'mixed_float16'`. A `compile()` at the top
        level of a script or notebook counts only when the policy is set above it (cells run in
        order); one inside a function counts unless the function is defined, and every mention
        of it made, above the top-level line that sets the policy (a notebook that builds and
        tunes models in early cells and turns mixed precision on later).
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.mixed = False
        self.top_level_policies: List[cst.Call] = []  # set_global_policy("mixed_float16") at the top level

    def call_interests(self) -> CallInterests:
        return CallInterests(names=SET_POLICY, methods=frozenset({"compile"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee in SET_POLICY:
            if sets_mixed_float16(node):
                self.mixed = True
                if self.ctx.scope.enclosing_function() is None:
                    self.top_level_policies.append(node)
            return
        if isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name):
            receiver, scope = node.func.value, self.ctx.scope
            if scope.enclosing_function() is None and not self.mixed:
                return  # top-level code runs in order: the policy is set later (a notebook's later cell)
            self.defer(lambda: self._check(receiver, scope))

    def _used_before_the_policy(self, scope: Scope) -> bool:
        """A function (or a class's method) of the top level whose every mention comes before
        the top-level line that sets the policy: it ran before it (a notebook's earlier cells)."""
        if not self.top_level_policies:
            return False
        outer = scope
        while outer.parent is not None and outer.parent.parent is not None:
            outer = outer.parent
        definition = outer.node
        if not isinstance(definition, (cst.FunctionDef, cst.ClassDef)):
            return False
        policy_line = min(node_line(self.ctx, node) for node in self.top_level_policies)
        defined_at = node_line(self.ctx, definition)
        name = re.compile(rf"\b{re.escape(definition.name.value)}\b")
        mentions = [n for n, line in enumerate(self.ctx.source.splitlines(), 1) if n > defined_at and name.search(line)]
        return 0 < defined_at < policy_line and all(line < policy_line for line in mentions)

    def _check(self, receiver: cst.Name, scope: Scope) -> None:
        if not self.mixed or self._used_before_the_policy(scope):
            return
        reported: Set[int] = self.ctx.shared.setdefault("tfl705-reported", set())
        source = model_source(receiver, scope)
        if source is None:
            return
        layer = _last_layer(source.constructor, names_at(source.scope).resolve(source.constructor.func), source.scope)
        if layer is None or id(layer) in reported or _float32(layer):
            return
        reported.add(id(layer))
        built = file_of(source.scope)
        if is_foreign(built, scope) and built is not None:  # built in another module: say so where it is compiled
            self.report(receiver, where=f" (built at {built_at(scope, built, layer)})")
        else:
            self.report(layer, where="")


def _last_layer(constructor: cst.Call, qualified: Optional[str], scope: Scope) -> Optional[cst.Call]:
    if qualified in SEQUENTIAL:
        given = argument(constructor, "layers", 0)
        if given is None or not isinstance(given.value, (cst.List, cst.Tuple)) or not given.value.elements:
            return None
        last = given.value.elements[-1].value
        return last if isinstance(last, cst.Call) else None
    if qualified in FUNCTIONAL:
        outputs = argument(constructor, "outputs", 1)
        value = outputs.value if outputs is not None else None
        if isinstance(value, cst.Name):  # outputs = Dense(...)(x) on an earlier line
            bindings = scope.bindings_of(value.value)
            value = bindings[0].value if len(bindings) == 1 and bindings[0].kind == ASSIGN else None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Call):
            return value.func  # Dense(...)(x): the layer
    return None


def _float32(layer: cst.Call) -> bool:
    dtype = keyword(layer, "dtype")
    if dtype is None:
        return False
    text = string_value(dtype.value)
    return text is None or text == "float32"  # a name or a policy object: trust it


