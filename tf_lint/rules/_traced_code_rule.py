"""A base for rules about Python code that runs inside a traced function.

"Traced" means known to run under ``tf.function``: a function decorated with it or wrapped
by ``tf.function(f)`` in the file (``semantics.tracing``), code nested in one, or a lambda or
``def`` of the file passed to ``map``/``filter``/``flat_map``/``interleave`` on a value the
dataflow layer knows is a ``tf.data.Dataset`` (tf.data traces those functions).
Subclasses collect candidate nodes during the walk with :meth:`candidate`; after it,
:meth:`judge` runs for each candidate in traced code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Tuple

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.rule import Rule
from tf_lint.semantics.dataflow import DATASET, dataflow, may_hold_datasets
from tf_lint.semantics.pipeline_functions import mapped_function
from tf_lint.semantics.scopes import Scope
from tf_lint.semantics.tracing import TRACED

if TYPE_CHECKING:
    from tf_lint.context import FileContext

_TRACING_METHODS = frozenset({"map", "filter", "flat_map", "interleave"})
# Functions handed to these run eagerly, as Python, even inside traced code.
_EAGER_WRAPPERS = frozenset({"tensorflow.numpy_function", "tensorflow.py_function", "tensorflow.compat.v1.py_func"})


class TracedCodeRule(Rule):
    def __init__(self, ctx: "FileContext") -> None:
        super().__init__(ctx)
        self.candidates: List[Tuple[cst.CSTNode, Scope, Any]] = []

    def candidate(self, node: cst.CSTNode, extra: Any = None) -> None:
        """Remember ``node`` (in the current scope) to judge if its code turns out to be traced."""
        if self.ctx.scope.enclosing_function() is not None:
            self.candidates.append((node, self.ctx.scope, extra))

    def candidate_calls(self) -> CallInterests:
        """The calls a subclass wants as candidates (see :meth:`on_candidate_call`)."""
        return CallInterests()

    def on_candidate_call(self, node: cst.Call, callee: Optional[str]) -> None:
        """A call matching :meth:`candidate_calls`; call :meth:`candidate` to keep it."""

    def call_interests(self) -> CallInterests:
        own = self.candidate_calls()
        return CallInterests(
            names=_EAGER_WRAPPERS | own.names,
            prefixes=own.prefixes,
            methods=_TRACING_METHODS | own.methods,
            functions=own.functions,
            keywords=own.keywords,
        )

    def on_call(self, node: cst.Call, callee: Optional[str]) -> None:
        self.on_candidate_call(node, callee)
        self._note_tracing_call(node, callee)

    def _note_tracing_call(self, node: cst.Call, callee: Optional[str]) -> None:
        if callee in _EAGER_WRAPPERS:
            given = node.args[0].value if node.args and node.args[0].keyword is None else None
            eager: Set[int] = self.ctx.shared.setdefault("eager-functions", set())
            if isinstance(given, cst.Lambda):
                eager.add(id(given))
            elif isinstance(given, cst.Name):
                for binding in self.ctx.scope.bindings_of(given.value):
                    if binding.definition is not None:
                        eager.add(id(binding.definition))
            return
        if (
            self.ctx.imports.imports_ml
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in _TRACING_METHODS
            and may_hold_datasets(self.ctx)
        ):
            seen: Set[int] = self.ctx.shared.setdefault("tracing-map-seen", set())
            if id(node) not in seen:  # every traced-code rule sees the call: record it once
                seen.add(id(node))
                calls: List[Tuple[cst.Call, Scope]] = self.ctx.shared.setdefault("tracing-map-calls", [])
                calls.append((node, self.ctx.scope))

    def finish(self) -> None:
        if not self.candidates:
            return
        tracing = self.ctx.tracing
        mapped = self._dataset_functions()
        if not mapped and not tracing.wrapped and not any(info.decorated_traced for info in tracing.functions.values()):
            return  # nothing in the file is known to be traced
        answers: Dict[int, bool] = self.ctx.shared.setdefault("traced-scopes", {})
        for node, scope, extra in self.candidates:
            if id(scope) not in answers:
                answers[id(scope)] = self.traced(scope, mapped)
            if answers[id(scope)]:
                self.judge(node, scope, extra)

    def traced(self, scope: Scope, mapped: Set[int]) -> bool:
        eager: Set[int] = self.ctx.shared.get("eager-functions", set())
        function: Optional[Scope] = scope.enclosing_function()
        while function is not None:
            if id(function.node) in eager:
                return False  # runs as Python through tf.numpy_function/tf.py_function
            if id(function.node) in mapped or self.ctx.tracing.state(function) == TRACED:
                return True
            parent = function.parent
            function = parent.enclosing_function() if parent is not None else None
        return False

    def _dataset_functions(self) -> Set[int]:
        """Lambdas and defs given to ``Dataset.map`` and its siblings, once per file."""
        shared = self.ctx.shared
        if "dataset-functions" not in shared:
            found: Set[int] = set()
            flow = dataflow(self.ctx)
            for call, scope in shared.get("tracing-map-calls", []):
                assert isinstance(call.func, cst.Attribute)
                value = flow.value(call.func.value, scope, call)
                if value is not None and value.kind == DATASET:
                    function = mapped_function(call, self.ctx.module_scope)
                    if function is not None:
                        found.add(id(function))
            shared["dataset-functions"] = found
        result: Set[int] = shared["dataset-functions"]
        return result

    def judge(self, node: cst.CSTNode, scope: Scope, extra: Any) -> None:
        raise NotImplementedError
