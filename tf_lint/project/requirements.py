"""Dependency specifiers as projects write them, reduced to what tf-lint needs: a package name
and the range of releases it allows.

Understands PEP 440/508 specifiers (``tensorflow>=2.9,<2.16``, ``keras==2.*``,
``tensorflow~=2.13.0``), Poetry's (``^2.10``, ``~2.10``) and conda's (``tensorflow=2.10``,
``tensorflow 2.10.*``). Only release numbers count: ``2.16.0rc1`` is ``2.16.0``.
"""

from __future__ import annotations

import re
from typing import FrozenSet, List, NamedTuple, Optional, Tuple

Version = Tuple[int, ...]
_INFINITY = 10**9

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_CLAUSE = re.compile(r"^(===|==|!=|~=|<=|>=|<|>|=|\^|~)?\s*v?([0-9][0-9A-Za-z.*+!-]*)$")

TENSORFLOW_PACKAGES = frozenset(
    {
        "tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel",
        "tensorflow-aarch64", "tensorflow-rocm", "intel-tensorflow", "tf-nightly", "tf-nightly-gpu",
        "tf-nightly-cpu",
    }
)
KERAS_PACKAGES = frozenset({"keras", "keras-nightly"})
TF_KERAS_PACKAGES = frozenset({"tf-keras", "tf-keras-nightly"})
# Keras 2's companion packages: Keras 3 folded them in and no longer reads them.
KERAS_2_COMPANIONS = frozenset({"keras-applications", "keras-preprocessing"})


def normalize(name: str) -> str:
    """PEP 503 names: ``TF_Keras`` and ``tf.keras`` are ``tf-keras``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_version(text: str) -> Optional[Version]:
    """The release numbers of ``text`` (``2.16.0rc1`` -> (2, 16, 0)); None if there are none."""
    match = re.match(r"^(\d+(?:\.\d+)*)", text.strip().lstrip("v"))
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


class Range(NamedTuple):
    """Allowed releases: from ``low`` (inclusive) to ``high`` (exclusive); None: unbounded."""

    low: Optional[Version] = None
    high: Optional[Version] = None

    def intersect(self, other: "Range") -> "Range":
        low = max((v for v in (self.low, other.low) if v is not None), default=None)
        high = min((v for v in (self.high, other.high) if v is not None), default=None)
        return Range(low, high)

    def below(self, version: Version) -> bool:
        """Is every allowed release older than ``version``?"""
        return self.high is not None and _pad(self.high) <= _pad(version)

    def at_least(self, version: Version) -> bool:
        """Is every allowed release ``version`` or newer?"""
        return self.low is not None and _pad(self.low) >= _pad(version)

    def newest_minor(self) -> Optional[Tuple[int, int]]:
        """The newest ``major.minor`` allowed, when an upper bound sets one (``<2.16`` -> 2.15)."""
        if self.high is None:
            return None
        major, minor, *rest = (*self.high, 0, 0)
        if any(rest):  # <2.15.3: 2.15.0 to 2.15.2 are allowed
            return (major, minor)
        if minor > 0:
            return (major, minor - 1)
        return None  # <3: any 2.x, which one is not said


def _pad(version: Version) -> Version:
    return tuple(version) + (0,) * (4 - len(version))


def _bump(version: Version, position: int) -> Version:
    """``(2, 13, 1)`` bumped at 1 -> ``(2, 14)``: the first release past a prefix."""
    head = list(version[: position + 1]) + [0] * max(0, position + 1 - len(version))
    head[position] += 1
    return tuple(head)


def clause_range(operator: str, text: str) -> Optional[Range]:
    """The range one clause allows; None when it says nothing usable (``!=``, a bad version)."""
    wildcard = text.endswith(".*")
    version = parse_version(text[:-2] if wildcard else text)
    if version is None:
        return None
    if operator in ("==", "===", "=", "") or wildcard and operator in ("==", "="):
        if wildcard or operator == "=":  # conda's `=2.10` is a prefix match, like `==2.10.*`
            return Range(version, _bump(version, len(version) - 1))
        exact_prefix = version if len(version) > 2 else version + (0,) * (3 - len(version))
        return Range(version, _bump(exact_prefix, len(exact_prefix) - 1))
    if operator == ">=":
        return Range(low=version)
    if operator == ">":
        return Range(low=_bump(version, len(version) - 1))
    if operator == "<":
        return Range(high=version)
    if operator == "<=":
        return Range(high=_bump(version, len(version) - 1))
    if operator == "~=":  # ~=2.13.0: >=2.13.0, <2.14; ~=2.13: >=2.13, <3
        return Range(version, _bump(version, max(len(version) - 2, 0))) if len(version) > 1 else Range(low=version)
    if operator == "^":  # Poetry: ^2.10 -> >=2.10,<3; ^0.4 -> <0.5
        first = next((i for i, part in enumerate(version) if part != 0), len(version) - 1)
        return Range(version, _bump(version, first))
    if operator == "~":  # Poetry: ~2.10 -> >=2.10,<2.11; ~2 -> <3
        return Range(version, _bump(version, 1 if len(version) > 1 else 0))
    return None


def specifier_range(specifier: str) -> Range:
    """The range a whole specifier allows (clauses joined by commas); unbounded if unknown."""
    allowed = Range()
    text = specifier.strip().strip("()")
    if not text or text == "*":
        return allowed
    for part in re.split(r"[,\s]+(?=[<>=!~^0-9])|,", text):
        part = part.strip()
        if not part:
            continue
        match = _CLAUSE.match(part.replace(" ", ""))
        if match is None:
            continue
        found = clause_range(match.group(1) or "", match.group(2))
        if found is not None:
            allowed = allowed.intersect(found)
    return allowed


class Requirement(NamedTuple):
    """One declared dependency and where it is written (file relative to the root, 1-based line)."""

    name: str  # normalised
    range: Range
    text: str  # as written, for messages
    file: str
    line: int
    group: str = "main"  # "main", or the extra/group/other-file name for optional ones


def parse_requirement(text: str, file: str, line: int, group: str = "main") -> Optional[Requirement]:
    """A PEP 508 requirement (markers and URLs ignored); None for anything else."""
    clean = text.split(";", 1)[0].strip()
    if not clean or clean.startswith(("-", "#")):
        return None
    if "#egg=" in clean:  # git+https://...#egg=name
        name = clean.split("#egg=", 1)[1].split("&", 1)[0]
        return Requirement(normalize(name), Range(), text.strip(), file, line, group)
    match = _NAME.match(clean)
    if match is None or "://" in clean.split("@", 1)[0]:
        return None
    rest = match.group(3).strip()
    if rest.startswith("@"):
        rest = ""  # name @ url: no version
    return Requirement(normalize(match.group(1)), specifier_range(rest), text.strip(), file, line, group)


def parse_conda(text: str, file: str, line: int) -> Optional[Requirement]:
    """``tensorflow=2.10``, ``conda-forge::tensorflow>=2.4``, ``tensorflow 2.10.*``."""
    clean = text.split("#", 1)[0].strip().split("::")[-1]
    match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$", clean)
    if match is None:
        return None
    spec = match.group(2).strip()
    if spec and spec[0].isdigit():
        spec = "=" + spec.split()[0]  # `tensorflow 2.10.*`: the version, without a build string
    return Requirement(normalize(match.group(1)), specifier_range(spec.split()[0] if spec else ""), text.strip(), file, line)


def first_for(requirements: List[Requirement], names: FrozenSet[str]) -> Optional[Requirement]:
    """The first requirement of one of ``names``: main dependencies before optional ones, and a
    requirement that bounds the version before one that does not (``tensorflow`` in
    requirements.txt says less than ``tensorflow<2.16`` in setup.py)."""
    main = [r for r in requirements if r.name in names and r.group == "main"]
    other = [r for r in requirements if r.name in names and r.group != "main"]
    found = main or other
    bounded = [r for r in found if r.range != Range()]
    return (bounded or found)[0] if found else None
