"""What both generators ask a live Keras: build a layer with probe inputs, and read which
keywords an ``__init__`` takes out of ``**kwargs``.

``generate.py`` (the identifier data) and ``api_generate.py`` (the API surface) both need
these; they live here, below both, so that neither generator imports the other.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any, Dict, Set

# Probe inputs, not facts: values for required constructor arguments, so that each layer can be
# built once with defaults and once per enumerated argument. A layer none of these fit is skipped.
PROBE_ARGUMENTS: Dict[str, Any] = {
    "filters": 2, "units": 2, "kernel_size": 2, "pool_size": 2, "size": 2, "height": 4, "width": 4,
    "input_dim": 4, "output_dim": 4, "rate": 0.5, "num_heads": 2, "key_dim": 2, "target_shape": (2,),
    "dims": (1,), "n": 2, "cropping": 1, "padding": 1, "depth_multiplier": 1, "max_tokens": 10,
    "num_bins": 2, "output_mode": "int", "num_tokens": 4, "factor": 0.1, "scale": 1.0, "axes": 1,
    "groups": 1, "stddev": 0.1, "value": 0.0, "mask_value": 0.0, "height_factor": 0.1,
    "width_factor": 0.1, "num_classes": 2, "bin_boundaries": [0.0], "target_height": 2,
    "target_width": 2, "shape": (2,), "sequence_length": 2,
}


def identity(x: Any) -> Any:
    return x


def build(keras: Any, cls: Any, **overrides: Any) -> Any:
    """``cls(...)`` with a probe value for each required argument (``KeyError``: no probe fits),
    then ``overrides``; ``keras`` is the package the layer comes from (Keras 3 or tf_keras)."""
    kwargs: Dict[str, Any] = {}
    for param in inspect.signature(cls).parameters.values():
        if param.default is param.empty and param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            if param.name == "layer":
                kwargs[param.name] = keras.layers.LSTM(2)
            elif param.name == "cell":
                kwargs[param.name] = keras.layers.LSTMCell(2)
            elif param.name == "function":
                kwargs[param.name] = identity
            else:
                kwargs[param.name] = PROBE_ARGUMENTS[param.name]  # KeyError: cannot build, skip
    kwargs.update(overrides)
    return cls(**kwargs)


def popped_keywords(function: Any) -> Set[str]:
    """``"name"`` in ``kwargs.pop("name")``, ``kwargs.get("name")`` and ``"name" in kwargs``."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return set()
    found: Set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("pop", "get")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "kwargs"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            if any(isinstance(c, ast.Name) and c.id == "kwargs" for c in node.comparators):
                found.add(node.left.value)
    return found
