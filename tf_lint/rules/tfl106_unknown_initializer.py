"""TFL106: an initializer name Keras will not accept."""

from __future__ import annotations

from tf_lint.rules._identifier_rule import IdentifierRule


class UnknownInitializer(IdentifierRule):
    code = "TFL106"
    name = "unknown-initializer"
    category = "initializers"
    summary = "Flags an initializer string Keras does not recognise in layer arguments (`kernel_initializer=`, `bias_initializer=`, `embeddings_initializer=`...) and in `keras.initializers.get(...)`."
    rationale = """
        A bad initializer raises `ValueError: Could not interpret initializer identifier` in
        the **layer constructor**. The lookup is exact (`'glorot_uniform'` and
        `'GlorotUniform'` work, `'Glorot_Uniform'` does not), PyTorch's names are not Keras'
        (`'xavier_uniform'` is `'glorot_uniform'` here), and `'constant'` needs a value: it raises
        `KeyError: 'value'` (facts §1).
    """
    example = """
        layer = keras.layers.Dense(64, kernel_initializer="xavier_uniform")
    """
    use_instead = """
        layer = keras.layers.Dense(64, kernel_initializer="glorot_uniform")
    """
    known_problems = """
        Initializer strings are also looked up among custom objects: names containing `>` and
        every unknown name in a file that uses `custom_object_scope`/`get_custom_objects` are
        not flagged.
    """
