"""The extension point: each rule that can be proved at run time registers one small function.

A validator function receives the finding and the parsed file (:class:`Site`) and returns
either a :class:`Check` (a job for the child process plus a judge for its outcome) or a
:class:`Verdict` straight away (usually ``inconclusive``: the slicer could not rebuild what
the finding is about). Adding a validator for a new rule is one decorated function in ``validators.py`` (which
also answers which codes have one: ``validator_for``, ``validated_codes``)::

    @validator("TFL123")
    def _check_tfl123(site: Site) -> Union[Check, Verdict]:
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, NamedTuple, Union

from tf_lint.validate.verdicts import Verdict

if TYPE_CHECKING:
    import libcst as cst

    from tf_lint.diagnostics import Diagnostic
    from tf_lint.validate.slicer import SourceIndex

Outcome = Dict[str, Any]  # what the child reported for one job (see tf_lint/validate/child.py)


class Site(NamedTuple):
    """A finding and where it sits: the node the rule reported, in its parsed file."""

    diagnostic: "Diagnostic"
    source: "SourceIndex"  # not "index": that would hide tuple.index
    node: "cst.CSTNode"
    threshold: float = 2.0  # the slowdown that confirms a performance finding


class Check(NamedTuple):
    """``job`` is plain JSON data for a probe of the child (``{"probe": "train", ...}``);
    ``judge`` turns the probe's outcome into a verdict. ``note`` qualifies the evidence (what
    the slicer had to assume)."""

    job: Dict[str, Any]
    judge: Callable[[Outcome], Verdict]
    note: str = ""


Validator = Callable[[Site], Union[Check, Verdict]]
_VALIDATORS: Dict[str, Validator] = {}


def validator(*codes: str) -> Callable[[Validator], Validator]:
    """Register ``function`` as the validator of ``codes``; one validator per code."""

    def register(function: Validator) -> Validator:
        for code in codes:
            if code in _VALIDATORS:
                raise ValueError(f"{code} already has a validator: {_VALIDATORS[code].__name__}")
            _VALIDATORS[code] = function
        return function

    return register


def registered_validators() -> Dict[str, Validator]:
    """Validators registered so far; ``validators.validator_for`` is the complete view."""
    return _VALIDATORS
