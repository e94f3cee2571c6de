"""TFL702: a device string ``tf.device`` cannot parse (``'cuda:0'``, ``'gpu0'``)."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Fix, Severity
from tf_lint.rule import Rule
from tf_lint.semantics.devices import device_problem
from tf_lint.semantics.expressions import string_value

_DEVICE = "tensorflow.device"


class MalformedDeviceString(Rule):
    code = "TFL702"
    name = "malformed-device-string"
    severity = Severity.ERROR
    message = "tf.device({spec!r}) raises ValueError (Unknown attribute '{part}' ... while parsing the device spec){advice}"
    summary = "Flags `tf.device(...)` strings that TensorFlow's device-spec parser rejects, such as PyTorch's `'cuda:0'` or `'gpu0'`."
    rationale = """
        TensorFlow names devices `'/GPU:0'`, `'GPU:0'`, `'/device:GPU:0'` or
        `'/job:.../device:GPU:0'`. Other spellings raise when the `with` block is entered,
        e.g. measured on TensorFlow 2.21: `tf.device('cuda:0')` -> `ValueError: Unknown
        attribute 'cuda' is encountered while parsing the device spec: 'cuda:0'.`, and
        `'/GPU:-1'` fails at the first op with `Malformed device specification`. The check
        follows TensorFlow's own parser (`DeviceSpec`), with its device types
        (CPU, GPU, TPU, CUSTOM, EPU); names a plug-in might register are not flagged.
    """
    example = """
        with tf.device("cuda:0"):
            logits = model(images)
    """
    use_instead = """
        with tf.device("/GPU:0"):
            logits = model(images)
    """
    known_problems = "Only literal strings are checked."
    fix_safety = "safe"
    fix_note = "Safe: offered only for spellings with one meaning (`'cuda:1'` -> `'/GPU:1'`, `'gpu0'` -> `'/GPU:0'`); the original always raises."

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset({_DEVICE}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee != _DEVICE or not node.args or node.args[0].keyword is not None:
            return
        literal = node.args[0].value
        spec = string_value(literal)
        problem = device_problem(spec) if spec is not None else None
        if problem is None or spec is None:
            return
        fix = None
        advice = ""
        if problem.fixed is not None and isinstance(literal, cst.SimpleString):
            fix = Fix(f"{literal.prefix}{literal.quote}{problem.fixed}{literal.quote}", safe=True, title=f"use {problem.fixed!r}")
            advice = f"; TensorFlow spells it {problem.fixed!r}"
        self.report(literal, fix=fix, spec=spec, part=problem.part, advice=advice)
