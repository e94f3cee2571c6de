"""What a validation produces: the runtime that gave the evidence and the verdict on a finding."""

from __future__ import annotations

from typing import Any, Dict, NamedTuple, Optional

CONFIRMED, REFUTED, INCONCLUSIVE = "confirmed", "refuted", "inconclusive"


class Runtime(NamedTuple):
    """The Keras, backend and device a child process ran on."""

    keras: str
    backend: str
    backend_version: str
    device: str

    def describe(self) -> str:
        """``keras 3.15.1 / jax 0.10.2 / CPU``."""
        return f"keras {self.keras} / {self.backend} {self.backend_version} / {self.device}"

    @classmethod
    def from_event(cls, event: Dict[str, Any]) -> "Runtime":
        return cls(str(event["keras"]), str(event["backend"]), str(event["backend_version"]), str(event["device"]))


class Verdict(NamedTuple):
    """``status`` is confirmed, refuted or inconclusive; ``evidence`` says why, in one line:
    the exception the runtime raised and when, a measured ratio, or what could not be rebuilt."""

    status: str
    evidence: str
    runtime: Optional[Runtime] = None
    phase: str = ""  # where the runtime raised: constructor, compile, first fit...
    measured: Optional[Dict[str, float]] = None  # timings behind a performance verdict

    def as_json(self) -> Dict[str, Any]:
        return {
            "verdict": self.status,
            "evidence": self.evidence,
            "phase": self.phase or None,
            "runtime": None if self.runtime is None else self.runtime._asdict(),
            "measured": self.measured,
        }

    def describe(self) -> str:
        """``confirmed: <evidence> [keras 3.15.1 / jax 0.10.2 / CPU]``."""
        where = f" [{self.runtime.describe()}]" if self.runtime is not None else ""
        return f"{self.status}: {self.evidence}{where}"


def inconclusive(reason: str) -> Verdict:
    return Verdict(INCONCLUSIVE, reason)
