"""The rule registry: every rule class registers itself when its module is imported.

Rules live one per module in ``tf_lint.rules``; :func:`all_rules` imports that package,
which discovers its modules without a hand-kept list.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import TYPE_CHECKING, Dict, Iterable, List, Type

if TYPE_CHECKING:
    from tf_lint.rule import RuleMeta

CODE_PATTERN = re.compile(r"^TFL[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

_RULES: Dict[str, Type["RuleMeta"]] = {}
_loaded = False


class RegistryError(Exception):
    """A rule class is malformed; raised at import time so it never ships."""


def register(rule: Type["RuleMeta"]) -> None:
    """Add a rule class, checking its code and name are well-formed and unique."""
    code, name = rule.code, rule.name
    if not CODE_PATTERN.match(code):
        raise RegistryError(f"{rule.__name__}: code {code!r} is not TFL + 3 digits")
    if not NAME_PATTERN.match(name):
        raise RegistryError(f"{rule.__name__}: name {name!r} is not kebab-case")
    if code in _RULES and _RULES[code] is not rule:
        raise RegistryError(f"{rule.__name__}: code {code} already used by {_RULES[code].__name__}")
    for other in _RULES.values():
        if other.name == name and other is not rule:
            raise RegistryError(f"{rule.__name__}: name {name!r} already used by {other.code}")
    _RULES[code] = rule


def _load_rule_modules() -> None:
    global _loaded
    if _loaded:
        return
    import tf_lint.rules as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{package.__name__}.{info.name}")
    _loaded = True


def all_rules() -> List[Type["RuleMeta"]]:
    """Every registered rule class, sorted by code."""
    _load_rule_modules()
    return [_RULES[code] for code in sorted(_RULES)]


def rule_for(code: str) -> Type["RuleMeta"]:
    _load_rule_modules()
    return _RULES[code]


def codes_matching(prefix: str) -> List[str]:
    """Codes that a selector such as ``TFL``, ``TFL1`` or ``TFL101`` covers."""
    return [rule.code for rule in all_rules() if rule.code.startswith(prefix)]


def is_known_selector(prefix: str, codes: Iterable[str] = ()) -> bool:
    return bool(codes_matching(prefix)) or prefix in set(codes)
