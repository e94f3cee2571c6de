"""TFL313: ``compile()`` inside the loop that trains the same model, restarting the optimizer."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Set, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import argument, short_code
from tf_lint.semantics.keras_calls import Receiver, receiver_kind
from tf_lint.semantics.scopes import Loop, Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_TRAINING = frozenset({"fit", "train_on_batch"})
# Methods that leave the model as it is; any other call on it in the loop (``grow()``, ``pop()``,
# ``load_weights()``) may change what needs compiling.
_HARMLESS = _TRAINING | frozenset({"compile", "evaluate", "predict", "summary", "save", "save_weights", "test_on_batch", "predict_on_batch"})


class CompileInLoop(Rule):
    code = "TFL313"
    name = "compile-in-loop"
    severity = Severity.WARNING
    message = "{model}.compile() runs on every iteration of the loop that trains {model}: each call builds a new optimizer{source}, so its moments, step count and learning-rate schedule restart every iteration; compile once before the loop"
    summary = "Flags `model.compile(...)` inside a loop that also calls `model.fit(...)`/`train_on_batch(...)` on the same, unchanged model."
    rationale = """
        `compile()` replaces the model's optimizer with the one it is given; a string
        (`"adam"`) or a constructor call builds a fresh one each time. In
        `for epoch in range(E): model.compile(...); model.fit(..., epochs=1)` the weights carry
        over but Adam's moment estimates and iteration count start from zero every epoch, and a
        learning-rate schedule never gets past its first steps. Nothing warns: the loss just
        improves more slowly, or spikes at every iteration. Measured on Keras 3.15 (JAX):
        three iterations of `compile(optimizer="adam")` + `fit(epochs=1)` of two steps leave
        `optimizer.iterations` at 2; compiled once before the loop, it reaches 6.
    """
    example = """
        for epoch in range(20):
            model.compile(optimizer="adam", loss="mse")
            model.fit(x, y, epochs=1)
    """
    use_instead = """
        model.compile(optimizer="adam", loss="mse")
        for epoch in range(20):
            model.fit(x, y, epochs=1)
    """
    known_problems = """
        Not flagged: a model rebuilt in the loop (a hyper-parameter sweep), a loop that changes
        `trainable` or calls another method on the model (`grow()`, `pop()`: recompiling is
        required then), a `compile()` with keywords Keras' own does not take (a model class's
        override), and an optimizer passed as a variable (it may be the same object every time).
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._trained: Set[Tuple[int, str]] = set()  # (id(loop node), model name) trained in that loop
        self._trainable_loops: Set[int] = set()  # loops whose body assigns ``x.trainable``
        self._changed: Set[Tuple[int, str]] = set()  # (id(loop node), model name) with another method called

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.ctx.loops and isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.attr.value not in _HARMLESS:
                self._changed.update((id(loop.node), func.value.value) for loop in self.ctx.enclosing_loops())

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=_TRAINING | {"compile"})

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(isinstance(t.target, cst.Attribute) and t.target.attr.value == "trainable" for t in node.targets):
            self._trainable_loops.update(id(loop.node) for loop in self.ctx.loops)

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        func = node.func
        if not self.ctx.imports.imports_ml or not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return
        loops = self.ctx.enclosing_loops()
        if not loops:
            return
        name = func.value.value
        if func.attr.value in _TRAINING:
            self._trained.update((id(loop.node), name) for loop in loops)
            return
        scope = self.ctx.scope
        self.defer(lambda: self._check(node, func.value, loops, scope))  # type: ignore[arg-type]

    def _check(self, node: cst.Call, receiver: cst.Name, loops: List[Loop], scope: Scope) -> None:
        name = receiver.value
        if receiver_kind(receiver, scope, self.ctx.names(scope), "compile") is Receiver.NOT_KERAS:
            return
        known = set(self.ctx.knowledge.compile_parameters)
        if any(arg.keyword is not None and arg.keyword.value not in known or arg.star for arg in node.args):
            return  # a compile() the model class defines itself (d_optimizer=..., phase=...)
        optimizer = argument(node, "optimizer", 0)
        if optimizer is not None and not isinstance(optimizer.value, (cst.SimpleString, cst.ConcatenatedString, cst.Call)):
            return  # a variable: possibly the same optimizer object on every iteration
        for loop in loops:
            if (id(loop.node), name) not in self._trained:
                continue
            changed = (id(loop.node), name) in self._changed or id(loop.node) in self._trainable_loops
            if name in loop.assigned_in_body or name in loop.targets or changed:
                return  # rebuilt, grown, re-frozen/unfrozen: recompiling is needed
            source = f" from {short_code(optimizer.value)}" if optimizer is not None else " (the default 'rmsprop')"
            self.report(node, model=name, source=source)
            return
