"""TFL107: a regularizer name Keras will not accept."""

from __future__ import annotations

from tf_lint.rules._identifier_rule import IdentifierRule


class UnknownRegularizer(IdentifierRule):
    code = "TFL107"
    name = "unknown-regularizer"
    category = "regularizers"
    summary = "Flags a regularizer string Keras does not recognise in layer arguments (`kernel_regularizer=`, `activity_regularizer=`...) and in `keras.regularizers.get(...)`."
    rationale = """
        A bad regularizer raises `ValueError: Could not interpret regularizer identifier` in
        the **layer constructor**. `'l1_l2'` looks right but is rejected: the accepted
        spellings are `'l1l2'` and `'L1L2'` (facts §2, re-measured by the generator).
    """
    example = """
        layer = keras.layers.Dense(64, kernel_regularizer="l1_l2")
    """
    use_instead = """
        layer = keras.layers.Dense(64, kernel_regularizer="l1l2")
    """
    known_problems = """
        Regularizer objects (`keras.regularizers.L2(1e-4)`) are not checked: they are
        always valid. Unknown names are not flagged in a file that registers custom
        objects (`custom_object_scope`, `get_custom_objects`): the getters look names up
        there.
    """
