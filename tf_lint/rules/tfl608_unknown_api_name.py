"""TFL608: a ``tf.*``/``keras.*`` name that does not exist in the installed API."""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from tf_lint.diagnostics import Fix, Severity
from tf_lint.knowledge.api import KNOWN, MISSING, Lookup, api_surface, in_compat_v1, lookup
from tf_lint.knowledge.api_versions import exists_in
from tf_lint.knowledge.suggest import suggest
from tf_lint.rules._api_rule import ApiNameRule, shown, written_missing
from tf_lint.semantics.scopes import Scope


def is_tf1_name(path: str) -> bool:
    """``tensorflow.placeholder``: gone from TF 2, still under ``tf.compat.v1`` (TFL601's). A
    name the newest TF 2 has is not one, although an older target may lack it."""
    if not path.startswith("tensorflow.") or path.startswith(("tensorflow.compat.", "tensorflow.keras")):
        return False  # (tf.keras is Keras 3 in TF 2: no need to read TensorFlow's data)
    return in_compat_v1(path) and lookup(path).status != KNOWN


def missing_path(found: Lookup) -> str:
    """``tensorflow.Session`` for ``tensorflow.Session.reset``: the part that does not exist."""
    return f"{found.owner}.{found.attr}"


def is_contrib(path: str) -> bool:
    return path.startswith(("tensorflow.contrib", "tensorflow.compat.v1.contrib"))


class UnknownApiName(ApiNameRule):
    code = "TFL608"
    name = "unknown-api-name"
    severity = Severity.ERROR
    fix_safety = "sometimes"
    fix_note = """
        Only when the last part of the name is the wrong one. Safe when the suggestion
        differs only in underscores or in the case of later letters; a change of the first
        letter's case (`accuracy` -> `Accuracy`) swaps a function for a class, and other
        suggestions are best guesses: those apply only with `--unsafe-fixes`.
    """
    message = "{name} does not exist in {library} ({history}{error} when this line runs){advice}"
    summary = "Flags `tf.*`/`keras.*` names that do not exist in the target TensorFlow/Keras (`tf.keras.layers.Dens`, `keras.utils.np_utils`, `tf.estimator` since 2.16), with a did-you-mean."
    rationale = """
        An attribute typo or a name removed in Keras 3 only fails when the line runs
        (`AttributeError`, or `ImportError` for `from ... import`), often after data loading
        or at the end of a training run. General linters cannot see these: TensorFlow's lazy
        modules defeat pylint's inference. tf-lint checks each name against the public API
        generated from the real TensorFlow 2.21 and Keras 3.15 (every module's `dir()` as
        imported, `tf.compat.v1` and `tf.compat.v2` included), and against every TensorFlow
        minor release from 1.15 to 2.21, each installed and walked the same way: a name
        TensorFlow removed says in which release (`tf.estimator`: removed in 2.16), and for a
        project whose requirements pin an older TensorFlow (or `target-tensorflow`), a name
        that release still has is not flagged, and one it does not have yet is
        (`tf.experimental.numpy` with TensorFlow 2.3: added in 2.4).
    """
    example = """
        layer = tf.keras.layers.Dens(64)
    """
    use_instead = """
        layer = tf.keras.layers.Dense(64)
    """
    known_problems = """
        Only names reached through an import of `tensorflow`/`keras` are checked, and only in
        the public trees the data describes (not `tensorflow.python`, `keras.src`, `tf_keras`,
        or attributes of classes and objects). Names inside version guards are not flagged: a
        `try` that catches `AttributeError`/`ImportError`, and `if`/`else` branches whose
        test mentions `hasattr`, `getattr` or a version. TF 1 names (`tf.placeholder`) are
        TFL601's and `tf.contrib` TFL602's. Names the file assigns itself
        (`tf.x = ...`, `setattr`) and names in annotations or under `if TYPE_CHECKING` are
        not flagged. `keras.*` and `tf.keras.*` are checked against the union of the two
        trees, so a name only one of them has (`keras.losses.Reduction`) is not flagged.
        Per release, only the names walked are known: below a module that was not walked
        (`tf.estimator.Estimator`, TensorFlow's Keras trees) a target release says nothing,
        and a target outside 1.15-2.21 is checked against the newest data. The did-you-mean
        offers only names the target release has.
    """

    def check_name(self, node: cst.CSTNode, written: str, found: Lookup, scope: Optional[Scope]) -> None:
        if found.status != MISSING or is_tf1_name(written_missing(written, found)) or is_contrib(found.path):
            return
        surface = api_surface(found.path.split(".")[0])
        if surface is None:
            return
        library = f"{'TensorFlow' if surface.package == 'tensorflow' else 'Keras'} {found.release or surface.version}"
        error = "ImportError" if scope is None else "AttributeError"
        guess = None if found.added else suggest(found.attr, _candidates(surface.children(found.owner), found), cutoff=0.8)
        advice, fix = "", None
        if guess is not None:
            advice = f"; did you mean {guess.name}?"
            if found.path == missing_path(found):  # only the last part is wrong: rename it
                # `accuracy` -> `Accuracy` swaps a function for a class: never safe
                same_kind = guess.name[:1].isupper() == found.attr[:1].isupper()
                fix = _rename_last(node, guess.name, guess.exact and same_kind)
        self.report(node, fix=fix, name=shown(node, written, found, scope), library=library, history=history(found), error=error, advice=advice)


def history(found: Lookup) -> str:
    """``"removed in TensorFlow 2.16; "`` or ``"added in TensorFlow 2.13; "`` (or nothing)."""
    if found.added:
        return f"added in TensorFlow {found.added}; "
    return f"removed in TensorFlow {found.removed}; " if found.removed else ""


def _candidates(children: Dict[str, str], found: Lookup) -> Dict[str, str]:
    """The names a did-you-mean may offer: those of the newest data the target release has."""
    if not found.release:
        return children
    return {name: kind for name, kind in children.items() if exists_in(f"{found.owner}.{name}", found.release) is not False}


def _rename_last(node: cst.CSTNode, name: str, exact: bool) -> Optional[Fix]:
    """Replace the wrong last part of ``node`` (``tf.keras.layers.Dens`` -> ``...Dense``)."""
    new: cst.CSTNode
    if isinstance(node, cst.Attribute):
        new = node.with_changes(attr=cst.Name(name))
    elif isinstance(node, cst.Name):
        new = cst.Name(name)
    else:
        return None
    return Fix(cst.Module([]).code_for_node(new), safe=exact, title=f"use {name}")
