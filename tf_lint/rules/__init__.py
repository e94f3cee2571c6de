"""One module per rule, named after its code; :func:`all_rules` imports them all.

Discovery lives here, above the rule modules, so that the registry below them never imports
upwards: ``tf_lint.registry`` only stores what the modules register.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import List, Type

from tf_lint.registry import RuleMeta, registered, registered_rule

_loaded = False


def _load_rule_modules() -> None:
    global _loaded
    if _loaded:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def all_rules() -> List[Type[RuleMeta]]:
    """Every rule class, sorted by code."""
    _load_rule_modules()
    return registered()


def rule_for(code: str) -> Type[RuleMeta]:
    """The class of ``code``; KeyError for a code no rule has."""
    _load_rule_modules()
    return registered_rule(code)
