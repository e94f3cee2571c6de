"""TFL703: device or thread configuration after TensorFlow has already created tensors."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.names import Names
from tf_lint.rule import Rule
from tf_lint.semantics.keras_calls import is_model_factory
from tf_lint.semantics.reaching import ParentMap, earlier_statements, shared_parents
from tf_lint.semantics.scopes import Scope
from tf_lint.semantics.tensors import is_tensor_op
from tf_lint.walk import children

if TYPE_CHECKING:
    from tf_lint.context import FileContext

# Configuration TensorFlow accepts only before its runtime starts, with the error it raises
# after (tensorflow/python/eager/context.py; the thread settings measured on TF 2.21 CPU).
_CONFIG = {
    "tensorflow.config.experimental.set_memory_growth": "Physical devices cannot be modified after being initialized",
    "tensorflow.config.set_visible_devices": "Visible devices cannot be modified after being initialized",
    "tensorflow.config.experimental.set_visible_devices": "Visible devices cannot be modified after being initialized",
    "tensorflow.config.set_logical_device_configuration": "Virtual devices cannot be modified after being initialized",
    "tensorflow.config.experimental.set_virtual_device_configuration": "Virtual devices cannot be modified after being initialized",
    "tensorflow.config.threading.set_intra_op_parallelism_threads": "Intra op parallelism cannot be modified after initialization.",
    "tensorflow.config.threading.set_inter_op_parallelism_threads": "Inter op parallelism cannot be modified after initialization.",
}
_STARTS_RUNTIME = ("tensorflow.data.", "tensorflow.random.")


class DeviceConfigAfterInit(Rule):
    code = "TFL703"
    name = "device-config-after-init"
    severity = Severity.ERROR
    message = "{call}() after TensorFlow has already run ops ({op}(...) comes earlier): the runtime is initialized by then and this raises RuntimeError: {error}; configure devices first, before any other TensorFlow call"
    summary = "Flags memory-growth, visible-device, virtual-device and thread settings made after an earlier statement of the same scope created tensors, variables, datasets or models."
    rationale = """
        TensorFlow fixes its device and thread setup when the first op runs. Settings made
        after that raise `RuntimeError`, e.g. measured on TensorFlow 2.21:
        `tf.config.threading.set_intra_op_parallelism_threads(1)` after `tf.constant(1.0)`
        raised "Intra op parallelism cannot be modified after initialization.", and
        `set_logical_device_configuration` raised "Virtual devices cannot be modified after
        being initialized". `set_memory_growth` on a GPU raises "Physical devices cannot be
        modified after being initialized" the same way (TensorFlow's source; no GPU was
        available to run it). Scripts often build a model at the top and add GPU setup
        below it, or in a helper called after loading data.
    """
    example = """
        x_train = tf.constant(data)
        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
    """
    use_instead = """
        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
        x_train = tf.constant(data)
    """
    known_problems = """
        Only ops earlier in the same module or function body are seen (tensor-making
        `tf.*` calls, `tf.Variable`, `tf.data`, `tf.random`, Keras model constructors); ops
        run by a function called earlier, or in another module, are not. A call inside a
        `try` that catches `RuntimeError` (the TensorFlow GPU guide's pattern) is handled
        and not flagged.
    """

    def call_interests(self) -> CallInterests:
        return CallInterests(names=frozenset(_CONFIG))

    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.handled = 0  # try blocks that catch the RuntimeError (the TF guide's pattern)

    def visit_Try(self, node: cst.Try) -> None:
        if _catches_runtime_error(node):
            self.handled += 1
            self.ctx.shared.setdefault("tfl703-tries", set()).add(id(node))

    def leave_Try(self, node: cst.Try) -> None:
        if id(node) in self.ctx.shared.get("tfl703-tries", set()):
            self.handled -= 1

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee in _CONFIG and not self.handled:
            scope = self.ctx.scope.enclosing_function() or self.ctx.module_scope
            self.defer(lambda: self._check(node, callee, scope))

    def _check(self, node: cst.Call, callee: str, scope: Scope) -> None:
        names = self.ctx.names(scope)
        if names.resolve(node.func) != callee:
            return
        earlier = _earlier_op(node, scope, names, shared_parents(self.ctx))
        if earlier is None:
            return
        code = cst.Module([]).code_for_node
        self.report(node, call=code(node.func), op=code(earlier.func), error=_CONFIG[callee])


def _catches_runtime_error(node: cst.Try) -> bool:
    for handler in node.handlers:
        if handler.type is None:
            return True
        text = cst.Module([]).code_for_node(handler.type)
        if "RuntimeError" in text or text == "Exception":
            return True
    return False


def _earlier_op(node: cst.CSTNode, scope: Scope, names: Names, parents: ParentMap) -> Optional[cst.Call]:
    for statement in earlier_statements(node, scope, parents):
        found = _op_in(statement, names)
        if found is not None:
            return found
    return None


def _op_in(statement: cst.CSTNode, names: Names) -> Optional[cst.Call]:
    stack: List[cst.CSTNode] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue  # defined, not run
        if isinstance(node, cst.Call):
            qualified = names.resolve(node.func)
            if qualified is not None and (
                is_tensor_op(qualified)
                or qualified == "tensorflow.Variable"
                or qualified.startswith(_STARTS_RUNTIME)
                or is_model_factory(qualified)
            ):
                return node
        stack.extend(children(node))
    return None
