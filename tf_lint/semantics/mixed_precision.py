"""Does a call switch Keras to the ``mixed_float16`` policy?"""

from __future__ import annotations

import libcst as cst

from tf_lint.semantics.expressions import argument, string_value

SET_POLICY = frozenset(
    {"keras.mixed_precision.set_global_policy", "keras.mixed_precision.experimental.set_policy", "keras.mixed_precision.set_dtype_policy"}
)


def sets_mixed_float16(call: cst.Call) -> bool:
    """``set_global_policy("mixed_float16")`` (a literal policy name; call resolved by the caller)."""
    policy = argument(call, "policy", 0)
    return policy is not None and string_value(policy.value) == "mixed_float16"
