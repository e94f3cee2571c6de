"""Did-you-mean for identifiers: the closest accepted spelling, or nothing."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Tuple

# Other libraries' names for the same thing (PyTorch calls Glorot init "xavier", He init
# "kaiming"). Only used to translate a rejected name; the result must still be accepted.
_SYNONYMS: Tuple[Tuple[str, str], ...] = (("xavier", "glorot"), ("kaiming", "he"))


@dataclass(frozen=True)
class Suggestion:
    name: str
    exact: bool  # equal up to case, ``_`` and ``-``: replacing it cannot change the intent


def _normalized(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def _preference(name: str) -> Tuple[bool, int, str]:
    # Prefer the snake_case function name over the CamelCase class and upper-case aliases.
    return (name != name.lower(), len(name), name)


def suggest(name: str, candidates: Iterable[str], cutoff: float = 0.75) -> Optional[Suggestion]:
    """The candidate the user most likely meant.

    A candidate equal up to case, ``_`` and ``-`` wins outright (``'Mse'`` -> ``'mse'``,
    ``'ReLU'`` -> ``'relu'``); then a unique name the input abbreviates by initials
    (``'rmse'`` -> ``'root_mean_squared_error'``); then a known synonym
    (``'xavier_uniform'`` -> ``'glorot_uniform'``); otherwise difflib's closest lower-cased
    match above ``cutoff``.
    """
    pool = sorted(set(candidates), key=_preference)
    wanted = _normalized(name)
    for candidate in pool:
        if _normalized(candidate) == wanted:
            return Suggestion(candidate, exact=True)
    lowered = name.lower()
    initials = [c for c in pool if "_" in c and "".join(part[:1] for part in c.split("_")) == lowered]
    if len(initials) == 1:  # 'rmse' -> 'root_mean_squared_error', as Keras' own 'mse' abbreviates
        return Suggestion(initials[0], exact=False)
    for theirs, ours in _SYNONYMS:
        if theirs in lowered:
            translated = suggest(lowered.replace(theirs, ours), pool, cutoff)
            if translated is not None:
                return Suggestion(translated.name, exact=False)
    by_lower: Dict[str, str] = {}
    for candidate in pool:
        by_lower.setdefault(candidate.lower(), candidate)
    match = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=cutoff)
    return Suggestion(by_lower[match[0]], exact=False) if match else None


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.75) -> Optional[str]:
    found = suggest(name, candidates, cutoff)
    return found.name if found else None
