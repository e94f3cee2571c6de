"""TFL209: a ``tf.data.Dataset`` handed to Keras without ever being batched."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rule import Rule
from tf_lint.semantics.dataflow import DATASET, dataflow, may_hold_datasets
from tf_lint.semantics.datasets import UNBATCHED, batch_state
from tf_lint.semantics.expressions import argument, keyword
from tf_lint.semantics.keras_calls import Receiver, method_call, receiver_kind
from tf_lint.semantics.links import built_at

if TYPE_CHECKING:
    pass

KERAS_DATA_METHODS = frozenset({"fit", "evaluate", "predict"})


class UnbatchedDataset(Rule):
    code = "TFL209"
    name = "unbatched-dataset"
    severity = Severity.ERROR
    message = "tf.data.Dataset{origin} passed to {method}() is never batched: Keras takes each element as a batch, which fails at the first {method}() or silently trains one sample per step; add .batch(32) before passing it"
    summary = "Flags a `tf.data.Dataset` built from single records (`from_tensor_slices`, `range`, file readers) and passed to `fit`/`evaluate`/`predict` without a `.batch(...)` step."
    rationale = """
        With a dataset, Keras ignores `batch_size` and treats every element as one batch.
        Measured with TF 2.21 / Keras 3.15 (keras-runtime-facts §3): usually
        `ValueError: ... expected shape (None, 8), but input has incompatible shape (8,)`
        at the first fit; a Sequential model without `Input` instead **trains silently** one
        sample per step, records the wrong input shape, and fails later at `predict`.
        Passing `batch_size=32` to `fit` does not help.
    """
    example = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000)
        model.fit(ds, epochs=5)
    """
    use_instead = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32)
        model.fit(ds, epochs=5)
    """
    known_problems = """
        Follows the dataset through method chains and reassignments (a `.batch()` in a later
        statement counts; a `.batch()` in only one branch of an `if` makes the state
        unknown), into functions of the same file that build or extend it, through
        `self.<attr>` set once in the class, and into parameters when every call in the file
        passes the same kind of dataset; into helpers of other modules of the project
        (`from data import make_dataset`), when the message names where the dataset is made. `from_tensors`, `from_generator` (which may yield
        batches), `interleave`/`flat_map`/`apply` steps and anything passed in from outside
        the file are unknown and never flagged.
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=KERAS_DATA_METHODS)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml:
            return
        receiver = method_call(node, KERAS_DATA_METHODS)
        if receiver is None:
            return
        method = node.func.attr.value  # type: ignore[attr-defined]
        scope = self.ctx.scope
        datasets = [arg.value for arg in (argument(node, "x", 0), keyword(node, "validation_data")) if arg is not None]
        if not datasets or not may_hold_datasets(self.ctx):
            return

        def check() -> None:
            if receiver_kind(receiver, scope, self.ctx.names(scope), method) is Receiver.NOT_KERAS:
                return
            flow = dataflow(self.ctx)
            for data in datasets:
                value = flow.value(data, scope, node)
                steps = [step.name for step in value.steps] if value is not None and value.kind == DATASET else []
                if batch_state(steps) == UNBATCHED:
                    assert value is not None
                    source = value.steps[0]
                    foreign = source.file is not None and source.file is not self.ctx
                    origin = f" (made at {built_at(scope, source.file, source.call)})" if foreign else ""
                    self.report(data, method=method, origin=origin)

        self.defer(check)
