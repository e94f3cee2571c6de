"""Regenerate the identifier data from the installed Keras: ``python -m tf_lint.knowledge.generate``.

Nothing here is typed by hand. For each category (losses, metrics, optimizers, activations,
initializers, regularizers, constraints) it asks the real library:

* candidates come from Keras' own lookup table (``keras.src.<module>.ALL_OBJECTS_DICT``, the
  dict ``keras.<module>.get`` searches) plus every public name of ``keras.<module>``;
* a name is *accepted* when ``keras.<module>.get(name)`` returns a usable object; an abstract
  base class (``'Loss'``, ``'Metric'``, ``'Initializer'``, ``'Regularizer'``) passes ``get``
  and fails when used, so it is rejected with ``NotImplementedError``;
* public names that ``get`` refuses are kept as ``rejected_public`` with the error raised;
* the case rule is probed: does ``get`` accept every accepted name upper-cased?
* the compile-only aliases (``'ce'``/``'crossentropy'`` for losses, ``'acc'``/``'accuracy'``
  for metrics) are read from ``keras.src.trainers.compile_utils`` and confirmed by compiling
  and fitting a one-layer model with each alias, upper-cased too;
* *when* Keras rejects a bad name is measured, not assumed: a misspelled name is tried in a
  layer constructor, in ``compile()`` and in the first ``fit()``;
* which constructor argument of which layer takes which category comes from the layers'
  signatures (``activation``/``*_activation``, ``*_initializer``, ``*_regularizer``,
  ``*_constraint``), with positions for positional use (``Dense(64, 'relu')``);
* ``compile``'s parameter order and whether a bare string ``metrics='accuracy'`` is refused;
* the enumerated string arguments constructors validate (``padding``, ``data_format``,
  ``merge_mode``, ``interpolation``, ``reduction``...), read from Keras' own error messages
  and confirmed value by value (see ``_enum_arguments``).

Run it in an environment with Keras and a backend (``pip install keras 'jax[cpu]'``;
``KERAS_BACKEND=jax`` is set by default). ``--check`` exits 1 when the shipped file differs.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import inspect
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from tf_lint.knowledge.probes import build, popped_keywords

DATA_DIR = Path(__file__).resolve().parent
GENERATOR = "python -m tf_lint.knowledge.generate"

# Category -> (base class whose method an abstract subclass leaves unimplemented, that method).
_ABSTRACT_CHECKS: Dict[str, Tuple[str, str]] = {
    "losses": ("Loss", "call"),
    "metrics": ("Metric", "update_state"),
    "initializers": ("Initializer", "__call__"),
    "regularizers": ("Regularizer", "__call__"),
}
# Category -> the layer keyword used to measure when a bad name fails, and how arguments are recognised.
_LAYER_CATEGORIES: Dict[str, str] = {
    "activations": "activation",
    "initializers": "kernel_initializer",
    "regularizers": "kernel_regularizer",
    "constraints": "kernel_constraint",
}
CATEGORIES = ("losses", "metrics", "optimizers", "activations", "initializers", "regularizers", "constraints")
_BAD_NAME = "zz_not_a_keras_name"


# The package to read: "keras" (Keras 3) or "tf_keras" (Keras 2, TensorFlow <= 2.15 style).
_PACKAGE = "keras"
_COMPILE_UTILS = {"keras": "keras.src.trainers.compile_utils", "tf_keras": "tf_keras.src.engine.compile_utils"}
_FILE_STEM = {"keras": "keras", "tf_keras": "tf-keras"}


def data_path(major: str = "3", package: str = "keras") -> Path:
    return DATA_DIR / f"{_FILE_STEM[package]}-{major}.json"


def _package() -> Any:
    return importlib.import_module(_PACKAGE)


def _lookup_table(category: str) -> Set[str]:
    """Names ``get`` looks up besides the public ones: Keras 3's ``ALL_OBJECTS_DICT``, or the
    module globals Keras 2 deserializes from."""
    private = importlib.import_module(f"{_PACKAGE}.src.{category}")
    table = getattr(private, "ALL_OBJECTS_DICT", None)
    if table is not None:
        return set(table)
    return {
        name
        for name, value in vars(private).items()
        if not name.startswith("_") and (inspect.isclass(value) or inspect.isfunction(value))
        and name not in {"get", "serialize", "deserialize"}
    }


def _public_names(module: Any) -> Set[str]:
    """Public classes and functions of a Keras module (not its submodules or helpers)."""
    return {
        name
        for name in dir(module)
        if not name.startswith("_")
        and name not in {"get", "serialize", "deserialize"}
        and not inspect.ismodule(getattr(module, name))
    }


def _probe(get: Callable[[str], Any], name: str) -> Tuple[bool, str, Any]:
    try:
        obj = get(name)
    except ImportError:
        # Keras knows the name but the object needs an optional package (STFT needs scipy):
        # the string is valid, so the data must not depend on what this venv happens to hold.
        return True, "", None
    except Exception as error:  # noqa: BLE001 - any other failure means Keras rejects the string
        return False, type(error).__name__, None
    if isinstance(obj, str):  # tf-keras 2 hands unknown strings back unresolved; they fail when called
        return False, "TypeError", None
    return True, "", obj


def _is_abstract(category: str, obj: Any) -> bool:
    keras = _package()

    check = _ABSTRACT_CHECKS.get(category)
    if check is None:
        return False
    base = getattr(getattr(keras, category), check[0])
    return isinstance(obj, base) and getattr(type(obj), check[1]) is getattr(base, check[1])


def _compile_alias_candidates() -> List[str]:
    """Every string compared with ``str(x).lower()`` in the package's compile_utils source.

    Which of them a category really accepts is then measured by compiling and fitting.
    """
    module = importlib.import_module(_COMPILE_UTILS[_PACKAGE])
    found: Set[str] = set()
    for compare in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(compare, ast.Compare) and "lower" in ast.unparse(compare.left):
            for comparator in compare.comparators:
                if isinstance(comparator, (ast.List, ast.Tuple, ast.Set)):
                    found.update(str(e.value) for e in comparator.elts if isinstance(e, ast.Constant))
    return sorted(found)


def _tiny_model(**layer_arguments: Any) -> Any:
    keras = _package()

    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax", **layer_arguments)])


def _run(compile_kwargs: Dict[str, Any], layer_arguments: Optional[Dict[str, Any]] = None) -> Tuple[str, str]:
    """Where a compile-and-fit with these arguments fails, and with which exception:
    ('compile', 'ValueError'), ('fit', 'TypeError')... or ('', '') when it works."""
    import numpy as np

    keras = _package()

    try:
        model = _tiny_model(**(layer_arguments or {}))
        try:
            model.compile(**{"optimizer": "sgd", "loss": "sparse_categorical_crossentropy", **compile_kwargs})
        except Exception as error:  # noqa: BLE001
            return "compile", type(error).__name__
        try:
            model.fit(np.zeros((4, 4), "float32"), np.zeros((4,), "int32"), epochs=1, verbose=0)
        except Exception as error:  # noqa: BLE001
            return "fit", type(error).__name__
        return "", ""
    finally:
        keras.backend.clear_session()  # JAX keeps a failed model's state (facts §8)


def _fails_at(category: str) -> Tuple[str, str]:
    """Measure when a misspelled name of this category is rejected, and with which exception."""
    keras = _package()

    if category in _LAYER_CATEGORIES:
        argument = {_LAYER_CATEGORIES[category]: _BAD_NAME}
        try:
            keras.layers.Dense(1, **argument)
        except Exception as error:  # noqa: BLE001
            return "constructor", type(error).__name__
        # tf-keras 2 keeps some unknown strings and fails only when the layer is built or trained.
        try:
            keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, **argument)])
        except Exception as error:  # noqa: BLE001
            return "build", type(error).__name__
        finally:
            keras.backend.clear_session()
        where, error_name = _run({}, layer_arguments=argument)
        if where == "fit":
            return where, error_name
        raise RuntimeError(f"a bad {category} name is no longer rejected")
    key = {"losses": "loss", "metrics": "metrics", "optimizers": "optimizer"}[category]
    value: Any = [_BAD_NAME] if key == "metrics" else _BAD_NAME
    where, error_name = _run({key: value})
    if not where:
        raise RuntimeError(f"a bad {category} name is no longer rejected")
    return where, error_name


def _category(category: str) -> Dict[str, Any]:
    keras = _package()

    module = getattr(keras, category)
    public = _public_names(module)
    candidates = set(_lookup_table(category)) | public
    if category == "activations":  # tf-keras 2 also resolves layer class names ('LeakyReLU')
        candidates |= _public_names(keras.layers)
    fails_at, fails_with = _fails_at(category)
    accepted: List[str] = []
    rejected: Dict[str, str] = {}
    for name in sorted(candidates):
        ok, error, obj = _probe(module.get, name)
        if ok and _is_abstract(category, obj):
            ok, error = False, "NotImplementedError"
        if ok:
            accepted.append(name)
        elif name in public:
            rejected[name] = error
    case_insensitive = all(_probe(module.get, name.upper())[0] for name in accepted)
    if case_insensitive:  # one spelling per name is enough when case does not matter
        accepted = sorted({name.lower() for name in accepted})
        rejected = {name: error for name, error in rejected.items() if name.lower() not in accepted}
    data: Dict[str, Any] = {
        "accepted": accepted,
        "case_sensitive": not case_insensitive,
        "rejected_public": rejected,
        "fails_at": fails_at,
        "fails_with": fails_with,
    }
    key = {"losses": "loss", "metrics": "metrics"}.get(category)
    if key is not None:

        def works(alias: str) -> bool:
            return _run({key: [alias] if key == "metrics" else alias}) == ("", "")

        data["compile_aliases"] = [a for a in _compile_alias_candidates() if works(a) and works(a.upper())]
    return data


def _layer_arguments() -> Dict[str, Dict[str, List[Any]]]:
    """Layer -> constructor argument -> [category, positional index or null], from signatures."""
    keras = _package()

    table: Dict[str, Dict[str, List[Any]]] = {}
    for name in sorted(_public_names(keras.layers)):
        cls = getattr(keras.layers, name)
        if not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)):
            continue
        entries: Dict[str, List[Any]] = {}
        position: Optional[int] = 0
        for param in inspect.signature(cls).parameters.values():
            index = position if param.kind is param.POSITIONAL_OR_KEYWORD else None
            if param.kind is param.POSITIONAL_OR_KEYWORD and position is not None:
                position += 1
            category = _argument_category(param.name)
            if category is not None:
                entries[param.name] = [category, index]
        if entries:
            table[name] = entries
    return table


def _argument_category(parameter: str) -> Optional[str]:
    if parameter == "activation" or parameter.endswith("_activation"):
        return "activations"
    for suffix, category in (("_initializer", "initializers"), ("_regularizer", "regularizers"), ("_constraint", "constraints")):
        if parameter.endswith(suffix):
            return category
    return None


_QUOTED = re.compile(r"""['"]([A-Za-z0-9_]+)['"]""")


def _build(cls: Any, **overrides: Any) -> Any:
    return build(_package(), cls, **overrides)


def _builds(cls: Any, **overrides: Any) -> bool:
    try:
        _build(cls, **overrides)
        return True
    except Exception:  # noqa: BLE001
        return False


def _enum_arguments() -> Dict[str, Dict[str, Dict[str, Any]]]:
    """String arguments a constructor validates, with the values it accepts.

    For each public layer and loss class that can be built with probe inputs, each argument
    with a string default (or named ``data_format``/``padding``) gets a bogus string. If the
    constructor refuses it, the values quoted in Keras' own error message are the candidates,
    and each is kept only if the constructor accepts it. Arguments Keras validates later (at
    build or call time) are not recorded: the linter only claims what fails at construction.
    """
    keras = _package()

    table: Dict[str, Dict[str, Dict[str, Any]]] = {}
    sources = [("keras.layers", keras.layers, keras.layers.Layer), ("keras.losses", keras.losses, keras.losses.Loss)]  # canonical names
    for prefix, module, base in sources:
        for name in sorted(_public_names(module)):
            cls = getattr(module, name)
            if not (inspect.isclass(cls) and issubclass(cls, base)) or not _builds(cls):
                continue
            parameters = list(inspect.signature(cls).parameters.values())
            positional = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
            for param in parameters:
                if not (isinstance(param.default, str) or param.name in ("data_format", "padding")):
                    continue
                if _argument_category(param.name) is not None:
                    continue  # identifier categories have their own data
                try:
                    _build(cls, **{param.name: _BAD_NAME})
                    continue  # not validated at construction
                except Exception as error:  # noqa: BLE001
                    candidates = sorted(set(_QUOTED.findall(str(error))) - {_BAD_NAME})
                    error_name = type(error).__name__
                accepted = [value for value in candidates if _builds(cls, **{param.name: value})]
                if not accepted:
                    continue
                entry = {
                    "values": accepted,
                    "error": error_name,
                    "case_sensitive": not all(_builds(cls, **{param.name: v.upper()}) for v in accepted),
                    "position": positional.index(param.name) if param.name in positional else None,
                }
                table.setdefault(f"{prefix}.{name}", {})[param.name] = entry
    return table


def _compile_facts() -> Dict[str, Any]:
    keras = _package()

    parameters = [p.name for p in inspect.signature(keras.Model.compile).parameters.values() if p.name != "self"]
    return {
        "parameters": parameters,
        "metrics_must_be_a_list": _run({"metrics": "accuracy"})[0] == "compile",
    }


def generate(package: str = "keras") -> Dict[str, Any]:
    global _PACKAGE
    _PACKAGE = package
    if package == "keras" and importlib.util.find_spec("jax") is not None:
        os.environ.setdefault("KERAS_BACKEND", "jax")  # light and quick; TensorFlow's is used otherwise
    keras = _package()

    return {
        "_comment": f"Generated by `{GENERATOR} --package {package}` from the installed {package}; do not edit by hand.",
        "package": package,
        "keras_version": keras.__version__,
        # Some layers exist only on one backend (Hashing needs TensorFlow): the data says which.
        "backend": keras.backend.backend(),
        "categories": {category: _category(category) for category in CATEGORIES},
        "compile": _compile_facts(),
        "layer_arguments": _layer_arguments(),
        "enum_arguments": _enum_arguments(),
        # Only Keras 3 is measured: tf-keras 2 saves SavedModel directories and takes any suffix.
        "saving": _saving_facts() if package == "keras" else {},
        "warned_keywords": _warned_keywords() if package == "keras" else {},
    }


# Suffixes tried on each saving entry point; which are accepted is measured, not assumed.
_SAVE_SUFFIXES = ("", ".keras", ".h5", ".hdf5", ".weights.h5", ".tf", ".ckpt", ".pb", ".weights.json", "/")


def _saving_facts() -> Dict[str, Any]:
    """Which file-name endings each Keras 3 saving entry point accepts, and what it raises otherwise.

    A tiny compiled model is saved, checkpointed and loaded in a temporary directory with each
    suffix in ``_SAVE_SUFFIXES``. A suffix is *accepted* unless the call raises the same error
    as a path with no suffix at all (a load may fail for another reason, e.g. a weights file
    holds no model config: that is not the format check).
    """
    import tempfile
    import warnings

    keras = _package()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(loss="mse")
    entries = {
        "save": lambda path: model.save(path),
        "save_weights": lambda path: model.save_weights(path),
        "load_model": lambda path: keras.models.load_model(path),
        "load_weights": lambda path: model.load_weights(path),
        "ModelCheckpoint": lambda path: keras.callbacks.ModelCheckpoint(path),
        "ModelCheckpoint(save_weights_only=True)": lambda path: keras.callbacks.ModelCheckpoint(path, save_weights_only=True),
    }
    facts: Dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stem = os.path.join(folder, "m")

        def outcome(call: Callable[[str], Any], suffix: str) -> Optional[str]:
            path = stem + suffix
            try:
                call(path)
            except Exception as error:  # noqa: BLE001 - the message is the fact
                first = str(error).strip().splitlines()[0] if str(error).strip() else ""
                return f"{type(error).__name__}: {first}".replace(path, "{path}")
            return None

        # Saves first, so the loads find files of each kind.
        for entry in ("save", "save_weights", "ModelCheckpoint", "ModelCheckpoint(save_weights_only=True)", "load_model", "load_weights"):
            call = entries[entry]
            rejection = outcome(call, "")
            if rejection is None:
                continue  # accepts anything: nothing to check
            results = {suffix: outcome(call, suffix) for suffix in _SAVE_SUFFIXES if suffix}
            facts[entry] = {
                "accepted": sorted(suffix for suffix, error in results.items() if error != rejection),
                "error": rejection,
            }
    return facts


# Values tried, in order, for a keyword a layer pops from ``**kwargs`` (the first one the
# constructor accepts is used to see whether it warns).
_KEYWORD_PROBES: Tuple[Any, ...] = (True, 2, 0.2, (2,), "x")


def _warned_keywords() -> Dict[str, Dict[str, Dict[str, Any]]]:
    """Keyword arguments a Keras 3 layer still accepts but warns about (``Embedding(input_length=)``).

    Candidates are the names a layer's ``__init__`` reads out of ``**kwargs`` (Keras 2
    spellings it kept for compatibility). Each is passed alone to the constructor with probe
    values; the first value the constructor accepts shows whether it warns, and the warning
    text is recorded. ``use`` is the replacement the warning names (``Use `shape` instead``).
    """
    import warnings

    keras = _package()
    table: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for name in sorted(_public_names(keras.layers)):
        cls = getattr(keras.layers, name)
        if not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)) or not _builds(cls):
            continue
        signature = set(inspect.signature(cls).parameters)
        candidates: Set[str] = set()
        for klass in cls.__mro__:
            init = klass.__dict__.get("__init__")
            if init is not None and klass is not keras.layers.Layer:
                candidates |= popped_keywords(init)
            if klass is keras.layers.Layer:
                break
        for keyword in sorted(candidates - signature):
            for value in _KEYWORD_PROBES:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    try:
                        _build(cls, **{keyword: value})
                    except Exception:  # noqa: BLE001
                        continue
                messages = [str(w.message) for w in caught if keyword in str(w.message)]
                if messages:
                    use = re.search(r"[Uu]se `(\w+)` instead", messages[0])
                    table.setdefault(f"keras.layers.{name}", {})[keyword] = {
                        "warning": " ".join(messages[0].split()),
                        "use": use.group(1) if use and use.group(1) in signature else None,
                    }
                break
    return table


MIGRATION_FILE = "keras-2-to-3.json"
_PROBE_VALUE = 0.123  # a distinctive number to find in a config


def _allowed_legacy_kwargs() -> Set[str]:
    """Keyword arguments tf-keras optimizers accept through ``**kwargs`` (``allowed_kwargs = {...}``)."""
    found: Set[str] = set()
    for module_name in ("tf_keras.src.optimizers.legacy.optimizer_v2", "tf_keras.src.optimizers.optimizer"):
        tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "allowed_kwargs" for t in node.targets):
                if isinstance(node.value, ast.Set):
                    found.update(str(e.value) for e in node.value.elts if isinstance(e, ast.Constant))
    return found


def _renamed_to(legacy_class: Any, argument: str) -> Optional[str]:
    """The config key a tf-keras legacy optimizer stores ``argument`` under, if it is another name."""
    try:
        config = legacy_class(**{argument: _PROBE_VALUE}).get_config()
    except Exception:  # noqa: BLE001
        return None
    for key, value in config.items():
        if key != argument and isinstance(value, (int, float)) and abs(float(value) - _PROBE_VALUE) < 1e-6:
            return str(key)
    return None


def _keras3_outcome(cls: Any, argument: str) -> Optional[Dict[str, Any]]:
    """What Keras 3 does with ``cls(argument=...)``: raise, or accept and ignore with a warning."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cls(**{argument: _PROBE_VALUE})
        except Exception as error:  # noqa: BLE001
            return {"outcome": "error", "error": type(error).__name__}
    ignored = [w for w in caught if argument in str(w.message) and "ignored" in str(w.message)]
    return {"outcome": "ignored", "error": None} if ignored else None


def migration() -> Dict[str, Any]:
    """Keras 2 spellings that Keras 3 rejects or ignores, found by comparing the two packages.

    Needs ``tf_keras`` and ``keras`` (Keras 3) importable together, as in a TensorFlow venv.
    """
    import keras
    import tf_keras

    legacy = tf_keras.optimizers.legacy
    extra = _allowed_legacy_kwargs()
    optimizers: Dict[str, Dict[str, Any]] = {}
    for name in sorted(_public_names(keras.optimizers)):
        cls = getattr(keras.optimizers, name)
        olds = [o for o in (getattr(legacy, name, None), getattr(tf_keras.optimizers, name, None)) if o is not None]
        if not inspect.isclass(cls) or not olds or not _builds_plain(cls):
            continue
        current = set(inspect.signature(cls).parameters)
        candidates = set(extra)
        for old in olds:
            candidates |= set(inspect.signature(old).parameters)
        entries = {}
        for argument in sorted(candidates - current - {"kwargs", "self"}):
            outcome = _keras3_outcome(cls, argument)
            if outcome is not None:
                rename = _renamed_to(olds[0], argument)
                outcome["use"] = rename if rename in current else None
                entries[argument] = outcome
        if entries:
            optimizers[name] = entries
    # An optimizer tf-keras has no legacy twin of (AdamW, Lion) takes the rename its siblings show.
    renames: Dict[str, str] = {}
    for entries in optimizers.values():
        for argument, outcome in entries.items():
            if outcome["use"]:
                renames.setdefault(argument, outcome["use"])
    for name, entries in optimizers.items():
        current = set(inspect.signature(getattr(keras.optimizers, name)).parameters)
        for argument, outcome in entries.items():
            if outcome["use"] is None and renames.get(argument) in current:
                outcome["use"] = renames[argument]
    from keras.src.models.functional import Functional

    # A name any public Keras 3 class still defines (``LSTM.reset_states``) is not "removed".
    present = set(dir(keras.Model)) | set(dir(keras.Sequential)) | set(dir(Functional))
    for module in (keras.layers, keras.metrics, keras.losses, keras.optimizers, keras.callbacks):
        for member in vars(module).values():
            if inspect.isclass(member):
                present |= set(dir(member))
    methods = {}
    for name in sorted(dir(tf_keras.Model)):
        member = getattr(tf_keras.Model, name)
        if name.startswith("_") or name in present or not inspect.isfunction(member):
            continue
        stem = name[: -len("_generator")] if name.endswith("_generator") else None
        methods[name] = {"use": stem if stem and hasattr(keras.Model, stem) else None}
    return {
        "_comment": f"Generated by `{GENERATOR} --package tf_keras` from tf_keras and keras; do not edit by hand.",
        "from_version": tf_keras.__version__,
        "to_version": keras.__version__,
        "optimizer_arguments": optimizers,
        "removed_model_methods": methods,
    }


def _builds_plain(cls: Any) -> bool:
    try:
        cls()
        return True
    except Exception:  # noqa: BLE001
        return False


def render(data: Dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog=GENERATOR, description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped data differs")
    parser.add_argument("--output", type=Path, default=None, help="where to write (default: the packaged file)")
    parser.add_argument("--package", choices=sorted(_FILE_STEM), default="keras", help="keras (Keras 3) or tf_keras (Keras 2)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = generate(args.package)
    text = render(data)
    target = args.output or data_path(data["keras_version"].split(".", 1)[0], args.package)
    counts = ", ".join(f"{c} {len(v['accepted'])}" for c, v in data["categories"].items())
    print(f"Keras {data['keras_version']}: {counts}; {len(data['layer_arguments'])} layers "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    outputs = {target: text}
    if args.package == "tf_keras" and args.output is None:
        outputs[DATA_DIR / MIGRATION_FILE] = render(migration())
    stale = 0
    for path, content in outputs.items():
        if args.check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != content:
                print(f"{path} is stale; run `{GENERATOR} --package {args.package}`", file=sys.stderr)
                stale = 1
            else:
                print(f"{path} matches the installed packages")
        else:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
