"""TFL202: training on one sample per call."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.files import is_test_file
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, is_int, keyword, short_code
from tf_lint.semantics.keras_calls import Receiver, method_call, receiver_kind
from tf_lint.semantics.loops import hot_loops
from tf_lint.semantics.samples import sample_of_enclosing_loop

TRAINING_METHODS = frozenset({"fit", "evaluate", "train_on_batch", "test_on_batch"})


class PerSampleTraining(Rule):
    code = "TFL202"
    name = "per-sample-training"
    severity = Severity.PERFORMANCE
    message = "{call} {what}; {advice}"
    summary = "Flags `fit`/`evaluate`/`train_on_batch`/`test_on_batch` called on one sample per loop iteration, and `fit(..., batch_size=1)`."
    rationale = """
        A step on one sample wastes the hardware and makes every gradient step (and
        BatchNormalization statistics) depend on a single example. Measured: `fit` over 1,000
        rows took 1.43 s with `batch_size=1` against 0.44 s with the default 32 on a CPU
        (keras-runtime-facts §3); on a GPU, batch 1 trained 164 samples/s against 5,298 at
        batch 32 (§10). Calling `fit`/`train_on_batch` per sample in a Python loop adds Keras'
        per-call set-up on top.
    """
    example = """
        for i in range(len(x)):
            model.train_on_batch(x[i:i + 1], y[i:i + 1])
    """
    use_instead = """
        model.fit(x, y, batch_size=32, epochs=1)
    """
    known_problems = """
        Only explicit single-sample arguments count (see TFL201); `train_on_batch(batch_x,
        batch_y)` in a loop over batches is the intended API and is not flagged.
        `batch_size=1` is not flagged in files that build stateful RNNs (`stateful=True`),
        where the batch size is part of the model.
        Loops that are not hot are left alone: in test files (`test_*.py`, `*_test.py`,
        `conftest.py`), and loops the source shows run at most 16 times in all (a literal list
        of cases, `range(3)`, `zip` of such lists, a 2x2 `tf.constant`).
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=TRAINING_METHODS)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml:
            return
        receiver = method_call(node, TRAINING_METHODS)
        if receiver is None:
            return
        method = node.func.attr.value  # type: ignore[attr-defined]
        scope, loops = self.ctx.scope, self.ctx.enclosing_loops()
        call = f"{short_code(receiver)}.{method}()"

        def check() -> None:
            if is_test_file(self.ctx.path) or receiver_kind(receiver, scope, self.ctx.names(scope), method) is Receiver.NOT_KERAS:
                return  # tests fit a few samples one by one on purpose
            batch_size = keyword(node, "batch_size")
            if method == "fit" and batch_size is not None and is_int(batch_size.value, 1):
                if not self.ctx.builds_stateful_rnn:
                    self.report(
                        batch_size,
                        call=f"{short_code(receiver)}.fit(batch_size=1)",
                        what="takes one gradient step per sample",
                        advice="use a larger batch_size (the default is 32): measured 3x slower on a CPU and 32x on a GPU",
                    )
                return
            data = argument(node, "x", 0)
            names = self.ctx.names(scope)
            if loops and data is not None and hot_loops(self.ctx.path, loops, scope, names) and sample_of_enclosing_loop(node, data.value, loops, names):
                self.report(
                    node,
                    call=call,
                    what="runs on one sample per loop iteration, paying Keras' per-call overhead for a one-sample step",
                    advice="pass the whole arrays once (model.fit(x, y, batch_size=32)) or batch a tf.data pipeline",
                )

        self.defer(check)
