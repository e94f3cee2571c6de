"""Shared logic of the rules about enumerated string arguments (``padding='same'``...)."""

from __future__ import annotations

from typing import ClassVar, FrozenSet, Optional

import libcst as cst

from tf_lint.calls import CallInterests
from tf_lint.diagnostics import Severity
from tf_lint.knowledge import EnumArgument
from tf_lint.knowledge.suggest import suggest
from tf_lint.rule import Rule
from tf_lint.rules._identifier_rule import STRING_FIX_NOTE, string_fix
from tf_lint.semantics.expressions import argument, constant_string, keyword
from tf_lint.semantics.scopes import Scope


class EnumArgumentRule(Rule):
    """Checks the constructor arguments named in ``arguments`` (or, with ``other_arguments``,
    every enumerated argument not claimed by a more specific rule) against the generated data."""

    arguments: ClassVar[FrozenSet[str]] = frozenset()
    other_arguments: ClassVar[bool] = False
    claimed: ClassVar[FrozenSet[str]] = frozenset({"padding", "data_format"})
    severity = Severity.ERROR
    fix_safety = "sometimes"
    fix_note = STRING_FIX_NOTE
    message = "invalid {argument}={value!r} for {callable}: Keras raises {error} in the constructor; it accepts {accepted}{advice}"

    def _wants(self, name: str) -> bool:
        return name not in self.claimed if self.other_arguments else name in self.arguments

    def call_interests(self) -> CallInterests:
        return CallInterests(prefixes=("keras.layers.", "keras.losses."))

    def on_call(self, node: cst.Call, qualified: Optional[str]) -> None:
        if not self.ctx.imports.imports_ml:
            return
        table = self.ctx.knowledge_for(node).enum_arguments.get(qualified or "")
        if not table:
            return
        scope = self.ctx.scope
        for name, spec in table.items():
            if not self._wants(name):
                continue
            found = argument(node, name, spec.position) if spec.position is not None else keyword(node, name)
            if found is not None:
                value = found.value
                self.defer(lambda n=name, s=spec, v=value: self._check(node, n, s, v, scope))  # type: ignore[misc]

    def _check(self, node: cst.Call, name: str, spec: EnumArgument, value: cst.BaseExpression, scope: Scope) -> None:
        qualified = self.ctx.names(scope).resolve(node.func)
        text = constant_string(value, scope)
        if qualified is None or text is None or spec.accepts(text):
            return
        found = suggest(text, spec.values)
        advice = f"; did you mean {found.name!r}?" if found else ""
        fix = string_fix(value, found.name, found.exact) if found is not None else None
        accepted = ", ".join(repr(v) for v in spec.values)
        self.report(
            value,
            fix=fix,
            argument=name,
            value=text,
            callable=qualified.rsplit(".", 1)[1],
            error=spec.error,
            accepted=accepted,
            advice=advice,
        )
