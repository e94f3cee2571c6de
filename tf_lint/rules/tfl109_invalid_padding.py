"""TFL109: a ``padding`` string the layer constructor rejects."""

from __future__ import annotations

from tf_lint.rules._enum_argument_rule import EnumArgumentRule


class InvalidPadding(EnumArgumentRule):
    code = "TFL109"
    name = "invalid-padding"
    arguments = frozenset({"padding"})
    summary = "Flags a `padding=` string that the layer's constructor rejects (`Conv2D(padding='full')`; `'causal'` outside the 1-D convolutions)."
    rationale = """
        Convolution constructors validate `padding` and raise `ValueError: The padding
        argument must be ... one of {'valid', 'same'}`. Only the 1-D convolutions accept
        `'causal'`, and Keras 3 has no `'full'`. The accepted values per layer are read from
        Keras' own error messages and confirmed one by one by the generator. The check is
        case-insensitive, as Keras is.
    """
    example = """
        layer = keras.layers.Conv2D(32, 3, padding="causal")
    """
    use_instead = """
        layer = keras.layers.Conv1D(32, 3, padding="causal")
    """
    known_problems = "Layers that validate `padding` only when built or called (the pooling layers) are not checked."
