"""TFL103: ``compile(metrics='accuracy')``: a bare string where Keras 3 wants a list."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rule import Rule
from tf_lint.rules._identifier_rule import is_keras_compile
from tf_lint.semantics.expressions import argument, constant_string, keyword
from tf_lint.semantics.keras_calls import method_call
from tf_lint.semantics.scopes import Scope


class MetricsNotAList(Rule):
    code = "TFL103"
    name = "metrics-not-a-list"
    severity = Severity.ERROR
    message = "{parameter}={value!r} is a bare string: Keras 3 raises ValueError at compile() (it wants a list, tuple or dict); use {parameter}=[{value!r}]"
    summary = "Flags `compile(metrics='accuracy')` and `weighted_metrics='...'` given as one bare string."
    rationale = """
        Keras 2 accepted a single metric name; Keras 3 refuses it, even a valid one:
        `ValueError: Expected metrics argument to be a list, tuple, or dict. Received instead:
        metrics=accuracy of type <class 'str'>` at `compile()` (keras-runtime-facts §1,
        confirmed by the generator against the installed Keras).
    """
    example = """
        model.compile(optimizer="adam", loss="mse", metrics="mae")
    """
    use_instead = """
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    """
    known_problems = "Only literal strings (or names bound once to one) are recognised."
    fix_safety = "safe"
    fix_note = """
        Wraps the value in a list (`metrics=['accuracy']`), which is what Keras 2 did with a
        bare string itself.
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=frozenset({"compile"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        imports = self.ctx.imports
        if not imports.imports_ml or not self.ctx.knowledge.metrics_must_be_a_list:
            return
        receiver = method_call(node, {"compile"})
        if receiver is None:
            return
        scope = self.ctx.scope
        position = self.ctx.knowledge.compile_position("metrics")
        for parameter in ("metrics", "weighted_metrics"):
            found = argument(node, parameter, position) if parameter == "metrics" and position is not None else keyword(node, parameter)
            if found is not None:
                value = found.value
                self.defer(lambda p=parameter, v=value: self._check(node, receiver, p, v, scope))  # type: ignore[misc]

    def _check(self, node: cst.Call, receiver: cst.BaseExpression, parameter: str, value: cst.BaseExpression, scope: Scope) -> None:
        if not is_keras_compile(self.ctx, node, receiver, scope):
            return
        text = constant_string(value, scope)
        if not text:  # not a string, or "" (which Keras treats as no metrics)
            return
        code = cst.Module([]).code_for_node(value.with_changes(lpar=[], rpar=[]))  # the fixer keeps the user's parentheses
        fix = Fix(replacement=f"[{code}]", safe=True, title=f"wrap in a list: [{code}]")
        self.report(value, fix=fix, parameter=parameter, value=text)
