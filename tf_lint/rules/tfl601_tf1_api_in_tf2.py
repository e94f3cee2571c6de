"""TFL601: a TF 1 name (``tf.placeholder``, ``tf.Session``) that TF 2 only keeps under ``tf.compat.v1``."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional, Tuple

import libcst as cst

from tf_lint.diagnostics import Fix, Severity
from tf_lint.knowledge.api import MISSING, Lookup, api_surface, tf1_replacement
from tf_lint.rules._api_rule import ApiNameRule, shown, written_missing
from tf_lint.rules.tfl608_unknown_api_name import is_tf1_name, missing_path
from tf_lint.semantics.scopes import Scope

if TYPE_CHECKING:
    from tf_lint.context import FileContext

# TF 2 idioms for the TF 1 names that have no TF 2 object of their own. Prose, not data: the
# data says which names moved (and where, by object identity); this says how to rewrite.
_IDIOMS = {
    "Session": "run the ops eagerly, or in a tf.function",
    "InteractiveSession": "run the ops eagerly",
    "placeholder": "pass tensors as arguments of a tf.function (input_signature=...)",
    "global_variables_initializer": "variables are initialised when created in TF 2",
    "get_variable": "create tf.Variable objects (or Keras layers)",
    "variable_scope": "use tf.Module / Keras layers for scoping",
    "set_random_seed": "tf.random.set_seed",
    "train.AdamOptimizer": "keras.optimizers.Adam (note: epsilon defaults to 1e-7, not 1e-8)",
    "train.GradientDescentOptimizer": "keras.optimizers.SGD",
    "train.MomentumOptimizer": "keras.optimizers.SGD(momentum=...)",
    "train.RMSPropOptimizer": "keras.optimizers.RMSprop",
    "train.AdagradOptimizer": "keras.optimizers.Adagrad",
    "layers": "keras.layers",
    "nn.rnn_cell": "keras.layers.LSTMCell/GRUCell with keras.layers.RNN",
    "logging": "the logging module or tf.get_logger()",
    "app": "absl.app",
    "flags": "absl.flags",
}
# TF 1 modules whose tf.compat.v1 copy is built on Keras 2: with Keras 3 they fail to load
# (measured on TF 2.21: ModuleNotFoundError: keras._tf_keras.keras.__internal__).
_NEEDS_KERAS_2 = ("layers", "nn.rnn_cell")
_COLLAPSE_AFTER = 3  # more TF 1 names than this in one file: report once, as a TF 1 file


class Tf1ApiInTf2(ApiNameRule):
    code = "TFL601"
    name = "tf1-api-in-tf2"
    severity = Severity.ERROR
    fix_safety = "sometimes"
    fix_note = """
        Safe when TF 2 has the very same object under another name (`tf.log` -> `tf.math.log`,
        read by identity from the installed TensorFlow). Names with no TF 2 object
        (`tf.Session`, `tf.placeholder`) get no fix: the code needs rewriting, or
        `tf.compat.v1` on purpose.
    """
    message = "{name} is TensorFlow 1 API, {gone} ({error} when this line runs); {advice}"
    summary = "Flags TF 1 names used through TF 2's `tf` (`tf.placeholder`, `tf.Session`, `tf.train.AdamOptimizer`, `tf.log`), with the TF 2 replacement."
    rationale = """
        TF 2 removed the graph-and-session API from its main namespace; the names survive only
        under `tf.compat.v1`. Code copied from TF 1 tutorials fails with `AttributeError` at
        the line. Which names are TF 1 only is generated from the installed TensorFlow
        (2.21): names present under `tf.compat.v1` and absent from `tf`; when the same object
        is public in TF 2 under another name (`tf.compat.v1.log is tf.math.log`), that name
        is the fix. Most went in 2.0; the per-release data (every minor release from 1.15 to
        2.21, walked the same way) names the release for those removed later.
    """
    example = """
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 8])
        y = tf.log(x)
    """
    use_instead = """
        import tensorflow as tf

        @tf.function(input_signature=[tf.TensorSpec([None, 8], tf.float32)])
        def f(x):
            return tf.math.log(x)
    """
    known_problems = """
        Code that imports `tensorflow.compat.v1 as tf` is TF 1 code on purpose and is not
        flagged, nor is a project that targets a release which still has the name (TF 1.15,
        from a `tensorflow<2` pin, a notebook's `%tensorflow_version 1.x` or
        `target-tensorflow`). When nothing in the project or the file requires TensorFlow 2,
        a file that uses two or more TF 1-only names (`tf.Session` and `tf.placeholder`,
        `tf.contrib`...) is taken for TF 1 code written as such (the TF 1 tutorials) and is not
        flagged; set `target-tensorflow = "2.16"` (or require `tensorflow>=2`) to have it
        reported for migration. A file with more than three TF 1 names gets one finding, on
        the first, that counts the others: it is a TF 1 file, to migrate as a whole
        (`tf_upgrade_v2`) or to run through `tensorflow.compat.v1`.
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self._hits: List[Tuple[cst.CSTNode, str, Optional[str], str, str, str]] = []  # node, TF 1 path, TF 2 path, as written, error, gone

    def wants(self, written: str, path: str) -> bool:
        if (self.ctx.target_tensorflow or "").startswith("1."):
            return False  # TF 1 code (pinned, or written for it): its TF 1 names are its version
        return written.startswith("tensorflow.") and not written.startswith("tensorflow.compat.")

    def check_name(self, node: cst.CSTNode, written: str, found: Lookup, scope: Optional[Scope]) -> None:
        # The written path: tf.metrics.accuracy is looked up as Keras' (TF 2's tf.metrics is
        # keras.metrics), but it is TF 1's tf.compat.v1.metrics.accuracy that it names.
        missing = written_missing(written, found) if found.status == MISSING else ""
        if missing and is_tf1_name(missing):
            whole = found.path == missing_path(found)
            moved = tf1_replacement(missing) if whole and missing == written else None  # a fix only for the whole name
            error = "ImportError" if scope is None else "AttributeError"
            gone = f"removed in TensorFlow {found.removed}" if found.removed not in ("", "2.0") else "gone from TF 2"
            self._hits.append((node, missing, moved, shown(node, written, found, scope), error, gone))

    def finish(self) -> None:
        hits = self._hits  # in source order: imports during the walk come first, as they sit first
        if len(hits) > _COLLAPSE_AFTER:
            node, path, _moved, name, error, gone = hits[0]
            advice = (
                f"this file uses {len(hits)} TF 1 names (reported once): migrate it with tf_upgrade_v2, "
                "or run it as TF 1 code with `import tensorflow.compat.v1 as tf`"
            )
            self.report(node, name=name, gone=gone, error=error, advice=advice)
            return
        for node, path, moved, name, error, gone in hits:
            self.report(node, fix=_moved_fix(node, path, moved), name=name, gone=gone, error=error, advice=_advice(path, moved))


def _advice(path: str, moved: Optional[str]) -> str:
    tail = path[len("tensorflow."):]
    if moved is not None:
        return f"use tf.{moved[len('tensorflow.'):]} (the same {'class' if moved.rsplit('.', 1)[-1][:1].isupper() else 'function'} in TF 2)"
    idiom = _IDIOMS.get(tail) or _IDIOMS.get(tail.split(".")[0])
    if tail.startswith(_NEEDS_KERAS_2):  # tf.compat.v1.layers needs tf_keras: do not offer it
        return f"in TF 2: {idiom or 'keras layers'} (tf.compat.v1.{tail.split('.')[0]} needs Keras 2 and fails with Keras 3)"
    surface = api_surface("tensorflow")
    version = surface.version if surface is not None else "2"
    keep = f"tf.compat.v1.{tail} keeps the TF 1 behaviour (TensorFlow {version})"
    return f"in TF 2: {idiom}; or {keep}" if idiom else f"{keep}, or rewrite it for TF 2"


def _moved_fix(node: cst.CSTNode, path: str, moved: Optional[str]) -> Optional[Fix]:
    """``tf.log`` -> ``tf.math.log``, keeping the user's alias for ``tensorflow``."""
    if moved is None or not isinstance(node, cst.Attribute):
        return None
    depth = path.count(".")  # parts after "tensorflow"
    head: cst.BaseExpression = node
    for _ in range(depth):
        if not isinstance(head, cst.Attribute):
            return None
        head = head.value
    replacement = cst.Module([]).code_for_node(head) + moved[len("tensorflow"):]
    return Fix(replacement, safe=True, title=f"use tf{moved[len('tensorflow'):]}")
