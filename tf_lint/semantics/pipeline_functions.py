"""What the function given to ``Dataset.map`` does: is it random?"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from tf_lint.names import ImportTable
from tf_lint.semantics.expressions import calls_in
from tf_lint.semantics.models import SEQUENTIAL
from tf_lint.semantics.scopes import ASSIGN, Scope

_RANDOM_PREFIXES = ("tensorflow.random.", "tensorflow.image.random_", "tensorflow.image.stateless_random_", "numpy.random.", "random.")


def mapped_function(call: cst.Call, module_scope: Scope) -> Optional[cst.CSTNode]:
    """The lambda or same-file ``def`` passed to ``map(...)`` (first argument or ``map_func=``)."""
    given = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "map_func"), None)
    if isinstance(given, cst.Lambda):
        return given
    if isinstance(given, cst.Name):
        bindings = module_scope.bindings.get(given.value, [])
        if len(bindings) == 1 and isinstance(bindings[0].definition, cst.FunctionDef):
            return bindings[0].definition
    return None


def random_call(function: cst.CSTNode, imports: ImportTable, module_scope: Scope) -> Optional[str]:
    """The first call in ``function`` that draws random numbers (``tf.image.random_flip_left_right``,
    a ``keras.layers.Random*`` layer, a Sequential of them); None if there is none."""
    for call in calls_in(function):
        qualified = imports.resolve(call.func)
        if qualified is not None:
            if qualified.startswith(_RANDOM_PREFIXES) or qualified.startswith("keras.layers.Random"):
                return cst.Module([]).code_for_node(call.func)
            continue
        if isinstance(call.func, cst.Name) and _random_layer(call.func.value, imports, module_scope):
            return call.func.value
    return None


def _random_layer(name: str, imports: ImportTable, module_scope: Scope) -> bool:
    bindings = module_scope.bindings.get(name, [])
    if len(bindings) != 1 or bindings[0].kind != ASSIGN or not isinstance(bindings[0].value, cst.Call):
        return False
    built = bindings[0].value
    qualified = imports.resolve(built.func) or ""
    if qualified.startswith("keras.layers.Random"):
        return True
    if qualified in SEQUENTIAL and built.args and isinstance(built.args[0].value, (cst.List, cst.Tuple)):
        return any(
            isinstance(e.value, cst.Call) and (imports.resolve(e.value.func) or "").startswith("keras.layers.Random")
            for e in built.args[0].value.elements
        )
    return False
