"""TFL104: an optimizer name Keras will not accept."""

from __future__ import annotations

from tf_lint.rules._identifier_rule import IdentifierRule


class UnknownOptimizer(IdentifierRule):
    code = "TFL104"
    name = "unknown-optimizer"
    category = "optimizers"
    compile_parameters = ("optimizer",)
    summary = "Flags an optimizer given as a string that Keras does not recognise, in `compile(optimizer=...)` and `keras.optimizers.get(...)`."
    rationale = """
        `compile(optimizer='adamm')` raises `ValueError: Could not interpret optimizer
        identifier` at `compile()`. The lookup ignores case (`'Adam'`, `'RMSProp'` work), but
        some public optimizers are not accepted as strings at all: `'lamb'` raises although
        `keras.optimizers.Lamb` exists (facts §2, re-measured by the generator).
    """
    example = """
        model.compile(optimizer="adamm", loss="mse")
    """
    use_instead = """
        model.compile(optimizer="adam", loss="mse")
    """
    known_problems = """
        Optimizer strings are also looked up among custom objects: names containing `>` and
        every unknown name in a file that uses `custom_object_scope`/`get_custom_objects` are
        not flagged.
    """
