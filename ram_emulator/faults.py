"""Injected faults: throttling, 5xx, added latency and dropped connections, by count or seeded ratio."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = ("throttle", "server_error", "latency", "drop")


class FaultSpecError(ValueError):
    """A fault specification the control API refuses."""


@dataclass
class Fault:
    kind: str
    account: str | None = None
    operation: str | None = None
    count: int | None = None
    ratio: float | None = None
    retry_after_ms: int | None = None
    status: int = 503
    latency_ms: int = 0
    after: bool = False
    seed: int | None = None
    fired: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Fault:
        unknown = set(spec) - {"kind", "account", "operation", "count", "ratio", "retry_after_ms", "status", "latency_ms", "after", "seed"}
        if unknown:
            raise FaultSpecError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise FaultSpecError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        count, ratio = spec.get("count"), spec.get("ratio")
        if count is None and ratio is None:
            raise FaultSpecError("give count (next N matching calls) or ratio (0..1)")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise FaultSpecError("count must be a positive integer")
        if ratio is not None and (not isinstance(ratio, (int, float)) or not 0 <= ratio <= 1):
            raise FaultSpecError("ratio must be between 0 and 1")
        status = int(spec.get("status", 503))
        if kind == "server_error" and status not in (500, 503):
            raise FaultSpecError("status must be 500 or 503")
        latency_ms = int(spec.get("latency_ms", 0))
        if kind == "latency" and latency_ms <= 0:
            raise FaultSpecError("latency faults need latency_ms > 0")
        seed = spec.get("seed")
        return cls(
            kind=kind,
            account=None if spec.get("account") is None else str(spec["account"]),
            operation=spec.get("operation"),
            count=count,
            ratio=None if ratio is None else float(ratio),
            retry_after_ms=spec.get("retry_after_ms"),
            status=status,
            latency_ms=latency_ms,
            after=bool(spec.get("after", False)),
            seed=seed,
            _random=random.Random(seed),
        )

    def matches(self, account_id: str, account_name: str, operation: str) -> bool:
        if self.account is not None and self.account not in (account_id, account_name):
            return False
        return self.operation is None or self.operation == operation

    def fires(self) -> bool:
        """Decide for one matching call; a count fault is used up as it fires."""
        if self.count is not None:
            if self.fired >= self.count:
                return False
        elif self._random.random() >= (self.ratio or 0.0):
            return False
        self.fired += 1
        return True

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.fired >= self.count

    def view(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "account": self.account, "operation": self.operation, "count": self.count,
            "ratio": self.ratio, "retry_after_ms": self.retry_after_ms, "status": self.status,
            "latency_ms": self.latency_ms, "after": self.after, "seed": self.seed, "fired": self.fired,
        }


class FaultSet:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()

    def select(self, account_id: str, account_name: str, operation: str) -> tuple[int, Fault | None]:
        """Extra latency (ms) for this call, and the one non-latency fault that hits it, if any."""
        latency = 0
        outcome: Fault | None = None
        for fault in self.faults:
            if not fault.matches(account_id, account_name, operation):
                continue
            if fault.kind == "latency":
                if fault.fires():
                    latency += fault.latency_ms
            elif outcome is None and fault.fires():
                outcome = fault
        self.faults = [fault for fault in self.faults if not fault.exhausted]
        return latency, outcome
