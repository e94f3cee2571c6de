"""Generate the API-surface data: every public name of TensorFlow or Keras and what it accepts.

Run with the library installed (it is imported here, never by the linter)::

    KERAS_BACKEND=jax python -m tf_lint.knowledge.api_generate --package keras
    python -m tf_lint.knowledge.api_generate --package tensorflow   # needs TensorFlow

It walks the public modules (``dir()`` of each, names not starting with ``_``) and records,
per module, each name's kind: ``m`` module, ``c`` class, ``f`` function, ``v`` anything else.
For callables it records the keyword names the signature accepts (``inspect.signature``);
a signature with ``**kwargs`` is open and is not recorded, unless the object is a Keras layer
whose ``**kwargs`` the library itself validates: then a probe constructs it with an unknown
keyword to prove it raises, and the accepted names are the explicit parameters of every
``__init__`` up the MRO plus the ``kwargs.pop("name")``/``kwargs.get("name")`` reads in their
sources. TensorFlow's data also records, for each TF1 name that is only under
``tf.compat.v1``, the TF2 path of the same object when there is one (``tf.log`` ->
``tf.math.log``).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
import types
import warnings
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Set, Tuple

_HERE = Path(__file__).resolve().parent
# Subtrees not walked: private, or Keras' (tf.keras and TF 2's tf.losses/metrics/optimizers/
# initializers are Keras 3, checked with Keras' data; tf.compat.v1.layers and nn.rnn_cell are
# tf_keras'), or copies of a walked tree (compat.v1.compat). They are recorded as modules whose
# names are unknown. tf.compat.v2 is walked: TensorFlow's __init__ gives it names tf lacks.
_KERAS_ROUTED = ("keras", "losses", "metrics", "optimizers", "initializers")
_SKIP = {
    "tensorflow": (
        *(f"tensorflow.{name}" for name in _KERAS_ROUTED),
        *(f"tensorflow.compat.v2.{name}" for name in _KERAS_ROUTED),
        "tensorflow.compat.v1.keras", "tensorflow.compat.v1.layers", "tensorflow.compat.v1.nn.rnn_cell",
        "tensorflow.compat.v1.compat", "tensorflow.compat.v2.compat",
        "tensorflow.estimator", "tensorflow.compat.v1.estimator", "tensorflow.compat.v2.estimator",
    ),
    "keras": ("keras.src",),
}
_MODEL_METHODS = ("compile", "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch", "save", "save_weights", "load_weights", "summary", "export", "to_json")


def data_path(package: str) -> Path:
    return _HERE / f"api-{package}.json"


def _skipped(package: str, dotted: str) -> bool:
    return any(dotted == s or dotted.startswith(s + ".") for s in _SKIP[package])


def _kind(obj: Any) -> str:
    if isinstance(obj, types.ModuleType):
        return "m"
    if inspect.isclass(obj):
        return "c"
    if callable(obj):
        return "f"
    return "v"


def _keywords(obj: Any) -> Optional[List[str]]:
    """The keyword names ``obj(...)`` accepts, or None when any keyword is accepted (or the
    signature cannot be read)."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    names = []
    for param in signature.parameters.values():
        if param.kind is param.VAR_KEYWORD:
            return None
        if param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            names.append(param.name)
    return names


def _validated_layer_keywords(cls: Any) -> Optional[List[str]]:
    """For a Keras layer taking ``**kwargs``: the keywords it accepts, when a probe proves the
    rest are rejected; None otherwise."""
    from tf_lint.knowledge.probes import build, popped_keywords  # only the Keras walk needs it

    keras = sys.modules["keras"]
    if not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)):
        return None
    below_layer = cls.__mro__[: cls.__mro__.index(keras.layers.Layer)]
    if any("__new__" in klass.__dict__ for klass in below_layer):
        return None  # __new__ dispatches elsewhere (keras.Model builds a Functional): open
    try:
        build(keras, cls, tf_lint_probe_keyword=1)
    except Exception as error:  # noqa: BLE001 - the message is the evidence
        if "tf_lint_probe_keyword" not in str(error):
            return None
    else:
        return None  # accepted an unknown keyword: open
    accepted: Set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return None
        accepted.update(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self")
        accepted.update(popped_keywords(init))
        if klass is keras.layers.Layer:
            break
    return sorted(accepted)


class Walk(NamedTuple):
    """What :func:`walk` found: modules -> {name: kind}, callables -> keywords, id(object) ->
    first public path, and modules reached again under another path -> the path walked."""

    modules: Dict[str, Dict[str, str]]
    signatures: Dict[str, List[str]]
    paths: Dict[int, str]
    aliases: Dict[str, str]


def walk(package: str, root: Any, root_name: str, keywords: bool = True) -> Walk:
    """Breadth first from ``root``, so that each object's first path is its shortest.
    ``keywords=False`` records names and kinds only (the per-release walk)."""
    modules: Dict[str, Dict[str, str]] = {}
    signatures: Dict[str, List[str]] = {}
    paths: Dict[int, str] = {}
    aliases: Dict[str, str] = {}
    queue = [(root_name, root)]
    walked = {id(root): root_name}
    api_dirs = _api_dirs(package, root)
    while queue:
        name, module = queue.pop(0)
        children: Dict[str, str] = {}
        for attr in sorted(dir(module)):
            if attr.startswith("_"):
                continue
            dotted = f"{name}.{attr}"
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    obj = getattr(module, attr)
            except Exception:  # noqa: BLE001 - a lazy attribute that fails to load still exists
                children[attr] = "v"
                continue
            try:
                kind = _kind(obj)
            except Exception:  # noqa: BLE001 - objects whose __getattr__ misbehaves
                children[attr] = "v"
                continue
            children[attr] = kind
            paths.setdefault(id(obj), dotted)
            if kind == "m":
                if not _skipped(package, dotted) and _public_module(package, obj, api_dirs):
                    if id(obj) in walked:
                        aliases[dotted] = walked[id(obj)]
                    else:
                        walked[id(obj)] = dotted
                        queue.append((dotted, obj))
                continue
            if keywords and kind in ("c", "f"):
                accepted = _keywords(obj)
                if accepted is None and kind == "c" and package == "keras":
                    accepted = _validated_layer_keywords(obj)
                if accepted is not None:
                    signatures[dotted] = accepted
        modules[name] = children
    return Walk(modules, signatures, paths, aliases)


def _api_dirs(package: str, root: Any) -> Tuple[str, ...]:
    """The folders of TensorFlow's generated API (``tensorflow/_api/``; ``tensorflow_core/_api/``
    in TF 1.15 to 2.1, where ``tensorflow`` forwards to ``tensorflow_core``)."""
    if package != "tensorflow":
        return ()
    found = []
    for name in ("tensorflow", "tensorflow_core"):
        module = sys.modules.get(name)
        location = getattr(module, "__file__", None) if module is not None else None
        if location:
            found.append(os.path.join(os.path.dirname(os.path.abspath(location)), "_api") + os.sep)
    return tuple(found)


def _public_module(package: str, module: Any, api_dirs: Tuple[str, ...] = ()) -> bool:
    """TensorFlow's public modules are the generated ones under ``_api/``, whatever name they
    were imported under (TF 2.21 loads ``_api/v2/experimental`` as ``tensorflow.experimental``);
    anything else it exposes (``tf.dtensor``, ``tf.compat.v1.flags``) is implementation, left
    unknown (never flagged)."""
    name = getattr(module, "__name__", "")
    if package == "tensorflow":
        if name.startswith(("tensorflow._api.", "tensorflow_core._api.")):
            return True
        location = getattr(module, "__file__", None)
        return isinstance(location, str) and os.path.abspath(location).startswith(api_dirs)
    return name.split(".")[0] == "keras" and not name.startswith("keras.src")


def _model_methods(keras: Any) -> Dict[str, List[str]]:
    found = {}
    for method in _MODEL_METHODS:
        keywords = _keywords(getattr(keras.Model, method))
        if keywords is not None:
            found[f"keras.Model.{method}"] = [k for k in keywords if k != "self"]
    return found


def generate(package: str) -> Dict[str, Any]:
    started = time.perf_counter()
    if package == "keras":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras

        found = walk("keras", keras, "keras")
        modules, signatures = found.modules, found.signatures
        packages = _subpackages(keras)
        legacy = getattr(getattr(keras, "_tf_keras", None), "keras", None)
        if legacy is not None:  # tf.keras's tree: a few more names (tf.keras.preprocessing...)
            extra = walk("keras", legacy, "keras")
            for name, children in extra.modules.items():
                modules.setdefault(name, {}).update({k: v for k, v in children.items() if k not in modules.get(name, {})})
            for name, keywords in extra.signatures.items():
                signatures.setdefault(name, keywords)
        signatures.update(_model_methods(keras))
        version = keras.__version__
        moved: Dict[str, str] = {}
    else:
        tf = import_tensorflow()
        found = walk("tensorflow", tf, "tensorflow")
        modules, signatures = found.modules, found.signatures
        packages = _subpackages(tf)
        version = tf.__version__
        moved = _tf1_moves(modules, found.paths, tf)
    return {
        "package": package,
        "version": version,
        "generated_in_s": round(time.perf_counter() - started, 1),
        **compact(modules, signatures, found.aliases),
        "tf1_moved": moved,
        "packages": packages,
    }


def import_tensorflow() -> Any:
    """``import tensorflow``, quietly."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.argv = sys.argv[:1]  # tf.compat.v1.flags parses the command line when touched
    import tensorflow as tf

    return tf


def _subpackages(package: Any) -> List[str]:
    """The package's importable top-level modules (``tensorflow.python``, ``tensorflow.compiler``):
    ``import``/``from`` can reach them although ``dir()`` of the package does not list them."""
    import pkgutil

    return sorted(info.name for info in pkgutil.iter_modules(getattr(package, "__path__", [])))


def compact(modules: Dict[str, Dict[str, str]], signatures: Dict[str, List[str]], aliases: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """Signatures as indexes into one table of distinct keyword lists: ``"f12"`` is a function
    whose keywords are ``keywords[12]``. Methods (``keras.Model.fit``) go under their class.
    A module that is another one again, by identity (``aliases``) or because it is a
    ``tf.compat.v1``/``v2`` copy with the same names, kinds and keywords as ``tf``'s
    (``tensorflow.compat.v2.math`` -> ``tensorflow.math``), is stored once, under ``mirrors``."""
    table: Dict[Tuple[str, ...], int] = {}
    for name in sorted(signatures):
        table.setdefault(tuple(signatures[name]), len(table))
    out: Dict[str, Dict[str, str]] = {module: dict(children) for module, children in modules.items()}
    for name, keywords in signatures.items():
        owner, attr = name.rsplit(".", 1)
        kind = out.get(owner, {}).get(attr)
        if kind is None:  # a method: its class becomes a namespace of its own
            out.setdefault(owner, {})[attr] = "f"
            kind = "f"
        out[owner][attr] = f"{kind[0]}{table[tuple(keywords)]}"
    mirrors = dict(aliases or {})
    for name in sorted(out):
        twin = compat_twin(name)
        if twin is not None and out.get(twin) == out[name]:
            mirrors[name] = twin
    for name in mirrors:
        out.pop(name, None)
    ordered = [list(k) for k, _ in sorted(table.items(), key=lambda item: item[1])]
    return {"modules": out, "keywords": ordered, **({"mirrors": mirrors} if mirrors else {})}


def compat_twin(module: str) -> Optional[str]:
    """``tensorflow.compat.v2.math`` -> ``tensorflow.math`` (None for other paths)."""
    for prefix in ("tensorflow.compat.v1.", "tensorflow.compat.v2."):
        if module.startswith(prefix):
            return "tensorflow." + module[len(prefix):]
    return None


_COMPAT_TREES = ("tensorflow.compat.v1", "tensorflow.compat.v2")  # not TF 2's own names: never a move's target


def _tf1_moves(modules: Dict[str, Dict[str, str]], paths: Dict[int, str], tf: Any) -> Dict[str, str]:
    """``tensorflow.log`` -> ``tensorflow.math.log``: TF1 names missing from TF2's tree whose
    object is public in TF2 under another path (identity, not name similarity)."""
    v1_prefix = "tensorflow.compat.v1"
    moved: Dict[str, str] = {}
    for module_name, children in modules.items():
        if not (module_name == v1_prefix or module_name.startswith(v1_prefix + ".")):
            continue
        tf2_module = "tensorflow" + module_name[len(v1_prefix):]
        for attr in children:
            tf2_path = f"{tf2_module}.{attr}"
            if attr in modules.get(tf2_module, {}):
                continue
            obj: Any = tf.compat.v1
            for part in (module_name[len(v1_prefix) + 1:].split(".") if module_name != v1_prefix else []) + [attr]:
                obj = getattr(obj, part, None)
            target = paths.get(id(obj))
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and target and not target.startswith(_COMPAT_TREES):
                moved[tf2_path] = target
    return moved


def render(data: Dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--package", choices=("keras", "tensorflow"), required=True)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    args = parser.parse_args(argv)
    data = generate(args.package)
    text = render({**data, "generated_in_s": None})
    target = data_path(args.package)
    if args.check:
        same = target.read_text(encoding="utf-8") == text
        print(f"{target.name}: {'up to date' if same else 'STALE'}")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(text) / 1024:.0f} KiB, {len(data['modules'])} modules, {len(data['keywords'])} distinct signatures) in {data['generated_in_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
