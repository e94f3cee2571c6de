"""Facts about the real Keras API, generated from the installed library (see ``generate.py``).

The JSON is read lazily, once per process, so files that never reach a rule needing it
(and the flake8 start-up path) pay nothing.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, Dict, FrozenSet, Optional


@dataclass(frozen=True)
class IdentifierCategory:
    """The strings one ``keras.<module>.get`` accepts, and how it compares them."""

    accepted: FrozenSet[str]
    case_sensitive: bool
    compile_aliases: FrozenSet[str]  # lower-cased; accepted in any case, only through compile()
    rejected_public: Dict[str, str]  # public class/function name -> error Keras raises for the string

    def accepts(self, name: str, *, in_compile: bool) -> bool:
        if in_compile and name.lower() in self.compile_aliases:
            return True
        if self.case_sensitive:
            return name in self.accepted
        return name.lower() in self.accepted


@dataclass(frozen=True)
class KerasKnowledge:
    keras_version: str
    losses: IdentifierCategory
    optimizers: IdentifierCategory


def _category(raw: Dict[str, Any]) -> IdentifierCategory:
    return IdentifierCategory(
        accepted=frozenset(raw["accepted"]),
        case_sensitive=bool(raw["case_sensitive"]),
        compile_aliases=frozenset(raw.get("compile_aliases", ())),
        rejected_public=dict(raw.get("rejected_public", {})),
    )


@functools.lru_cache(maxsize=None)
def keras_knowledge(major: str = "3") -> KerasKnowledge:
    text = resources.files(__name__).joinpath(f"keras-{major}.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    return KerasKnowledge(
        keras_version=raw["keras_version"],
        losses=_category(raw["losses"]),
        optimizers=_category(raw["optimizers"]),
    )


def lookup_category(name: str, major: str = "3") -> Optional[IdentifierCategory]:
    return getattr(keras_knowledge(major), name, None)
