"""Per-file state shared by all rules, and the two visitors that keep it current.

``ContextEnter`` runs before every rule on each node and ``ContextExit`` after them, so a
rule always sees the scope and loop stacks of the node it is visiting.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

import libcst as cst

from tf_lint.diagnostics import Fix
from tf_lint.knowledge import KerasKnowledge, available_versions, keras_knowledge
from tf_lint.names import ImportTable, ScopedNames, module_name
from tf_lint.registry import RuleMeta
from tf_lint.semantics.guards import catches_missing_names, is_version_test
from tf_lint.semantics.links import ProjectLinks
from tf_lint.semantics.models import AddCalls
from tf_lint.semantics.scopes import (
    ASSIGN,
    AUGMENT,
    DEFINITION,
    IMPORT,
    OPAQUE,
    Binding,
    Loop,
    Scope,
    base_name,
    target_names,
)
from tf_lint.semantics.tf1 import MIN_TF1_NAMES, TF1_TARGET, tf1_names
from tf_lint.semantics.tracing import TF_FUNCTION, TracingFacts
from tf_lint.walk import Visitor

_STATEFUL = re.compile(r"\bstateful\s*=\s*True\b")

Finding = Tuple[cst.CSTNode, Type[RuleMeta], str, Optional[Fix]]


class FileContext:
    """What rules may read about the file being linted, and where they put findings."""

    def __init__(
        self,
        path: str,
        module: cst.Module,
        source: str = "",
        target_keras: str = "3",
        target_tensorflow: Optional[str] = None,
        project: Optional[ProjectLinks] = None,
        tf1_possible: bool = False,
    ) -> None:
        self.path = path
        self.module = module
        self.source = source
        self.imports = ImportTable.from_module(module)
        self.shared: Dict[str, Any] = {}  # per-file memos that several rules consult
        # A file that imports only tf_keras runs Keras 2 whatever the project targets; in a file
        # that mixes both, each call is judged by where its name comes from (version_for).
        self.target_keras = target_keras
        self.keras_major = "2" if self.imports.legacy_keras and not self.imports.modern_keras else target_keras
        # The newest TensorFlow release the project allows ("2.15"); None: not pinned. A file
        # written for TF 1 in a project that does not require TF 2 is TF 1 code (semantics.tf1).
        self.target_tensorflow = target_tensorflow
        self.tf1_names: List[str] = []
        self.tf1_possible = tf1_possible  # nothing requires TensorFlow 2: TF 1-only modules are expected
        if tf1_possible and target_tensorflow is None and self.imports.imports_ml:
            names = tf1_names(self.imports, source)
            if len(names) >= MIN_TF1_NAMES:
                self.tf1_names, self.target_tensorflow, self.keras_major = names, TF1_TARGET, "2"
        # The other modules of the project, reached through this file's imports (None: this
        # file alone, as for standard input).
        self.project = project
        if project is not None:
            self.imports.project_target = getattr(project, "ml_name", None)
            self.imports.project_star = getattr(project, "star_provides", None)
        self.tracing = TracingFacts()
        self.module_scope = Scope(module, "module", None, file=self)
        self.adds = AddCalls()  # `<model>.add(layer)` calls, for the model questions
        self.branches = 0  # if/try nesting of the walk's position
        self.guards: List[bool] = []  # per enclosing if/try/annotation: is it a version guard?
        self.scope: Scope = self.module_scope
        self.loops: List[Loop] = []
        self.findings: List[Finding] = []
        self.deferred: List[Tuple[Type[RuleMeta], Callable[[], None]]] = []
        self._callees: Dict[int, Optional[str]] = {}
        # ``with pytest.raises(...)`` / ``self.assertRaises(...)`` bodies fail on purpose.
        self.expected_error_blocks: List[cst.With] = []

    def version_guarded(self) -> bool:
        """Is the walk inside code for another version (``semantics.guards``): a branch of an
        ``if`` on ``hasattr``/a version/``TYPE_CHECKING``, a ``try`` that catches
        ImportError/AttributeError, an annotation?"""
        return any(self.guards)

    def add_finding(self, node: cst.CSTNode, rule: Type[RuleMeta], message: str, fix: Optional[Fix] = None) -> None:
        self.findings.append((node, rule, message, fix))

    @property
    def knowledge(self) -> KerasKnowledge:
        """Generated facts about the Keras this file targets (for calls on objects of unknown origin)."""
        return keras_knowledge(self.keras_major)

    def version_for(self, call: cst.Call) -> str:
        """The Keras major version a resolved call belongs to: ``tf_keras.X`` is 2, ``keras.X`` the target."""
        if self.imports.is_legacy(call.func):
            return "2"
        if self.imports.resolve(call.func) is not None:
            return self.target_keras
        return self.keras_major

    def knowledge_for(self, call: cst.Call) -> KerasKnowledge:
        return keras_knowledge(self.version_for(call))

    @staticmethod
    def other_knowledge(version: str) -> Optional[KerasKnowledge]:
        """The other major version's facts, to say "valid in tf-keras 2, rejected by Keras 3"."""
        other = "2" if version == "3" else "3"
        return keras_knowledge(other) if other in available_versions() else None

    @functools.cached_property
    def builds_stateful_rnn(self) -> bool:
        """``stateful=True`` anywhere: the batch size is then part of the model's design."""
        return _STATEFUL.search(self.source) is not None

    def names(self, scope: Optional[Scope] = None) -> ScopedNames:
        """Import-aware names as seen from ``scope`` (default: where the walk is now)."""
        return ScopedNames(self.imports, scope or self.scope)

    def resolve(self, expr: cst.BaseExpression) -> Optional[str]:
        return self.names().resolve(expr)

    def callee(self, call: cst.Call) -> Optional[str]:
        """``imports.resolve(call.func)``, computed once per call however many rules ask.

        Unscoped (a local rebinding is not considered): use it to pick candidates cheaply,
        and confirm with ``names(scope).resolve`` after the traversal.
        """
        key = id(call)
        if key not in self._callees:
            self._callees[key] = self.imports.resolve(call.func)
        return self._callees[key]

    def enclosing_loops(self) -> List[Loop]:
        """Loops whose *body* runs the current node once per iteration.

        Not their iterable or else-clause, and not code in a ``def`` or ``lambda`` written
        inside the loop body (it runs when called, not per iteration).
        """
        function = self.scope.enclosing_function()
        return [loop for loop in self.loops if loop.in_body and loop.function is function]


class ContextEnter(Visitor):
    """Pushes scopes and loops and records bindings; runs first on every node."""

    isolated = False  # a bug here is the engine's: let it surface

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    # -- scopes --------------------------------------------------------------------------
    def _push(self, node: cst.CSTNode, kind: str) -> Scope:
        scope = Scope(node, kind, self.ctx.scope)
        self.ctx.scope = scope
        return scope

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.ctx.scope.bind(node.name.value, Binding(DEFINITION, definition=node))
        scope = self._push(node, "function")
        self._bind_params(scope, node.params)
        self.ctx.tracing.add_function(node, scope, self.ctx.names(scope.parent))

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._bind_params(self._push(node, "lambda"), node.params)

    def _bind_params(self, scope: Scope, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            scope.params.append(param.name.value)
            scope.bind(param.name.value, Binding(OPAQUE))
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope.bind(star.name.value, Binding(OPAQUE))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.ctx.scope.bind(node.name.value, Binding(DEFINITION, definition=node))
        self._push(node, "class")

    def _visit_comprehension(self, node: cst.BaseComp) -> None:
        scope = self._push(node, "comprehension")
        comp: Optional[cst.CompFor] = node.for_in
        targets = set()
        while comp is not None:
            for name in target_names(comp.target):
                scope.bind(name, Binding(OPAQUE))
                targets.add(name)
            comp = comp.inner_for_in
        self.ctx.loops.append(Loop(node, targets, scope.enclosing_function(), in_body=True))

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_DictComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension

    def visit_Global(self, node: cst.Global) -> None:
        self.ctx.scope.declared_global.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.ctx.scope.declared_nonlocal.update(item.name.value for item in node.names)

    # -- bindings ------------------------------------------------------------------------
    def _bind_target(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, Binding(ASSIGN, value) if value is not None else Binding(OPAQUE))
            return
        names = target_names(target)
        if names:
            for name in names:
                self._bind(name, Binding(OPAQUE))
            return
        # ``x[i] = ...`` / ``x.attr = ...`` mutate x: loops need to know (autoregressive code).
        root = base_name(target)
        if root is not None:
            for loop in self.ctx.enclosing_loops():
                loop.assigned_in_body.add(root)

    def _bind(self, name: str, binding: Binding) -> None:
        self.ctx.scope.bind(name, binding)
        for loop in self.ctx.enclosing_loops():
            loop.assigned_in_body.add(name)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)
        self._note_value(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)
            self._note_value(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._bind(node.target.value, Binding(AUGMENT))
        else:
            self._bind_target(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            scope = self.ctx.scope
            while scope.kind == "comprehension" and scope.parent is not None:
                scope = scope.parent  # PEP 572: the walrus binds in the enclosing function
            scope.bind(node.target.value, Binding(ASSIGN, node.value))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, None)

    def visit_With(self, node: cst.With) -> None:
        if any(_expects_error(item.item) for item in node.items):
            self.ctx.expected_error_blocks.append(node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, None)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bind(alias.asname.name.value, Binding(IMPORT))
            else:  # ``import a.b.c`` binds ``a``
                self._bind(module_name(alias.name).split(".", 1)[0], Binding(IMPORT))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            target = alias.asname.name if alias.asname is not None else alias.name
            if isinstance(target, cst.Name):
                self._bind(target.value, Binding(IMPORT))

    # ``case {"loss": loss}`` / ``case [first, *rest]`` / ``case {**rest}`` bind names too.
    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind(node.name.value, Binding(OPAQUE))

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._bind(node.name.value, Binding(OPAQUE))

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self._bind(node.rest.value, Binding(OPAQUE))

    # -- loops ---------------------------------------------------------------------------
    def visit_For(self, node: cst.For) -> None:
        names = target_names(node.target)
        for name in names:
            self.ctx.scope.bind(name, Binding(OPAQUE))
        self.ctx.loops.append(Loop(node, set(names), self.ctx.scope.enclosing_function()))

    def visit_For_body(self, node: cst.For) -> None:
        self.ctx.loops[-1].in_body = True

    def leave_For_body(self, node: cst.For) -> None:
        self.ctx.loops[-1].in_body = False

    def visit_While(self, node: cst.While) -> None:
        self.ctx.loops.append(Loop(node, set(), self.ctx.scope.enclosing_function()))

    def visit_While_body(self, node: cst.While) -> None:
        self.ctx.loops[-1].in_body = True

    def leave_While_body(self, node: cst.While) -> None:
        self.ctx.loops[-1].in_body = False

    # -- facts about how functions are used ------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        tracing, scope = self.ctx.tracing, self.ctx.scope
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("add", "pop") and isinstance(node.func.value, cst.Name):
            self._note_add(node, node.func.value.value, node.func.attr.value == "add")
        callee = _own_callee(node.func)
        function = scope.enclosing_function()
        if callee is not None and function is not None:
            tracing.called_from.setdefault(callee, set()).add(function)
        if isinstance(node.func, cst.Name):
            tracing.call_sites.setdefault(node.func.value, []).append((node, scope))
        wrapped = _wrapped_by_tf_function(node, self.ctx.names()) if _may_wrap(node, self.ctx) else None
        if wrapped is not None:
            tracing.note_wrapped(wrapped, scope)
        for arg in node.args:  # a function passed to anything else may be traced there
            if arg.value is not wrapped:
                self._note_value(arg.value)

    def _note_add(self, node: cst.Call, receiver: str, add: bool) -> None:
        """``model.add(layer)``: followable when it runs once, in order, in the model's own scope."""
        scope = self.ctx.scope
        owner = scope.owner_of(receiver) or scope
        followable = add and owner is scope and not self.ctx.branches and not self.ctx.enclosing_loops()
        layer = node.args[0].value if followable and len(node.args) == 1 and node.args[0].keyword is None else None
        self.ctx.adds.record(owner, receiver, layer)

    # ``if``/``try`` bodies may not run: an add() there cannot be followed. Some are version
    # guards (another version's branch).
    def visit_If(self, node: cst.If) -> None:
        self.ctx.branches += 1
        self.ctx.guards.append(self._version_test(node.test))

    def visit_Try(self, node: cst.Try) -> None:
        self.ctx.branches += 1
        self.ctx.guards.append(catches_missing_names(node))

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self.ctx.guards.append(self._version_test(node.test))

    def visit_Annotation(self, node: cst.Annotation) -> None:  # often never evaluated
        self.ctx.guards.append(True)

    def _version_test(self, test: cst.BaseExpression) -> bool:
        known: Dict[int, bool] = self.ctx.shared.setdefault("version-tests", {})
        if id(test) not in known:
            known[id(test)] = is_version_test(test)
        return known[id(test)]

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._note_value(node.value)

    def visit_Element(self, node: cst.Element) -> None:
        self._note_value(node.value)

    def _note_value(self, value: cst.BaseExpression) -> None:
        name = _last_name(value)
        if name is not None:
            self.ctx.tracing.used_as_value.add(name)


class ContextExit(Visitor):
    """Pops scopes and loops; runs last on every node, after the rules have left it."""

    isolated = False

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def _pop_scope(self, node: cst.CSTNode) -> None:
        parent = self.ctx.scope.parent
        if parent is not None:
            self.ctx.scope = parent

    leave_FunctionDef = _pop_scope
    leave_Lambda = _pop_scope
    leave_ClassDef = _pop_scope

    def _pop_comprehension(self, node: cst.CSTNode) -> None:
        self.ctx.loops.pop()
        self._pop_scope(node)

    leave_ListComp = _pop_comprehension
    leave_SetComp = _pop_comprehension
    leave_DictComp = _pop_comprehension
    leave_GeneratorExp = _pop_comprehension

    def _leave_branch(self, node: cst.CSTNode) -> None:
        self.ctx.branches -= 1
        self.ctx.guards.pop()

    leave_If = _leave_branch
    leave_Try = _leave_branch

    def _leave_guard(self, node: cst.CSTNode) -> None:
        self.ctx.guards.pop()

    leave_IfExp = _leave_guard
    leave_Annotation = _leave_guard

    def _pop_loop(self, node: cst.CSTNode) -> None:
        self.ctx.loops.pop()

    leave_For = _pop_loop
    leave_While = _pop_loop


def _expects_error(expr: cst.BaseExpression) -> bool:
    """``pytest.raises(...)``, ``self.assertRaises(...)``, ``assertRaisesRegex``, a notebook's own
    ``assert_raises(...)`` helper: any context manager named for raising."""
    return isinstance(expr, cst.Call) and "raises" in (_last_name(expr.func) or "").lower()


def _own_callee(func: cst.BaseExpression) -> Optional[str]:
    """``f`` for ``f(...)``, ``m`` for ``self.m(...)``/``cls.m(...)``: calls of this file's code."""
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
        return func.attr.value
    return None


def _may_wrap(node: cst.Call, ctx: FileContext) -> bool:
    """Cheap pre-check: is this ``tf.function(...)`` or ``tf.function(...)(...)`` at all?"""
    if ctx.callee(node) == TF_FUNCTION:
        return True
    return isinstance(node.func, cst.Call) and ctx.callee(node.func) == TF_FUNCTION


def _wrapped_by_tf_function(node: cst.Call, names: ScopedNames) -> Optional[cst.BaseExpression]:
    """The function in ``tf.function(f, ...)``, ``tf.function(func=f)`` or ``tf.function(...)(f)``."""
    if node.args and isinstance(node.func, cst.Call) and names.resolve(node.func.func) == TF_FUNCTION:
        return node.args[0].value
    if names.resolve(node.func) != TF_FUNCTION:
        return None
    for arg in node.args:
        if (arg.keyword is None and not arg.star) or (arg.keyword is not None and arg.keyword.value == "func"):
            return arg.value
    return None


def _last_name(expr: cst.BaseExpression) -> Optional[str]:
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return None
