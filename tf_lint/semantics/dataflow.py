"""What a name holds at a point of the file: a small, conservative intra-file dataflow.

Rules ask after the traversal, ``Dataflow.value(expr, scope, at)``, and get an abstract
:class:`Value` (a dataset with its chain of steps, a Keras model, a tensor, a NumPy array, a
Python scalar, a traced function) or None, which means unknown and never produces a finding.

How a name is followed:

* in statement order, through the assignments that reach the point (``semantics.reaching``);
  an ``if``/``else`` whose every branch assigns the name merges the branches' values when
  they agree, any other doubt is unknown;
* into same-file functions: ``make_dataset(...)`` is the value its ``return`` statements
  agree on, with the function's parameters bound to the call's arguments (three levels deep);
* to ``self.<attr>``: the single ``self.<attr> = ...`` assignment of the class;
* to parameters of a same-file function: the value every call of that function in the file
  passes, when they all agree.

Answers are memoised per expression and parameter binding, so asking is cheap; nothing is
computed for a file unless a rule asks.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import libcst as cst

from tf_lint.names import ML_TOP_LEVEL, ImportTable, ScopedNames
from tf_lint.semantics.expressions import function_returns
from tf_lint.semantics.keras_calls import is_model_factory
from tf_lint.semantics.links import file_of, follow_import, single_binding
from tf_lint.semantics.models import function_called
from tf_lint.semantics.reaching import ParentMap, reaching_all, shared_parents
from tf_lint.semantics.scopes import ASSIGN, IMPORT, Scope
from tf_lint.semantics.tensors import is_tensor_op
from tf_lint.semantics.tracing import FunctionInfo, TracingFacts, is_tf_function
from tf_lint.walk import children

DATASET = "dataset"
MODEL = "model"
TENSOR = "tensor"
ARRAY = "ndarray"
SCALAR = "scalar"
FUNCTION = "traced-function"

_MAX_DEPTH = 3

# Dataset constructors -> their first step's name.
_DATASET_SOURCES = {
    "tensorflow.data.Dataset.from_tensor_slices": "from_tensor_slices",
    "tensorflow.data.Dataset.from_tensors": "from_tensors",
    "tensorflow.data.Dataset.from_generator": "from_generator",
    "tensorflow.data.Dataset.range": "range",
    "tensorflow.data.Dataset.zip": "zip",
    "tensorflow.data.Dataset.list_files": "list_files",
    "tensorflow.data.Dataset.sample_from_datasets": "sample_from_datasets",
    "tensorflow.data.TFRecordDataset": "TFRecordDataset",
    "tensorflow.data.TextLineDataset": "TextLineDataset",
    "tensorflow.data.FixedLengthRecordDataset": "FixedLengthRecordDataset",
    # Keras' loaders return datasets already batched (batch_size=32 by default).
    "keras.utils.image_dataset_from_directory": "image_dataset_from_directory",
    "keras.utils.text_dataset_from_directory": "text_dataset_from_directory",
    "keras.utils.audio_dataset_from_directory": "audio_dataset_from_directory",
    "keras.utils.timeseries_dataset_from_array": "timeseries_dataset_from_array",
    "keras.preprocessing.image_dataset_from_directory": "image_dataset_from_directory",
    "keras.preprocessing.text_dataset_from_directory": "text_dataset_from_directory",
}
# Methods of tf.data.Dataset that return a dataset.
DATASET_METHODS = frozenset(
    """
    apply batch bucket_by_sequence_length cache concatenate enumerate filter flat_map group_by_window
    ignore_errors interleave map padded_batch prefetch ragged_batch rebatch repeat scan shard shuffle
    skip snapshot take take_while unbatch unique window with_options rejection_resample
    """.split()
)
_ARRAY_PREFIXES = ("numpy.random.",)
# ndarray methods that return a new array.
_ARRAY_METHODS = frozenset("astype reshape copy transpose squeeze flatten ravel clip round".split())
_ARRAY_FUNCTIONS = frozenset(
    "numpy.array numpy.asarray numpy.zeros numpy.ones numpy.empty numpy.full numpy.arange numpy.linspace "
    "numpy.load numpy.loadtxt numpy.stack numpy.concatenate numpy.eye".split()
)


class Step(NamedTuple):
    """One step of a dataset's pipeline: ``shuffle`` and the call that applies it, and the file
    the call is written in (another module of the project, when a helper there built it)."""

    name: str
    call: cst.Call
    file: Any = None  # a links.ModuleFile


class Value(NamedTuple):
    kind: str
    steps: Tuple[Step, ...] = ()  # a dataset's pipeline, source first
    node: Optional[cst.CSTNode] = None  # where it was made

    def with_step(self, step: Step) -> "Value":
        return Value(self.kind, (*self.steps, step), step.call)


Environment = Tuple[Tuple[int, str, Optional[Value]], ...]  # (id(scope), parameter, value) bindings


class Dataflow:
    """Answers "what does this expression hold here?" for one file, after its traversal."""

    def __init__(self, imports: ImportTable, tracing: TracingFacts, parents: ParentMap, file: Any = None) -> None:
        self.imports = imports
        self.tracing = tracing
        self.parents = parents
        self.file = file  # the links.ModuleFile this flow reads (its steps say so)
        # Keyed by node identity; the nodes are kept in the entry so that an id is never reused.
        self._memo: Dict[Tuple[int, int, Environment], Tuple[Optional[Value], cst.CSTNode, cst.CSTNode]] = {}
        self._scopes: Dict[int, Scope] = {}

    # --- the query -------------------------------------------------------------------------

    def value(self, expr: cst.BaseExpression, scope: Scope, at: Optional[cst.CSTNode] = None) -> Optional[Value]:
        return self._value(expr, scope, at or expr, (), 0)

    def _value(self, expr: cst.BaseExpression, scope: Scope, at: cst.CSTNode, env: Environment, depth: int) -> Optional[Value]:
        key = (id(expr), id(at), env)
        if key in self._memo:
            return self._memo[key][0]
        self._memo[key] = (None, expr, at)  # a cycle (x = f(x) through a summary) is unknown
        result = self._compute(expr, scope, at, env, depth)
        self._memo[key] = (result, expr, at)
        return result

    def _compute(self, expr: cst.BaseExpression, scope: Scope, at: cst.CSTNode, env: Environment, depth: int) -> Optional[Value]:
        if isinstance(expr, (cst.Integer, cst.Float)):
            return Value(SCALAR, node=expr)
        if isinstance(expr, cst.Name):
            return self._name(expr.value, scope, at, env, depth)
        if isinstance(expr, cst.Attribute):
            return self._attribute(expr, scope, env, depth)
        if isinstance(expr, cst.Call):
            return self._call(expr, scope, at, env, depth)
        if isinstance(expr, cst.BinaryOperation):
            left = self._value(expr.left, scope, at, env, depth)
            right = self._value(expr.right, scope, at, env, depth)
            kinds = {v.kind for v in (left, right) if v is not None}
            if left is not None and right is not None and kinds == {SCALAR}:
                return Value(SCALAR, node=expr)
            if TENSOR in kinds:
                return Value(TENSOR, node=expr)
        return None

    # --- names -----------------------------------------------------------------------------

    def _name(self, name: str, scope: Scope, at: cst.CSTNode, env: Environment, depth: int) -> Optional[Value]:
        owner = scope.owner_of(name)
        if owner is None or all(b.kind == IMPORT for b in owner.bindings.get(name, [])):
            return self._imported(name, scope, depth)
        if self.tracing.declared_global(name):
            return None  # a function rebinds it through `global`/`nonlocal`: any call may change it
        if owner is scope:
            definitions = reaching_all(name, at, scope, self.parents)
            if definitions is None:
                if name in scope.params:
                    return self._parameter(name, scope, env, depth)
                return None
            values = [self._assigned(d.value, d.path, scope, d.statement, env, depth) for d in definitions]
            return _merge(values)
        # A name of an enclosing scope (a module-level dataset used in a function): follow it
        # only when it is bound once there, so the order of execution cannot matter.
        bindings = owner.bindings.get(name, [])
        if len(bindings) == 1 and bindings[0].kind == ASSIGN and bindings[0].value is not None:
            return self._value(bindings[0].value, owner, bindings[0].value, env, depth)
        return None

    def _assigned(
        self, value: cst.BaseExpression, path: Tuple[int, ...], scope: Scope, statement: cst.CSTNode, env: Environment, depth: int
    ) -> Optional[Value]:
        for index in path:  # ``train, val = make(), make()``: only literal tuples are indexed
            if not isinstance(value, (cst.Tuple, cst.List)) or index >= len(value.elements):
                return None
            element = value.elements[index]
            if isinstance(element, cst.StarredElement):
                return None
            value = element.value
        return self._value(value, scope, statement, env, depth)

    def _imported(self, name: str, scope: Scope, depth: int) -> Optional[Value]:
        """A module-level value of another project module (``from data import train_ds``)."""
        imported = follow_import(name, scope)
        binding = single_binding(imported) if imported is not None else None
        if imported is None or binding is None or binding.kind != ASSIGN or binding.value is None or depth >= _MAX_DEPTH:
            return None
        other = dataflow(imported.file)
        return other._value(binding.value, imported.file.module_scope, binding.value, (), depth + 1)

    def _parameter(self, name: str, scope: Scope, env: Environment, depth: int) -> Optional[Value]:
        for scope_id, parameter, bound in env:
            if scope_id == id(scope) and parameter == name:
                return bound
        # No binding from a call being summarised: what every call in the file passes.
        function = scope.node
        if not isinstance(function, cst.FunctionDef) or depth >= _MAX_DEPTH or function.decorators:
            return None
        sites = self.tracing.call_sites.get(function.name.value, [])
        if not sites or scope.parent is None or (scope.parent.kind == "class"):
            return None
        if function.name.value in self.tracing.used_as_value:
            return None  # passed around: called from places the file does not show
        values = []
        for call, caller in sites:
            if caller.owner_of(function.name.value) is not scope.parent:
                return None
            argument = _argument_for(function, name, call)
            if argument is None:
                return None
            values.append(self._value(argument, caller, call, (), depth + 1))
        return _merge(values)

    def _attribute(self, expr: cst.Attribute, scope: Scope, env: Environment, depth: int) -> Optional[Value]:
        """``self.<attr>``: the class's single ``self.<attr> = value``."""
        if not (isinstance(expr.value, cst.Name) and expr.value.value == "self"):
            return None
        function = scope.enclosing_function()
        klass = function.parent if function is not None else None
        if klass is None or klass.kind != "class" or not isinstance(klass.node, cst.ClassDef):
            return None
        found = _self_assignments(klass.node, expr.attr.value)
        if found is None or len(found) != 1:
            return None
        value, method = found[0]
        method_scope = self._scope_of(method)
        if method_scope is None:
            return None
        return self._value(value, method_scope, value, (), depth + 1)

    def _scope_of(self, function: cst.FunctionDef) -> Optional[Scope]:
        info: Optional[FunctionInfo] = self.tracing.functions.get(function)
        return info.scope if info is not None else None

    # --- calls -----------------------------------------------------------------------------

    def _call(self, call: cst.Call, scope: Scope, at: cst.CSTNode, env: Environment, depth: int) -> Optional[Value]:
        names = ScopedNames(self.imports, scope)
        qualified = names.resolve(call.func)
        if qualified is not None:
            source = _DATASET_SOURCES.get(qualified)
            if source is not None:
                return Value(DATASET, (Step(source, call, self.file),), call)
            if is_model_factory(qualified):
                return Value(MODEL, node=call)
            if is_tf_function(names, call.func):
                return Value(FUNCTION, node=call)
            if is_tensor_op(qualified):
                return Value(TENSOR, node=call)
            if qualified in _ARRAY_FUNCTIONS or qualified.startswith(_ARRAY_PREFIXES):
                return Value(ARRAY, node=call)
            if qualified.split(".", 1)[0] in ML_TOP_LEVEL:
                return None
        if isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            if method in DATASET_METHODS or method in _ARRAY_METHODS:
                base = self._value(call.func.value, scope, at, env, depth)
                if base is not None and base.kind == DATASET and method in DATASET_METHODS:
                    return base.with_step(Step(method, call, self.file))
                if base is not None and base.kind == ARRAY and method in _ARRAY_METHODS:
                    return Value(ARRAY, node=call)
                return None
        if isinstance(call.func, (cst.Name, cst.Attribute)):
            return self._summary(call, scope, env, depth)
        return None

    def _summary(self, call: cst.Call, scope: Scope, env: Environment, depth: int) -> Optional[Value]:
        """A function's result: what its returns agree on, parameters bound to the call's
        arguments. The function is one of this file or of the project module it is imported
        from (then that module's own flow reads its body)."""
        if depth >= _MAX_DEPTH:
            return None
        found = function_called(call, scope)
        if found is None:
            return None
        function, inner = found
        if function.decorators or function.asynchronous is not None:
            return None
        returns = function_returns(function)
        if not returns or any(r.value is None for r in returns):
            return None
        bound: List[Tuple[int, str, Optional[Value]]] = list(env)
        for parameter in inner.params:
            argument = _argument_for(function, parameter, call)
            value = self._value(argument, scope, call, env, depth + 1) if argument is not None else None
            bound.append((id(inner), parameter, value))
        inner_env = tuple(bound)
        owner = file_of(inner)
        flow = self if owner is None or owner is self.file else dataflow(owner)
        values = [flow._value(r.value, inner, r, inner_env, depth + 1) for r in returns if r.value is not None]
        return _merge(values)


def _merge(values: Sequence[Optional[Value]]) -> Optional[Value]:
    """One value when all agree (datasets: the same pipeline steps); else unknown."""
    if not values or any(v is None for v in values):
        return None
    first = values[0]
    assert first is not None
    for other in values[1:]:
        assert other is not None
        if other.kind != first.kind:
            return None
        if first.kind == DATASET and [s.name for s in other.steps] != [s.name for s in first.steps]:
            return None
    return first


def _argument_for(function: cst.FunctionDef, parameter: str, call: cst.Call) -> Optional[cst.BaseExpression]:
    """The expression ``call`` passes for ``parameter`` (by position or keyword); None if unsure."""
    if any(arg.star for arg in call.args):
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == parameter:
            return arg.value
    positional = [arg.value for arg in call.args if arg.keyword is None]
    params = [*function.params.posonly_params, *function.params.params]
    names = [p.name.value for p in params]
    if parameter in names and names.index(parameter) < len(positional):
        return positional[names.index(parameter)]
    for p in params:
        if p.name.value == parameter and p.default is not None:
            return p.default
    for p in function.params.kwonly_params:
        if p.name.value == parameter and p.default is not None:
            return p.default
    return None


def _self_assignments(klass: cst.ClassDef, attr: str) -> Optional[List[Tuple[cst.BaseExpression, cst.FunctionDef]]]:
    """Every ``self.<attr> = value`` in the class's methods; None when one is augmented or unpacked."""
    found: List[Tuple[cst.BaseExpression, cst.FunctionDef]] = []
    for statement in klass.body.body:
        if not isinstance(statement, cst.FunctionDef):
            continue
        stack: List[cst.CSTNode] = [statement.body]
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                continue
            if isinstance(node, cst.Assign):
                for target in node.targets:
                    if _is_self_attr(target.target, attr):
                        found.append((node.value, statement))
                    elif isinstance(target.target, (cst.Tuple, cst.List)) and any(
                        _is_self_attr(e.value, attr) for e in target.target.elements
                    ):
                        return None  # unpacked: unknown
            elif isinstance(node, (cst.AugAssign, cst.AnnAssign)) and _is_self_attr(node.target, attr):
                if not isinstance(node, cst.AnnAssign) or node.value is None:
                    return None
                found.append((node.value, statement))
            stack.extend(children(node))
    return found


def _is_self_attr(target: cst.BaseExpression, attr: str) -> bool:
    return (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == "self"
        and target.attr.value == attr
    )


_DATASET_WORDS = re.compile(r"Dataset|dataset_from_directory|dataset_from_array")


def may_hold_datasets(ctx: "object") -> bool:
    """Can any value of the file be a tf.data dataset? Every dataset source's name contains
    one of a few words, so a file without them, importing no project module with them, has
    none (and its ``.map``/``.batch`` calls belong to something else): dataset questions are
    then answered without following names."""
    shared = ctx.shared  # type: ignore[attr-defined]
    if "may-hold-datasets" not in shared:
        found = _DATASET_WORDS.search(ctx.source) is not None  # type: ignore[attr-defined]
        project = getattr(ctx, "project", None)
        if not found and project is not None:  # a helper of another module may build them
            found = project.imports_mention(_DATASET_WORDS, ctx.imports.targets())  # type: ignore[attr-defined]
        shared["may-hold-datasets"] = found
    answer: bool = shared["may-hold-datasets"]
    return answer


def dataflow(ctx: "object") -> Dataflow:
    """The file's one Dataflow (made on first use, shared by every rule)."""
    shared = ctx.shared  # type: ignore[attr-defined]
    if "dataflow" not in shared:
        shared["dataflow"] = Dataflow(ctx.imports, ctx.tracing, shared_parents(ctx), ctx)  # type: ignore[attr-defined]
    flow: Dataflow = shared["dataflow"]
    return flow
