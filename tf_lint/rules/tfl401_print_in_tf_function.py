"""TFL401: ``print()`` in traced code: it runs while tracing, not on each call."""

from __future__ import annotations

from typing import Any, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rules._traced_code_rule import TracedCodeRule
from tf_lint.semantics.expressions import calls_in, string_value
from tf_lint.semantics.scopes import Scope

_STATIC_ATTRIBUTES = frozenset({"shape", "dtype", "name", "ndim"})


class PrintInTfFunction(TracedCodeRule):
    code = "TFL401"
    name = "print-in-tf-function"
    severity = Severity.WARNING
    message = "print() inside a traced function runs only while the function is traced (once per input signature), not on every call, and shows symbolic tensors; use tf.print(...)"
    summary = "Flags `print(...)` of values in a `tf.function` (or a function passed to `Dataset.map`)."
    rationale = """
        Python code in a `tf.function` runs once, while TensorFlow traces it into a graph.
        Measured with TensorFlow 2.21: a `print("traced", x)` in a function called three
        times printed once, `traced Tensor("x:0", shape=(), dtype=float32)`, with no value.
        `tf.print` is a graph op and prints the values on every call.
    """
    example = """
        @tf.function
        def train_step(x, y):
            loss = compute_loss(x, y)
            print("loss", loss)
            return loss
    """
    use_instead = """
        @tf.function
        def train_step(x, y):
            loss = compute_loss(x, y)
            tf.print("loss", loss)
            return loss
    """
    known_problems = """
        Trace-time logging on purpose is left alone: a `print` of only string literals,
        `.shape`/`.dtype`/`.name` attributes and f-strings of those (the TensorFlow guide
        counts retraces that way), a `print` whose message says it is about tracing
        (`print("Tracing with", x)`), and a `print` in a function that also calls `tf.print`
        (which shows the difference on purpose).
    """
    fix_safety = "unsafe"
    fix_note = "Unsafe: `tf.print` prints on every call instead of once, to standard error by default; `sep=`/`end=`/`file=` differ slightly."

    def candidate_calls(self) -> CallInterests:
        return CallInterests(functions=frozenset({"print"}))

    def on_candidate_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "print" and not _only_static(node) and not _says_tracing(node):
            self.candidate(node)

    def judge(self, node: cst.CSTNode, scope: Scope, extra: Any) -> None:
        assert isinstance(node, cst.Call)
        if scope.owner_of("print") is not None:
            return  # a local print function
        function = scope.enclosing_function()
        if function is not None and any(self.ctx.names(scope).resolve(c.func) == "tensorflow.print" for c in calls_in(function.node, nested=False)):
            return  # print beside tf.print: the function shows the difference on purpose
        alias = self.ctx.imports.alias_of("tensorflow")
        fix = Fix(f"{alias}.print", safe=False, title="use tf.print") if alias else None
        self.report(node.func, fix=fix)


def _says_tracing(call: cst.Call) -> bool:
    """``print("Tracing with", x)``: the message says it reports tracing, which is the intent."""
    first = call.args[0].value if call.args and call.args[0].keyword is None else None
    text: Optional[str] = None
    if isinstance(first, cst.FormattedString):
        text = "".join(part.value for part in first.parts if isinstance(part, cst.FormattedStringText))
    elif first is not None:
        text = string_value(first)
    return text is not None and "trac" in text.lower()


def _only_static(call: cst.Call) -> bool:
    """Only literals and static attributes: deliberate trace-time logging."""
    return all(_static(arg.value) for arg in call.args if arg.keyword is None) and bool(call.args)


def _static(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    if isinstance(expr, cst.Attribute):
        return expr.attr.value in _STATIC_ATTRIBUTES
    if isinstance(expr, cst.FormattedString):
        return all(
            isinstance(part, cst.FormattedStringText)
            or (isinstance(part, cst.FormattedStringExpression) and _static(part.expression))
            for part in expr.parts
        )
    return False
