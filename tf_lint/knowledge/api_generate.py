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
from typing import Any, Dict, List, Optional, Set, Tuple

_HERE = Path(__file__).resolve().parent
# Subtrees not walked: private or mirrors of another tree (tf.keras is Keras 3, checked with
# Keras' data; compat.v2 mirrors tf). They are recorded as modules whose names are unknown.
_SKIP = {
    "tensorflow": ("tensorflow.keras", "tensorflow.compat.v2", "tensorflow.compat.v1.keras", "tensorflow.compat.v1.compat", "tensorflow.compat.v1.estimator", "tensorflow.estimator"),
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


def walk(package: str, root: Any, root_name: str) -> Tuple[Dict[str, Dict[str, str]], Dict[str, List[str]], Dict[int, str]]:
    """Modules -> {name: kind}, callables -> keywords, and id(object) -> first public path."""
    modules: Dict[str, Dict[str, str]] = {}
    signatures: Dict[str, List[str]] = {}
    paths: Dict[int, str] = {}
    queue = [(root_name, root)]
    seen = {id(root)}
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
                if not _skipped(package, dotted) and id(obj) not in seen and _public_module(package, obj):
                    seen.add(id(obj))
                    queue.append((dotted, obj))
                continue
            if kind in ("c", "f"):
                keywords = _keywords(obj)
                if keywords is None and kind == "c" and package == "keras":
                    keywords = _validated_layer_keywords(obj)
                if keywords is not None:
                    signatures[dotted] = keywords
        modules[name] = children
    return modules, signatures, paths


def _public_module(package: str, module: Any) -> bool:
    """TensorFlow's public modules are the generated ``tensorflow._api.v2`` ones; anything else
    it exposes (``tf.dtensor.python``...) is implementation, left unknown (never flagged)."""
    name = getattr(module, "__name__", "")
    if package == "tensorflow":
        return name.startswith("tensorflow._api.")
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

        modules, signatures, _paths = walk("keras", keras, "keras")
        packages = _subpackages(keras)
        legacy = getattr(getattr(keras, "_tf_keras", None), "keras", None)
        if legacy is not None:  # tf.keras's tree: a few more names (tf.keras.preprocessing...)
            extra_modules, extra_signatures, _ = walk("keras", legacy, "keras")
            for name, children in extra_modules.items():
                modules.setdefault(name, {}).update({k: v for k, v in children.items() if k not in modules.get(name, {})})
            for name, keywords in extra_signatures.items():
                signatures.setdefault(name, keywords)
        signatures.update(_model_methods(keras))
        version = keras.__version__
        moved: Dict[str, str] = {}
    else:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf

        modules, signatures, paths = walk("tensorflow", tf, "tensorflow")
        packages = _subpackages(tf)
        version = tf.__version__
        moved = _tf1_moves(modules, paths, tf)
    return {
        "package": package,
        "version": version,
        "generated_in_s": round(time.perf_counter() - started, 1),
        **compact(modules, signatures),
        "tf1_moved": moved,
        "packages": packages,
    }


def _subpackages(package: Any) -> List[str]:
    """The package's importable top-level modules (``tensorflow.python``, ``tensorflow.compiler``):
    ``import``/``from`` can reach them although ``dir()`` of the package does not list them."""
    import pkgutil

    return sorted(info.name for info in pkgutil.iter_modules(getattr(package, "__path__", [])))


def compact(modules: Dict[str, Dict[str, str]], signatures: Dict[str, List[str]]) -> Dict[str, Any]:
    """Signatures as indexes into one table of distinct keyword lists: ``"f12"`` is a function
    whose keywords are ``keywords[12]``. Methods (``keras.Model.fit``) go under their class."""
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
    ordered = [list(k) for k, _ in sorted(table.items(), key=lambda item: item[1])]
    return {"modules": out, "keywords": ordered}


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
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and target and not target.startswith(v1_prefix):
                moved[tf2_path] = target
    return moved


def render(data: Dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--package", choices=("keras", "tensorflow"), required=True)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    args = parser.parse_args(argv)
    sys.argv = sys.argv[:1]  # tf.compat.v1.flags parses the command line when touched
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
