"""The built-in validators: one small function per rule, registered with ``@validator``.

Each reads the finding's node, asks the slicer for what the probe needs, and returns a
:class:`Check` whose judge reads the child's outcome. Judges confirm only on the evidence the
rule predicts (the flagged name in the runtime's error, a slowdown above the threshold);
anything else the runtime did is reported as inconclusive, with what it was.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, Optional, Union

import libcst as cst

from tf_lint.knowledge.api import MISSING, api_path, lookup
from tf_lint.names import module_name
from tf_lint.validate.checks import Check, Outcome, Site, Validator, registered_validators, validator
from tf_lint.validate.slicer import CannotRebuild, Slicer
from tf_lint.validate.verdicts import CONFIRMED, INCONCLUSIVE, REFUTED, Verdict, inconclusive

_MODEL_TRAINING = ("fit", "evaluate", "train_on_batch", "test_on_batch")


def _judged(check: Callable[[Site], Check]) -> Callable[[Site], Union[Check, Verdict]]:
    """Turn the slicer's ``CannotRebuild`` into an inconclusive verdict with its reason."""

    def run(site: Site) -> Union[Check, Verdict]:
        try:
            return check(site)
        except CannotRebuild as reason:
            text = str(reason)
            return inconclusive(text if text.startswith("cannot rebuild") else f"cannot rebuild: {text}")

    run.__name__ = check.__name__
    run.__doc__ = check.__doc__
    return run


def _enclosing_call(site: Site) -> cst.Call:
    node: Optional[cst.CSTNode] = site.node
    if isinstance(node, cst.Call):
        return node
    for ancestor in site.source.ancestors(site.node):
        if isinstance(ancestor, cst.Call):
            return ancestor
    raise CannotRebuild("the finding is not inside a call")


def _flagged_text(site: Site) -> Optional[str]:
    node = site.node.value if isinstance(site.node, cst.Arg) else site.node
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = Slicer(site.source).value(node, node)
        return value if isinstance(value, str) else None
    return None


_WRAPPER_LINE = re.compile(r"^Exception encountered when calling [\w.]+\(\)\.?$")


def _message_line(message: str) -> str:
    """The line of a Keras error that says what went wrong: Keras wraps errors raised inside
    a layer in "Exception encountered when calling X.call()." followed by the cause."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    if _WRAPPER_LINE.match(lines[0]) and len(lines) > 1:
        return f"{lines[0]} {lines[1]}"
    return lines[0]


def _raised(outcome: Outcome, who: str = "Keras") -> str:
    where = f" at {outcome['phase']}" if outcome.get("phase") else ""
    return f"{who} raised{where}: {outcome['type']}: {_message_line(outcome.get('message', ''))}".rstrip(": ")


def _other_outcome(outcome: Outcome) -> Verdict:
    """What a judge says when the outcome is not the evidence it looks for."""
    status = outcome.get("status")
    if status == "raised":
        return Verdict(INCONCLUSIVE, f"the rebuilt code failed for another reason: {_raised(outcome)}", phase=outcome.get("phase", ""))
    if status == "out-of-memory":
        return inconclusive(f"the check ran out of memory: {outcome.get('message', '')}")
    if status in ("crashed", "no-device", "refused", "unsupported"):
        return inconclusive(str(outcome.get("message")))
    if status == "probe-error":
        return inconclusive(f"the check itself failed ({outcome.get('type')}: {outcome.get('message')}); please report it")
    return inconclusive(f"unexpected outcome {status!r}")


def _names(message: str, text: str) -> bool:
    """Does the error name ``text`` itself, not a longer word (``sgd`` in ``sgdd``)?"""
    return re.search(rf"(?<![\w]){re.escape(text)}(?![\w])", message) is not None


def _expects_error(mentioning: str, ran: str, who: str = "Keras") -> Callable[[Outcome], Verdict]:
    """Confirmed when the runtime raised an error naming ``mentioning``; refuted when it ran
    through (``ran`` says what ran)."""

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") == "ok":
            detail = f" (loss {outcome['loss']:.4g})" if isinstance(outcome.get("loss"), float) else ""
            return Verdict(REFUTED, f"{ran} without error{detail}")
        if outcome.get("status") == "raised" and _names(outcome.get("message", ""), mentioning):
            return Verdict(CONFIRMED, _raised(outcome, who), phase=outcome.get("phase", ""))
        return _other_outcome(outcome)

    return judge


# --- identifiers and other arguments Keras rejects ------------------------------------------------


@validator("TFL101", "TFL102", "TFL103", "TFL104", "TFL105", "TFL106", "TFL107", "TFL108", "TFL109", "TFL110", "TFL111")
@_judged
def rejected_argument(site: Site) -> Check:
    """A bad string in ``compile(...)``: rebuild the model, compile, train one step. A bad
    string in a constructor (a layer, an optimizer, ``keras.losses.get``): call it."""
    flagged = _flagged_text(site)
    if flagged is None:
        raise CannotRebuild("the flagged value is not a literal string")
    call = _enclosing_call(site)
    slicer = Slicer(site.source)
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "compile" and slicer.resolve(func, call) is None:
        model = slicer.model(func.value, call)
        compile_spec = slicer.compile_arguments(call, _flagged_argument(site))
        train: Dict[str, Any] = {"probe": "train", "model": model, "compile": compile_spec}
        return Check(train, _expects_error(flagged, "the rebuilt model compiled and trained one step"), "; ".join(slicer.notes))
    job: Dict[str, Any] = {"probe": "construct", "call": slicer.call(call, call)}
    return Check(job, _expects_error(flagged, f"{job['call']['call']}(...) was constructed"), "; ".join(slicer.notes))


def _flagged_argument(site: Site) -> Optional[cst.Arg]:
    for node in [site.node, *site.source.ancestors(site.node)]:
        if isinstance(node, cst.Arg):
            return node
    return None


# --- Keras 2 optimizer arguments -----------------------------------------------------------------


def _flagged_arg(site: Site) -> cst.Arg:
    node = site.node
    if isinstance(node, cst.Arg) and node.keyword is not None:
        return node
    for ancestor in site.source.ancestors(node):
        if isinstance(ancestor, cst.Arg) and ancestor.keyword is not None:
            return ancestor
    raise CannotRebuild("the finding is not a keyword argument")


@validator("TFL604")
@_judged
def removed_optimizer_argument(site: Site) -> Check:
    """``Adam(lr=0.01)``: construct the optimizer; Keras 3 rejects the argument."""
    keyword, spec, note = _only_flagged_keyword(site)
    return Check({"probe": "construct", "call": spec}, _expects_error(keyword, f"{spec['call']}(...) was constructed"), note)


def _only_flagged_keyword(site: Site) -> "tuple[str, Dict[str, Any], str]":
    """The constructor call with its positional arguments and the flagged keyword only, so
    that another bad keyword in the same call cannot decide the verdict."""
    arg = _flagged_arg(site)
    keyword = arg.keyword.value if arg.keyword is not None else ""
    call = _enclosing_call(site)
    spec = Slicer(site.source).call(call, call)
    dropped = sorted(k for k in spec["kwargs"] if k != keyword)
    spec["kwargs"] = {keyword: spec["kwargs"][keyword]}
    return keyword, spec, f"called with {keyword}= alone; left out {', '.join(dropped)}" if dropped else ""


@validator("TFL605")
@_judged
def ignored_optimizer_argument(site: Site) -> Check:
    """``Adam(decay=...)``: construct the optimizer; confirmed by Keras' own "will be ignored"."""
    keyword, spec, note = _only_flagged_keyword(site)
    return Check({"probe": "construct", "call": spec}, _warned_judge(keyword, spec, "ignored", " that it is ignored"), note)


def _warned_judge(keyword: str, spec: Dict[str, Any], saying: str, refuted_detail: str) -> Callable[[Outcome], Verdict]:
    """Confirmed when the constructor accepted ``keyword`` with a warning naming it (and
    containing ``saying``); refuted when it accepted it silently."""

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        said = [w for w in outcome.get("warnings", []) if keyword in w and saying in w]
        if said:
            return Verdict(CONFIRMED, f"{spec['call']}({keyword}=...) was accepted with the warning: {said[0]}", phase="constructor")
        return Verdict(REFUTED, f"{spec['call']}({keyword}=...) was accepted without a warning{refuted_detail}")

    return judge


@validator("TFL606")
@_judged
def removed_model_method(site: Site) -> Check:
    """``model.fit_generator``: look the method up on a real Keras model."""
    node = site.node
    attribute = site.source.parents.get(node)
    if not isinstance(node, cst.Name) or not isinstance(attribute, cst.Attribute):
        raise CannotRebuild("the finding is not a method name")
    slicer = Slicer(site.source)
    model = slicer.model(attribute.value, attribute)  # the user's own subclass may define it
    job = {"probe": "model_attribute", "name": node.value, "model": model}
    return Check(job, _expects_error(node.value, f"the rebuilt model has `{node.value}`"), "; ".join(slicer.notes))


# --- per-sample calls in loops -------------------------------------------------------------------


def _slowdown_judge(what: str, threshold: float) -> Callable[[Outcome], Verdict]:
    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        fast, slow = outcome["batched_samples_per_s"], outcome["per_sample_samples_per_s"]
        ratio = fast / max(slow, 1e-9)
        measured = {"per_sample_samples_per_s": slow, "batched_samples_per_s": fast, "ratio": ratio}
        evidence = f"{what}: {slow:,.0f} samples/s one at a time against {fast:,.0f} samples/s batched ({ratio:.1f}x slower)"
        status = CONFIRMED if ratio >= threshold else REFUTED
        if status == REFUTED:
            evidence += f", under the {threshold:g}x threshold"
        return Verdict(status, evidence, phase="timing", measured=measured)

    return judge


def _receiver_and_method(call: cst.Call) -> "tuple[cst.BaseExpression, str]":
    if isinstance(call.func, cst.Attribute):
        return call.func.value, call.func.attr.value
    return call.func, "call"  # model(x)


@validator("TFL201", "TFL202")
@_judged
def per_sample_call(site: Site) -> Check:
    """Time the flagged call on one sample at a time against one batched call, on the same
    rebuilt model and device, after warm-up."""
    call = _enclosing_call(site)
    receiver, method = _receiver_and_method(call)
    slicer = Slicer(site.source)
    model = slicer.model(receiver, call)
    job: Dict[str, Any] = {"probe": "per_sample", "model": model, "method": method, "compile": {}}
    if isinstance(site.node, cst.Arg):  # batch_size=1
        job["mode"] = "batch_size_1"
    if method in _MODEL_TRAINING:
        if not isinstance(receiver, cst.Name):
            raise CannotRebuild("the model is not a name")
        job["compile"] = slicer.compile_arguments(slicer.compile_of(receiver.value, call))
    what = f"{method}(batch_size=1)" if job.get("mode") else f"{method} per sample"
    return Check(job, _slowdown_judge(what, site.threshold), "; ".join(slicer.notes))


@validator("TFL209")
@_judged
def unbatched_dataset(site: Site) -> Check:
    """Rebuild the model, check that the call works on a batched `tf.data` dataset of
    synthetic samples, then make the same call on the unbatched dataset: the error Keras
    raises confirms the finding; if it runs instead (one sample per step), its samples/s
    against the batched call's decides. Needs TensorFlow installed (tf.data)."""
    call = _enclosing_call(site)
    receiver, method = _receiver_and_method(call)
    if method not in ("fit", "evaluate", "predict"):
        raise CannotRebuild(f"`{method}` is not fit, evaluate or predict")
    slicer = Slicer(site.source)
    model = slicer.model(receiver, call)
    job: Dict[str, Any] = {"probe": "unbatched_dataset", "model": model, "method": method, "compile": {}}
    if method != "predict":
        assert isinstance(receiver, cst.Name)  # slicer.model accepts names only
        job["compile"] = slicer.compile_arguments(slicer.compile_of(receiver.value, call))
    slower = _slowdown_judge(f"{method} on the unbatched dataset", site.threshold)

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") == "raised" and outcome.get("phase") == f"first {method}":
            return Verdict(CONFIRMED, f"the batched dataset worked, the unbatched one did not: {_raised(outcome)}", phase=outcome["phase"])
        return slower(outcome)

    return Check(job, judge, "; ".join(slicer.notes))


# --- Python loops over tensors ---------------------------------------------------------------------


@validator("TFL203")
@_judged
def tensor_loop(site: Site) -> Check:
    """A loop whose body only accumulates elements (``total += t[i] * 2``): time it against
    ``keras.ops.sum(t * 2)`` on a tensor of the same length (1,000 when it is not literal)."""
    loop = next((n for n in [site.node, *site.source.ancestors(site.node)] if isinstance(n, cst.For)), None)
    if loop is None:
        raise CannotRebuild("the finding is not in a for loop")
    pattern = _accumulation(loop)
    if pattern is None:
        raise CannotRebuild("the loop body is not a recognisable sum (`total += element * k`); only that pattern is timed")
    indexed, scale = pattern
    size, note = _tensor_length(site, loop)

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        ratio = outcome["loop_s"] / max(outcome["vectorized_s"], 1e-9)
        measured = {"loop_s": outcome["loop_s"], "vectorized_s": outcome["vectorized_s"], "ratio": ratio}
        evidence = (
            f"the loop over {outcome['size']:,} elements took {outcome['loop_s'] * 1000:.1f} ms, "
            f"the vectorized sum {outcome['vectorized_s'] * 1000:.2f} ms ({ratio:,.0f}x slower)"
        )
        return Verdict(CONFIRMED if ratio >= site.threshold else REFUTED, evidence, phase="timing", measured=measured)

    return Check({"probe": "tensor_loop", "size": size, "scale": scale, "indexed": indexed}, judge, note)


_SHAPED = frozenset({"tensorflow.random.normal", "tensorflow.random.uniform", "tensorflow.zeros", "tensorflow.ones"})
_DEFAULT_LENGTH, _MAX_LENGTH = 1000, 10_000


def _tensor_length(site: Site, loop: cst.For) -> "tuple[int, str]":
    """The loop's tensor length when its construction is literal (``tf.constant([...])``,
    ``tf.random.normal([n])``, ``tf.range(n)``); else 1,000, said in the note."""
    iterated: cst.BaseExpression = loop.iter
    if isinstance(iterated, cst.Call) and isinstance(iterated.func, cst.Name) and iterated.func.value == "range" and iterated.args:
        bound = iterated.args[-1].value  # range(len(t)) / range(t.shape[0])
        inner = bound.args[0].value if isinstance(bound, cst.Call) and bound.args else bound
        while isinstance(inner, (cst.Subscript, cst.Attribute)):
            inner = inner.value
        iterated = inner
    unknown = (_DEFAULT_LENGTH, f"tensor length unknown: timed with {_DEFAULT_LENGTH:,} float32 elements")
    if not isinstance(iterated, cst.Name):
        return unknown
    slicer = Slicer(site.source)
    try:
        made, at = slicer.expression_of(iterated.value, loop, "tensor")
        if not isinstance(made, cst.Call) or not made.args:
            return unknown
        qualified = slicer.resolve(made.func, at)
        first = slicer.value(made.args[0].value, at)
    except CannotRebuild:
        return unknown
    length: Optional[int] = None
    if qualified == "tensorflow.constant" and isinstance(first, list):
        if any(isinstance(item, (list, dict)) for item in first):
            raise CannotRebuild("only loops over 1-D tensors are timed")
        length = len(first)
    elif qualified in _SHAPED:
        dims = first.get("$tuple") if isinstance(first, dict) else first if isinstance(first, list) else [first]
        if not isinstance(dims, list) or len(dims) != 1:
            raise CannotRebuild("only loops over 1-D tensors are timed")
        length = dims[0] if isinstance(dims[0], int) else None
    elif qualified == "tensorflow.range" and len(made.args) == 1 and isinstance(first, int):
        length = first
    if length is None or length < 1:
        return unknown
    if length > _MAX_LENGTH:
        return _MAX_LENGTH, f"timed with {_MAX_LENGTH:,} of its {length:,} elements"
    return length, f"a 1-D float32 tensor of {length:,} elements, as built at line {site.source.start(made)[0]}"


def _accumulation(loop: cst.For) -> Optional["tuple[bool, float]"]:
    """``(indexed, scale)`` when the body is one ``acc += e``/``acc = acc + e`` with ``e`` the
    loop element (or ``t[i]``), optionally times a number."""
    body = loop.body.body if isinstance(loop.body, cst.IndentedBlock) else loop.body.body
    if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
        return None
    statement = body[0].body[0]
    term: Optional[cst.BaseExpression] = None
    if isinstance(statement, cst.AugAssign) and isinstance(statement.operator, cst.AddAssign):
        term = statement.value
    elif (
        isinstance(statement, cst.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.value, cst.BinaryOperation)
        and isinstance(statement.value.operator, cst.Add)
        and statement.value.left.deep_equals(statement.targets[0].target)
    ):
        term = statement.value.right
    if term is None or not isinstance(loop.target, cst.Name):
        return None
    scale = 1.0
    if isinstance(term, cst.BinaryOperation) and isinstance(term.operator, cst.Multiply):
        for element, factor in ((term.left, term.right), (term.right, term.left)):
            if isinstance(factor, (cst.Integer, cst.Float)):
                term, scale = element, float(factor.evaluated_value)
                break
        else:
            return None
    target = loop.target.value
    if isinstance(term, cst.Name) and term.value == target:
        return False, scale
    if (
        isinstance(term, cst.Subscript)
        and len(term.slice) == 1
        and isinstance(term.slice[0].slice, cst.Index)
        and isinstance(term.slice[0].slice.value, cst.Name)
        and term.slice[0].slice.value.value == target
    ):
        return True, scale
    return None


# --- names and keywords the real API does not have ------------------------------------------------


@validator("TFL601", "TFL602", "TFL608")
@_judged
def missing_name(site: Site) -> Check:
    """Look the name up in the installed library, attribute by attribute from `keras` (or
    `tensorflow`, when it is installed): the `AttributeError` confirms it. Nothing is called."""
    written = _written_name(site)
    path = api_path(written) if written else None
    if path is None:
        raise CannotRebuild("the flagged name is not a tensorflow/keras path")
    found = lookup(path)
    if found.status != MISSING:
        raise CannotRebuild(f"`{written}` is not missing from the data any more")
    missing = f"{found.owner}.{found.attr}"
    who = "TensorFlow" if missing.startswith("tensorflow") else "Keras"
    return Check({"probe": "attribute_path", "path": missing}, _expects_error(found.attr, f"`{missing}` exists; the lookup ran", who))


def _written_name(site: Site) -> Optional[str]:
    """The flagged dotted name as imported (``tf.keras.layers.Dens`` -> ``tensorflow.keras.layers.Dens``)."""
    node = site.node
    if not isinstance(node, (cst.Name, cst.Attribute)):
        return None
    for ancestor in site.source.ancestors(node):
        if isinstance(ancestor, cst.ImportFrom) and ancestor.module is not None and not ancestor.relative:
            return f"{module_name(ancestor.module)}.{module_name(node)}"
        if isinstance(ancestor, cst.Import):
            return module_name(node)
        if isinstance(ancestor, cst.BaseStatement):
            break
    return site.source.imports.resolve_written(node)


@validator("TFL607")
@_judged
def unknown_keyword(site: Site) -> Check:
    """A Keras constructor: call it with its positional arguments and the flagged keyword
    alone. A model method (`compile`, `fit`...): rebuild the model and call the method with
    the flagged keyword alone, which Python rejects before the method runs. TensorFlow
    functions are not called."""
    arg = _flagged_arg(site)
    keyword = arg.keyword.value if arg.keyword is not None else ""
    call = _enclosing_call(site)
    slicer = Slicer(site.source)
    func = call.func
    if isinstance(func, cst.Attribute) and slicer.resolve(func, call) is None:
        model = slicer.model(func.value, call)
        job = {"probe": "method_keyword", "model": model, "method": func.attr.value, "keyword": keyword, "value": slicer.value(arg.value, call)}
        return Check(job, _expects_error(keyword, f"{func.attr.value}({keyword}=...) was accepted"), "; ".join(slicer.notes))
    keyword, spec, note = _only_flagged_keyword(site)
    return Check({"probe": "construct", "call": spec}, _expects_error(keyword, f"{spec['call']}({keyword}=...) was accepted"), note)


# --- model/loss mismatches -------------------------------------------------------------------------


def _train_predict_job(site: Site) -> "tuple[Dict[str, Any], str]":
    """The compiled model the finding is about, trained 3 epochs and asked to predict."""
    call = _enclosing_call(site)
    while not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "compile"):
        outer = [a for a in site.source.ancestors(call) if isinstance(a, cst.Call)]
        if not outer:
            raise CannotRebuild("the finding is not inside a compile() call")
        call = outer[0]
    assert isinstance(call.func, cst.Attribute)
    slicer = Slicer(site.source)
    model = slicer.model(call.func.value, call)
    job = {"probe": "train_predict", "model": model, "compile": slicer.compile_arguments(call, _flagged_argument(site))}
    return job, "; ".join(slicer.notes)


def _outputs(outcome: Outcome) -> str:
    return f"predict gave outputs in [{outcome['output_min']:.3g}, {outcome['output_max']:.3g}], rows summing to {outcome['row_sum_min']:.3g}-{outcome['row_sum_max']:.3g}"


@validator("TFL302")
@_judged
def logits_as_probabilities(site: Site) -> Check:
    """Train the rebuilt model 3 epochs and predict: outputs outside [0, 1] are not the
    probabilities the loss assumes."""
    job, note = _train_predict_job(site)

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        status = CONFIRMED if outcome["output_min"] < 0 or outcome["output_max"] > 1 else REFUTED
        return Verdict(status, f"{_outputs(outcome)}: {'not' if status == CONFIRMED else 'all within'} probabilities", phase="predict")

    return Check(job, judge, note)


@validator("TFL304")
@_judged
def categorical_loss_on_single_unit(site: Site) -> Check:
    """Train the rebuilt model 3 epochs: a loss that stays near 0 from the first epoch has
    nothing to learn from."""
    job, note = _train_predict_job(site)

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok" or not outcome.get("losses"):
            return _other_outcome(outcome)
        losses = outcome["losses"]
        flat = max(abs(v) for v in losses) < 1e-4
        evidence = "loss per epoch " + ", ".join(f"{v:.3g}" for v in losses)
        return Verdict(CONFIRMED if flat else REFUTED, evidence + (": about 0 from the start" if flat else ""), phase="first fit")

    return Check(job, judge, note)


@validator("TFL305")
@_judged
def sigmoid_with_categorical_loss(site: Site) -> Check:
    """Train the rebuilt model 3 epochs and predict: rows that do not sum to 1 are not the
    distribution a categorical cross-entropy assumes."""
    job, note = _train_predict_job(site)

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        off = abs(outcome["row_sum_min"] - 1) > 1e-3 or abs(outcome["row_sum_max"] - 1) > 1e-3
        return Verdict(CONFIRMED if off else REFUTED, _outputs(outcome), phase="predict")

    return Check(job, judge, note)


@validator("TFL303")
@_judged
def softmax_on_single_unit(site: Site) -> Check:
    """Put the flagged layer on a 4-feature input, train 3 epochs and predict: every output
    is exactly 1.0."""
    call = _enclosing_call(site)
    slicer = Slicer(site.source)
    layers = [slicer.call(call, call)]
    element = site.source.parents.get(call)
    listing = site.source.parents.get(element) if isinstance(element, cst.Element) else None
    if isinstance(element, cst.Element) and isinstance(listing, (cst.List, cst.Tuple)):  # Dense(1), Softmax()
        position = list(listing.elements).index(element)
        if position + 1 < len(listing.elements) and isinstance(listing.elements[position + 1].value, cst.Call):
            following = listing.elements[position + 1].value
            assert isinstance(following, cst.Call)
            layers.append(slicer.call(following, following))
    model = {"kind": "sequential", "layers": [{"call": "keras.Input", "args": [{"$tuple": [4]}], "kwargs": {}}, *layers]}

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        constant = outcome["output_min"] == outcome["output_max"] == 1.0
        evidence = f"predict returned {'1.0 for every one' if constant else 'varying values'} of {outcome['rows']} samples after 3 epochs"
        return Verdict(CONFIRMED if constant else REFUTED, evidence, phase="predict")

    note = "the layer" + (" and the one after it" if len(layers) > 1 else " alone") + " on a 4-feature input"
    return Check({"probe": "train_predict", "model": model, "compile": None}, judge, note)


@validator("TFL301")
@_judged
def probabilities_as_logits(site: Site) -> Check:
    """Evaluate the rebuilt model with the loss as written and again with `from_logits=False`,
    on the same weights and data: TensorFlow's warning that the output came from a softmax,
    or two different losses (the activation applied twice, as on JAX), confirm the finding."""
    job, note = _train_predict_job(site)
    compiled = job["compile"]
    loss = compiled["kwargs"].get("loss")
    if not (isinstance(loss, dict) and "$call" in loss and loss["$call"]["kwargs"].get("from_logits") is True):
        raise CannotRebuild("the loss is not a Keras loss object built with from_logits=True")
    variant_loss = {"$call": {**loss["$call"], "kwargs": {**loss["$call"]["kwargs"], "from_logits": False}}}
    variant = {**compiled, "kwargs": {**compiled["kwargs"], "loss": variant_loss}}

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        said = [w for w in outcome.get("warnings", []) if "from_logits" in w]
        written, plain = outcome["loss_as_written"], outcome["loss_variant"]
        measured = {"loss_as_written": written, "loss_with_from_logits_false": plain}
        if said:
            return Verdict(CONFIRMED, f"Keras warned: {said[0].strip(chr(34))}", phase="evaluate", measured=measured)
        if abs(written - plain) > 1e-4:
            evidence = f"loss {written:.4f} as written against {plain:.4f} with from_logits=False on the same weights: the activation is applied twice"
            return Verdict(CONFIRMED, evidence, phase="evaluate", measured=measured)
        return Verdict(REFUTED, f"the same loss either way ({written:.4f})", phase="evaluate", measured=measured)

    return Check({"probe": "loss_compare", "model": job["model"], "compile": compiled, "variant": variant}, judge, note)


# --- labels, training modes, compile in loops, saving ----------------------------------------------


def _shape_error(what: str) -> Callable[[Outcome], Verdict]:
    """Confirmed when the first fit raised about shapes or ranks; refuted when it trained."""

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") == "ok":
            return Verdict(REFUTED, f"{what} trained one step without error (loss {outcome.get('loss') or 0:.4g})", phase="first fit")
        message = outcome.get("message", "")
        if outcome.get("status") == "raised" and outcome.get("phase") == "first fit" and re.search(r"shape|rank|ndim", message):
            return Verdict(CONFIRMED, _raised(outcome), phase="first fit")
        return _other_outcome(outcome)

    return judge


def _fitted_model(site: Site) -> "tuple[Dict[str, Any], Dict[str, Any], Slicer]":
    """The model a ``fit(x, y)`` finding trains, and its compile arguments."""
    call = _enclosing_call(site)
    receiver, method = _receiver_and_method(call)
    if method != "fit" or not isinstance(receiver, cst.Name):
        raise CannotRebuild("the finding is not in a fit() call on a named model")
    slicer = Slicer(site.source)
    model = slicer.model(receiver, call)
    compiled = slicer.compile_arguments(slicer.compile_of(receiver.value, call))
    return model, compiled, slicer


_MESSAGE_ENCODING = re.compile(r"holds (one-hot|integer) labels")


@validator("TFL307")
@_judged
def label_encoding_loss_mismatch(site: Site) -> Check:
    """Train the rebuilt, compiled model one step on labels encoded as the file encodes
    them (one-hot rows or class ids, one per output unit)."""
    found = _MESSAGE_ENCODING.search(site.diagnostic.message)
    if found is None:
        raise CannotRebuild("the finding does not say how the labels are encoded")
    model, compiled, slicer = _fitted_model(site)
    units = _output_units(model)
    labels = {"encoding": found.group(1), "classes": units}
    job = {"probe": "train", "model": model, "compile": compiled, "labels": labels}
    return Check(job, _shape_error(f"the model with {found.group(1)} labels"), "; ".join(slicer.notes))


_MESSAGE_CLASSES = re.compile(r"with (\d+) classes")


@validator("TFL308")
@_judged
def output_units_vs_classes(site: Site) -> Check:
    """Train the rebuilt, compiled model one step on one-hot labels with the number of
    classes the file's labels have."""
    found = _MESSAGE_CLASSES.search(site.diagnostic.message)
    if found is None:
        raise CannotRebuild("the finding does not give the number of classes")
    compile_call = _compile_of_defined_model(site)
    slicer = Slicer(site.source)
    assert isinstance(compile_call.func, cst.Attribute)
    model = slicer.model(compile_call.func.value, compile_call)
    labels = {"encoding": "one-hot", "classes": int(found.group(1))}
    job = {"probe": "train", "model": model, "compile": slicer.compile_arguments(compile_call), "labels": labels}
    return Check(job, _shape_error("the model"), "; ".join(slicer.notes))


def _compile_of_defined_model(site: Site) -> cst.Call:
    """The first ``<name>.compile(...)`` after the assignment that builds the flagged layer's model."""
    assign = next((a for a in site.source.ancestors(site.node) if isinstance(a, cst.Assign)), None)
    if assign is None or len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        raise CannotRebuild("the output layer is not part of a model assigned to a name")
    name = assign.targets[0].target.value
    after = site.source.end(assign)
    candidates = [
        node
        for node in site.source.positions
        if isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "compile"
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == name
        and site.source.start(node) > after
    ]
    if not candidates:
        raise CannotRebuild(f"{name} is not compiled after it is built")
    return min(candidates, key=site.source.start)


def _output_units(model: Dict[str, Any]) -> int:
    layers = model.get("layers") if model.get("kind") == "sequential" else None
    last = layers[-1] if layers else None
    units = last.get("kwargs", {}).get("units") if isinstance(last, dict) else None
    if units is None and isinstance(last, dict) and last.get("args"):
        units = last["args"][0]
    if not isinstance(units, int):
        raise CannotRebuild("the output layer's width is not a literal the slicer can read")
    return units


@validator("TFL310")
@_judged
def missing_training_flag(site: Site) -> Check:
    """Call the rebuilt model on one batch without a training flag, with training=False and
    with training=True: the flagless call behaving like inference is the finding."""
    call = _enclosing_call(site)
    slicer = Slicer(site.source)
    model = slicer.model(call.func, call)

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        inference_like = outcome["plain_equals_inference"] and not outcome["plain_moved_statistics"]
        differs = not outcome["plain_equals_training"] or outcome["training_moved_statistics"]
        if inference_like and differs:
            evidence = "model(x) returned exactly what model(x, training=False) returns"
            if outcome["has_moving_statistics"]:
                evidence += " and left the BatchNormalization moving statistics unchanged, which training=True moves"
            else:
                evidence += ", unlike model(x, training=True)"
            return Verdict(CONFIRMED, evidence, phase="call")
        return Verdict(REFUTED, "model(x) behaves like model(x, training=True), or no layer depends on the mode", phase="call")

    return Check({"probe": "training_modes", "model": model}, judge, "; ".join(slicer.notes))


@validator("TFL311")
@_judged
def training_true_at_inference(site: Site) -> Check:
    """Call the rebuilt model twice with training=True on the same batch: different outputs,
    or moved BatchNormalization statistics, show inference is not deterministic."""
    call = _enclosing_call(site)
    slicer = Slicer(site.source)
    model = slicer.model(call.func, call)

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        if outcome["training_calls_differ"]:
            return Verdict(CONFIRMED, "two training=True calls on the same batch returned different outputs", phase="call")
        if outcome["training_moved_statistics"]:
            return Verdict(CONFIRMED, "a training=True call moved the BatchNormalization moving statistics", phase="call")
        if not outcome["plain_equals_training"]:
            return Verdict(CONFIRMED, "training=True gave other outputs than training=False on the same batch", phase="call")
        return Verdict(REFUTED, "training=True gave the same outputs as inference: no layer depends on the mode", phase="call")

    return Check({"probe": "training_modes", "model": model}, judge, "; ".join(slicer.notes))


@validator("TFL313")
@_judged
def compile_in_loop(site: Site) -> Check:
    """Three iterations of the flagged compile() with one epoch of fit() each, against one
    compile() and three epochs: the optimizer's step counter tells whether its state restarted."""
    call = _enclosing_call(site)
    slicer = Slicer(site.source)
    compiled = slicer.compile_arguments(call)
    job = {"probe": "compile_loop", "optimizer": compiled["kwargs"].get("optimizer")}

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        looped, once = outcome["iterations_compiled_in_loop"], outcome["iterations_compiled_once"]
        measured = {"iterations_compiled_in_loop": looped, "iterations_compiled_once": once}
        evidence = f"after 3 x (compile + 1 epoch of 2 steps) the optimizer has counted {looped} steps, against {once} when compiled once"
        return Verdict(CONFIRMED if looped < once else REFUTED, evidence, phase="fit", measured=measured)

    return Check(job, judge, "; ".join([*slicer.notes, "on a one-layer model with the optimizer as written"]))


_SAVE_ENTRIES = {
    "ModelCheckpoint()": "ModelCheckpoint",
    "load_model()": "load_model",
    "save_model()": "save",
}


@validator("TFL609")
@_judged
def save_format(site: Site) -> Check:
    """Save, load or checkpoint a small model under the file name as written, in the
    sandbox's temporary directory."""
    call = _enclosing_call(site)
    name = _flagged_text(site)
    if name is None:
        raise CannotRebuild("the path is not a string literal")
    if isinstance(call.func, cst.Attribute) and call.func.attr.value in ("save", "save_weights", "load_weights"):
        entry = call.func.attr.value
    else:
        called = site.diagnostic.message.split(" ", 1)[0]
        entry = _SAVE_ENTRIES.get(called, "")
        if entry == "ModelCheckpoint" and "save_weights_only=True" in site.source.code(call).replace(" ", ""):
            entry = "ModelCheckpoint(save_weights_only=True)"
    if not entry:
        raise CannotRebuild("the saving call is not one the validator knows")
    return Check({"probe": "save", "entry": entry, "name": name}, _expects_error("filepath", f"{entry}({name!r}) ran"), "a small model, the path's file name in a temporary directory")


@validator("TFL610")
@_judged
def deprecated_layer_keyword(site: Site) -> Check:
    """Construct the layer with the flagged keyword alone; Keras' deprecation warning confirms."""
    keyword, spec, note = _only_flagged_keyword(site)
    return Check({"probe": "construct", "call": spec}, _warned_judge(keyword, spec, "", ""), note)


@validator("TFL207", "TFL208")
def retracing(site: Site) -> Check:
    """Count traces of a one-op tf.function under the flagged pattern (a new Python int per
    call, or a function created per iteration) against the control (a tensor, one function)."""
    mode = "created" if site.diagnostic.code == "TFL207" else "scalar"

    def judge(outcome: Outcome) -> Verdict:
        if outcome.get("status") != "ok":
            return _other_outcome(outcome)
        traces, control, calls = outcome["traces"], outcome["control_traces"], outcome["calls"]
        seconds, control_seconds = outcome["seconds"], outcome["control_seconds"]
        ratio = seconds / max(control_seconds, 1e-9)
        measured = {"traces": traces, "control_traces": control, "calls": calls, "ratio": ratio}
        evidence = f"{calls} calls traced {traces} times against {control} for the control ({seconds:.3f} s against {control_seconds:.3f} s, {ratio:.1f}x)"
        return Verdict(CONFIRMED if traces > control else REFUTED, evidence, phase="timing", measured=measured)

    return Check({"probe": "retracing", "mode": mode, "calls": 20}, judge, "on a one-op stand-in function: the trace count depends on the pattern, not on the body")


def validator_for(code: str) -> Optional[Validator]:
    """The registered validator of ``code`` (every one above is registered by now)."""
    return registered_validators().get(code)


def validated_codes() -> Dict[str, Validator]:
    return dict(registered_validators())
