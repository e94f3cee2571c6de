"""TFL110: a ``data_format`` string the layer constructor rejects."""

from __future__ import annotations

from tf_lint.rules._enum_argument_rule import EnumArgumentRule


class InvalidDataFormat(EnumArgumentRule):
    code = "TFL110"
    name = "invalid-data-format"
    arguments = frozenset({"data_format"})
    summary = "Flags a `data_format=` other than `'channels_last'`/`'channels_first'` in the layers that validate it (`'NHWC'`, `'channel_last'`...)."
    rationale = """
        Keras spells it `'channels_last'`/`'channels_first'`; TensorFlow ops spell it `'NHWC'`/
        `'NCHW'`, and `'channel_last'` is a common typo. The constructor raises
        `ValueError: The data_format argument must be one of {'channels_first',
        'channels_last'}`. Which layers validate it is read from the real layers.
    """
    example = """
        layer = keras.layers.Conv2D(32, 3, data_format="channel_last")
    """
    use_instead = """
        layer = keras.layers.Conv2D(32, 3, data_format="channels_last")
    """
    known_problems = "`data_format` passed to TensorFlow ops (`tf.nn.conv2d(..., data_format='NHWC')`) is a different API and is not checked."
