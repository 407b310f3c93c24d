# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry policy for RAM calls; for this collection's internal use only, may change without notice."""

from __future__ import annotations

import random
import time
from typing import Callable, TypeVar

ResultT = TypeVar("ResultT")

# Codes the RAM reference documents as transient. Anything starting with "Throttling" is treated the same way
# because the service has several throttling variants (Throttling, Throttling.User, Throttling.Api, ...).
RETRYABLE_CODES = frozenset({"ServiceUnavailable", "InternalError"})

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BASE_DELAY = 0.2
DEFAULT_MAX_DELAY = 5.0
DEFAULT_TIME_BUDGET = 60.0


def is_retryable(code: str | None, status_code: int | None, transport: bool = False) -> bool:
    """Whether a failure with this code / HTTP status (or a transport failure) is worth another attempt."""
    if transport:
        return True
    if code and (code.startswith("Throttling") or code in RETRYABLE_CODES):
        return True
    return status_code is not None and 500 <= status_code <= 599


class RetryPolicy:
    """Full-jitter exponential backoff bounded by a number of attempts and a total time budget.

    Failures are told apart only through two attributes, so that this stays independent of the SDK and of
    RamError: ``retryable`` (bool) and ``retry_after_ms`` (the server's ``x-acs-retry-after``, or None).
    When giving up the policy stores the number of attempts made on the exception as ``attempts``.
    """

    def __init__(
        self,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        base_delay: float = DEFAULT_BASE_DELAY,
        max_delay: float = DEFAULT_MAX_DELAY,
        time_budget: float = DEFAULT_TIME_BUDGET,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.time_budget = time_budget
        self.rng = rng if rng is not None else random.Random()
        self.sleep = sleep
        self.clock = clock

    def delay(self, attempt: int, retry_after_ms: int | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based) before the next one."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        jittered = self.rng.uniform(0.0, ceiling)
        if retry_after_ms and retry_after_ms > 0:
            # The server said when it will accept us again: never come back earlier than that.
            return max(jittered, retry_after_ms / 1000.0)
        return jittered

    def run(self, attempt_call: Callable[[int], ResultT]) -> ResultT:
        """Call ``attempt_call(attempt_number)`` until it returns, or re-raise its last failure."""
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                return attempt_call(attempt)
            except Exception as error:
                if not getattr(error, "retryable", False) or attempt >= self.max_attempts:
                    _record_attempts(error, attempt)
                    raise
                wait = self.delay(attempt, getattr(error, "retry_after_ms", None))
                if self.clock() - started + wait > self.time_budget:
                    _record_attempts(error, attempt)
                    raise
                self.sleep(wait)


def _record_attempts(error: Exception, attempts: int) -> None:
    try:
        error.attempts = attempts  # type: ignore[attr-defined]
    except AttributeError:
        # Some exception types use __slots__; the count is informative only.
        pass
