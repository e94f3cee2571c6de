"""TFL108: a constraint name Keras will not accept."""

from __future__ import annotations

from tf_lint.rules._identifier_rule import IdentifierRule


class UnknownConstraint(IdentifierRule):
    code = "TFL108"
    name = "unknown-constraint"
    category = "constraints"
    summary = "Flags a constraint string Keras does not recognise in layer arguments (`kernel_constraint=`, `bias_constraint=`...) and in `keras.constraints.get(...)`."
    rationale = """
        A bad constraint raises `ValueError: Could not interpret constraint identifier` in the
        **layer constructor**. The lookup is exact: `'non_neg'` and `'NonNeg'` work,
        `'nonneg'` does not.
    """
    example = """
        layer = keras.layers.Dense(64, kernel_constraint="nonneg")
    """
    use_instead = """
        layer = keras.layers.Dense(64, kernel_constraint="non_neg")
    """
    known_problems = """
        Constraint objects are not checked: they are always valid. Unknown names are not
        flagged in a file that registers custom objects (`custom_object_scope`,
        `get_custom_objects`): the getters look names up there.
    """
