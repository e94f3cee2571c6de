"""TFL307: one-hot labels with a sparse loss, or integer labels with a categorical loss."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, NamedTuple, Optional, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, short_code
from tf_lint.semantics.models import compiled_loss
from tf_lint.semantics.reaching import reaching, shared_parents
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_ONE_HOT = frozenset({"keras.utils.to_categorical", "tensorflow.one_hot", "keras.ops.one_hot", "pandas.get_dummies"})
_INTEGER = frozenset({"numpy.argmax", "tensorflow.argmax", "tensorflow.math.argmax", "keras.ops.argmax"})
# keras.datasets whose load_data() returns integer class labels (not boston_housing: regression).
_CLASS_DATASETS = frozenset({"mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters"})
_ENCODERS = {"sklearn.preprocessing.LabelEncoder": "integer", "sklearn.preprocessing.LabelBinarizer": "one-hot"}
_EXPECTED = {
    ("one-hot", "sparse_categorical_crossentropy"): "categorical_crossentropy",
    ("integer", "categorical_crossentropy"): "sparse_categorical_crossentropy",
    ("integer", "categorical_focal_crossentropy"): "sparse_categorical_crossentropy",
}
# What Keras 3.15 raises at the first fit() (measured on JAX; TensorFlow words it differently).
_ERRORS = {
    "one-hot": "Arguments `target` and `output` must have the same shape up until the last dimension",
    "integer": "Arguments `target` and `output` must have the same shape",
}


class Encoding(NamedTuple):
    kind: str  # "one-hot" | "integer"
    origin: str  # the call that made the labels, for the message


class LabelEncodingLossMismatch(Rule):
    code = "TFL307"
    name = "label-encoding-loss-mismatch"
    severity = Severity.ERROR
    message = "{labels} holds {kind} labels (from {origin}) but the model is compiled with {loss}: Keras raises ValueError at the first fit() ({error}); use loss='{expected}'"
    summary = "Flags `fit()` given one-hot labels with a sparse categorical loss, or integer labels with a one-hot categorical loss, when the file shows where the labels come from."
    rationale = """
        `sparse_categorical_crossentropy` takes class indices, `categorical_crossentropy`
        one-hot rows. `compile()` cannot know which the labels are, so the mismatch surfaces
        at the first `fit()`, after data loading and preprocessing. Measured on Keras 3.15:
        one-hot labels with the sparse loss raise `ValueError: Arguments target and output
        must have the same shape up until the last dimension` on JAX (`Argument output must
        have rank (ndim) target.ndim - 1` on TensorFlow 2.21); integer labels with the
        categorical loss raise `Arguments target and output must have the same shape` (JAX)
        or `... same rank (ndim)` (TensorFlow).
    """
    example = """
        (x_train, y_train), _ = keras.datasets.mnist.load_data()
        y_train = keras.utils.to_categorical(y_train, 10)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x_train, y_train)
    """
    use_instead = """
        (x_train, y_train), _ = keras.datasets.mnist.load_data()
        y_train = keras.utils.to_categorical(y_train, 10)
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit(x_train, y_train)
    """
    known_problems = """
        The labels must be a name whose last assignment before `fit()` is certain: a
        straight-line assignment in the same function from `to_categorical`/`one_hot`/
        `get_dummies`/`LabelBinarizer` (one-hot) or `argmax`/`LabelEncoder`/a classification
        `keras.datasets` loader (integers). A name assigned in a branch or a loop, a
        parameter, and datasets are not followed. The model must be compiled once in that
        scope with a loss string or class.
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._compiles: Dict[Tuple[int, str], List[Tuple[cst.Call, Scope]]] = {}
        self._parents = shared_parents(ctx)

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=frozenset({"compile", "fit"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        func = node.func
        if not self.ctx.imports.imports_ml or not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return
        scope = self.ctx.scope
        model = func.value.value
        key = (id(scope.owner_of(model)), model)
        if func.attr.value == "compile":
            self._compiles.setdefault(key, []).append((node, scope))
            return
        labels = argument(node, "y", 1)
        if labels is not None and isinstance(labels.value, cst.Name):
            self.defer(lambda: self._check(node, key, labels.value, scope))  # type: ignore[arg-type]

    def _check(self, fit: cst.Call, key: Tuple[int, str], labels: cst.Name, scope: Scope) -> None:
        compiles = self._compiles.get(key, [])
        if len(compiles) != 1:
            return
        compile_call, compile_scope = compiles[0]
        loss = compiled_loss(compile_call, compile_scope, self.ctx.names(compile_scope))
        if loss is None:
            return
        encoding = self._encoding(labels.value, fit, scope, 0)
        if encoding is None:
            return
        expected = _EXPECTED.get((encoding.kind, loss.name))
        if expected is None:
            return
        self.report(
            labels,
            labels=labels.value,
            kind=encoding.kind,
            origin=encoding.origin,
            loss=loss.name,
            error=_ERRORS[encoding.kind],
            expected=expected,
        )

    def _encoding(self, name: str, use: cst.CSTNode, scope: Scope, depth: int) -> Optional[Encoding]:
        if self.ctx.tracing.declared_global(name):
            return None  # a function rebinds it through `global`
        found = reaching(name, use, scope, self._parents)
        if found is None or depth > 3:
            return None
        value, names = found.value, self.ctx.names(scope)
        if found.path:
            return _from_loader(value, found.path, names)
        if isinstance(value, cst.Name):
            return self._encoding(value.value, found.statement, scope, depth + 1)  # labels = y_train
        if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Call):
            if names.resolve(value.value.func) == "numpy.eye":
                return Encoding("one-hot", short_code(value, 30))  # np.eye(k)[y]
            return None
        if not isinstance(value, cst.Call):
            return None
        qualified = names.resolve(value.func)
        if qualified in _ONE_HOT:
            return Encoding("one-hot", f"{short_code(value.func)}()")
        if qualified in _INTEGER:
            return Encoding("integer", f"{short_code(value.func)}()")
        if isinstance(value.func, cst.Attribute) and value.func.attr.value == "fit_transform":
            encoder = self._encoder_class(value.func.value, found.statement, scope)
            kind = _ENCODERS.get(encoder or "")
            if kind is not None:
                return Encoding(kind, f"{encoder.rsplit('.', 1)[1] if encoder else ''}().fit_transform()")
        return None

    def _encoder_class(self, receiver: cst.BaseExpression, use: cst.CSTNode, scope: Scope) -> Optional[str]:
        names = self.ctx.names(scope)
        if isinstance(receiver, cst.Call):
            return names.resolve(receiver.func)
        if isinstance(receiver, cst.Name):
            found = reaching(receiver.value, use, scope, self._parents)
            if found is not None and not found.path and isinstance(found.value, cst.Call):
                return names.resolve(found.value.func)
        return None


def _from_loader(value: cst.BaseExpression, path: Tuple[int, ...], names: "object") -> Optional[Encoding]:
    """``(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()``."""
    if not isinstance(value, cst.Call) or len(path) != 2 or path[1] != 1:
        return None
    qualified = names.resolve(value.func) or ""  # type: ignore[attr-defined]
    parts = qualified.split(".")
    if len(parts) == 4 and parts[:2] == ["keras", "datasets"] and parts[2] in _CLASS_DATASETS and parts[3] == "load_data":
        return Encoding("integer", f"keras.datasets.{parts[2]}.load_data()")
    return None
