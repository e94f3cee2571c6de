"""TFL609: a save/load path whose suffix Keras 3 rejects, often only after training has run."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Set, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.knowledge import SavingRule
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, keyword
from tf_lint.semantics.keras_calls import Receiver, receiver_kind
from tf_lint.semantics.paths import PathEnd, decides_suffix, path_end
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_MODEL_METHODS = frozenset({"save", "save_weights", "load_weights"})
# Calls that show a name holds a Keras model when its binding does not (a parameter, self.model).
_EVIDENCE = frozenset({"fit", "compile", "evaluate", "predict", "train_on_batch", "summary"})
_FUNCTIONS = {
    "keras.models.load_model": "load_model",
    "keras.saving.load_model": "load_model",
    "keras.models.save_model": "save",
    "keras.saving.save_model": "save",
    "keras.callbacks.ModelCheckpoint": "ModelCheckpoint",
}
_WEIGHTS_ONLY = "ModelCheckpoint(save_weights_only=True)"
# What to append to a complete literal for the unsafe fix.
_FIX_SUFFIX = {"save": ".keras", "ModelCheckpoint": ".keras", "save_weights": ".weights.h5", _WEIGHTS_ONLY: ".weights.h5"}


class Keras3SaveFormat(Rule):
    code = "TFL609"
    name = "keras3-save-format"
    severity = Severity.ERROR
    message = "{call} rejects the path {path} in Keras 3 ({error} when the line runs{when}); {advice}"
    summary = (
        "Flags `model.save()`, `save_weights()`, `load_model()`, `load_weights()` and "
        "`ModelCheckpoint()` paths whose ending Keras 3 refuses (a SavedModel directory, `w.h5` "
        "for weights)."
    )
    rationale = """
        Keras 3 picks the file format from the path's ending and raises `ValueError` for any
        other: `model.save("my_model")` (a TF 2 SavedModel directory) fails with *Invalid
        filepath extension for saving*, `save_weights("w.h5")` with *The filename must end in
        `.weights.h5`*, and `load_model()` of a SavedModel directory with *File format not
        supported*. In a training script the save comes after `fit()`, so the run crashes
        when training is over and the trained weights are lost. `ModelCheckpoint` fails at
        construction, before training. The accepted endings and the errors are measured on
        the installed Keras by the data generator; they are the same on every backend.
    """
    example = """
        model.fit(x, y, epochs=50)
        model.save("saved_model")
        model.save_weights("weights.h5")
    """
    use_instead = """
        model.fit(x, y, epochs=50)
        model.save("saved_model.keras")  # or model.export("saved_model") for TF Serving
        model.save_weights("model.weights.h5")
    """
    known_problems = """
        Only paths whose end is written in the file are checked (a literal, an f-string or
        `os.path.join(...)`/`Path(...) / ...` ending in a literal). `save()` is checked on
        objects built by a Keras model constructor in the file or on names that also get
        `fit()`/`compile()`, so `np.save`, `img.save` and `tf.train.Checkpoint.save` are not
        flagged. Files that import tf_keras (Keras 2) are skipped.
    """
    fix_safety = "unsafe"
    fix_note = """
        Unsafe: the fix appends `.keras` (or `.weights.h5`) to a string literal, which changes
        what gets written; code that later reads the old path, or that meant to export a
        SavedModel for serving (`model.export()`), needs more edits.
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._evidence: Set[Tuple[int, str]] = set()
        # Scopes where a fit() call was seen; the walk is in source order, so a save there
        # after it runs once training is over.
        self._fit_seen: Set[int] = set()

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset(_FUNCTIONS), methods=_MODEL_METHODS | _EVIDENCE)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml or self.ctx.version_for(node) != "3" or self.ctx.version_guarded():
            return
        scope = self.ctx.scope
        func = node.func
        if callee in _FUNCTIONS:
            self.defer(lambda: self._check_function(node, scope))
            return
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method in _EVIDENCE:
            if method == "fit":
                self._fit_seen.add(id(scope))
            if isinstance(func.value, cst.Name):
                owner = scope.owner_of(func.value.value)
                self._evidence.add((id(owner), func.value.value))
            return
        if self.ctx.keras_major == "3":
            after_fit = id(scope) in self._fit_seen
            self.defer(lambda: self._check_method(node, func, method, scope, after_fit))

    def _check_function(self, node: cst.Call, scope: Scope) -> None:
        callee = self.ctx.names(scope).resolve(node.func)
        entry = _FUNCTIONS.get(callee or "")
        if entry is None:
            return
        if entry == "ModelCheckpoint":
            weights_only = keyword(node, "save_weights_only")
            if weights_only is not None:
                value = weights_only.value
                if not (isinstance(value, cst.Name) and value.value in ("True", "False")):
                    return
                if value.value == "True":
                    entry = _WEIGHTS_ONLY
        path = argument(node, "filepath", 1 if entry == "save" else 0)
        self._check_path(node, entry, path, scope, short=callee.rsplit(".", 1)[1] if callee else entry)

    def _check_method(self, node: cst.Call, func: cst.Attribute, method: str, scope: Scope, after_fit: bool) -> None:
        kind = receiver_kind(func.value, scope, self.ctx.names(scope), method)
        if kind is Receiver.NOT_KERAS:
            return
        if kind is Receiver.UNKNOWN and not self._looks_like_model(func.value, scope, method):
            return
        if method == "save" and keyword(node, "zipped") is not None:
            return  # zipped=False saves a directory: any path
        self._check_path(node, method, argument(node, "filepath", 0), scope, short=f"{_receiver_text(func.value)}.{method}()", after_fit=after_fit)

    def _looks_like_model(self, receiver: cst.BaseExpression, scope: Scope, method: str) -> bool:
        if isinstance(receiver, cst.Name):
            return (id(scope.owner_of(receiver.value)), receiver.value) in self._evidence
        # self.model.save_weights(...) in a callback: save_weights/load_weights are Keras' names.
        return method != "save" and isinstance(receiver, cst.Attribute) and receiver.attr.value == "model"

    def _check_path(
        self, node: cst.Call, entry: str, path: Optional[cst.Arg], scope: Scope, short: str, after_fit: bool = False
    ) -> None:
        rule: Optional[SavingRule] = self.ctx.knowledge.saving.get(entry)
        if rule is None or path is None:
            return
        end = path_end(path.value, scope, self.ctx.names(scope))
        if end is None or not decides_suffix(end) or rule.accepts(end.text):
            return
        if end.complete and end.text.startswith(("hf://",)):
            return
        call = short if short.endswith(")") else f"{short}()"
        error = rule.error.split(":", 1)[0]
        when = ", after training has run" if after_fit else ""
        self.report(
            path.value,
            fix=_fix(path.value, end, entry),
            call=call,
            path=_shown(end),
            error=error,
            when=when,
            advice=_advice(entry, rule),
        )


def _receiver_text(receiver: cst.BaseExpression) -> str:
    code = cst.Module([]).code_for_node(receiver)
    return code if len(code) <= 30 else "model"


def _shown(end: PathEnd) -> str:
    return repr(end.text) if end.complete else f"'...{end.text}'"


def _advice(entry: str, rule: SavingRule) -> str:
    if entry == "load_model":
        return (
            "Keras 3 loads .keras and .h5 files only; reload a TF SavedModel with "
            "keras.layers.TFSMLayer(path, call_endpoint='serving_default')"
        )
    if entry == "save":
        return "end it in '.keras' (or call model.export(path) to write a SavedModel for serving)"
    if entry in ("save_weights", _WEIGHTS_ONLY):
        return "end it in '.weights.h5'"
    preferred: List[str] = [s for s in (".keras", ".weights.h5", ".h5") if s in rule.accepted] or list(rule.accepted)
    return "end it in " + " or ".join(repr(s) for s in preferred[:2])


def _fix(expr: cst.BaseExpression, end: PathEnd, entry: str) -> Optional[Fix]:
    suffix = _FIX_SUFFIX.get(entry)
    if suffix is None or not end.complete or not isinstance(expr, cst.SimpleString) or end.text.endswith("/"):
        return None
    text = end.text
    if suffix == ".weights.h5" and text.endswith((".h5", ".hdf5")):
        text = text.rsplit(".", 1)[0]
    quote = expr.quote
    prefix = expr.prefix
    if quote in text or "\\" in text:
        return None
    new = f"{prefix}{quote}{text}{suffix}{quote}"
    return Fix(new, safe=False, title=f"write {text + suffix!r}")
