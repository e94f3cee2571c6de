"""TFL607: a keyword argument the called TensorFlow/Keras function or class does not accept."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.knowledge import migration
from tf_lint.knowledge.api import KNOWN, api_path, lookup
from tf_lint.knowledge.suggest import suggest
from tf_lint.names import Names
from tf_lint.rules._api_rule import ApiNameRule
from tf_lint.semantics.keras_calls import is_model_factory
from tf_lint.semantics.scopes import ASSIGN, Scope

MODEL_METHODS = frozenset({"compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch", "save", "save_weights", "load_weights", "summary", "export", "to_json"})


class UnknownKeywordArgument(ApiNameRule):
    code = "TFL607"
    name = "unknown-keyword-argument"
    severity = Severity.ERROR
    fix_safety = "sometimes"
    fix_note = """
        Safe when the accepted keyword differs only in case or underscores
        (`compile(Loss=...)` -> `loss=`); otherwise a best guess, applied only with
        `--unsafe-fixes`.
    """
    message = "{call}() does not accept {keyword}= ({error} when this line runs){advice}"
    summary = "Flags keyword arguments that a TensorFlow/Keras function, class or model method does not accept (`Dense(activaton=...)`, `compile(Loss=...)`, `fit(nb_epoch=...)`)."
    rationale = """
        Python raises `TypeError: got an unexpected keyword argument` for a closed signature,
        and Keras layers raise `ValueError: Unrecognized keyword arguments` for the
        `**kwargs` they validate, both only when the line runs. Accepted keywords come from
        the installed libraries' signatures (`inspect.signature`); for Keras layers taking
        `**kwargs`, the generator proved by a probe that unknown keywords are rejected and
        collected the ones the layer classes read.
    """
    example = """
        model.compile(optimizer="adam", Loss="mse")
        layer = keras.layers.Dense(64, activaton="relu")
    """
    use_instead = """
        model.compile(optimizer="adam", loss="mse")
        layer = keras.layers.Dense(64, activation="relu")
    """
    known_problems = """
        Callables whose signature takes `**kwargs` without validating them are never
        flagged, nor are calls with `**options`. Model methods are checked only when the
        object is built by a Keras model constructor in the same file. Optimizer arguments
        removed in Keras 3 are TFL604's and TFL605's.
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(prefixes=("keras.", "tensorflow."), methods=MODEL_METHODS)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        keywords = [arg for arg in node.args if arg.keyword is not None]
        if not keywords or not self.ctx.imports.imports_ml or self.guarded():
            return
        scope = self.ctx.scope
        written = self.ctx.imports.resolve_written(node.func) if callee is not None else None
        if written is not None:
            path = api_path(written)
            if path is not None and self.wants(written, path) and not (path.startswith("tensorflow") and self._targets_tf1()):
                self.defer(lambda: self._check_function(node, path, keywords, scope))
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in MODEL_METHODS and self.ctx.keras_major == "3":
            self.defer(lambda: self._check_method(node, func, keywords, scope))

    def _targets_tf1(self) -> bool:
        """TF 1 code: its functions' keywords (``keep_prob=``, ``reduction_indices=``) are TF 1's,
        which the signatures (read from TensorFlow 2.21) do not describe."""
        return (self.ctx.target_tensorflow or "").startswith("1.")

    def _check_function(self, node: cst.Call, path: str, keywords: List[cst.Arg], scope: Scope) -> None:
        head = node.func
        while isinstance(head, cst.Attribute):
            head = head.value
        if isinstance(head, cst.Name) and scope.shadows_import(head.value):
            return
        found = lookup(path)
        if found.status != KNOWN or found.keywords is None:
            return
        removed = migration().optimizer_arguments.get(path.rsplit(".", 1)[-1], {}) if path.startswith("keras.optimizers.") else {}
        error = "ValueError" if found.kind == "c" and path.startswith("keras.layers.") else "TypeError"
        for arg in keywords:
            assert arg.keyword is not None
            if arg.keyword.value not in found.keywords and arg.keyword.value not in removed:
                self._report(arg, cst.Module([]).code_for_node(node.func), found.keywords, error)

    def _check_method(self, node: cst.Call, func: cst.Attribute, keywords: List[cst.Arg], scope: Scope) -> None:
        method = func.attr.value
        if not _made_by_keras(func.value, scope, self.ctx.names(scope)):
            return  # a user's Model subclass may override compile() with its own parameters
        found = lookup(f"keras.Model.{method}")
        if found.status != KNOWN or found.keywords is None:
            return
        for arg in keywords:
            assert arg.keyword is not None
            if arg.keyword.value not in found.keywords:
                self._report(arg, cst.Module([]).code_for_node(func), found.keywords, "TypeError")

    def _report(self, arg: cst.Arg, call: str, accepted: "tuple[str, ...]", error: str) -> None:
        assert arg.keyword is not None
        keyword = arg.keyword.value
        guess = suggest(keyword, accepted, cutoff=0.75)
        advice, fix = "", None
        if guess is not None:
            advice = f"; did you mean {guess.name}=?"
            fix = Fix(guess.name, safe=guess.exact, title=f"use {guess.name}=")
        self.report(arg.keyword, fix=fix, call=call, keyword=keyword, error=error, advice=advice)


def _made_by_keras(receiver: cst.BaseExpression, scope: Scope, names: Names) -> bool:
    """Every binding of ``receiver`` is a call of a Keras model constructor itself
    (``keras.Sequential(...)``, ``keras.Model(...)``, ``load_model``), not of a subclass."""
    if not isinstance(receiver, cst.Name):
        return False
    owner = scope.owner_of(receiver.value)
    bindings = owner.bindings.get(receiver.value, []) if owner is not None else []
    return bool(bindings) and all(
        b.kind == ASSIGN and isinstance(b.value, cst.Call) and is_model_factory(names.resolve(b.value.func)) for b in bindings
    )
