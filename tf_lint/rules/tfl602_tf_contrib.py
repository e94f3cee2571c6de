"""TFL602: ``tf.contrib``, removed in TF 2.0."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.diagnostics import Severity
from tf_lint.knowledge.api import MISSING, Lookup
from tf_lint.knowledge.api_versions import removed_in
from tf_lint.rules._api_rule import ApiNameRule, spelled
from tf_lint.rules.tfl608_unknown_api_name import is_contrib
from tf_lint.semantics.scopes import Scope

_REPLACEMENTS = {
    "data.AUTOTUNE": "tf.data.AUTOTUNE",
    "layers.xavier_initializer": "keras.initializers.GlorotUniform()",
    "layers.l2_regularizer": "keras.regularizers.L2(...)",
    "layers.flatten": "keras.layers.Flatten()",
    "rnn": "keras.layers.LSTM/GRU/RNN",
    "slim": "keras layers (or the tf-slim package)",
    "learn": "keras models",
    "seq2seq": "keras layers or TensorFlow Addons successors",
}


class TfContrib(ApiNameRule):
    code = "TFL602"
    name = "tf-contrib"
    severity = Severity.ERROR
    message = "{name}: tf.contrib was removed in TensorFlow {removed} ({error} when this line runs); {advice}"
    summary = "Flags any use or import of `tf.contrib`, which TensorFlow 2 removed."
    rationale = """
        `tf.contrib` was dropped in TF 2.0 with no compatibility alias (not even under
        `tf.compat.v1`), so old tutorials' `tf.contrib.layers.xavier_initializer()` or
        `tf.contrib.data.AUTOTUNE` fail as soon as the line runs. The release is read from
        the per-release data: TensorFlow 1.15 has `tf.contrib`, no 2.x release does.
    """
    example = """
        init = tf.contrib.layers.xavier_initializer()
    """
    use_instead = """
        init = keras.initializers.GlorotUniform()
    """
    known_problems = """
        No fix: most of `tf.contrib` moved to other packages or changed shape. A project that
        targets TensorFlow 1.15 (its requirements pin `tensorflow<2`, or `target-tensorflow`)
        is not flagged, nor is a file written for TF 1. In a project whose requirements allow
        TF 1 too (`tensorflow>=1.15`), a module-level use is taken for a TF 1-only module the
        project imports only under TF 1 (tensor2tensor's `if not is_tf2: import ...`); uses in
        a function are still reported, unless the function first leaves on other versions
        (`if is_tf2: return shim`, or a call of a helper of the file that raises under TF 2).
    """

    def wants(self, written: str, path: str) -> bool:
        return is_contrib(path)

    def check_name(self, node: cst.CSTNode, written: str, found: Lookup, scope: Optional[Scope]) -> None:
        if found.status != MISSING:
            return  # the target release has it (TF 1.15)
        where = scope if scope is not None else self.ctx.scope
        if self.ctx.tf1_possible and where.enclosing_function() is None:
            return  # a project that runs on TF 1 too: a module that needs contrib to load is its TF 1-only module
        tail = found.path.split("contrib", 1)[1].lstrip(".")
        replacement = next((use for name, use in _REPLACEMENTS.items() if tail == name or tail.startswith(name + ".")), None)
        advice = f"use {replacement}" if replacement else "find the TF 2 successor (keras, tf.data, or a separate package)"
        removed = removed_in("tensorflow.contrib") or "2"
        self.report(node, name=written if scope is None else spelled(node), removed=removed, error="ImportError" if scope is None else "AttributeError", advice=advice)
