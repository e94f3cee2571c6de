"""TFL101: a loss name Keras will not accept."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.knowledge import keras_knowledge
from tf_lint.knowledge.suggest import closest
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, positional, string_value
from tf_lint.semantics.keras_calls import COMPILE_KEYWORDS, Receiver, method_call, receiver_kind
from tf_lint.semantics.scopes import ASSIGN, Scope

LOSSES_GET = "keras.losses.get"


class UnknownLoss(Rule):
    code = "TFL101"
    name = "unknown-loss"
    severity = Severity.ERROR
    message = "{kind} loss {value!r}: {consequence}{advice}"
    summary = "Flags a loss given as a string that Keras does not recognise, in `compile(loss=...)` and `keras.losses.get(...)`."
    rationale = """
        `compile()` accepts any string; Keras only looks the loss up when training starts, so
        `compile(loss='sparce_categorical_crossentropy')` raises
        `ValueError: Could not interpret loss identifier` at the **first `fit()`** (or
        `evaluate()`/`train_on_batch()`), possibly an hour into a pipeline, with a traceback
        that starts at `fit()` rather than at the typo. The lookup is exact: `'mse'`, `'MSE'`
        and `'MeanSquaredError'` work, `'Mse'` and `'mean-squared-error'` do not. The names
        come from the installed Keras (`python -m tf_lint.knowledge.generate`), including the
        compile-only aliases `'ce'`/`'crossentropy'` (any case). `'Loss'` passes the lookup but
        is the abstract base class: it raises `NotImplementedError` at the first fit.
    """
    example = """
        model.compile(optimizer="adam", loss="sparce_categorical_crossentropy")
    """
    use_instead = """
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    """
    known_problems = """
        A name containing `>` (`'my_package>my_loss'`) is treated as a project-registered
        loss and never flagged, because the registry is not visible to a static linter.
        (Measured: Keras 3.15.1 itself does not resolve such strings in `compile`; tf-keras 2
        and saved-model configs do.) Loss strings are checked against Keras 3; files that
        import `tf_keras` (Keras 2) are skipped. A name held in a variable is checked only
        when the variable is bound once, to a string literal.
    """

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.imports.imports_ml or self.ctx.imports.legacy_keras:
            return
        scope = self.ctx.scope
        if self.ctx.imports.resolve(node.func) == LOSSES_GET:  # cheap; rebinding is checked later
            arg = argument(node, "identifier", 0)
            if arg is not None:
                self.defer(lambda: self._check_getter(node, arg.value, scope))
            return
        receiver = method_call(node, {"compile"})
        if receiver is None:
            return
        loss = argument(node, "loss", 1)
        if loss is None:
            return
        self.defer(lambda: self._check_compile(node, receiver, loss.value, scope))

    def _check_getter(self, node: cst.Call, identifier: cst.BaseExpression, scope: Scope) -> None:
        if self.ctx.names(scope).resolve(node.func) == LOSSES_GET:
            self._check_all(identifier, scope, in_compile=False)

    def _check_compile(self, node: cst.Call, receiver: cst.BaseExpression, loss: cst.BaseExpression, scope: Scope) -> None:
        kind = receiver_kind(receiver, scope, self.ctx.names(scope), method="compile")
        if kind is Receiver.NOT_KERAS:
            return
        if kind is Receiver.UNKNOWN and not _has_keras_compile_shape(node):
            return
        self._check_all(loss, scope, in_compile=True)

    def _check_all(self, value: cst.BaseExpression, scope: Scope, *, in_compile: bool) -> None:
        for expr, text in _strings(value, scope, containers=in_compile):
            self._check(expr, text, in_compile=in_compile)

    def _check(self, expr: cst.BaseExpression, text: str, *, in_compile: bool) -> None:
        losses = keras_knowledge().losses
        if ">" in text or losses.accepts(text, in_compile=in_compile):
            return
        when = "at the first fit()" if in_compile else "when this line runs"
        rejected = losses.rejected_public.get(text)
        kind = "unknown" if rejected is None else "unusable"
        if rejected == "NotImplementedError":
            if in_compile:
                consequence = f"it is the abstract base class; Keras raises NotImplementedError {when}"
            else:
                consequence = "it is the abstract base class; the loss this returns raises NotImplementedError when called"
            advice = "; pick a concrete loss"
        elif rejected is not None:
            consequence = f"Keras does not accept it as a string and raises {rejected} {when}"
            advice = f"; pass the object instead, e.g. keras.losses.{text}()" if text[:1].isupper() else ""
        elif text.lower() in losses.compile_aliases:
            consequence = f"Keras raises ValueError {when}"
            advice = "; this alias works only in compile(), which picks the crossentropy from the labels"
        else:
            consequence = f"Keras raises ValueError {when}"
            suggestion = closest(text, losses.accepted)
            advice = f"; did you mean {suggestion!r}?" if suggestion else ""
        self.report(expr, kind=kind, value=text, consequence=consequence, advice=advice)


def _has_keras_compile_shape(node: cst.Call) -> bool:
    """Evidence that ``x.compile(...)`` is Keras': Keras keywords, or an optimizer name first."""
    if any(arg.keyword is not None and arg.keyword.value in COMPILE_KEYWORDS for arg in node.args):
        return True
    first = positional(node, 0)
    text = string_value(first.value) if first is not None else None
    return text is not None and keras_knowledge().optimizers.accepts(text, in_compile=True)


def _strings(expr: cst.BaseExpression, scope: Scope, *, containers: bool) -> Iterator[Tuple[cst.BaseExpression, str]]:
    """String literals given as loss names, through lists/tuples/dict values when allowed."""
    if containers and isinstance(expr, (cst.List, cst.Tuple)):
        for element in expr.elements:
            if isinstance(element, cst.Element):
                yield from _strings(element.value, scope, containers=False)
        return
    if containers and isinstance(expr, cst.Dict):
        for item in expr.elements:
            if isinstance(item, cst.DictElement):  # keys are output names, not losses
                yield from _strings(item.value, scope, containers=False)
        return
    text = _constant_string(expr, scope)
    if text is not None:
        yield expr, text


def _constant_string(expr: cst.BaseExpression, scope: Scope) -> Optional[str]:
    text = string_value(expr)
    if text is not None or not isinstance(expr, cst.Name):
        return text
    owner = scope.owner_of(expr.value)
    bindings = owner.bindings.get(expr.value, []) if owner is not None else []
    if len(bindings) == 1 and bindings[0].kind == ASSIGN and bindings[0].value is not None:
        return string_value(bindings[0].value)
    return None
