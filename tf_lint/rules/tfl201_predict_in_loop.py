"""TFL201: model inference on one sample per loop iteration."""

from __future__ import annotations

import re
from typing import List, Optional

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.files import is_test_file
from tf_lint.names import ImportTable
from tf_lint.rule import Rule
from tf_lint.semantics.dataflow import dataflow
from tf_lint.semantics.expressions import argument, calls_in, is_int, keyword, last_name, short_code
from tf_lint.semantics.keras_calls import Receiver, method_call, receiver_kind
from tf_lint.semantics.loops import hot_loops
from tf_lint.semantics.reaching import reaching
from tf_lint.semantics.samples import sample_of_enclosing_loop, single_sample
from tf_lint.semantics.scopes import Loop, Scope, target_names

INFERENCE_METHODS = frozenset({"predict", "predict_on_batch"})
_MODEL_LIKE_NAME = re.compile(r"(^|_)(model|net|network|classifier|encoder|decoder)$", re.IGNORECASE)


class PredictInLoop(Rule):
    code = "TFL201"
    name = "predict-in-loop"
    severity = Severity.PERFORMANCE
    message = "{call} {what}; {advice}"
    summary = "Flags `model.predict(...)`, `predict_on_batch(...)` and `model(...)` called on one sample per iteration of a Python loop, and `predict(..., batch_size=1)`."
    rationale = """
        Each `predict()` call builds a data adapter, callbacks and a traced step. Measured on
        1,000 samples of a small MLP (keras-runtime-facts §3): a loop of
        `predict(x[j:j+1])` took 49.6 s against 70 ms for one `predict(x)` on TensorFlow
        (707x), and 109x on JAX; `model(x[j:j+1])` in the loop was 26x slower and
        `predict_on_batch` 7x. On a GPU the per-sample loop measured 34.6x slower (§10).
    """
    example = """
        preds = []
        for i in range(len(x)):
            preds.append(model.predict(x[i:i + 1]))
    """
    use_instead = """
        preds = model.predict(x, batch_size=256)
    """
    known_problems = """
        Only explicit single-sample arguments count (`x[i:i+1]`, `x[[i]]`, `item[None]`,
        `np.expand_dims(item, 0)`, `item.reshape(1, ...)`, `np.array([item])`); a plain
        `x[i]` may be a batch from a list of batches and is not flagged. Loops whose body
        rebuilds the sampled array (autoregressive decoding) and `while` loops (serving loops)
        are left alone. `batch_size=1` is not flagged in files that build stateful RNNs.
        Loops that are not hot are left alone: in test files (`test_*.py`, `*_test.py`,
        `conftest.py`), and loops the source shows run at most 16 times in all (a literal list
        of cases, `range(3)`, `zip` of such lists, a 2x2 `tf.constant`).
    """

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.imports.imports_ml:
            return
        scope, loops = self.ctx.scope, self.ctx.enclosing_loops()
        receiver = method_call(node, INFERENCE_METHODS)
        if receiver is not None:
            method = node.func.attr.value  # type: ignore[attr-defined]
            batch_size = keyword(node, "batch_size")
            if method == "predict" and batch_size is not None and is_int(batch_size.value, 1):
                self.defer(lambda: self._batch_size_one(node, receiver, batch_size, scope))
            data = argument(node, "x", 0)
            if data is not None and _picks_one_sample(data.value, loops, self.ctx.imports):
                call = f"{short_code(receiver)}.{method}()"
                self.defer(lambda: self._per_sample(node, receiver, data.value, loops, scope, call, method=method))
            elif data is not None and isinstance(data.value, cst.Name):
                loop = next((lp for lp in reversed(loops) if data.value.value in lp.targets), None)
                if loop is not None:
                    call = f"{short_code(receiver)}.{method}()"
                    self.defer(lambda: self._from_sample_list(node, receiver, loop, scope, call, method))
            return
        if (
            node.args
            and node.args[0].keyword is None
            and last_name(node.func)
            and _picks_one_sample(node.args[0].value, loops, self.ctx.imports)
        ):
            call = f"{short_code(node.func)}(...)"
            self.defer(lambda: self._per_sample(node, node.func, node.args[0].value, loops, scope, call, method=None))

    def _per_sample(
        self,
        node: cst.Call,
        model: cst.BaseExpression,
        data: cst.BaseExpression,
        loops: List[Loop],
        scope: Scope,
        call: str,
        *,
        method: Optional[str],
    ) -> None:
        """``method`` is None for a direct call of the model, ``model(x)``."""
        if not hot_loops(self.ctx.path, loops, scope, self.ctx.names(scope)) or any(_runs_tflite(loop.node) for loop in loops):
            return  # a handful of samples, a test, or a comparison with a one-sample TFLite model
        kind = receiver_kind(model, scope, self.ctx.names(scope), method)
        if kind is Receiver.NOT_KERAS:
            return
        # Calling an unknown object is evidence of nothing unless its name says "model".
        if method is None and kind is not Receiver.KERAS and not _MODEL_LIKE_NAME.search(last_name(model)):
            return
        if sample_of_enclosing_loop(node, data, loops, self.ctx.names(scope)):
            self.report(
                node,
                call=call,
                what="runs the model on one sample per loop iteration, paying Keras' per-call overhead every time (measured 26-707x slower than one batched call)",
                advice="collect the samples and make one batched call (model.predict(x, batch_size=...))",
            )

    def _from_sample_list(
        self, node: cst.Call, model: cst.BaseExpression, loop: Loop, scope: Scope, call: str, method: str
    ) -> None:
        """``samples = [x[None] for x in X]`` ... ``for s in samples: model.predict(s)``."""
        if not hot_loops(self.ctx.path, [loop], scope, self.ctx.names(scope)):
            return
        clause = loop.node if isinstance(loop.node, cst.For) else getattr(loop.node, "for_in", None)
        if not isinstance(clause, (cst.For, cst.CompFor)) or not isinstance(clause.iter, cst.Name):
            return
        if not isinstance(clause.target, cst.Name):
            return
        # A comprehension's iterable is evaluated in the enclosing scope, before it.
        where = scope if isinstance(loop.node, cst.For) else (scope.parent or scope)
        found = reaching(clause.iter.value, loop.node, where, dataflow(self.ctx).parents)
        built = found.value if found is not None and not found.path else None
        if not isinstance(built, cst.ListComp) or built.for_in.inner_for_in is not None:
            return
        names = self.ctx.names(where)
        if not single_sample(built.elt, target_names(built.for_in.target), names):
            return
        if receiver_kind(model, scope, names, method) is Receiver.NOT_KERAS:
            return
        self.report(
            node,
            call=call,
            what="runs the model on one sample per loop iteration (the list holds single samples), paying Keras' per-call overhead every time (measured 26-707x slower than one batched call)",
            advice="stack the samples and make one batched call (model.predict(np.concatenate(samples)))",
        )

    def _batch_size_one(self, node: cst.Call, receiver: cst.BaseExpression, batch_size: cst.Arg, scope: Scope) -> None:
        names = self.ctx.names(scope)
        if self.ctx.builds_stateful_rnn or is_test_file(self.ctx.path) or receiver_kind(receiver, scope, names, "predict") is Receiver.NOT_KERAS:
            return
        data = argument(node, "x", 0)
        if data is not None and single_sample(data.value, None, names):
            return  # one sample anyway: a larger batch_size would change nothing
        self.report(
            batch_size,
            call=f"{short_code(receiver)}.predict(batch_size=1)",
            what="runs one sample per step",
            advice="use a larger batch_size (the default is 32); predictions do not depend on it",
        )


_TFLITE_METHODS = frozenset({"invoke", "set_tensor", "get_tensor"})


def _runs_tflite(loop: cst.CSTNode) -> bool:
    """The loop also runs a TFLite model (``interpreter.invoke()``, ``lite_model(x)``), which
    takes one sample at a time by construction: the loop compares outputs sample by sample."""
    for call in calls_in(loop):
        name = last_name(call.func)
        if name in _TFLITE_METHODS or "lite" in name.lower():
            return True
    return False


def _picks_one_sample(data: cst.BaseExpression, loops: List[Loop], imports: ImportTable) -> bool:
    """Cheap shape test at visit time; the full test runs after the traversal."""
    return any(single_sample(data, loop.targets, imports) for loop in loops)
