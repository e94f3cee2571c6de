"""TFL707: ``tf.config.experimental.list_physical_devices`` and ``tf.test.is_gpu_available``."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rule import Rule

# tf.config.experimental.<name> is the very object tf.config.<name> (checked against the
# installed TensorFlow by tests/test_knowledge.py); the experimental endpoint is deprecated.
ALIASED = frozenset({"list_physical_devices", "list_logical_devices", "get_visible_devices", "set_visible_devices"})
_EXPERIMENTAL = "tensorflow.config.experimental."
_IS_GPU_AVAILABLE = "tensorflow.test.is_gpu_available"


class DeprecatedGpuCheck(Rule):
    code = "TFL707"
    name = "deprecated-gpu-check"
    severity = Severity.STYLE
    message = "{written} is a deprecated endpoint{detail}; use {use}"
    summary = "Flags `tf.config.experimental.list_physical_devices` (and its three siblings) and `tf.test.is_gpu_available()`."
    rationale = """
        `tf.config.experimental.list_physical_devices` is the same function as
        `tf.config.list_physical_devices` under a deprecated name (it emits no warning, so
        nothing tells users; the brief's own GPU example uses it). `tf.test.is_gpu_available()`
        is deprecated and logs "is_gpu_available ... is deprecated and will be removed in a
        future version. Instructions for updating: Use tf.config.list_physical_devices('GPU')
        instead" (measured on TensorFlow 2.21).
    """
    example = """
        print("GPUs:", len(tf.config.experimental.list_physical_devices("GPU")))
        if tf.test.is_gpu_available():
            ...
    """
    use_instead = """
        print("GPUs:", len(tf.config.list_physical_devices("GPU")))
        if tf.config.list_physical_devices("GPU"):
            ...
    """
    fix_safety = "safe"
    fix_note = """
        Safe: the `tf.config` name is the same function object; `tf.test.is_gpu_available()`
        without arguments becomes `bool(tf.config.list_physical_devices('GPU'))`, which is
        true on the same machines (any GPU). Calls with `cuda_only=` or a minimum compute
        capability get no fix.
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset({_IS_GPU_AVAILABLE, *(_EXPERIMENTAL + name for name in ALIASED)}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee is None:
            return
        written = cst.Module([]).code_for_node(node.func)
        if callee == _IS_GPU_AVAILABLE:
            root = written.split(".", 1)[0]
            use = f"bool({root}.config.list_physical_devices('GPU'))" if "." in written else "tf.config.list_physical_devices('GPU')"
            fix = Fix(use, safe=True, title=f"use {use}") if not node.args and "." in written else None
            self.report(node, fix=fix, written=f"{written}()", detail=" (it logs a deprecation warning)", use=use)
            return
        name = callee.rsplit(".", 1)[1]
        suffix = f".experimental.{name}"
        if not written.endswith(suffix):
            return  # imported under another name: no text to rewrite
        use = written[: -len(suffix)] + f".{name}"
        self.report(node.func, fix=Fix(use, safe=True, title=f"use {use}"), written=written, detail=" of the same function", use=use)
