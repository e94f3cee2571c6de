"""Version guards: code that runs only on some TensorFlow/Keras versions.

``if hasattr(tf, "contrib"):``, ``if tf.__version__ < "2"``, ``if TYPE_CHECKING:``,
``try: ... except ImportError:``: both branches of such a test are written for different
versions, so a name or an argument that only one version has is expected in them. The
context keeps the guards around the walk's position (``FileContext.version_guarded``); the
API and migration rules stay quiet inside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List

import libcst as cst

from tf_lint.names import dotted_parts
from tf_lint.semantics.reaching import earlier_statements
from tf_lint.walk import children

if TYPE_CHECKING:
    from tf_lint.semantics.reaching import ParentMap
    from tf_lint.semantics.scopes import Scope

_GUARD_ERRORS = frozenset({"AttributeError", "ImportError", "ModuleNotFoundError", "Exception", "BaseException", "TypeError"})
# Words in an `if` test that mark a version switch: `hasattr(tf, ...)`, `tf.__version__`,
# `TYPE_CHECKING`, `IS_TF1`, `compat.is_v1_apis()`, `keras_2`...
_VERSION_WORDS = ("hasattr", "getattr", "version", "VERSION", "TYPE_CHECKING", "tf1", "tf2", "TF1", "TF2", "v1", "v2", "V1", "V2", "legacy", "keras2", "keras3", "KERAS")


def catches_missing_names(node: cst.Try) -> bool:
    for handler in node.handlers:
        if handler.type is None:
            return True
        types = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
        for item in types:
            value = item.value if isinstance(item, cst.Element) else item
            name = dotted_parts(value)  # type: ignore[arg-type]
            if name and name[-1] in _GUARD_ERRORS:
                return True
    return False


def is_version_test(test: cst.BaseExpression) -> bool:
    """Does the test call ``hasattr``/``getattr`` or read a version? A walk over the usual
    expression shapes; generating the test's code for a substring search cost a third of
    these rules' time."""
    stack: List[cst.CSTNode] = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            if any(word in node.value for word in _VERSION_WORDS):
                return True
        elif isinstance(node, cst.Attribute):
            if any(word in node.attr.value for word in _VERSION_WORDS):
                return True
            stack.append(node.value)
        elif isinstance(node, cst.Call):
            stack.append(node.func)
            stack.extend(arg.value for arg in node.args)
        elif isinstance(node, cst.BooleanOperation):
            stack.extend((node.left, node.right))
        elif isinstance(node, cst.UnaryOperation):
            stack.append(node.expression)
        elif isinstance(node, cst.Comparison):
            stack.append(node.left)
            stack.extend(target.comparator for target in node.comparisons)
        elif isinstance(node, cst.Subscript):
            stack.append(node.value)
    return False


def left_for_other_versions(node: cst.CSTNode, scope: "Scope", parents: "ParentMap") -> bool:
    """Does an earlier statement of the enclosing function leave it on other versions, so that
    ``node`` runs on one version only? ``if is_tf2: return shim`` / ``if tf.__version__ ...:
    raise``, or a call of a function of the file that raises under a version test
    (tensor2tensor's ``err_if_tf2()`` before each ``from tensorflow.contrib import ...``)."""
    if scope.enclosing_function() is None:
        return False
    module = scope.module()
    for statement in earlier_statements(node, scope, parents):
        if isinstance(statement, cst.If) and is_version_test(statement.test) and _leaves(statement.body):
            return True
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                call = small.value if isinstance(small, cst.Expr) else None
                if isinstance(call, cst.Call) and isinstance(call.func, cst.Name):
                    bindings = module.bindings.get(call.func.value, [])
                    definition = bindings[0].definition if len(bindings) == 1 else None
                    if isinstance(definition, cst.FunctionDef) and _raises_on_a_version(definition):
                        return True
    return False


def _leaves(block: cst.BaseSuite) -> bool:
    """Does the block end the function (``return``/``raise`` at its top level)?"""
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        smalls = statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
        if any(isinstance(small, (cst.Return, cst.Raise)) for small in smalls):
            return True
    return False


def _raises_on_a_version(function: cst.FunctionDef) -> bool:
    """A ``raise`` somewhere under an ``if`` on a version test in the function's body."""
    stack: List[cst.CSTNode] = [function.body]
    while stack:
        found = stack.pop()
        if isinstance(found, cst.If) and is_version_test(found.test) and any(isinstance(n, cst.Raise) for n in _walk(found.body)):
            return True
        if not isinstance(found, (cst.FunctionDef, cst.ClassDef)):
            stack.extend(children(found))
    return False


def _walk(node: cst.CSTNode) -> List[cst.CSTNode]:
    found: List[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children(current))
    return found
