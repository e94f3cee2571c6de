"""The validator's child process: run probes on the real Keras runtime, report outcomes as JSON.

This file is run by path in a fresh interpreter (``python -I child.py``) and imports nothing
from tf-lint: only the standard library, NumPy and Keras. It never sees user code. It reads
one request from standard input, ``{"backend", "device", "jobs": [{"id", "probe", ...}]}``,
where every job is plain data the parent's slicer produced (layer class names under
``keras.*`` and literal arguments), and writes one line per event to the original standard
output, prefixed with :data:`MARK`:

- ``{"event": "runtime", ...}`` once Keras is imported: versions and the device in use;
- ``{"event": "start", "id"}`` before a job, so the parent can blame a crash or a timeout;
- ``{"event": "result", "id", "outcome": {...}}`` after it.

Everything else the libraries print goes to standard error, which the parent filters.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import traceback
import warnings
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Tuple

MARK = "@@tf-lint-validate@@ "
BATCH = 32  # synthetic samples per training step
FREE_DIMENSION = 16  # stands in for a None dimension of a declared shape
# The only names a request can reach: ``keras.<module>.<PublicName>`` for these modules (one
# level, so never a classmethod such as ``Lambda.from_config``), and three top-level names.
# (De)serialisation entry points are refused: a config dict can carry marshalled code.
ALLOWED_MODULES = ("layers", "losses", "metrics", "optimizers", "activations", "initializers", "regularizers", "constraints")
ALLOWED_NAMES = ("keras.Input", "keras.Sequential", "keras.Model")
REFUSED_NAMES = frozenset({"deserialize", "serialize", "from_config", "get_config", "Lambda", "TorchModuleWrapper", "JaxLayer", "FlaxLayer", "TFSMLayer"})
REFUSED_KEYWORDS = frozenset({"safe_mode", "custom_objects"})
CONFIG_KEYS = frozenset({"class_name", "module", "registered_name", "config"})  # a serialised Keras object


def allowed_name(dotted: str) -> bool:
    """Is ``dotted`` one of the public Keras callables a check may use?"""
    if dotted in ALLOWED_NAMES:
        return True
    parts = dotted.split(".")
    return (
        len(parts) == 3
        and parts[0] == "keras"
        and parts[1] in ALLOWED_MODULES
        and parts[2].isidentifier()
        and not parts[2].startswith("_")
        and parts[2] not in REFUSED_NAMES
    )


_emit_stream = sys.stdout


def emit(event: str, **fields: Any) -> None:
    _emit_stream.write(MARK + json.dumps({"event": event, **fields}, default=repr) + "\n")
    _emit_stream.flush()


class ProbeError(Exception):
    """An exception the runtime raised, with the phase it was raised in."""

    def __init__(self, phase: str, error: BaseException, detail: str = "") -> None:
        super().__init__(phase)
        self.phase = phase
        self.error = error
        self.detail = detail


class RefusedName(Exception):
    """A request named something outside the allowlist: a bug in the slicer, never evidence."""


class Unsupported(Exception):
    """The rebuilt code is outside what a probe handles (several outputs, several inputs)."""


def _describe(error: BaseException) -> Dict[str, str]:
    message = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()  # Keras bolds parts of its messages
    if isinstance(error, KeyError) and error.args:
        message = repr(error.args[0])
    return {"type": type(error).__name__, "message": message[:1500]}


def phase(name: str, action: Callable[[], Any], detail: str = "") -> Any:
    try:
        return action()
    except (RefusedName, ProbeError, Unsupported):
        raise
    except Exception as error:  # the evidence itself: any runtime error, whatever its class
        raise ProbeError(name, error, detail) from error


# --- rebuilding values and models -------------------------------------------------------------


def lookup(keras: Any, dotted: str) -> Any:
    if not allowed_name(dotted):
        raise RefusedName(f"refusing to look up {dotted!r}")
    target = keras
    for part in dotted.split(".")[1:]:
        target = getattr(target, part)
    return target


def value(keras: Any, encoded: Any) -> Any:
    """Decode the slicer's JSON: lists, dicts with string keys, ``{"$tuple"}``, ``{"$call"}``,
    ``{"$ref"}`` (a function or class under an allowed ``keras`` module)."""
    if isinstance(encoded, list):
        return [value(keras, item) for item in encoded]
    if isinstance(encoded, dict):
        if "$tuple" in encoded:
            return tuple(value(keras, item) for item in encoded["$tuple"])
        if "$call" in encoded:
            return call(keras, encoded["$call"])
        if "$ref" in encoded:
            return lookup(keras, encoded["$ref"])
        if "$float" in encoded:
            return float(encoded["$float"])  # inf and nan
        mapping = encoded["$dict"]
        if CONFIG_KEYS & set(mapping):
            raise RefusedName("refusing a serialised Keras object (a dict with class_name/config)")
        return {key: value(keras, item) for key, item in mapping.items()}
    return encoded


def call(keras: Any, spec: Dict[str, Any]) -> Any:
    function = lookup(keras, spec["call"])
    refused = REFUSED_KEYWORDS & set(spec.get("kwargs", {}))
    if refused:
        raise RefusedName(f"refusing the keyword {sorted(refused)[0]}=")
    args = [value(keras, a) for a in spec.get("args", [])]
    kwargs = {k: value(keras, v) for k, v in spec.get("kwargs", {}).items()}
    return function(*args, **kwargs)


def build_model(keras: Any, spec: Dict[str, Any], assume_input: bool = True) -> Any:
    """A Sequential list or a Functional graph, each layer built in the constructor phase.
    A Sequential model that declares no input is built for the slicer's assumed shape,
    unless ``assume_input`` is False (then the first data it sees builds it, as in the
    user's code)."""
    if spec["kind"] == "sequential":
        layers = [phase("constructor", partial(call, keras, layer), layer["call"]) for layer in spec["layers"]]
        model = phase("constructor", partial(keras.Sequential, layers), "keras.Sequential")
        if spec.get("build") is not None:
            phase("constructor", partial(model.build, value(keras, spec["build"])), "build")
        elif spec.get("assumed_input") and assume_input:
            phase("constructor", partial(model.build, (None, *spec["assumed_input"])), "build")
        return model
    tensors: Dict[str, Any] = {}
    built: Dict[str, Any] = {}
    for node in spec["nodes"]:
        if "input" in node:
            tensors[node["id"]] = phase("constructor", partial(call, keras, node["input"]), "keras.Input")
            continue
        layer_spec = spec["layers"][node["layer"]]
        if node["layer"] not in built:
            built[node["layer"]] = phase("constructor", partial(call, keras, layer_spec), layer_spec["call"])
        inputs = node["inputs"]
        argument = [tensors[i] for i in inputs] if isinstance(inputs, list) else tensors[inputs]
        tensors[node["id"]] = phase("constructor", partial(built[node["layer"]], argument), layer_spec["call"])

    def pick(ids: Any) -> Any:
        return [tensors[i] for i in ids] if isinstance(ids, list) else tensors[ids]

    return phase("constructor", partial(keras.Model, inputs=pick(spec["inputs"]), outputs=pick(spec["outputs"])), "keras.Model")


def input_shapes(model: Any) -> List[Tuple[int, ...]]:
    shapes = []
    for tensor in model.inputs:
        shapes.append(tuple(FREE_DIMENSION if d is None else int(d) for d in tensor.shape[1:]))
    return shapes


def label_kind(loss: Any) -> str:
    """Integer class ids for sparse losses, one-hot for categorical ones, 0/1 for binary."""
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    name = str(name).lower()
    if "sparse" in name:
        return "sparse"
    if "categorical" in name or name.startswith("kl") or "poisson" in name:
        return "categorical"
    if "binary" in name or "hinge" in name or "focal" in name:
        return "binary"
    return "regression"


def synthetic_data(np: Any, model: Any, spec: Dict[str, Any], loss: Any, samples: int) -> Tuple[Any, Any]:
    rng = np.random.default_rng(0)
    shapes = input_shapes(model)
    xs = [rng.standard_normal((samples, *shape)).astype("float32") for shape in shapes]
    outputs = model.outputs if getattr(model, "outputs", None) else []
    if len(outputs) > 1:
        raise Unsupported(f"the model has {len(outputs)} outputs; only single-output models are checked")
    out_shape = tuple(FREE_DIMENSION if d is None else int(d) for d in outputs[0].shape[1:]) if outputs else (1,)
    kind = label_kind(loss)
    classes = out_shape[-1] if out_shape else 1
    if kind == "sparse":
        y = rng.integers(0, max(classes, 2) if classes > 1 else 1, size=(samples, *out_shape[:-1])).astype("int32")
    elif kind == "categorical":
        ids = rng.integers(0, classes, size=(samples, *out_shape[:-1]))
        y = np.eye(classes, dtype="float32")[ids]
    elif kind == "binary":
        y = rng.integers(0, 2, size=(samples, *out_shape)).astype("float32")
    else:
        y = rng.standard_normal((samples, *out_shape)).astype("float32")
    return (xs[0] if len(xs) == 1 else xs), y


def compile_model(keras: Any, model: Any, spec: Dict[str, Any]) -> Any:
    args = [value(keras, a) for a in spec.get("args", [])]
    kwargs = {k: value(keras, v) for k, v in spec.get("kwargs", {}).items()}
    phase("compile", lambda: model.compile(*args, **kwargs))
    return kwargs.get("loss", args[1] if len(args) > 1 else None)


# --- probes -----------------------------------------------------------------------------------


def encoded_labels(np: Any, spec: Dict[str, Any], samples: int) -> Any:
    """Labels encoded as the user's code encodes them: ``{"encoding": "one-hot"|"integer",
    "classes": k}`` (the evidence for label/loss mismatches)."""
    rng = np.random.default_rng(1)
    classes = int(spec["classes"])
    ids = rng.integers(0, classes, size=(samples,))
    if spec["encoding"] == "one-hot":
        return np.eye(classes, dtype="float32")[ids]
    return ids.astype("int32")


def probe_train(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Construct, compile, then one training step on a synthetic batch (labels as the job
    says, when it says)."""
    model = build_model(keras, job["model"])
    loss = compile_model(keras, model, job["compile"])
    x, y = phase("data", lambda: synthetic_data(np, model, job["model"], loss, BATCH))
    if job.get("labels") is not None:
        y = encoded_labels(np, job["labels"], BATCH)
    history = phase("first fit", lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0))
    losses = history.history.get("loss", [None])
    return {"status": "ok", "phases": ["constructor", "compile", "first fit"], "loss": losses[-1]}


def probe_train_predict(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Train a few epochs on synthetic data, then predict: the loss per epoch and what the
    outputs look like (range, row sums), the evidence for model/loss mismatches."""
    model = build_model(keras, job["model"])
    if job.get("compile") is not None:
        loss = compile_model(keras, model, job["compile"])
    else:
        loss = None
        phase("compile", lambda: model.compile(optimizer="adam", loss="mse"))
    samples = int(job.get("samples", 64))
    x, y = phase("data", lambda: synthetic_data(np, model, job["model"], loss, samples))
    history = phase("first fit", lambda: model.fit(x, y, batch_size=BATCH, epochs=int(job.get("epochs", 3)), verbose=0))
    predicted = np.asarray(phase("predict", lambda: model.predict(x[:BATCH], verbose=0)), dtype="float64")
    sums = predicted.reshape(predicted.shape[0], -1).sum(axis=-1)
    return {
        "status": "ok",
        "phases": ["constructor", "compile", "first fit", "predict"],
        "losses": [float(v) for v in history.history.get("loss", [])],
        "output_min": float(predicted.min()),
        "output_max": float(predicted.max()),
        "row_sum_min": float(sums.min()),
        "row_sum_max": float(sums.max()),
        "rows": int(predicted.shape[0]),
    }


def _first_loss(value: Any) -> float:
    """``evaluate`` returns the loss alone, or a list that starts with it."""
    return float(value[0] if isinstance(value, (list, tuple)) else value)


def probe_loss_compare(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Evaluate the rebuilt model (untrained, fixed weights) under the compile as written and
    under a variant (another loss setting): the two losses, and the warnings Keras gave."""
    model = build_model(keras, job["model"])
    loss = compile_model(keras, model, job["compile"])
    x, y = phase("data", lambda: synthetic_data(np, model, job["model"], loss, BATCH * 2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        written = phase("evaluate", lambda: model.evaluate(x, y, batch_size=BATCH, verbose=0))
    compile_model(keras, model, job["variant"])  # compile keeps the weights
    variant = phase("evaluate", lambda: model.evaluate(x, y, batch_size=BATCH, verbose=0))
    return {
        "status": "ok",
        "phases": ["constructor", "compile", "evaluate"],
        "loss_as_written": _first_loss(written),
        "loss_variant": _first_loss(variant),
        "warnings": [str(w.message)[:400] for w in caught],
    }


def probe_training_modes(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Call the rebuilt model on one batch with no training flag, with training=False, and
    twice with training=True: which calls agree, and whether BatchNormalization's moving
    statistics moved (the evidence for training-mode mistakes)."""
    model = build_model(keras, job["model"])
    x, _ = phase("data", lambda: synthetic_data(np, model, job["model"], "mse", BATCH))

    def moving() -> List[float]:
        return [float(np.asarray(v).sum()) for v in model.non_trainable_weights if "moving" in v.path]

    before = moving()
    plain = np.asarray(phase("call", lambda: model(x)))
    after_plain = moving()
    inference = np.asarray(phase("call", lambda: model(x, training=False)))
    first = np.asarray(phase("call", lambda: model(x, training=True)))
    second = np.asarray(phase("call", lambda: model(x, training=True)))
    return {
        "status": "ok",
        "phases": ["constructor", "call"],
        "plain_equals_inference": bool(np.allclose(plain, inference)),
        "plain_equals_training": bool(np.allclose(plain, first)),
        "training_calls_differ": not bool(np.allclose(first, second)),
        "plain_moved_statistics": before != after_plain,
        "training_moved_statistics": after_plain != moving(),
        "has_moving_statistics": bool(before),
    }


def probe_compile_loop(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Train a small model for three iterations of ``compile(...)`` + ``fit(epochs=1)`` with
    the optimizer as written, then three epochs after a single compile: the optimizer's step
    counter after each."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH * 2, 4)).astype("float32")
    y = rng.standard_normal((BATCH * 2, 1)).astype("float32")

    def fresh() -> Any:
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])

    def compile_again(model: Any) -> None:
        optimizer = value(keras, job["optimizer"]) if job.get("optimizer") is not None else "rmsprop"
        phase("compile", lambda: model.compile(optimizer=optimizer, loss="mse"))

    looped = fresh()
    for _ in range(3):
        compile_again(looped)
        phase("fit", lambda: looped.fit(x, y, batch_size=BATCH, epochs=1, verbose=0))
    once = fresh()
    compile_again(once)
    for _ in range(3):
        phase("fit", lambda: once.fit(x, y, batch_size=BATCH, epochs=1, verbose=0))
    return {
        "status": "ok",
        "phases": ["compile", "fit"],
        "steps": 6,
        "iterations_compiled_in_loop": int(np.asarray(looped.optimizer.iterations)),
        "iterations_compiled_once": int(np.asarray(once.optimizer.iterations)),
    }


# Saving entry points a job may name, with how to call each on a small model.
_SAVERS: Dict[str, Callable[[Any, Any, str], Any]] = {
    "save": lambda keras, model, path: model.save(path),
    "save_weights": lambda keras, model, path: model.save_weights(path),
    "load_weights": lambda keras, model, path: model.load_weights(path),
    "load_model": lambda keras, model, path: keras.models.load_model(path),
    "ModelCheckpoint": lambda keras, model, path: keras.callbacks.ModelCheckpoint(path),
    "ModelCheckpoint(save_weights_only=True)": lambda keras, model, path: keras.callbacks.ModelCheckpoint(path, save_weights_only=True),
}


def probe_save(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Save, load or checkpoint a small compiled model under the file name the user wrote
    (its last path component only, inside this process's temporary working directory)."""
    saver = _SAVERS.get(job["entry"])
    if saver is None:
        raise Unsupported(f"no saving entry point {job['entry']!r}")
    name = os.path.basename(str(job["name"]).rstrip("/")) or "model"
    if name in (".", ".."):
        raise Unsupported("the path has no file name")
    path = os.path.join(os.getcwd(), name)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(loss="mse")
    phase(job["entry"], lambda: saver(keras, model, path))
    return {"status": "ok", "phases": [job["entry"]]}


def probe_retracing(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Count tf.function traces on a one-op stand-in: called with a changing Python int
    (``scalar``) or created anew on each iteration (``created``), against the control that
    passes a tensor / creates the function once. The count depends on the pattern, not on
    the function's body."""
    try:
        import tensorflow as tf
    except ImportError:
        return {"status": "unsupported", "message": "tf.function needs TensorFlow, which is not installed where tf-lint runs"}
    calls = int(job.get("calls", 20))
    x = tf.constant(1.0)

    def body(value: Any, step: Any) -> Any:
        return value * tf.cast(step, tf.float32)

    def timed(action: Callable[[], int]) -> Tuple[int, float]:
        started = time.perf_counter()
        traces = action()
        return traces, time.perf_counter() - started

    def pattern() -> int:
        if job["mode"] == "created":
            total = 0
            for step in range(calls):
                fresh = tf.function(body)
                fresh(x, tf.constant(step))
                total += fresh.experimental_get_tracing_count()
            return total
        scalar = tf.function(body)
        for step in range(calls):
            scalar(x, step)
        return int(scalar.experimental_get_tracing_count())

    def control() -> int:
        once = tf.function(body)
        for step in range(calls):
            once(x, tf.constant(step))
        return int(once.experimental_get_tracing_count())

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        traces, seconds = phase("timing", lambda: timed(pattern))
        control_traces, control_seconds = phase("timing", lambda: timed(control))
    return {
        "status": "ok",
        "phases": ["timing"],
        "calls": calls,
        "traces": traces,
        "control_traces": control_traces,
        "seconds": seconds,
        "control_seconds": control_seconds,
    }


def probe_construct(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Call one constructor (a layer, an optimizer, an identifier lookup) with its arguments."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        phase("constructor", lambda: call(keras, job["call"]), job["call"]["call"])
    return {"status": "ok", "phases": ["constructor"], "warnings": [str(w.message)[:500] for w in caught]}


def probe_model_attribute(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    model = build_model(keras, job["model"])
    phase("attribute", lambda: getattr(model, job["name"]))
    return {"status": "ok", "phases": ["attribute"]}


def probe_attribute_path(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Look a dotted public name up, attribute by attribute, from ``keras`` or ``tensorflow``
    (getattr only: nothing is called)."""
    parts = job["path"].split(".")
    if parts[0] not in ("keras", "tensorflow") or any(not p.isidentifier() or p.startswith("_") for p in parts):
        raise RefusedName(f"refusing to look up {job['path']!r}")
    if parts[0] == "tensorflow":
        try:
            import tensorflow as target
        except ImportError:
            raise Unsupported("checking a tf.* name needs TensorFlow, which is not installed where tf-lint runs") from None
    else:
        target = keras
    for position, part in enumerate(parts[1:], start=2):
        target = phase("attribute", partial(getattr, target, part), ".".join(parts[:position]))
    return {"status": "ok", "phases": ["attribute"], "kind": type(target).__name__}


def probe_method_keyword(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Call a model method with one keyword argument: Python binds arguments before the body
    runs, so an unknown keyword raises before anything happens."""
    if job["method"] not in ("compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch", "summary", "to_json"):
        raise RefusedName(f"refusing to call {job['method']}()")
    model = build_model(keras, job["model"])
    method = getattr(model, job["method"])
    phase(job["method"], partial(method, **{job["keyword"]: value(keras, job["value"])}))
    return {"status": "ok", "phases": [job["method"]]}


def _best_time(action: Callable[[], Any], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def probe_per_sample(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Samples/s of the flagged per-sample call against one batched call, after warm-up."""
    model = build_model(keras, job["model"])
    method = job["method"]
    samples, looped = int(job.get("samples", 256)), int(job.get("looped", 64))
    training = method in ("train_on_batch", "fit", "test_on_batch", "evaluate")
    loss = compile_model(keras, model, job["compile"]) if training else None
    x, y = phase("data", lambda: synthetic_data(np, model, job["model"], loss, samples))
    if isinstance(x, list):
        raise Unsupported("the model has several inputs; only single-input models are timed")

    def run(lo: int, hi: int) -> Any:
        if method == "call":
            return model(x[lo:hi], training=False)
        if method in ("predict", "predict_on_batch"):
            kwargs = {"verbose": 0} if method == "predict" else {}
            return getattr(model, method)(x[lo:hi], **kwargs)
        if method in ("fit", "evaluate"):
            return getattr(model, method)(x[lo:hi], y[lo:hi], batch_size=min(BATCH, hi - lo), verbose=0)
        return getattr(model, method)(x[lo:hi], y[lo:hi])

    def batched() -> None:
        if method in ("train_on_batch", "test_on_batch"):
            for lo in range(0, samples, BATCH):
                run(lo, lo + BATCH)
        else:
            run(0, samples)

    def per_sample() -> None:
        if job.get("mode") == "batch_size_1":  # one call, one sample per step
            kwargs = {"batch_size": 1, "verbose": 0}
            if method in ("fit", "evaluate"):
                getattr(model, method)(x[:looped], y[:looped], **kwargs)
            else:
                getattr(model, method)(x[:looped], **kwargs)
            return
        for i in range(looped):
            run(i, i + 1)

    def warm_up() -> None:  # JAX compiles once per shape; TF traces once per signature
        run(0, 1)
        batched()

    phase("warm-up", warm_up)
    batched_s = phase("timing", lambda: _best_time(batched, 3))
    looped_s = phase("timing", lambda: _best_time(per_sample, 1))
    return {
        "status": "ok",
        "phases": ["constructor", "warm-up", "timing"],
        "batched_samples_per_s": samples / batched_s,
        "per_sample_samples_per_s": looped / looped_s,
        "samples": samples,
        "looped": looped,
    }


def probe_tensor_loop(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """A Python loop over a tensor's elements against the one vectorized op it computes."""
    ops = keras.ops
    size, scale = int(job.get("size", 1000)), float(job.get("scale", 1.0))
    tensor = ops.convert_to_tensor(np.random.default_rng(0).standard_normal(size).astype("float32"))
    by_index = job.get("indexed", False)

    def loop() -> Any:
        total = 0.0
        if by_index:
            for i in range(size):
                total = total + tensor[i] * scale
        else:
            for element in tensor:
                total = total + element * scale
        return float(total)

    def vectorized() -> Any:
        return float(ops.sum(tensor * scale))

    phase("warm-up", lambda: (vectorized(), loop()))
    vector_s = phase("timing", lambda: _best_time(vectorized, 5))
    loop_s = phase("timing", lambda: _best_time(loop, 1))
    return {"status": "ok", "phases": ["warm-up", "timing"], "loop_s": loop_s, "vectorized_s": vector_s, "size": size}


def probe_unbatched_dataset(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """``fit``/``evaluate``/``predict`` on an unbatched ``tf.data`` dataset of synthetic
    samples, after the same call on the batched dataset worked (the control)."""
    try:
        import tensorflow as tf
    except ImportError:
        return {"status": "unsupported", "message": "tf.data needs TensorFlow, which is not installed where tf-lint runs"}
    model = build_model(keras, job["model"])
    method = job["method"]
    loss = compile_model(keras, model, job["compile"]) if method != "predict" else None
    samples = int(job.get("samples", 64))
    x, y = phase("data", lambda: synthetic_data(np, model, job["model"], loss, samples))
    elements = (x,) if method == "predict" else (x, y)
    dataset = tf.data.Dataset.from_tensor_slices(elements if len(elements) > 1 else x)

    def run(target: Any, data: Any) -> Any:
        return getattr(target, method)(data, verbose=0)

    phase("batched control", lambda: run(model, dataset.batch(BATCH)))
    batched_s = phase("batched control", lambda: _best_time(lambda: run(model, dataset.batch(BATCH)), 2))
    # A fresh model for the unbatched call: one the user's code never built must be built by
    # the unbatched elements themselves, as it would be in their run.
    fresh = build_model(keras, job["model"], assume_input=False)
    if method != "predict":
        compile_model(keras, fresh, job["compile"])
    first = "first fit" if method == "fit" else f"first {method}"
    phase(first, lambda: run(fresh, dataset))  # raises when the model sees one sample without a batch axis
    unbatched_s = phase("timing", lambda: _best_time(lambda: run(fresh, dataset), 1))
    return {
        "status": "ok",
        "phases": ["constructor", "batched control", first, "timing"],
        "batched_samples_per_s": samples / batched_s,
        "per_sample_samples_per_s": samples / unbatched_s,
    }


def probe_sleep(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Sandbox self-check (used by tf-lint's tests): outlive the timeout."""
    time.sleep(float(job["seconds"]))
    return {"status": "ok", "phases": []}


def probe_allocate(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Sandbox self-check (used by tf-lint's tests): exceed the memory cap, as a big model would."""
    block = np.ones(int(job["megabytes"]) * 1024 * 1024 // 8)
    return {"status": "ok", "phases": [], "size": int(block.nbytes)}


def probe_exit(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    """Sandbox self-check (used by tf-lint's tests): die the way a native crash does."""
    os.kill(os.getpid(), 9)
    return {"status": "ok", "phases": []}


PROBES: Dict[str, Callable[[Any, Any, Dict[str, Any]], Dict[str, Any]]] = {
    "train": probe_train,
    "construct": probe_construct,
    "train_predict": probe_train_predict,
    "loss_compare": probe_loss_compare,
    "model_attribute": probe_model_attribute,
    "per_sample": probe_per_sample,
    "tensor_loop": probe_tensor_loop,
    "unbatched_dataset": probe_unbatched_dataset,
    "attribute_path": probe_attribute_path,
    "method_keyword": probe_method_keyword,
    "training_modes": probe_training_modes,
    "compile_loop": probe_compile_loop,
    "save": probe_save,
    "retracing": probe_retracing,
    "sleep": probe_sleep,
    "allocate": probe_allocate,
    "exit": probe_exit,
}


# --- the process ------------------------------------------------------------------------------


def _device(backend: str) -> str:
    """The accelerator Keras uses, as ``GPU:0 <name>``, or ``CPU``."""
    try:
        if backend == "jax":
            import jax

            gpus = [d for d in jax.devices() if d.platform == "gpu"]
            return f"GPU:0 {getattr(gpus[0], 'device_kind', '')}".strip() if gpus else "CPU"
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            if not gpus:
                return "CPU"
            name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "")
            return f"GPU:0 {name}".strip()
        if backend == "torch":
            import torch

            return f"GPU:0 {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else "CPU"
    except Exception:  # a broken driver: report the CPU, which is what runs
        return "CPU"
    return "CPU"


def _backend_version(backend: str) -> str:
    try:
        from importlib.metadata import version

        return version({"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend])
    except Exception:
        return "?"


def run_job(keras: Any, np: Any, job: Dict[str, Any]) -> Dict[str, Any]:
    try:
        keras.backend.clear_session()  # JAX keeps a failed model's variables otherwise
    except Exception:
        pass
    try:
        return PROBES[job["probe"]](keras, np, job)
    except ProbeError as failure:
        if isinstance(failure.error, MemoryError):
            return {"status": "out-of-memory", "phase": failure.phase, **_describe(failure.error)}
        return {"status": "raised", "phase": failure.phase, "where": failure.detail, **_describe(failure.error)}
    except MemoryError as error:
        return {"status": "out-of-memory", **_describe(error)}
    except Unsupported as reason:
        return {"status": "unsupported", "message": str(reason)}
    except RefusedName as reason:
        return {"status": "refused", "message": str(reason)}
    except Exception as error:  # a bug in the probe itself, not evidence about the user's code
        return {"status": "probe-error", "traceback": traceback.format_exc()[-1500:], **_describe(error)}


def main() -> int:
    global _emit_stream
    _emit_stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever the libraries print goes to stderr
    sys.stdout = sys.stderr
    request = json.loads(sys.stdin.read())
    limit_memory(request.get("memory_mb"))
    backend, device = request["backend"], request["device"]
    os.environ["KERAS_BACKEND"] = backend
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    import keras
    import numpy as np

    found = _device(backend)
    emit("runtime", keras=keras.__version__, backend=backend, backend_version=_backend_version(backend), device=found)
    if device == "gpu" and not found.startswith("GPU"):
        for job in request["jobs"]:
            emit("result", id=job["id"], outcome={"status": "no-device", "message": f"--device gpu, but {backend} sees no GPU"})
        return 0
    for job in request["jobs"]:
        emit("start", id=job["id"])
        outcome = run_job(keras, np, job)
        emit("result", id=job["id"], outcome=outcome)
    return 0


def limit_memory(megabytes: Optional[int]) -> None:
    """RLIMIT_DATA, not RLIMIT_AS: it caps what is allocated, while GPU drivers reserve huge
    address ranges they never touch."""
    if not megabytes:
        return
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the timeout still applies
        return

    cap = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


if __name__ == "__main__":
    sys.exit(main())
