"""The public API of TensorFlow and Keras as generated from the installed libraries
(``api_generate.py``): which names exist, what they are, which keywords they accept.

Loaded lazily, once per process, and only when a file uses a ``tensorflow``/``keras`` name
that a rule asks about (7 ms for TensorFlow's 300 KiB, 2.5 ms for Keras').
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple

_HERE = Path(__file__).resolve().parent

KNOWN, MISSING, UNKNOWN = "known", "missing", "unknown"
# How a written path maps onto the data: tf.keras is Keras 3 (checked with Keras' data);
# tf.compat.v1 and tf.compat.v2 have their own trees in TensorFlow's data (compat.v2 is not
# quite tf: TensorFlow's __init__ gives it enable_v2_behavior).
_KERAS_SHORTCUTS = ("losses", "optimizers", "metrics", "initializers")
_API_PREFIXES: Tuple[Tuple[str, str], ...] = (
    ("tensorflow.compat.v1.keras", "keras"),
    ("tensorflow.compat.v2.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("keras._tf_keras.keras", "keras"),
    # TF 2's shortcuts are Keras 3's modules (KerasLazyLoader objects in TF 2.21)
    *((f"tensorflow.{name}", f"keras.{name}") for name in _KERAS_SHORTCUTS),
    *((f"tensorflow.compat.v2.{name}", f"keras.{name}") for name in _KERAS_SHORTCUTS),
)


class Lookup(NamedTuple):
    """What a dotted path is: ``status`` known/missing/unknown. For a missing name, ``owner``
    is the deepest module that exists and ``attr`` the name it lacks; for a known callable,
    ``keywords`` are the keyword names it accepts (None: any). The per-release answers of
    ``api_versions.lookup_in`` also say which ``release`` they are about ("": the newest
    data) and, for a missing name, the release that ``removed`` it or a later one that
    ``added`` it."""

    status: str
    path: str
    owner: str = ""
    attr: str = ""
    kind: str = ""
    keywords: Optional[Tuple[str, ...]] = None
    release: str = ""
    added: str = ""
    removed: str = ""


class ApiSurface(NamedTuple):
    package: str
    version: str
    modules: Dict[str, Dict[str, str]]
    keywords: List[List[str]]
    tf1_moved: Dict[str, str]
    packages: FrozenSet[str]  # importable submodules of the top package, listed or not by dir()
    mirrors: Dict[str, str]  # a module stored once under another path (tensorflow.compat.v2.math -> tensorflow.math)

    def module(self, name: str) -> Optional[Dict[str, str]]:
        """The names of module ``name`` (None: not walked, or a class's attributes)."""
        found = self.modules.get(name)
        if found is None and name in self.mirrors:
            found = self.modules.get(self.mirrors[name])
        return found

    def children(self, module: str) -> Dict[str, str]:
        return self.module(module) or {}


@functools.lru_cache(maxsize=None)
def api_surface(package: str) -> Optional[ApiSurface]:
    """The shipped data for ``tensorflow`` or ``keras``; None if the file is missing."""
    try:
        raw = json.loads((_HERE / f"api-{package}.json").read_text(encoding="utf-8"))
    except OSError:
        return None
    return ApiSurface(
        raw["package"], raw["version"], raw["modules"], raw["keywords"], raw.get("tf1_moved", {}),
        frozenset(raw.get("packages", ())), raw.get("mirrors", {}),
    )


def api_path(written: str) -> Optional[str]:
    """The path to look up for a name as imported (``tensorflow.keras.layers.Dense`` ->
    ``keras.layers.Dense``); None for trees the data does not describe (tf_keras, private
    ``tensorflow.python``, ``keras.src``)."""
    for prefix, replacement in _API_PREFIXES:
        if written == prefix or written.startswith(prefix + "."):
            written = replacement + written[len(prefix):]
            break
    top = written.split(".", 2)
    if top[0] not in ("tensorflow", "keras") or (len(top) > 1 and top[1] in ("python", "src", "_api")):
        return None
    return written


def lookup(path: str) -> Lookup:
    """Walk ``path`` down the data: known, missing (with where), or unknown (the data does not
    describe that part: an implementation module, an attribute of a class or an object)."""
    parts = path.split(".")
    surface = api_surface(parts[0])
    if surface is None:
        return Lookup(UNKNOWN, path)
    module = parts[0]
    for position in range(1, len(parts)):
        attr = parts[position]
        if attr.startswith("_"):
            return Lookup(UNKNOWN, path)  # dunders and private names are not recorded
        children = surface.module(module)
        if children is None:
            return Lookup(UNKNOWN, path)  # a module that was not walked, or a class's attributes
        kind = children.get(attr)
        if kind is None:
            if _is_class_namespace(surface, module):
                return Lookup(UNKNOWN, path)
            if position == 1 and attr in surface.packages:
                return Lookup(UNKNOWN, path)  # an implementation package (tensorflow.compiler)
            return Lookup(MISSING, path, owner=module, attr=attr)
        module = f"{module}.{attr}"
        if position == len(parts) - 1:
            keywords = tuple(surface.keywords[int(kind[1:])]) if len(kind) > 1 else None
            return Lookup(KNOWN, path, kind=kind[0], keywords=keywords)
        if kind[0] != "m":
            if kind[0] == "c" and surface.module(module) is not None:
                continue  # a class whose methods were recorded (keras.Model.fit)
            return Lookup(UNKNOWN, path)
    return Lookup(KNOWN, path, kind="m")


def _is_class_namespace(surface: ApiSurface, module: str) -> bool:
    """``keras.Model`` holds recorded methods only: a name missing there may well exist."""
    owner, _, attr = module.rpartition(".")
    kind = surface.children(owner).get(attr, "m")
    return kind[0] == "c"


def tf1_replacement(path: str) -> Optional[str]:
    """For ``tensorflow.X`` missing in TF2: the TF2 path of the same object (``tensorflow.math.log``)."""
    surface = api_surface("tensorflow")
    return surface.tf1_moved.get(path) if surface is not None else None


def in_compat_v1(path: str) -> bool:
    """Does ``tensorflow.X.Y`` exist as ``tensorflow.compat.v1.X.Y``?"""
    if not path.startswith("tensorflow."):
        return False
    return lookup("tensorflow.compat.v1." + path[len("tensorflow."):]).status == KNOWN
