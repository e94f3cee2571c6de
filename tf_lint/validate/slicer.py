"""Rebuild what a finding is about as plain data, from the syntax tree alone.

The slicer never imports or runs the user's file. It reads Keras constructors with literal
arguments (or names bound once, before the use, to literals), ``Sequential([...])`` with its
``add`` calls, Functional graphs ending in ``Model(inputs, outputs)``, models returned by a
same-file builder function, and ``compile(...)`` arguments. Everything it emits names only
objects under the child's allowlist of ``keras`` modules. Anything else raises
:class:`CannotRebuild` with a reason a user can act on; the verdict is then inconclusive.
"""

from __future__ import annotations

import ast
import operator
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, ParentNodeProvider, PositionProvider

from tf_lint.names import ImportTable
from tf_lint.validate.child import CONFIG_KEYS, REFUSED_KEYWORDS, allowed_name

_SEQUENTIAL = frozenset({"keras.Sequential", "keras.models.Sequential"})
_FUNCTIONAL = frozenset({"keras.Model", "keras.models.Model"})
_INPUT = frozenset({"keras.Input", "keras.layers.Input"})
_LOADERS = frozenset({"keras.models.load_model", "keras.saving.load_model", "keras.models.clone_model"})
_BRANCHING = (cst.If, cst.For, cst.While, cst.Try, cst.Match)
_ARITHMETIC: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
}
FREE_FEATURES = 16  # features assumed for a Dense-first model that declares no input
_MAX_DEPTH = 12  # names followed through names, builder calls through builder calls
Scope = Union[cst.Module, cst.FunctionDef]


class CannotRebuild(Exception):
    """The slice needs something the slicer does not reconstruct; ``str()`` says what."""


def allowed(qualified: Optional[str]) -> bool:
    return qualified is not None and allowed_name(canonical_model_name(qualified))


def canonical_model_name(qualified: str) -> str:
    if qualified in _SEQUENTIAL:
        return "keras.Sequential"
    if qualified in _FUNCTIONAL:
        return "keras.Model"
    if qualified in _INPUT:
        return "keras.Input"
    return qualified


class Bound(NamedTuple):
    """What a name holds: an expression and the statement that bound it, or (``parameter``)
    a builder parameter's value, already encoded."""

    value: Any
    statement: cst.CSTNode
    parameter: bool


class SourceIndex:
    """One parsed file with positions, parents and imports, for finding and following nodes."""

    def __init__(self, text: str) -> None:
        self.module = cst.parse_module(text)
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        self.positions: Dict[cst.CSTNode, CodeRange] = dict(wrapper.resolve(PositionProvider))
        self.parents: Dict[cst.CSTNode, cst.CSTNode] = dict(wrapper.resolve(ParentNodeProvider))
        self.imports = ImportTable.from_module(self.module)
        self._statements: Dict[int, List[cst.CSTNode]] = {}
        self._unordered: Dict[int, Set[str]] = {}

    # --- positions and ancestry ---------------------------------------------------------------

    def node_at(self, line: int, col: int, end_line: int, end_col: int) -> Optional[cst.CSTNode]:
        """The outermost node spanning exactly the finding's range (what the rule reported)."""
        for node, where in self.positions.items():  # insertion order is pre-order: outermost first
            if (where.start.line, where.start.column) == (line, col) and (
                not end_line or (where.end.line, where.end.column) == (end_line, end_col)
            ):
                if isinstance(node, (cst.SimpleStatementLine, cst.Expr)):
                    continue
                return node
        return None

    def start(self, node: cst.CSTNode) -> Tuple[int, int]:
        where = self.positions[node].start
        return where.line, where.column

    def end(self, node: cst.CSTNode) -> Tuple[int, int]:
        where = self.positions[node].end
        return where.line, where.column

    def ancestors(self, node: cst.CSTNode) -> List[cst.CSTNode]:
        chain = []
        while node in self.parents:
            node = self.parents[node]
            chain.append(node)
        return chain

    def code(self, node: cst.CSTNode) -> str:
        text = self.module.code_for_node(node).strip()
        return text if len(text) <= 60 else text[:57] + "..."

    def scope_of(self, node: cst.CSTNode) -> Scope:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef):
                return ancestor
        return self.module

    def statements(self, scope: Scope) -> List[cst.CSTNode]:
        """The small statements of a scope in source order, not entering nested defs or classes."""
        key = id(scope)
        if key not in self._statements:
            found: List[cst.CSTNode] = []
            body = scope.body.body if isinstance(scope, cst.FunctionDef) else scope.body
            _collect(body, found)
            self._statements[key] = found
        return self._statements[key]

    def unordered_names(self, scope: Scope) -> Set[str]:
        """Names a scope binds in ways the slicer does not follow in order: ``:=`` targets,
        ``except ... as`` names, ``del`` targets, ``match`` captures, ``global``/``nonlocal``
        declarations (for the module: names any function declares ``global``)."""
        key = id(scope)
        if key not in self._unordered:
            found: Set[str] = set()
            _unordered(scope.body.body if isinstance(scope, cst.FunctionDef) else scope.body, found, scope is self.module)
            self._unordered[key] = found
        return self._unordered[key]

    def reaches(self, statement: cst.CSTNode, use: cst.CSTNode) -> bool:
        """True when ``statement`` runs on every path to ``use``: every block around it (below
        the scope) also holds ``use``. ``with`` blocks always run their body."""
        around_use = set(map(id, self.ancestors(use)))
        for ancestor in self.ancestors(statement):
            if isinstance(ancestor, (cst.FunctionDef, cst.Module)):
                return True
            if isinstance(ancestor, _BRANCHING) and id(ancestor) not in around_use:
                return False
            if isinstance(ancestor, (cst.IndentedBlock, cst.SimpleStatementSuite, cst.Else, cst.ExceptHandler)):
                parent = self.parents.get(ancestor)
                if not isinstance(parent, (cst.With, cst.FunctionDef)) and id(ancestor) not in around_use:
                    return False
        return True


def _collect(body: Sequence[cst.CSTNode], found: List[cst.CSTNode]) -> None:
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            found.append(statement)  # binds its name; its body is another scope
        elif isinstance(statement, cst.BaseCompoundStatement):
            found.append(statement)  # for/with targets bind names
            for block in _blocks(statement):
                _collect(block, found)


def _unordered(nodes: Sequence[cst.CSTNode], found: Set[str], module_scope: bool) -> None:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            if module_scope:  # a function's `global x` rebinds the module's x at some call
                for inner in _walk_all(node):
                    if isinstance(inner, cst.Global):
                        found.update(n.name.value for n in inner.names)
            continue
        if isinstance(node, cst.NamedExpr):
            found.update(_target_names(node.target))
        elif isinstance(node, cst.ExceptHandler) and node.name is not None:
            found.update(_target_names(node.name.name))
        elif isinstance(node, cst.Del):
            found.update(_target_names(node.target))
            if isinstance(node.target, cst.Tuple):
                found.update(n for e in node.target.elements for n in _target_names(e.value))
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            found.update(n.name.value for n in node.names)
        elif isinstance(node, cst.MatchAs) and node.name is not None:
            found.update(_target_names(node.name))
        elif isinstance(node, cst.MatchStar) and node.name is not None:
            found.update(_target_names(node.name))
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            found.update(_target_names(node.rest))
        stack.extend(node.children)


def _walk_all(node: cst.CSTNode) -> List[cst.CSTNode]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


def _blocks(statement: cst.BaseCompoundStatement) -> List[Sequence[cst.CSTNode]]:
    blocks: List[Sequence[cst.CSTNode]] = []
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        child = getattr(statement, field, None)
        if child is None:
            continue
        children = child if isinstance(child, (list, tuple)) else [child]
        for item in children:
            if isinstance(item, cst.BaseSuite):
                blocks.append(item.body if isinstance(item, cst.IndentedBlock) else item.body)
            elif isinstance(item, (cst.Else, cst.ExceptHandler, cst.MatchCase, cst.Finally)):
                blocks.append(item.body.body)
            elif isinstance(item, cst.If):  # elif
                blocks.append([item])
    return blocks


_UNBOUND = object()


def _bound_value(statement: cst.CSTNode, name: str) -> Any:
    """What ``statement`` binds ``name`` to: an expression, None (bound, but to something the
    slicer cannot see: a loop target, an import, a def), or _UNBOUND."""
    if isinstance(statement, cst.Assign):
        for target in statement.targets:
            if isinstance(target.target, cst.Name) and target.target.value == name:
                return statement.value
            if name in _target_names(target.target):
                return None
        return _UNBOUND
    if isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name) and statement.target.value == name:
        return statement.value if statement.value is not None else _UNBOUND
    if isinstance(statement, cst.AugAssign) and isinstance(statement.target, cst.Name) and statement.target.value == name:
        return None
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.name.value == name:
        return None
    if isinstance(statement, cst.For) and name in _target_names(statement.target):
        return None
    if isinstance(statement, cst.With):
        for item in statement.items:
            if item.asname is not None and name in _target_names(item.asname.name):
                return None
    if isinstance(statement, (cst.Import, cst.ImportFrom)) and not isinstance(statement.names, cst.ImportStar):
        for alias in statement.names:
            local = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(local, cst.Name) and local.value == name:
                return None
            if isinstance(local, cst.Attribute) and _head(local) == name:
                return None
    return _UNBOUND


def _head(node: cst.BaseExpression) -> str:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""


def _target_names(target: cst.BaseExpression) -> List[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for element in target.elements for n in _target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


class Slicer:
    """Turns expressions into the child's JSON: values, layers, models and compile arguments."""

    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self.imports = index.imports
        self.parameters: Dict[int, Dict[str, Any]] = {}  # id(FunctionDef) -> parameter values
        self.notes: List[str] = []
        self._depth = 0

    # --- names --------------------------------------------------------------------------------

    def resolve(self, expr: cst.BaseExpression, at: cst.CSTNode) -> Optional[str]:
        """The canonical Keras/TF name of ``expr``, unless a local binding hides the import."""
        head = _head(expr)
        if head and self._local_binding(head, at) is not None:
            return None
        return self.imports.resolve(expr)

    def _local_binding(self, name: str, at: cst.CSTNode) -> Optional[Tuple[Any, cst.CSTNode]]:
        scope = self.index.scope_of(at)
        for statement in self.index.statements(scope):
            if isinstance(statement, (cst.Import, cst.ImportFrom)):
                continue
            if _bound_value(statement, name) is not _UNBOUND:
                return _bound_value(statement, name), statement
        return None

    def binding(self, name: str, at: cst.CSTNode) -> "Bound":
        """The value ``name`` holds at ``at``: its last assignment before ``at`` in the same
        scope (which must run on every path to ``at`` and not be redone later in a loop around
        ``at``), a parameter's known value, or a module-level name assigned exactly once.
        Names also bound in ways the slicer does not order (``:=``, ``except ... as``,
        ``del``, ``global``/``nonlocal``, ``match`` captures) are never followed."""
        scope = self.index.scope_of(at)
        use = self.index.start(at)
        if name in self.index.unordered_names(scope):
            raise CannotRebuild(f"`{name}` is bound by `:=`, `except ... as`, `del`, `global`, `nonlocal` or `match` in this scope")
        last: Optional[Tuple[Any, cst.CSTNode]] = None
        for statement in self.index.statements(scope):
            if self.index.end(statement) > use:
                break
            bound = _bound_value(statement, name)
            if bound is not _UNBOUND:
                last = (bound, statement)
        self._no_rebinding_in_loops(name, at, scope)
        if last is not None:
            value, statement = last
            if value is None:
                raise CannotRebuild(f"`{name}` is bound by `{self.index.code(statement)}`, not by a value the slicer can read")
            if not self.index.reaches(statement, at):
                raise CannotRebuild(f"`{name}` is assigned under a condition or in a loop (line {self.index.start(statement)[0]})")
            return Bound(value, statement, False)
        if isinstance(scope, cst.FunctionDef):
            params = self.parameters.get(id(scope))
            if any(p.name.value == name for p in _parameters(scope)):
                if params is not None and name in params:
                    return Bound(params[name], scope, True)
                raise CannotRebuild(f"`{name}` is a parameter of `{scope.name.value}()`")
            if name in self.index.unordered_names(self.index.module):
                raise CannotRebuild(f"`{name}` is rebound through `global` or `del` in this file")
            bindings = [(s, _bound_value(s, name)) for s in self.index.statements(self.index.module)]
            bindings = [(s, v) for s, v in bindings if v is not _UNBOUND]
            if len(bindings) == 1 and bindings[0][1] is not None:
                return Bound(bindings[0][1], bindings[0][0], False)
        raise CannotRebuild(f"`{name}` is not assigned in this file before line {use[0]}")

    def _no_rebinding_in_loops(self, name: str, at: cst.CSTNode, scope: Scope) -> None:
        """A loop around ``at`` that rebinds ``name`` after ``at`` feeds that value back."""
        use = self.index.start(at)
        for loop in self.index.ancestors(at):
            if loop is scope:
                return
            if not isinstance(loop, (cst.For, cst.While)):
                continue
            start, end = self.index.start(loop), self.index.end(loop)
            for statement in self.index.statements(scope):
                if use < self.index.start(statement) and self.index.end(statement) <= end and start < self.index.start(statement):
                    if _bound_value(statement, name) is not _UNBOUND:
                        raise CannotRebuild(f"`{name}` is rebound later in the loop around line {use[0]}")

    def expression_of(self, name: str, at: cst.CSTNode, what: str) -> Tuple[cst.BaseExpression, cst.CSTNode]:
        """Like :meth:`binding`, for a name that must hold an expression (a model, a layer, a
        tensor), not a parameter's literal value."""
        bound = self.binding(name, at)
        if bound.parameter or not isinstance(bound.value, cst.BaseExpression):
            raise CannotRebuild(f"the {what} `{name}` is a parameter of the builder function")
        return bound.value, bound.statement

    def _enter(self) -> None:
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            raise CannotRebuild("the value is built through too many names or calls")

    # --- values -------------------------------------------------------------------------------

    def value(self, expr: cst.BaseExpression, at: cst.CSTNode) -> Any:
        """The JSON encoding of a literal-like value (see ``child.value``)."""
        self._enter()
        try:
            return self._value(expr, at)
        finally:
            self._depth -= 1

    def _value(self, expr: cst.BaseExpression, at: cst.CSTNode) -> Any:
        if isinstance(expr, (cst.Integer, cst.Float)):
            return self._number(_literal(expr.value), expr)
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            text = _literal(self.index.module.code_for_node(expr).strip()) if _plain_string(expr) else None
            if not isinstance(text, str):
                raise CannotRebuild(f"`{self.index.code(expr)}` is not a plain string")
            return text
        if isinstance(expr, cst.Name):
            if expr.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[expr.value]
            qualified = self.resolve(expr, at)
            if qualified is not None:
                return self._reference(qualified, expr)
            bound = self.binding(expr.value, at)
            if bound.parameter:
                return bound.value  # a parameter's value, already encoded
            return self.value(bound.value, bound.statement)
        if isinstance(expr, cst.Attribute):
            qualified = self.resolve(expr, at)
            if qualified is None:
                raise CannotRebuild(f"`{self.index.code(expr)}` is computed at run time")
            return self._reference(qualified, expr)
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
            operand = self.value(expr.expression, at)
            if not isinstance(operand, (int, float)) or isinstance(operand, bool):
                raise CannotRebuild(f"`{self.index.code(expr)}` is not a number")
            return -operand if isinstance(expr.operator, cst.Minus) else operand
        if isinstance(expr, cst.BinaryOperation) and type(expr.operator) in _ARITHMETIC:
            left, right = self.value(expr.left, at), self.value(expr.right, at)
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
                raise CannotRebuild(f"`{self.index.code(expr)}` is not arithmetic on numbers")
            try:
                return self._number(_ARITHMETIC[type(expr.operator)](left, right), expr)
            except ArithmeticError as error:
                raise CannotRebuild(f"`{self.index.code(expr)}` fails: {error}") from None
        if isinstance(expr, (cst.Tuple, cst.List)):
            items = []
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    raise CannotRebuild(f"`{self.index.code(expr)}` unpacks a value at run time")
                items.append(self.value(element.value, at))
            return {"$tuple": items} if isinstance(expr, cst.Tuple) else items
        if isinstance(expr, cst.Dict):
            mapping: Dict[str, Any] = {}
            for entry in expr.elements:
                key = self.value(entry.key, at) if isinstance(entry, cst.DictElement) else None
                if not isinstance(entry, cst.DictElement) or not isinstance(key, str):
                    raise CannotRebuild(f"`{self.index.code(expr)}` is not a dict with string keys")
                mapping[key] = self.value(entry.value, at)
            if CONFIG_KEYS & set(mapping):
                raise CannotRebuild(f"`{self.index.code(expr)}` is a serialised Keras object; configs are not rebuilt")
            return {"$dict": mapping}
        if isinstance(expr, cst.Call):
            return {"$call": self.call(expr, at)}
        raise CannotRebuild(f"`{self.index.code(expr)}` is computed at run time")

    def _number(self, number: Any, expr: cst.BaseExpression) -> Any:
        """Numbers a check can pass on: finite, and integers within 2**53 (JSON's exact range)."""
        if isinstance(number, complex) or number is None:
            raise CannotRebuild(f"`{self.index.code(expr)}` is not a real number")
        if isinstance(number, int) and abs(number) > 2**53:
            raise CannotRebuild(f"`{self.index.code(expr)}` is too large to rebuild")
        if isinstance(number, float) and number != number or number in (float("inf"), float("-inf")):
            raise CannotRebuild(f"`{self.index.code(expr)}` is not finite")
        return number

    def _reference(self, qualified: str, expr: cst.BaseExpression) -> Any:
        if allowed(qualified):
            return {"$ref": canonical_model_name(qualified)}
        raise CannotRebuild(f"`{self.index.code(expr)}` ({qualified}) is not a Keras object the validator rebuilds")

    def call(self, call: cst.Call, at: cst.CSTNode) -> Dict[str, Any]:
        """``{"call": "keras.layers.Dense", "args": [...], "kwargs": {...}}`` for a call of an
        allowed Keras callable with literal arguments."""
        qualified = self.resolve(call.func, at)
        if not allowed(qualified):
            raise CannotRebuild(self._foreign(call, at, qualified))
        assert qualified is not None
        args: List[Any] = []
        kwargs: Dict[str, Any] = {}
        for arg in call.args:
            if arg.star:
                raise CannotRebuild(f"`{self.index.code(call)}` unpacks arguments at run time")
            if arg.keyword is not None:
                if arg.keyword.value in REFUSED_KEYWORDS:
                    raise CannotRebuild(f"`{arg.keyword.value}=` is not passed to a check")
                kwargs[arg.keyword.value] = self.value(arg.value, at)
            else:
                args.append(self.value(arg.value, at))
        return {"call": canonical_model_name(qualified), "args": args, "kwargs": kwargs}

    def _foreign(self, call: cst.Call, at: cst.CSTNode, qualified: Optional[str]) -> str:
        name = self.index.code(call.func)
        if qualified is not None:
            return f"`{name}` ({qualified}) is not a Keras constructor the validator rebuilds"
        head = _head(call.func)
        for statement in self.index.statements(self.index.module):
            if isinstance(statement, cst.ClassDef) and statement.name.value == head:
                return f"cannot rebuild: layer {head} is defined by user code"
            if isinstance(statement, cst.FunctionDef) and statement.name.value == head:
                return f"cannot rebuild: `{head}()` is a function of this file"
        return f"cannot rebuild: `{self.index.code(call)}` is computed at run time (not a Keras constructor)"

    # --- models -------------------------------------------------------------------------------

    def model(self, receiver: cst.BaseExpression, at: cst.CSTNode) -> Dict[str, Any]:
        """The model ``receiver`` (a name) holds at ``at``: how it was built, then the
        ``add``/``build`` calls made on it between its assignment and ``at``."""
        if not isinstance(receiver, cst.Name):
            raise CannotRebuild(f"the model is `{self.index.code(receiver)}`, not a name assigned in this scope")
        self._enter()
        try:
            value, statement = self.expression_of(receiver.value, at, "model")
            spec = self._changed_after(self._model_from(value, statement), receiver.value, statement, at)
            if spec["kind"] == "sequential":
                if not spec["layers"]:
                    raise CannotRebuild("the Sequential model has no layers the slicer can see")
                spec = _with_input(spec, self.notes)
            return spec
        finally:
            self._depth -= 1

    def _model_from(self, expr: cst.BaseExpression, bound_at: cst.CSTNode) -> Dict[str, Any]:
        if isinstance(expr, cst.Name):
            return self.model(expr, bound_at)
        if not isinstance(expr, cst.Call):
            raise CannotRebuild(f"the model comes from `{self.index.code(expr)}`, which is computed at run time")
        qualified = self.resolve(expr.func, bound_at)
        if qualified in _SEQUENTIAL:
            return self._sequential(expr, bound_at)
        if qualified in _FUNCTIONAL:
            return self._functional(expr, bound_at)
        if qualified in _LOADERS:
            raise CannotRebuild("the model is loaded from a file at run time")
        if qualified is not None and qualified.startswith("keras.applications."):
            raise CannotRebuild(f"`{qualified}` (a pretrained architecture) is not rebuilt")
        if qualified is None and isinstance(expr.func, cst.Name):
            builder = self._function(expr.func.value)
            if builder is not None:
                return self._built_by(builder, expr, bound_at)
        raise CannotRebuild(self._foreign(expr, bound_at, qualified).replace("layer ", "model class "))

    def _changed_after(self, spec: Dict[str, Any], name: str, bound_at: cst.CSTNode, use: cst.CSTNode) -> Dict[str, Any]:
        """Apply ``name.add(...)``/``name.build(...)`` made after ``bound_at`` and before ``use``.
        The model must not escape meanwhile: an alias (``m2 = name``) or a call of a function
        of this file taking it could change it unseen."""
        scope = self.index.scope_of(use)
        for statement in self.index.statements(scope):
            if self.index.start(statement) <= self.index.start(bound_at) or self.index.end(statement) > self.index.start(use):
                continue
            self._no_escape(statement, name)
            method = _method_call_on(statement, name)
            if method is None:
                continue
            attr, argument = method
            if attr not in ("add", "build", "pop"):
                continue
            line = self.index.start(statement)[0]
            if spec["kind"] != "sequential" or attr == "pop":
                raise CannotRebuild(f"`{name}.{attr}(...)` changes the model at line {line}")
            if not self.index.reaches(statement, use):
                raise CannotRebuild(f"`{name}.{attr}(...)` runs under a condition or in a loop (line {line})")
            if argument is None:
                raise CannotRebuild(f"`{name}.{attr}(...)` takes an unexpected argument (line {line})")
            if attr == "add":
                spec = {**spec, "layers": [*spec["layers"], self.layer(argument, statement)]}
            else:
                spec = {**spec, "build": self.value(argument, statement)}
        return spec

    def _no_escape(self, statement: cst.CSTNode, name: str) -> None:
        for node in _walk_all(statement):
            if isinstance(node, cst.Assign) and isinstance(node.value, cst.Name) and node.value.value == name:
                raise CannotRebuild(f"`{name}` is aliased at line {self.index.start(statement)[0]}; changes through the alias are not followed")
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and self._function(node.func.value) is not None:
                if any(isinstance(a.value, cst.Name) and a.value.value == name for a in node.args):
                    raise CannotRebuild(f"`{name}` is passed to `{node.func.value}()` at line {self.index.start(statement)[0]}, which may change it")

    def _function(self, name: str) -> Optional[cst.FunctionDef]:
        found = [s for s in self.index.statements(self.index.module) if _bound_value(s, name) is not _UNBOUND]
        if len(found) == 1 and isinstance(found[0], cst.FunctionDef):
            return found[0]
        return None

    def _built_by(self, builder: cst.FunctionDef, call: cst.Call, at: cst.CSTNode) -> Dict[str, Any]:
        """``model = build_model(10)``: the model the builder returns, its parameters bound to
        the call's literal arguments or their defaults. The builder must be undecorated and
        end in its only ``return``, at the top level of its body."""
        self._enter()
        try:
            name = builder.name.value
            if builder.decorators:
                raise CannotRebuild(f"`{name}()` is decorated; the decorator may change what it returns")
            body = builder.body.body if isinstance(builder.body, cst.IndentedBlock) else []
            returns = [s for s in self.index.statements(builder) if isinstance(s, cst.Return)]
            last = body[-1] if body else None
            if (
                len(returns) != 1
                or returns[0].value is None
                or not isinstance(last, cst.SimpleStatementLine)
                or returns[0] not in last.body
                or any(isinstance(n, (cst.Yield, cst.Await)) for n in _walk_all(builder.body))
            ):
                raise CannotRebuild(f"`{name}()` does not end in one unconditional `return <model>`")
            self.parameters[id(builder)] = self._arguments(builder, call, at)
            self.notes.append(f"model from {name}()")
            return self._model_from(returns[0].value, returns[0])
        finally:
            self._depth -= 1

    def _arguments(self, builder: cst.FunctionDef, call: cst.Call, at: cst.CSTNode) -> Dict[str, Any]:
        values: Dict[str, Any] = {}
        if builder.params.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or builder.params.star_kwarg is not None:
            raise CannotRebuild(f"`{builder.name.value}()` takes *args or **kwargs")
        for param in _parameters(builder):
            if param.default is not None:
                try:
                    values[param.name.value] = self.value(param.default, builder)
                except CannotRebuild:
                    pass
        if any(a.star for a in call.args):
            raise CannotRebuild(f"`{self.index.code(call)}` unpacks arguments at run time")
        positional = [a for a in call.args if a.keyword is None]
        slots = [*builder.params.posonly_params, *builder.params.params]
        if len(positional) > len(slots):
            raise CannotRebuild(f"`{self.index.code(call)}` passes more arguments than the builder takes")
        for param, arg in zip(slots, positional):
            values[param.name.value] = self.value(arg.value, at)
        for arg in call.args:
            if arg.keyword is not None:
                values[arg.keyword.value] = self.value(arg.value, at)
        return values

    def _sequential(self, call: cst.Call, at: cst.CSTNode) -> Dict[str, Any]:
        layers: List[Dict[str, Any]] = []
        seen: Set[int] = set()
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value == "layers":
                if arg.star:
                    raise CannotRebuild("the Sequential layers are unpacked at run time")
                if not isinstance(arg.value, (cst.List, cst.Tuple)):
                    raise CannotRebuild(f"the Sequential layers `{self.index.code(arg.value)}` are not a literal list")
                for element in arg.value.elements:
                    if isinstance(element, cst.StarredElement):
                        raise CannotRebuild("the Sequential layers are unpacked at run time")
                    if isinstance(element.value, cst.Name):
                        key = id(self.expression_of(element.value.value, at, "layer")[0])
                        if key in seen:
                            raise CannotRebuild(f"the layer object `{element.value.value}` is used twice (shared weights)")
                        seen.add(key)
                    layers.append(self.layer(element.value, at))
                break
        return {"kind": "sequential", "layers": layers}

    def layer(self, expr: cst.BaseExpression, at: cst.CSTNode) -> Dict[str, Any]:
        if isinstance(expr, cst.Name) and self.resolve(expr, at) is None:
            value, statement = self.expression_of(expr.value, at, "layer")
            return self.layer(value, statement)
        if not isinstance(expr, cst.Call):
            raise CannotRebuild(f"the layer `{self.index.code(expr)}` is not built by a constructor call")
        return self.call(expr, at)

    def _functional(self, call: cst.Call, at: cst.CSTNode) -> Dict[str, Any]:
        graph = _Graph(self)
        inputs = _argument(call, "inputs", 0)
        outputs = _argument(call, "outputs", 1)
        if inputs is None or outputs is None:
            raise CannotRebuild("the Functional model's inputs or outputs are not given")
        spec_inputs = graph.tensors(inputs, at)
        spec_outputs = graph.tensors(outputs, at)
        return {"kind": "functional", "nodes": graph.nodes, "layers": graph.layers, "inputs": spec_inputs, "outputs": spec_outputs}

    # --- compile ------------------------------------------------------------------------------

    def compile_arguments(self, call: cst.Call, flagged: Optional[cst.Arg] = None) -> Dict[str, Any]:
        """``compile(...)``'s arguments, by keyword. ``flagged`` (the argument a finding is
        about), ``loss`` and ``optimizer`` must be rebuilt; others the slicer cannot read are
        left out, with a note."""
        spec: Dict[str, Any] = {"args": [], "kwargs": {}}
        names = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics")
        for position, arg in enumerate(call.args):
            if arg.star:
                raise CannotRebuild("compile() arguments are unpacked at run time")
            keyword = arg.keyword.value if arg.keyword is not None else (names[position] if position < len(names) else "")
            if not keyword:
                raise CannotRebuild("compile() takes more positional arguments than Keras defines")
            try:
                spec["kwargs"][keyword] = self.value(arg.value, call)
            except CannotRebuild as reason:
                if arg is flagged or keyword in ("loss", "optimizer"):
                    raise CannotRebuild(f"compile({keyword}=...): {reason}") from None
                self.notes.append(f"left out compile({keyword}=...)")
        return spec

    def compile_of(self, name: str, use: cst.CSTNode) -> cst.Call:
        """The last ``<name>.compile(...)`` before ``use`` in the same scope."""
        found: Optional[cst.Call] = None
        for statement in self.index.statements(self.index.scope_of(use)):
            if self.index.end(statement) > self.index.start(use):
                break
            method = _method_call_on(statement, name)
            if method is not None and method[0] == "compile":
                found = statement.value  # type: ignore[attr-defined]
        if found is None:
            raise CannotRebuild(f"`{name}.compile(...)` is not called before line {self.index.start(use)[0]} in this scope")
        return found


class _Graph:
    """The Functional graph behind ``Model(inputs, outputs)``, traced back through names."""

    def __init__(self, slicer: Slicer) -> None:
        self.slicer = slicer
        self.nodes: List[Dict[str, Any]] = []
        self.layers: Dict[str, Dict[str, Any]] = {}
        self._tensors: Dict[int, str] = {}  # id(expression) -> node id
        self._layer_ids: Dict[int, str] = {}  # id(binding statement or call) -> layer id

    def tensors(self, expr: cst.BaseExpression, at: cst.CSTNode) -> Any:
        if isinstance(expr, (cst.List, cst.Tuple)):
            return [self.tensor(e.value, at) for e in expr.elements]
        return self.tensor(expr, at)

    def tensor(self, expr: cst.BaseExpression, at: cst.CSTNode) -> str:
        slicer = self.slicer
        slicer._enter()
        try:
            if isinstance(expr, cst.Name):
                value, statement = slicer.expression_of(expr.value, at, "tensor")
                if id(value) not in self._tensors:
                    self._tensors[id(value)] = self.tensor(value, statement)
                return self._tensors[id(value)]
            if not isinstance(expr, cst.Call):
                raise CannotRebuild(f"the tensor `{slicer.index.code(expr)}` is not built by a layer call")
            if id(expr) in self._tensors:
                return self._tensors[id(expr)]
            node_id = f"t{len(self.nodes)}"
            if not isinstance(expr.func, cst.Call) and slicer.resolve(expr.func, at) in _INPUT:
                self.nodes.append({"id": node_id, "input": slicer.call(expr, at)})
            else:
                layer_id = self._layer(expr.func, at)
                if len(expr.args) != 1 or expr.args[0].keyword is not None or expr.args[0].star:
                    raise CannotRebuild(f"`{slicer.index.code(expr)}` calls a layer with more than one tensor argument")
                inputs = self.tensors(expr.args[0].value, at)
                node_id = f"t{len(self.nodes)}"
                self.nodes.append({"id": node_id, "layer": layer_id, "inputs": inputs})
            self._tensors[id(expr)] = node_id
            return node_id
        finally:
            slicer._depth -= 1

    def _layer(self, func: cst.BaseExpression, at: cst.CSTNode) -> str:
        key_node: cst.CSTNode = func
        if isinstance(func, cst.Name) and self.slicer.resolve(func, at) is None:
            value, statement = self.slicer.expression_of(func.value, at, "layer")
            key_node, func, at = value, value, statement  # a shared layer object
        if id(key_node) not in self._layer_ids:
            if not isinstance(func, cst.Call):
                raise CannotRebuild(f"the layer `{self.slicer.index.code(func)}` is not built by a constructor call")
            layer_id = f"l{len(self.layers)}"
            self.layers[layer_id] = self.slicer.call(func, at)
            self._layer_ids[id(key_node)] = layer_id
        return self._layer_ids[id(key_node)]


def _argument(call: cst.Call, keyword: str, position: int) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[position].value if position < len(positional) else None


def _parameters(function: cst.FunctionDef) -> List[cst.Param]:
    params = function.params
    return [*params.posonly_params, *params.params, *params.kwonly_params]


def _method_call_on(statement: cst.CSTNode, name: str) -> Optional[Tuple[str, Optional[cst.BaseExpression]]]:
    """``name.method(arg)`` as an expression statement: the method and its one argument."""
    if not isinstance(statement, cst.Expr) or not isinstance(statement.value, cst.Call):
        return None
    call = statement.value
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == name):
        return None
    only = call.args[0].value if len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star else None
    return func.attr.value, only


def _with_input(spec: Dict[str, Any], notes: List[str]) -> Dict[str, Any]:
    """A Sequential spec whose input shape is declared, or assumed for a Dense-first model."""
    layers = spec["layers"]
    if not layers:
        return spec
    if spec.get("build") is not None or _declares_input(layers[0]):
        return spec
    if layers[0]["call"] != "keras.layers.Dense":
        raise CannotRebuild("the model declares no input shape (no Input, input_shape= or build())")
    note = f"no input shape declared: built for (None, {FREE_FEATURES})"
    if note not in notes:
        notes.append(note)
    return {**spec, "assumed_input": [FREE_FEATURES]}


def _declares_input(layer: Dict[str, Any]) -> bool:
    return layer["call"] == "keras.Input" or bool({"input_shape", "input_dim", "batch_input_shape"} & set(layer["kwargs"]))


def _literal(code: str) -> Any:
    """``ast.literal_eval`` that turns its failures (a 5,000-digit integer) into CannotRebuild."""
    try:
        return ast.literal_eval(code)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        raise CannotRebuild(f"`{code[:40]}` is not a literal the validator reads") from None


def _plain_string(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, cst.SimpleString):
        return "b" not in expr.prefix.lower()
    if isinstance(expr, cst.ConcatenatedString):
        return all(_plain_string(part) for part in (expr.left, expr.right))
    return False
