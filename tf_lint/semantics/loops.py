"""Loop shapes shared by the loop rules: ``range`` over a tensor's size, and indexing with the loop variable."""

from __future__ import annotations

from typing import List, NamedTuple, Optional, Sequence

import libcst as cst

from tf_lint.names import Names
from tf_lint.semantics.expressions import names_in, short_code
from tf_lint.walk import children

STATIC_SHAPE = "static"  # range(t.shape[k]) or range(len(t)): a Python int at trace time
DYNAMIC_SHAPE = "dynamic"  # range(tf.shape(t)[k]): a tensor bound, AutoGraph makes a while loop


class RangeOverSize(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """``range(<size of array>)``: the array and whether its size is static."""

    array: cst.Name
    kind: str
    spelled: str  # how the bound was written, for messages
    as_tensor: str  # the same size as a tensor, e.g. tf.shape(t)[1]


class LoopShape(NamedTuple):  # a named tuple, not a dataclass: ~1 ms less import time each
    """What a ``for`` statement or a comprehension's ``for`` iterates over, and its body."""

    node: cst.CSTNode  # where to report
    target: cst.BaseExpression
    iter: cst.BaseExpression
    body: Sequence[cst.CSTNode]


def for_statement(node: cst.For) -> LoopShape:
    return LoopShape(node.iter, node.target, node.iter, [node.body])


def comprehension_loops(node: cst.BaseComp) -> List[LoopShape]:
    """One shape per ``for`` clause; the body is the element expression(s)."""
    if isinstance(node, cst.DictComp):
        body: List[cst.CSTNode] = [node.key, node.value]
    else:
        body = [node.elt]  # type: ignore[attr-defined]
    shapes = []
    comp: Optional[cst.CompFor] = node.for_in
    while comp is not None:
        shapes.append(LoopShape(comp.iter, comp.target, comp.iter, [*body, *comp.ifs]))
        comp = comp.inner_for_in
    return shapes


def _is_builtin_range(func: cst.BaseExpression, names: Names) -> bool:
    return isinstance(func, cst.Name) and func.value == "range" and not names.is_imported_name("range")


def range_over_size(iter_expr: cst.BaseExpression, names: Names) -> Optional[RangeOverSize]:
    """Recognise ``range(t.shape[k])``, ``range(len(t))`` and ``range(tf.shape(t)[k])``."""
    if not isinstance(iter_expr, cst.Call) or not _is_builtin_range(iter_expr.func, names):
        return None
    positional = [a for a in iter_expr.args if a.keyword is None and not a.star]
    if len(positional) not in (1, 2, 3) or len(positional) != len(iter_expr.args):
        return None
    stop = positional[0].value if len(positional) == 1 else positional[1].value
    if isinstance(stop, cst.Call) and isinstance(stop.func, cst.Name) and stop.func.value == "len":
        if len(stop.args) == 1 and isinstance(stop.args[0].value, cst.Name):
            array = stop.args[0].value
            return RangeOverSize(array, STATIC_SHAPE, f"len({array.value})", f"tf.shape({array.value})[0]")
        return None
    if not isinstance(stop, cst.Subscript):
        return None
    sized = stop.value
    index = short_code(stop.slice[0].slice) if len(stop.slice) == 1 else "..."
    if isinstance(sized, cst.Attribute) and sized.attr.value == "shape" and isinstance(sized.value, cst.Name):
        name = sized.value.value
        return RangeOverSize(sized.value, STATIC_SHAPE, f"{name}.shape[{index}]", f"tf.shape({name})[{index}]")
    if (
        isinstance(sized, cst.Call)
        and names.resolve(sized.func) == "tensorflow.shape"
        and sized.args
        and isinstance(sized.args[0].value, cst.Name)
    ):
        array = sized.args[0].value
        spelled = f"tf.shape({array.value})[{index}]"
        return RangeOverSize(array, DYNAMIC_SHAPE, spelled, spelled)
    return None


def indexes_with(body: Sequence[cst.CSTNode], array: str, index_names: Sequence[str]) -> bool:
    """Does the body read ``array[...]`` with a subscript that mentions one of ``index_names``?"""
    wanted = set(index_names)
    stack: List[cst.CSTNode] = list(body)
    while stack:
        node = stack.pop()
        if (
            isinstance(node, cst.Subscript)
            and isinstance(node.value, cst.Name)
            and node.value.value == array
            and any(wanted.intersection(names_in(element)) for element in node.slice)
        ):
            return True
        stack.extend(children(node))
    return False
