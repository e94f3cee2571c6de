"""TFL101: a loss name Keras will not accept."""

from __future__ import annotations

from tf_lint.rules._identifier_rule import IdentifierRule


class UnknownLoss(IdentifierRule):
    code = "TFL101"
    name = "unknown-loss"
    category = "losses"
    compile_parameters = ("loss",)
    summary = "Flags a loss given as a string that Keras does not recognise, in `compile(loss=...)` and `keras.losses.get(...)`."
    rationale = """
        `compile()` accepts any string; Keras only looks the loss up when training starts, so
        `compile(loss='sparce_categorical_crossentropy')` raises
        `ValueError: Could not interpret loss identifier` at the **first `fit()`** (or
        `evaluate()`/`train_on_batch()`), possibly an hour into a pipeline, with a traceback
        that starts at `fit()` rather than at the typo. The lookup is exact: `'mse'`, `'MSE'`
        and `'MeanSquaredError'` work, `'Mse'` and `'mean-squared-error'` do not. The names
        come from the installed Keras (`python -m tf_lint.knowledge.generate`), including the
        compile-only aliases `'ce'`/`'crossentropy'` (any case). `'Loss'` passes the lookup but
        is the abstract base class: it raises `NotImplementedError` at the first fit.
    """
    example = """
        model.compile(optimizer="adam", loss="sparce_categorical_crossentropy")
    """
    use_instead = """
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    """
    known_problems = """
        A name containing `>` (`'my_package>my_loss'`) is treated as a project-
        registered loss and never flagged, because the registry is not visible to a
        static linter. (Measured: Keras 3.15.1 itself does not resolve such strings in
        `compile`; tf-keras 2 and saved-model configs do.) Names are checked against
        Keras 3 unless the project sets `target-keras = "2"` or the file imports
        `tf_keras`; a name valid in the other version says so. A name held in a variable
        is checked only when the variable is bound once, to a string literal. Unknown
        names are not flagged in a file that registers custom objects
        (`custom_object_scope`, `get_custom_objects`): the getters look names up there.
    """
