"""Loop shapes shared by the loop rules: ``range`` over a tensor's size, indexing with the loop
variable, and which loops are hot enough for a per-iteration cost to matter."""

from __future__ import annotations

from typing import Callable, List, NamedTuple, Optional, Sequence

import libcst as cst

from tf_lint.files import is_test_file
from tf_lint.names import Names
from tf_lint.semantics.expressions import names_in, short_code
from tf_lint.semantics.scopes import ASSIGN, Loop, Scope
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


# A loop of at most this many iterations, known from the source, is not a hot loop: whatever
# it does per iteration costs microseconds in all (two feature columns, three test cases).
SMALL_LOOP = 16
_LINSPACES = frozenset({"tensorflow.linspace", "numpy.linspace", "tensorflow.range", "numpy.arange"})
_LITERAL_ARRAYS = frozenset({"tensorflow.constant", "numpy.array", "numpy.asarray", "tensorflow.convert_to_tensor"})


ValueOf = Callable[[str], Optional[cst.BaseExpression]]  # the value a name holds where the loop runs


def _bound(name: str, scope: Scope, value_of: Optional[ValueOf]) -> Optional[cst.BaseExpression]:
    """What ``name`` holds: the assignment reaching the loop when the caller can tell
    (``value_of``), else its single binding in its scope."""
    if value_of is not None:
        found = value_of(name)
        if found is not None:
            return found
    bindings = scope.bindings_of(name)
    if len(bindings) == 1 and bindings[0].kind == ASSIGN:
        return bindings[0].value
    return None


def static_length(
    expr: cst.BaseExpression, scope: Scope, names: Names, depth: int = 0, value_of: Optional[ValueOf] = None
) -> Optional[int]:
    """How many items iterating over ``expr`` gives, when the source says: a literal list,
    tuple, set, dict or string; ``range`` of fixed integers (``static_int``), ``tf.range``/
    ``linspace`` of literal numbers; ``enumerate``/``zip`` of those; ``tf.constant``/``np.array``
    of a literal nested list (its first dimension); a name bound once to any of these."""
    if depth > 4:
        return None
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        return None if any(isinstance(e, cst.StarredElement) for e in expr.elements) else len(expr.elements)
    if isinstance(expr, cst.Dict):
        return len(expr.elements)
    if isinstance(expr, cst.SimpleString):
        value = expr.evaluated_value
        return len(value) if isinstance(value, (str, bytes)) else None
    if isinstance(expr, cst.Name):
        bound = _bound(expr.value, scope, value_of)
        return static_length(bound, scope, names, depth + 1, value_of) if bound is not None else None
    if isinstance(expr, cst.Call):
        return _call_length(expr, scope, names, depth, value_of)
    return None


def static_int(expr: cst.BaseExpression, scope: Scope, names: Names, depth: int = 0, value_of: Optional[ValueOf] = None) -> Optional[int]:
    """An integer the source fixes: a literal, ``len(x)`` or ``t.shape[k]`` of literal data."""
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "len" and len(expr.args) == 1:
        return static_length(expr.args[0].value, scope, names, depth + 1, value_of)
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.value, cst.Attribute):
        shape = _literal_shape(expr.value, scope, names, depth + 1, value_of)  # t.shape[k]
        index = expr.slice[0].slice
        if shape is not None and isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
            k = int(index.value.evaluated_value)
            return shape[k] if k < len(shape) else None
    return None


def _call_length(call: cst.Call, scope: Scope, names: Names, depth: int, value_of: Optional[ValueOf]) -> Optional[int]:
    args = [a.value for a in call.args if a.keyword is None and not a.star]
    if len(args) != len(call.args):
        return None
    if isinstance(call.func, cst.Name) and not names.is_imported_name(call.func.value):
        bounds = [static_int(a, scope, names, depth + 1, value_of) for a in args]
        if call.func.value == "range" and 0 < len(args) <= 3 and None not in bounds and (len(bounds) < 3 or bounds[2] != 0):
            return len(range(*bounds))  # type: ignore[arg-type]
        if call.func.value in ("enumerate", "reversed", "sorted", "list", "tuple") and len(args) >= 1:
            return static_length(args[0], scope, names, depth + 1, value_of)
        if call.func.value == "zip" and args:
            lengths = [static_length(a, scope, names, depth + 1, value_of) for a in args]
            return min(lengths) if all(n is not None for n in lengths) else None  # type: ignore[type-var]
        return None
    qualified = names.resolve(call.func)
    if qualified in _LINSPACES and args and isinstance(args[-1], cst.Integer):
        count = int(args[-1].evaluated_value)
        return count if qualified.endswith("linspace") or len(args) == 1 else None
    if qualified in _LITERAL_ARRAYS and args:
        return static_length(args[0], scope, names, depth + 1, value_of)
    if qualified == "tensorflow.transpose" and args:
        shape = _shape_of(args[0], scope, names, depth + 1, value_of)
        return shape[-1] if shape else None
    return None


def _literal_shape(attribute: cst.Attribute, scope: Scope, names: Names, depth: int, value_of: Optional[ValueOf]) -> Optional[List[int]]:
    """The shape of ``t`` in ``t.shape`` when ``t`` is a literal array."""
    if attribute.attr.value != "shape":
        return None
    return _shape_of(attribute.value, scope, names, depth, value_of)


def _shape_of(expr: cst.BaseExpression, scope: Scope, names: Names, depth: int, value_of: Optional[ValueOf]) -> Optional[List[int]]:
    if isinstance(expr, cst.Name):
        bound = _bound(expr.value, scope, value_of)
        if bound is None:
            return None
        expr = bound
    if not isinstance(expr, cst.Call) or names.resolve(expr.func) not in _LITERAL_ARRAYS or not expr.args:
        return None
    shape: List[int] = []
    value: cst.BaseExpression = expr.args[0].value
    while isinstance(value, (cst.List, cst.Tuple)) and value.elements:
        shape.append(len(value.elements))
        value = value.elements[0].value
    return shape or None


def loop_iterable(loop: cst.CSTNode) -> Optional[cst.BaseExpression]:
    """What a ``for`` statement or a comprehension iterates over (None for ``while``)."""
    if isinstance(loop, cst.For):
        return loop.iter
    if isinstance(loop, cst.BaseComp):
        return loop.for_in.iter
    return None


def hot(
    path: str, iterables: Sequence[Optional[cst.BaseExpression]], scope: Scope, names: Names, value_of: Optional[ValueOf] = None
) -> bool:
    """Is per-iteration cost in loops over ``iterables`` (nested; None for a ``while``) worth a
    finding? Not in test files (a few cases, no throughput to lose), and not when the source
    shows that the loops together run at most SMALL_LOOP times. Anything else (a length
    unknown or large, a ``while``) may be hot."""
    if is_test_file(path):
        return False
    total = 1
    for iterable in iterables:
        length = static_length(iterable, scope, names, 0, value_of) if iterable is not None else None
        if length is None:
            return True
        total *= length
    return not iterables or total > SMALL_LOOP


def hot_loops(path: str, loops: Sequence[Loop], scope: Scope, names: Names) -> bool:
    """:func:`hot` for the loops the walk is in (``FileContext.enclosing_loops()``)."""
    return hot(path, [loop_iterable(loop.node) for loop in loops], scope, names)
