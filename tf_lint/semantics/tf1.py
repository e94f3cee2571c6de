"""Is a file written for TensorFlow 1?

A script that builds a graph with ``tf.placeholder``, runs it in a ``tf.Session`` and uses
``tf.contrib`` through a plain ``import tensorflow as tf`` is TensorFlow 1 code by design
(the TF 1 tutorials, the 2016 course notebooks): its TF 1 names are not mistakes but its
version. When nothing in the project or the file requires TensorFlow 2, such a file is
checked as TF 1 code (``FileContext.target_tensorflow`` becomes 1.15) and the TF 2 migration
rules stay quiet there. A TF 2 file with one or two TF 1 calls in it is still checked as TF 2,
where those calls fail.
"""

from __future__ import annotations

import re
from typing import List, Set

from tf_lint.knowledge.api import MISSING, api_path, in_compat_v1, lookup
from tf_lint.names import ImportTable

TF1_TARGET = "1.15"  # the last TensorFlow 1 release
MIN_TF1_NAMES = 2  # distinct TF 1-only names that make a file TF 1 code (a Session and what it runs)


def tf1_names(imports: ImportTable, source: str) -> List[str]:
    """The distinct TF 1-only names (``tensorflow.Session``, ``tensorflow.contrib``) the file
    uses through a plain ``tensorflow`` import, in order of first use."""
    aliases = [local for local in _locals_of(imports, "tensorflow")]
    found: List[str] = []
    seen: Set[str] = set()

    def note(written: str) -> None:
        name = _tf1_only(written)
        if name is not None and name not in seen:
            seen.add(name)
            found.append(name)

    for target in imports.targets():  # from tensorflow.contrib import slim; from tensorflow.examples...
        if target.startswith("tensorflow.") and not target.startswith("tensorflow.compat."):
            note(target)
    if aliases:
        pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in aliases) + r")((?:\.[A-Za-z_]\w*)+)")
        for match in pattern.finditer(source):
            note("tensorflow" + match.group(1))
    return found


def _locals_of(imports: ImportTable, target: str) -> List[str]:
    return [local for local in imports.locals() if imports.target_of(local) == target]


def _tf1_only(written: str) -> "str | None":
    """The part of ``written`` that exists only in TF 1 (under ``tf.compat.v1``), if any."""
    if written == "tensorflow.contrib" or written.startswith("tensorflow.contrib."):
        return "tensorflow.contrib"
    path = api_path(written)
    if path is None:
        return None
    found = lookup(path)
    if found.status != MISSING:
        return None
    # The written name cut where the lookup found nothing: TF 2's tf.metrics is Keras', so
    # tf.metrics.accuracy is looked up as keras.metrics.accuracy but names TF 1's.
    depth = found.owner.count(".") + 2 + written.count(".") - path.count(".")
    missing = ".".join(written.split(".")[:depth])
    return missing if in_compat_v1(missing) else None
