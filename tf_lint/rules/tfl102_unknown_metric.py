"""TFL102: a metric name Keras will not accept."""

from __future__ import annotations

from tf_lint.rules._identifier_rule import IdentifierRule


class UnknownMetric(IdentifierRule):
    code = "TFL102"
    name = "unknown-metric"
    category = "metrics"
    compile_parameters = ("metrics", "weighted_metrics")
    summary = "Flags a metric given as a string that Keras does not recognise, in `compile(metrics=..., weighted_metrics=...)` (lists, per-output lists and dicts) and `keras.metrics.get(...)`."
    rationale = """
        Like a bad loss, a bad metric name passes `compile()` and raises
        `ValueError: Could not interpret metric identifier` at the **first `fit()`**
        (keras-runtime-facts §1). Real code trips on names that are losses but not metrics
        (`'huber'`, `'log_cosh'`, the focal crossentropies), on loss aliases (`'ce'` is not a
        metric), and on odd generated spellings (`'rmse'` is rejected, `'root_mean_squared_error'`
        works). Metric classes that need constructor arguments (`'MeanIoU'`) raise `TypeError`
        at the first fit. `'acc'`/`'accuracy'` work in any case, but only through `compile()`.
    """
    example = """
        model.compile(optimizer="adam", loss="mse", metrics=["acuracy", "rmse"])
    """
    use_instead = """
        model.compile(optimizer="adam", loss="mse", metrics=["accuracy", "root_mean_squared_error"])
    """
    known_problems = """
        Names containing `>` are treated as project-registered and not flagged. Metric
        objects, callables and names held in variables bound more than once are not
        checked. Unknown names are not flagged in a file that registers custom objects
        (`custom_object_scope`, `get_custom_objects`): the getters look names up there.
    """
