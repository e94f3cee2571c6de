"""Where nodes are in their file: line and column, computed once per file when needed."""

from __future__ import annotations

from typing import Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState


def node_positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's start and end, as libcst's PositionProvider computes them.

    ``MetadataWrapper.resolve`` first walks the whole tree with a visitor that rebuilds every
    node, which doubled the cost of positions; the provider's own code-generation pass is all
    they need, so it is run directly (node identity is kept). Should a libcst release change
    those internals, the public route still works.
    """
    try:
        provider = PositionProvider()
        state = PositionProvidingCodegenState(
            default_indent=module.default_indent, default_newline=module.default_newline, provider=provider
        )
        module._codegen(state)
        return provider._computed  # type: ignore[return-value]
    except (AttributeError, TypeError):  # pragma: no cover - a libcst that moved its internals
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


def node_line(file: object, node: cst.CSTNode) -> int:
    """The line ``node`` starts on in ``file`` (a FileContext); 0 if it is not one of its nodes.
    Positions are computed once per file, on the first question."""
    shared = getattr(file, "shared", None)
    module = getattr(file, "module", None)
    if shared is None or module is None:
        return 0
    if "positions" not in shared:
        shared["positions"] = node_positions(module)
    span = shared["positions"].get(node)
    return span.start.line if span is not None else 0
