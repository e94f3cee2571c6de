"""Did-you-mean for identifiers: the closest accepted spelling, or nothing."""

from __future__ import annotations

import difflib
from typing import Dict, Iterable, Optional, Tuple


def _normalized(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def _preference(name: str) -> Tuple[bool, int, str]:
    # Prefer the snake_case function name over the CamelCase class and upper-case aliases.
    return (name != name.lower(), len(name), name)


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.75) -> Optional[str]:
    """The candidate the user most likely meant.

    A candidate equal up to case, ``_`` and ``-`` wins outright (``'Mse'`` -> ``'mse'``,
    ``'MeanSquared_Error'`` -> ``'mean_squared_error'``); otherwise difflib's closest
    lower-cased match above ``cutoff``.
    """
    pool = sorted(set(candidates), key=_preference)
    wanted = _normalized(name)
    for candidate in pool:
        if _normalized(candidate) == wanted:
            return candidate
    by_lower: Dict[str, str] = {}
    for candidate in pool:
        by_lower.setdefault(candidate.lower(), candidate)
    match = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[match[0]] if match else None
