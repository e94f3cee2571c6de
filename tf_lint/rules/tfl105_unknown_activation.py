"""TFL105: an activation name Keras will not accept."""

from __future__ import annotations

from tf_lint.rules._identifier_rule import IdentifierRule


class UnknownActivation(IdentifierRule):
    code = "TFL105"
    name = "unknown-activation"
    category = "activations"
    summary = "Flags an activation string Keras does not recognise in any layer argument that takes one (`Dense(activation=...)`, `Dense(64, 'relu')`, `Activation('...')`, `LSTM(recurrent_activation=...)`) and in `keras.activations.get(...)`."
    rationale = """
        A bad activation raises `ValueError: Could not interpret activation function
        identifier` in the **layer constructor**. In Keras 3 the lookup is exact: `'relu'`
        works, `'ReLU'`, `'Relu'` and `'LeakyReLU'` do not (tf-keras 2 resolved the layer class
        names `'ReLU'`/`'LeakyReLU'`, with other defaults: `LeakyReLU`'s slope was 0.3, Keras 3's
        `'leaky_relu'` uses 0.2). Which arguments of which layers take an activation is read
        from the real layers' signatures.
    """
    example = """
        layer = keras.layers.Dense(64, activation="ReLU")
    """
    use_instead = """
        layer = keras.layers.Dense(64, activation="relu")
    """
    known_problems = """
        Names held in variables bound more than once, and activations passed as objects,
        are not checked. Unknown names are not flagged in a file that registers custom
        objects (`custom_object_scope`, `get_custom_objects`): the getters look names up
        there.
    """
