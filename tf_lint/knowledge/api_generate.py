"""Generate the API-surface data: every public name of TensorFlow or Keras and what it accepts.

Run with the library installed (it is imported here, never by the linter)::

    KERAS_BACKEND=jax python -m tf_lint.knowledge.api_generate --package keras
    python -m tf_lint.knowledge.api_generate --package tensorflow   # needs TensorFlow
    python -m tf_lint.knowledge.api_generate --versions             # every release: needs PyPI, pyenv's Pythons

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

``--versions`` installs each TensorFlow minor release in :data:`RELEASES` in a throwaway venv
(with a Python that release supports), runs the same walk there (names only: this file is
run as a plain script, ``--names``), deletes the venv, and merges the walks into
``api-tensorflow-versions.json``: for each name some release lacks, the releases that have it.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import subprocess
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
    lazy: List[str]  # modules that answer getattr themselves: dir() may not list all they have


def walk(package: str, root: Any, root_name: str, keywords: bool = True) -> Walk:
    """Breadth first from ``root``, so that each object's first path is its shortest.
    ``keywords=False`` records names and kinds only (the per-release walk)."""
    modules: Dict[str, Dict[str, str]] = {}
    signatures: Dict[str, List[str]] = {}
    paths: Dict[int, str] = {}
    aliases: Dict[str, str] = {}
    lazy: List[str] = []
    queue = [(root_name, root)]
    walked = {id(root): root_name}
    api_dirs = _api_dirs(package, root)
    while queue:
        name, module = queue.pop(0)
        if "__getattr__" in getattr(module, "__dict__", {}) or hasattr(type(module), "__getattr__"):
            lazy.append(name)
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
                if not _skipped(package, dotted) and _public_module(package, obj, api_dirs):  # skipped first: this may load
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
    return Walk(modules, signatures, paths, aliases, lazy)


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
    try:
        name = getattr(module, "__name__", "")
        location = getattr(module, "__file__", None)  # loads a lazy module (TF 1.15's tf.contrib)
    except Exception:  # noqa: BLE001 - a lazy module that cannot load here is not walked
        return False
    if package == "tensorflow":
        if name.startswith(("tensorflow._api.", "tensorflow_core._api.")):
            return True
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

    if hasattr(tf, "get_logger"):
        tf.get_logger().setLevel("ERROR")  # TF 1.15 logs a deprecation for each old name read
    return tf


def release_names() -> Dict[str, Any]:
    """One release's public names, for the per-release data: the same walk as :func:`generate`
    (names only), run in that release's venv as a plain script (``python -I api_generate.py
    --names FILE``: old Pythons, no tf_lint there). Every dotted name (modules included), and
    the modules whose ``dir()`` was read (a name missing from one of those is absent)."""
    started = time.perf_counter()
    tf = import_tensorflow()
    found = walk("tensorflow", tf, "tensorflow", keywords=False)
    modules = expand_aliases(found.modules, found.aliases)
    names = set(modules)
    for module, children in modules.items():
        names.update(f"{module}.{attr}" for attr in children)
    return {
        "version": tf.__version__,
        "python": ".".join(map(str, sys.version_info[:3])),
        "names": sorted(names),
        "modules": sorted(modules),
        "lazy": found.lazy,
        "walked_in_s": round(time.perf_counter() - started, 1),
    }


def expand_aliases(modules: Dict[str, Dict[str, str]], aliases: Dict[str, str]) -> Dict[str, Dict[str, str]]:
    """Modules reached again under another path get the names of the path that was walked,
    submodules included."""
    out = dict(modules)
    for alias, target in aliases.items():
        for module, children in modules.items():
            if module == target or module.startswith(target + "."):
                out.setdefault(alias + module[len(target):], children)
    return out


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


# How to install each TensorFlow release for the per-release walk: a Python it supports (found
# under --pythons) and the packages (newest patch; tensorflow-cpu where it exists, pins that
# the old releases need to import at all). Install recipes, not facts: the facts come from
# importing what they install.
RELEASES: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    "1.15": ("3.7", ("tensorflow~=1.15.0", "numpy<1.19", "protobuf<3.20", "h5py<3")),
    "2.0": ("3.7", ("tensorflow~=2.0.0", "numpy<1.19", "protobuf<3.20", "h5py<3")),
    "2.1": ("3.7", ("tensorflow-cpu~=2.1.0", "numpy<1.19", "protobuf<3.20", "h5py<3")),
    "2.2": ("3.8", ("tensorflow-cpu~=2.2.0", "numpy<1.19", "protobuf<3.20", "h5py<3")),
    "2.3": ("3.8", ("tensorflow-cpu~=2.3.0", "numpy<1.19", "protobuf<3.20")),
    "2.4": ("3.8", ("tensorflow-cpu~=2.4.0", "numpy<1.24", "protobuf<3.20")),
    "2.5": ("3.9", ("tensorflow-cpu~=2.5.0", "numpy<1.24", "protobuf<3.20")),
    "2.6": ("3.9", ("tensorflow-cpu~=2.6.0", "keras~=2.6.0", "numpy<1.24", "protobuf<3.20")),
    "2.7": ("3.9", ("tensorflow-cpu~=2.7.0", "numpy<1.24", "protobuf<3.20")),
    "2.8": ("3.10", ("tensorflow-cpu~=2.8.0", "numpy<1.24", "protobuf<3.20")),
    "2.9": ("3.10", ("tensorflow-cpu~=2.9.0", "numpy<1.24")),
    "2.10": ("3.10", ("tensorflow-cpu~=2.10.0", "numpy<1.24")),
    "2.11": ("3.10", ("tensorflow-cpu~=2.11.0", "numpy<1.24")),
    "2.12": ("3.11", ("tensorflow-cpu~=2.12.0", "numpy<2")),
    "2.13": ("3.11", ("tensorflow-cpu~=2.13.0", "numpy<2")),
    "2.14": ("3.11", ("tensorflow-cpu~=2.14.0", "numpy<2")),
    "2.15": ("3.11", ("tensorflow-cpu~=2.15.0", "numpy<2")),
    "2.16": ("3.12", ("tensorflow-cpu~=2.16.0",)),
    "2.17": ("3.12", ("tensorflow-cpu~=2.17.0",)),
    "2.18": ("3.12", ("tensorflow-cpu~=2.18.0",)),
    "2.19": ("3.12", ("tensorflow-cpu~=2.19.0",)),
    "2.20": ("3.12", ("tensorflow-cpu~=2.20.0",)),
    "2.21": ("3.11", ("tensorflow-cpu~=2.21.0",)),
}
VERSIONS_FILE = "api-tensorflow-versions.json"


def release_key(release: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in release.split("."))


def _python(pythons: Path, version: str) -> Optional[str]:
    """An interpreter for ``version`` (``3.7``): under ``pythons`` (pyenv's folders), or on PATH."""
    for candidate in sorted(pythons.glob(f"{version}.*/bin/python{version}"), reverse=True):
        return str(candidate)
    return shutil.which(f"python{version}")


def walk_release(release: str, work: Path, pythons: Path) -> Dict[str, Any]:
    """Install ``release`` in a throwaway venv, walk it there with :func:`release_names`, delete
    the venv. The walk is kept in ``work/<release>.json``, so an interrupted run resumes."""
    out = work / f"{release}.json"
    if out.exists():
        loaded: Dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return loaded
    python_version, requirements = RELEASES[release]
    python = _python(pythons, python_version)
    if python is None:
        raise RuntimeError(f"TensorFlow {release} needs Python {python_version}: none found under {pythons} or on PATH")
    venv = work / f"venv-{release}"
    shutil.rmtree(venv, ignore_errors=True)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-cache-dir"]
        installed = subprocess.run([*pip, *requirements], env=env, capture_output=True, text=True, check=False)
        if installed.returncode != 0:
            raise RuntimeError(f"cannot install TensorFlow {release} ({' '.join(requirements)}):\n{installed.stdout}{installed.stderr}")
        partial = out.with_suffix(".partial")
        subprocess.run([str(venv / "bin" / "python"), "-I", str(Path(__file__).resolve()), "--names", str(partial)], check=True, env=env)
        partial.rename(out)
    finally:
        shutil.rmtree(venv, ignore_errors=True)
    result: Dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def _spans(present: List[int]) -> str:
    """Release indexes -> ``"3-5,8-22"`` (runs of consecutive releases)."""
    runs: List[List[int]] = []
    for index in present:
        if runs and runs[-1][1] == index - 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return ",".join(f"{low}-{high}" for low, high in runs)


def merge_releases(walks: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    """The per-release data: for each name (and each walked module) not present in every
    release, the runs of releases that have it, grouped by run and by owner module:
    ``{"names": {"20-22": {"tensorflow.raw_ops": ["Foo", ...]}}}`` (indexes into
    ``releases``). A name in every release has no entry: the newest API data has it."""
    releases = sorted(walks, key=release_key)
    groups: Dict[str, Dict[str, Dict[str, List[str]]]] = {"names": {}, "walked": {}}
    for field, group in (("names", groups["names"]), ("modules", groups["walked"])):
        present: Dict[str, List[int]] = {}
        for index, release in enumerate(releases):
            for name in walks[release][field]:
                present.setdefault(name, []).append(index)
        for name in sorted(present):
            if len(present[name]) < len(releases):
                owner, _, attr = name.rpartition(".")
                group.setdefault(_spans(present[name]), {}).setdefault(owner, []).append(attr)
    return {
        "_comment": "Generated by `python -m tf_lint.knowledge.api_generate --versions` from each release as installed; do not edit by hand.",
        "releases": releases,
        "installed": {release: f"{walks[release]['version']} (Python {walks[release]['python']})" for release in releases},
        **groups,
    }


def generate_versions(releases: List[str], work: Path, pythons: Path) -> Dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    walks = {}
    for release in releases:
        started = time.perf_counter()
        try:
            walks[release] = walk_release(release, work, pythons)
        except (RuntimeError, subprocess.CalledProcessError) as error:
            print(f"TensorFlow {release}: FAILED, left out: {error}", flush=True)
            continue
        found = walks[release]
        lazy = f"; modules answering getattr themselves: {', '.join(found['lazy'])}" if found["lazy"] else ""
        print(f"TensorFlow {found['version']}: {len(found['names'])} names, {len(found['modules'])} modules ({time.perf_counter() - started:.0f} s){lazy}", flush=True)
    return merge_releases(walks)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--package", choices=("keras", "tensorflow"))
    mode.add_argument("--versions", action="store_true", help=f"walk every TensorFlow release in RELEASES, each in a throwaway venv, into {VERSIONS_FILE}")
    mode.add_argument("--names", metavar="FILE", help="(inside a release's venv) write the installed TensorFlow's names to FILE")
    parser.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    parser.add_argument("--releases", help="with --versions: only these (comma-separated), merged with the walks already in --work")
    parser.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "tf-lint-api-versions"), help="with --versions: where walks are kept (and venvs made, then deleted)")
    parser.add_argument("--pythons", default=os.path.expanduser("~/.pyenv/versions"), help="with --versions: folder of Python installations (pyenv's)")
    parser.add_argument("--fresh", action="store_true", help="with --versions: walk the releases again instead of reusing the walks in --work")
    args = parser.parse_args(argv)
    if args.names:
        Path(args.names).write_text(json.dumps(release_names()), encoding="utf-8")
        return 0
    if args.versions:
        work = Path(args.work)
        wanted = args.releases.split(",") if args.releases else list(RELEASES)
        if args.fresh:
            for release in wanted:
                (work / f"{release}.json").unlink(missing_ok=True)
        done = [path.stem for path in work.glob("*.json") if path.stem in RELEASES]
        releases = sorted(set(wanted) | set(done), key=release_key)
        data = generate_versions(releases, work, Path(args.pythons))
        text = render(data)
        target = _HERE / VERSIONS_FILE
    else:
        data = generate(args.package)
        text = render({**data, "generated_in_s": None})
        target = data_path(args.package)
    if args.check:
        same = target.read_text(encoding="utf-8") == text
        print(f"{target.name}: {'up to date' if same else 'STALE'}")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    if args.versions:
        print(f"wrote {target} ({len(text) / 1024:.0f} KiB, releases {', '.join(data['releases'])})")
        missing = [release for release in releases if release not in data["releases"]]
        if missing:
            print(f"releases left out (see above): {', '.join(missing)}")
            return 1
    else:
        print(f"wrote {target} ({len(text) / 1024:.0f} KiB, {len(data['modules'])} modules, {len(data['keywords'])} distinct signatures) in {data['generated_in_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
