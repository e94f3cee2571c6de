"""Rule metadata and the registry every rule class adds itself to.

This is the bottom layer of the rule machinery: it imports nothing of tf-lint. Rule classes
register themselves when their module is imported; :mod:`tf_lint.rules` imports every rule
module and reads the registry (``tf_lint.rules.all_rules``).
"""

from __future__ import annotations

import re
import textwrap
from typing import Any, ClassVar, Dict, List, Mapping, Type

from tf_lint.diagnostics import Severity

CODE_PATTERN = re.compile(r"^TFL[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class RegistryError(Exception):
    """A rule class is malformed; raised at import time so it never ships."""


class RuleMeta:
    """Metadata every diagnostic code carries, whether a visitor produces it or the engine does.

    Subclasses that define ``code`` register themselves. The prose fields are Markdown and
    feed the generated rule docs; keep each one short and factual.
    """

    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case, reads as "allow <name>"
    message: ClassVar[str]  # str.format template filled by report(**fields)
    severity: ClassVar[Severity] = Severity.ERROR
    default_enabled: ClassVar[bool] = True
    summary: ClassVar[str] = ""  # what it does, one sentence
    rationale: ClassVar[str] = ""  # why it is bad, with the measured fact behind it
    example: ClassVar[str] = ""  # code that triggers it
    use_instead: ClassVar[str] = ""  # the corrected code
    known_problems: ClassVar[str] = ""  # what it deliberately misses
    # "none": no fix; "safe": every fix keeps the code's meaning; "unsafe": a best guess, applied
    # only with --unsafe-fixes; "sometimes": each fix says which it is (fix_note says when).
    fix_safety: ClassVar[str] = "none"
    fix_note: ClassVar[str] = ""  # why the fix is safe or not; required when there is one
    since: ClassVar[str] = "0.1.0"  # the tf-lint version that introduced the code

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            for attr in ("summary", "rationale", "example", "use_instead", "known_problems", "fix_note"):
                setattr(cls, attr, textwrap.dedent(getattr(cls, attr)).strip())
            register(cls)

    @classmethod
    def format_message(cls, fields: Mapping[str, object]) -> str:
        return cls.message.format(**fields)


_RULES: Dict[str, Type[RuleMeta]] = {}


def register(rule: Type[RuleMeta]) -> None:
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


def registered() -> List[Type[RuleMeta]]:
    """The rule classes registered so far (those whose modules were imported), by code."""
    return [_RULES[code] for code in sorted(_RULES)]


def registered_rule(code: str) -> Type[RuleMeta]:
    """The registered class of ``code``; KeyError when no imported module registered it."""
    return _RULES[code]
