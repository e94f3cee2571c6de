"""TFL701: ``with tf.device('/GPU:0')`` with no check that a GPU exists."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, List, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.rule import Rule
from tf_lint.semantics.devices import device_problem, names_gpu
from tf_lint.semantics.expressions import string_value
from tf_lint.semantics.reaching import earlier_statements, shared_parents
from tf_lint.semantics.scopes import Scope
from tf_lint.walk import children

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_DEVICE = "tensorflow.device"
_SOFT_PLACEMENT = "tensorflow.config.set_soft_device_placement"
# A test, loop or assertion that looks at the devices present.
_CHECKS_DEVICES = re.compile(r"gpu|cuda|device|accelerator", re.IGNORECASE)
_EXITS = frozenset({"exit", "quit", "sys.exit", "os._exit"})


class HardcodedGpuDevice(Rule):
    code = "TFL701"
    name = "hardcoded-gpu-device"
    severity = Severity.WARNING
    message = "tf.device({spec!r}) with no check that a GPU exists: without one, TensorFlow places the ops on the CPU without any error or warning (soft placement), so the job silently runs at CPU speed; check tf.config.list_physical_devices('GPU') first, or leave placement to TensorFlow"
    summary = "Flags `with tf.device('/GPU:...')` that no `if`, loop, assertion or early exit on the GPUs present guards."
    rationale = """
        Soft device placement is on by default: when the named GPU does not exist,
        TensorFlow runs the ops on the CPU and says nothing (measured with TensorFlow 2.21
        on a machine without a GPU: `/GPU:0`, `/GPU:7` and `/TPU:0` all ran on `CPU:0`
        without a warning). The `with` block reads like a guarantee and is not one: the
        training job that was meant for the GPU runs 10-100x slower on the CPU, and nothing
        in the log says so. TensorFlow already places ops on the GPU when there is one, so
        the block is only needed to choose among several.
    """
    example = """
        print("GPUs:", len(tf.config.list_physical_devices("GPU")))
        with tf.device("/GPU:0"):
            model.fit(x, y, epochs=10)
    """
    use_instead = """
        gpus = tf.config.list_physical_devices("GPU")
        if not gpus:
            raise SystemExit("no GPU found: refusing to train on the CPU")
        with tf.device("/GPU:0"):
            model.fit(x, y, epochs=10)
    """
    known_problems = """
        Any enclosing `if`/`while`/`for`, or an earlier `if` that exits (`raise`, `return`,
        `sys.exit`), or an `assert`, whose text mentions GPUs or devices counts as a check, and
        so does a `try` with an `except` clause around the `with tf.device(...)` in a file that
        turns soft placement off (then a missing device raises, and the code catches it; with
        soft placement on, nothing raises and the `try` checks nothing). TF 1 code is not
        flagged: a TF 1 session does not fall back to the CPU unless asked to
        (`allow_soft_placement`), so a missing GPU raises;
        a check made in a calling function is not seen. Device strings built at run time
        (`f"/GPU:{i}"`) are not flagged.
    """

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.enclosing: List[cst.BaseExpression] = []  # tests and iterables of the if/while/for around the walk
        self.tries = 0  # try bodies with an except clause around the walk
        self.soft_placement_off = False  # tf.config.set_soft_device_placement(False) in the file

    def _enter(self, node: cst.CSTNode) -> None:
        self.enclosing.append(node.test if isinstance(node, (cst.If, cst.While)) else node.iter)  # type: ignore[attr-defined]

    def _leave(self, node: cst.CSTNode) -> None:
        self.enclosing.pop()

    visit_If = visit_While = visit_For = _enter
    leave_If = leave_While = leave_For = _leave

    # Inside a `try` that handles errors, in a file that turns soft placement off, a missing
    # device raises and is caught on purpose (the GPU guide's "Specify an invalid GPU device").
    def visit_Try_body(self, node: cst.Try) -> None:
        self.tries += bool(node.handlers)

    def leave_Try_body(self, node: cst.Try) -> None:
        self.tries -= bool(node.handlers)

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset({_DEVICE, _SOFT_PLACEMENT}))

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee == _SOFT_PLACEMENT:
            flag = node.args[0].value if node.args else None
            self.soft_placement_off |= isinstance(flag, cst.Name) and flag.value == "False"
            return
        if callee != _DEVICE or not node.args or any(_mentions_devices(test) for test in self.enclosing):
            return
        spec = string_value(node.args[0].value)
        if spec is None or not names_gpu(spec) or device_problem(spec) is not None:
            return  # a malformed spec raises instead (TFL702)
        scope, in_try = self.ctx.scope, self.tries > 0
        self.defer(lambda: self._check(node, spec, scope, in_try))

    def _check(self, node: cst.Call, spec: str, scope: Scope, in_try: bool) -> None:
        if in_try and self.soft_placement_off:
            return  # the error a missing device raises without soft placement is caught here
        if (self.ctx.target_tensorflow or "").startswith("1."):
            return  # TF 1 sessions place without soft placement by default: a missing GPU raises, loudly
        if self.ctx.names(scope).resolve(node.func) != _DEVICE or self._exits_earlier(node, scope):
            return
        self.report(node, spec=spec)

    def _exits_earlier(self, node: cst.CSTNode, scope: Scope) -> bool:
        """An earlier statement of an enclosing block checks the devices and stops without one."""
        return any(_device_check_that_exits(s) for s in earlier_statements(node, scope, shared_parents(self.ctx)))


def _mentions_devices(expr: cst.CSTNode) -> bool:
    """Does the expression name GPUs or devices (a name, an attribute or a string)? Cheaper
    than generating its source text, which every if/for/while of every file would pay."""
    stack: List[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and _CHECKS_DEVICES.search(node.value):
            return True
        if isinstance(node, cst.SimpleString) and _CHECKS_DEVICES.search(node.value):
            return True
        stack.extend(children(node))
    return False


def _device_check_that_exits(statement: cst.CSTNode) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return any(isinstance(s, cst.Assert) and _mentions_devices(s.test) for s in statement.body)
    if isinstance(statement, cst.If) and _mentions_devices(statement.test):
        return any(_exits(s) for s in _small_statements(statement.body))
    return False


def _small_statements(block: cst.CSTNode) -> List[cst.CSTNode]:
    found: List[cst.CSTNode] = []
    stack: List[cst.CSTNode] = [block]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(node, cst.BaseSmallStatement):
            found.append(node)
        stack.extend(children(node))
    return found


def _exits(statement: cst.CSTNode) -> bool:
    if isinstance(statement, (cst.Raise, cst.Return)):
        return True
    if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
        return cst.Module([]).code_for_node(statement.value.func) in _EXITS
    return False
