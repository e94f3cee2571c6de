"""A base for rules about loops: one hook for ``for`` statements and every comprehension clause."""

from __future__ import annotations

import libcst as cst

from tf_lint.rule import Rule
from tf_lint.semantics.loops import LoopShape, comprehension_loops, for_statement


class LoopRule(Rule):
    """Calls :meth:`on_loop` for each ``for`` statement and each ``for`` clause of a comprehension."""

    def on_loop(self, loop: LoopShape) -> None:
        raise NotImplementedError

    def visit_For(self, node: cst.For) -> None:
        self.on_loop(for_statement(node))

    def _comprehension(self, node: cst.BaseComp) -> None:
        for shape in comprehension_loops(node):
            self.on_loop(shape)

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_DictComp = _comprehension
    visit_GeneratorExp = _comprehension
