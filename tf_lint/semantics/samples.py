"""Is a call argument one sample cut out of a batch, using a loop variable?

Per-sample calls are slow only when the argument really is one sample; a loop over batches
is how Keras is meant to be used. So only explicit single-sample shapes count:
``x[i:i+1]``, ``x[[i]]``, ``item[None]``/``[np.newaxis]``, ``np.expand_dims(item, 0)``,
``item.reshape(1, ...)`` and ``np.array([item])``, where the expression mentions the loop
variable. A plain ``x[i]`` does not count: ``x`` may be a list of batches.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence, Set

import libcst as cst

from tf_lint.names import Names
from tf_lint.semantics.expressions import argument, is_int, names_in
from tf_lint.semantics.scopes import Loop

_EXPAND_DIMS = frozenset({"numpy.expand_dims", "tensorflow.expand_dims", "keras.ops.expand_dims"})
_ARRAY_OF = frozenset({"numpy.array", "numpy.asarray", "tensorflow.constant", "tensorflow.convert_to_tensor"})
_RESHAPE = frozenset({"numpy.reshape", "tensorflow.reshape", "keras.ops.reshape"})
_NEWAXIS = frozenset({"numpy.newaxis", "tensorflow.newaxis"})


def _mentions(expr: cst.CSTNode, names: Set[str]) -> bool:
    return bool(names.intersection(names_in(expr)))


def _is_plus_one(upper: cst.BaseExpression, lower: cst.BaseExpression) -> bool:
    return (
        isinstance(upper, cst.BinaryOperation)
        and isinstance(upper.operator, cst.Add)
        and is_int(upper.right, 1)
        and upper.left.deep_equals(lower)
    )


def _adds_axis(element: cst.SubscriptElement, names: Names) -> bool:
    index = element.slice
    if not isinstance(index, cst.Index):
        return False
    value = index.value
    return (isinstance(value, cst.Name) and value.value == "None") or names.resolve(value) in _NEWAXIS


def _one_sample_subscript(node: cst.Subscript, loop_vars: Set[str], names: Names) -> bool:
    if _adds_axis(node.slice[0], names):
        return _mentions(node, loop_vars)  # item[None], x[i][None, ...], x[None, i]
    if len(node.slice) != 1:
        return False
    index = node.slice[0].slice
    if isinstance(index, cst.Slice):  # x[i:i+1]
        return (
            index.lower is not None
            and index.upper is not None
            and index.step is None
            and _mentions(index.lower, loop_vars)
            and _is_plus_one(index.upper, index.lower)
        )
    if isinstance(index, cst.Index) and isinstance(index.value, cst.List):  # x[[i]]
        elements = index.value.elements
        return len(elements) == 1 and _mentions(elements[0].value, loop_vars)
    return False


def _leading_one(shape: Optional[cst.BaseExpression]) -> bool:
    if isinstance(shape, (cst.Tuple, cst.List)):
        return bool(shape.elements) and is_int(shape.elements[0].value, 1)
    return shape is not None and is_int(shape, 1)


def _one_sample_call(node: cst.Call, loop_vars: Set[str], names: Names) -> bool:
    function = names.resolve(node.func)
    if function in _EXPAND_DIMS:
        data, axis = argument(node, "a", 0) or argument(node, "input", 0), argument(node, "axis", 1)
        return data is not None and axis is not None and is_int(axis.value, 0) and _mentions(data.value, loop_vars)
    if function in _ARRAY_OF:
        literal = node.args[0].value if node.args and node.args[0].keyword is None else None
        return (
            isinstance(literal, (cst.List, cst.Tuple))
            and len(literal.elements) == 1
            and _mentions(literal.elements[0].value, loop_vars)
        )
    if function in _RESHAPE:
        array, shape = node.args[0].value if node.args else None, argument(node, "shape", 1)
        return array is not None and shape is not None and _leading_one(shape.value) and _mentions(array, loop_vars)
    if isinstance(node.func, cst.Attribute) and node.func.attr.value == "reshape" and node.args:
        first = node.args[0].value  # item.reshape(1, -1) or item.reshape((1, 28, 28))
        return (is_int(first, 1) or _leading_one(first)) and _mentions(node.func.value, loop_vars)
    return False


def single_sample(expr: cst.BaseExpression, loop_vars: Optional[Iterable[str]], names: Names) -> bool:
    """True when ``expr`` is one sample (with a batch axis of 1) picked by a loop variable.

    With ``loop_vars=None`` any one-sample shape counts (``img[None]``), loop or not.
    """
    wanted = set(loop_vars) if loop_vars is not None else set(names_in(expr))
    if not wanted:
        return False
    if isinstance(expr, cst.Subscript):
        return _one_sample_subscript(expr, wanted, names)
    if isinstance(expr, cst.Call):
        return _one_sample_call(expr, wanted, names)
    return False


def sample_of_enclosing_loop(call: cst.Call, expr: cst.BaseExpression, loops: Sequence[Loop], names: Names) -> bool:
    """``expr`` (an argument of ``call``) is one sample picked by one of ``loops``' variables,
    and the iterations are independent, so the calls could be one batched call.

    Call only after the traversal, when each loop knows every name its body assigns. If the
    call reads anything the loop body (re)assigns, other than the loop variable, step t+1
    depends on step t (autoregressive decoding, a recurrent state fed back), and batching is
    not possible. ``async for`` loops consume a stream (a serving queue) and are left alone.
    """
    for loop in reversed(loops):
        if isinstance(loop.node, cst.For) and loop.node.asynchronous is not None:
            return False
        if single_sample(expr, loop.targets, names):
            read = set(names_in(call)) - loop.targets
            return not read.intersection(loop.assigned_in_body)
    return False
