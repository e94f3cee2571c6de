"""TFL508: a train/validation split with ``take``/``skip`` on a dataset that reshuffles every epoch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Set, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rule import Rule
from tf_lint.semantics.expressions import keyword
from tf_lint.semantics.scopes import ASSIGN, Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_DATASET_SOURCES = ("tensorflow.data.",)
_KEEPS_ORDER = frozenset({"map", "filter", "prefetch", "batch", "padded_batch", "repeat", "with_options", "apply"})


class SplitAfterReshufflingShuffle(Rule):
    code = "TFL508"
    name = "split-after-reshuffling-shuffle"
    severity = Severity.ERROR
    fix_safety = "safe"
    fix_note = """
        Adding `reshuffle_each_iteration=False` keeps one permutation for all epochs, so the
        two halves stay disjoint; the order within each half no longer changes per epoch
        (splitting before shuffling, then shuffling the training half, keeps that too).
    """
    message = "take()/skip() split a dataset whose shuffle() reshuffles every epoch: the split is redrawn each epoch and validation samples leak into training; pass reshuffle_each_iteration=False or split before shuffling"
    summary = "Flags `ds.take(n)` and `ds.skip(n)` on the same dataset whose last reordering is a `shuffle(...)` without `reshuffle_each_iteration=False`."
    rationale = """
        `Dataset.shuffle` draws a new permutation on every iteration by default, and each
        epoch iterates the dataset anew: `take(n)` and `skip(n)` then select different
        elements every epoch, so over a few epochs the model trains on the validation
        samples and the validation metrics are optimistic, with no error or warning.
        Measured on TensorFlow 2.21 (`tf.data` is TensorFlow's whatever the Keras backend):
        with `range(100).shuffle(100).take(20)` / `.skip(20)`, 13 of the 20 validation
        elements were also in the training split of the same pass, and three passes showed
        48 distinct "validation" elements.
    """
    example = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000)
        train = ds.take(800)
        val = ds.skip(800)
    """
    use_instead = """
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000, reshuffle_each_iteration=False)
        train = ds.take(800)
        val = ds.skip(800)
    """
    known_problems = """
        Only a name bound once in its scope, with both `take` and `skip` called on it in
        that scope, is checked; `cache()` after the shuffle freezes the first order and is
        not flagged.
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._splits: Dict[Tuple[int, str], Set[str]] = {}
        self._scopes: Dict[Tuple[int, str], Scope] = {}

    def call_interests(self) -> CallInterests:
        return CallInterests(methods=frozenset({"take", "skip"}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml or not isinstance(node.func, cst.Attribute):
            return
        receiver = node.func.value
        if not isinstance(receiver, cst.Name):
            return
        scope = self.ctx.scope
        key = (id(scope), receiver.value)
        if key not in self._splits:
            self._splits[key] = set()
            self._scopes[key] = scope
            self.defer(lambda: self._check(key))
        self._splits[key].add(node.func.attr.value)

    def _check(self, key: Tuple[int, str]) -> None:
        if self._splits[key] != {"take", "skip"}:
            return
        scope, name = self._scopes[key], key[1]
        owner = scope.owner_of(name)
        bindings = owner.bindings.get(name, []) if owner is not None else []
        if len(bindings) != 1 or bindings[0].kind != ASSIGN or bindings[0].value is None:
            return
        shuffle = _reshuffling_shuffle(bindings[0].value, scope, self)
        if shuffle is not None:
            self.report(shuffle, fix=_fix(shuffle))

    def resolve(self, expr: cst.BaseExpression, scope: Scope) -> Optional[str]:
        return self.ctx.names(scope).resolve(expr)


def _reshuffling_shuffle(expr: cst.BaseExpression, scope: Scope, rule: SplitAfterReshufflingShuffle) -> Optional[cst.Call]:
    """The chain's last reordering, when it is a shuffle() that reshuffles; the chain must
    start at a ``tf.data`` source."""
    steps: List[cst.Call] = []
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        source = rule.resolve(expr.func, scope)
        if source is not None:
            if not source.startswith(_DATASET_SOURCES):
                return None
            break  # the source: tf.data.Dataset.from_tensor_slices(...), tf.data.TFRecordDataset(...)
        steps.append(expr)
        expr = expr.func.value
    else:
        return None
    for step in steps:  # outermost (last applied) first
        method = step.func.attr.value  # type: ignore[attr-defined]
        if method == "shuffle":
            flag = keyword(step, "reshuffle_each_iteration")
            if flag is not None and not (isinstance(flag.value, cst.Name) and flag.value.value in ("True", "None")):
                return None
            return step
        if method not in _KEEPS_ORDER:
            return None  # cache(), take(), shard()...: the order after it is not the shuffle's
    return None


def _fix(shuffle: cst.Call) -> Optional[Fix]:
    if keyword(shuffle, "reshuffle_each_iteration") is not None or any(arg.star for arg in shuffle.args):
        return None
    args = list(shuffle.args)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(cst.Arg(cst.Name("False"), keyword=cst.Name("reshuffle_each_iteration"), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
    replacement = cst.Module([]).code_for_node(shuffle.with_changes(args=args))
    return Fix(replacement, safe=True, title="pass reshuffle_each_iteration=False")
