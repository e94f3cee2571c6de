"""TFL111: another enumerated string argument the constructor rejects."""

from __future__ import annotations

from tf_lint.rules._enum_argument_rule import EnumArgumentRule


class InvalidEnumArgument(EnumArgumentRule):
    code = "TFL111"
    name = "invalid-enum-argument"
    other_arguments = True
    summary = "Flags other enumerated string arguments that Keras constructors validate: `merge_mode`, `interpolation`, `fill_mode`, `reduction` of loss classes, `score_mode`..."
    rationale = """
        These arguments are checked in the constructor, with `ValueError` (for instance
        `Bidirectional(merge_mode='add')`: `Invalid merge mode ... should be one of {"sum",
        "mul", "ave", "concat", None}`; `MeanSquaredError(reduction='avg')`). The accepted
        values per constructor and argument are read from Keras' own error messages and
        confirmed one by one by the generator.
    """
    example = """
        layer = keras.layers.Bidirectional(keras.layers.LSTM(8), merge_mode="add")
    """
    use_instead = """
        layer = keras.layers.Bidirectional(keras.layers.LSTM(8), merge_mode="sum")
    """
    known_problems = "Arguments that a layer validates only when it is built or called (`UpSampling2D(interpolation=...)`) are not checked."
