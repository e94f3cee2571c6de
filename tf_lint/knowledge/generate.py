"""Regenerate the identifier data from the installed Keras: ``python -m tf_lint.knowledge.generate``.

Nothing here is typed by hand. For each category it asks the real library:

* candidates come from Keras' own lookup table (``keras.src.<module>.ALL_OBJECTS_DICT``, the
  dict ``keras.<module>.get`` searches) plus every public name of ``keras.<module>``;
* a name is *accepted* when ``keras.<module>.get(name)`` returns a usable object; losses
  whose class leaves ``call`` abstract are rejected (they pass ``get`` and then raise
  ``NotImplementedError`` at the first fit);
* public names that ``get`` refuses are kept as ``rejected_public`` with the error raised;
* the compile-only aliases (``'ce'``, ``'crossentropy'``) are read from the source of
  ``keras.src.trainers.compile_utils`` and then confirmed by compiling and fitting a
  one-layer model with each alias, upper-cased too.

Run it in an environment with Keras and a backend (``pip install keras 'jax[cpu]'`` and
``KERAS_BACKEND=jax``). ``--check`` exits 1 when the shipped file differs.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Set, Tuple

DATA_DIR = Path(__file__).resolve().parent
GENERATOR = "python -m tf_lint.knowledge.generate"


def data_path(major: str = "3") -> Path:
    return DATA_DIR / f"keras-{major}.json"


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
        return True, "", get(name)
    except Exception as error:  # noqa: BLE001 - any failure means Keras rejects the string
        return False, type(error).__name__, None


def _compile_aliases(function_name: str) -> List[str]:
    """Lower-cased aliases compared with ``str(identifier).lower()`` inside compile_utils."""
    from keras.src.trainers import compile_utils

    tree = ast.parse(inspect.getsource(compile_utils))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function_name:
            for compare in ast.walk(node):
                if not isinstance(compare, ast.Compare) or "lower" not in ast.unparse(compare.left):
                    continue
                for comparator in compare.comparators:
                    if isinstance(comparator, (ast.List, ast.Tuple, ast.Set)):
                        return sorted(str(elt.value) for elt in comparator.elts if isinstance(elt, ast.Constant))
    raise RuntimeError(f"compile_utils.{function_name} no longer compares a lower-cased name with a list")


def _fits_with_loss(loss: str) -> bool:
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss=loss)
    try:
        model.fit(np.zeros((4, 4), "float32"), np.zeros((4,), "int32"), epochs=1, verbose=0)
        return True
    except Exception:  # noqa: BLE001
        return False
    finally:
        keras.backend.clear_session()  # JAX keeps a failed model's state (facts §8)


def _losses() -> Dict[str, Any]:
    import keras
    from keras.src import losses as private_losses

    accepted: List[str] = []
    rejected: Dict[str, str] = {}
    candidates: Iterable[str] = sorted(set(private_losses.ALL_OBJECTS_DICT) | _public_names(keras.losses))
    for name in candidates:
        ok, error, obj = _probe(keras.losses.get, name)
        if ok and isinstance(obj, keras.losses.Loss) and type(obj).call is keras.losses.Loss.call:
            ok, error = False, "NotImplementedError"  # abstract base: passes get(), fails at fit
        if ok:
            accepted.append(name)
        elif name in _public_names(keras.losses):
            rejected[name] = error
    aliases = [alias for alias in _compile_aliases("get_loss") if _fits_with_loss(alias) and _fits_with_loss(alias.upper())]
    return {
        "accepted": accepted,
        "case_sensitive": not all(_probe(keras.losses.get, name.swapcase())[0] for name in accepted),
        "compile_aliases": aliases,
        "rejected_public": rejected,
    }


def _optimizers() -> Dict[str, Any]:
    import keras
    from keras.src import optimizers as private_optimizers

    candidates = set(private_optimizers.ALL_OBJECTS_DICT) | {n.lower() for n in _public_names(keras.optimizers)}
    accepted = sorted(name for name in candidates if _probe(keras.optimizers.get, name)[0])
    rejected = {
        name: _probe(keras.optimizers.get, name)[1]
        for name in sorted(_public_names(keras.optimizers))
        if name.lower() not in accepted and not _probe(keras.optimizers.get, name)[0]
    }
    case_insensitive = all(_probe(keras.optimizers.get, name.upper())[0] for name in accepted)
    return {"accepted": accepted, "case_sensitive": not case_insensitive, "rejected_public": rejected}


def generate() -> Dict[str, Any]:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    return {
        "_comment": f"Generated by `{GENERATOR}` from the installed Keras; do not edit by hand.",
        "keras_version": keras.__version__,
        "losses": _losses(),
        "optimizers": _optimizers(),
    }


def render(data: Dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=GENERATOR, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped data differs")
    parser.add_argument("--output", type=Path, default=None, help="where to write (default: the packaged file)")
    args = parser.parse_args(argv)
    text = render(generate())
    major = json.loads(text)["keras_version"].split(".", 1)[0]
    target = args.output or data_path(major)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is stale; run `{GENERATOR}`", file=sys.stderr)
            return 1
        print(f"{target} matches the installed Keras")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
