"""Who may call the engine: attribution headers, bearer tokens, the per-token rate limit.

Pure checks that return what is wrong (or raise :class:`EngineError`); the routes apply them.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable, Mapping

from ...protocol import (
    ATTRIBUTION_HEADERS,
    PLATFORMS,
    SKILL_PLATFORM_HEADER,
    SKILL_SOURCE,
    SKILL_SOURCE_HEADER,
    Code,
)
from .._errors import EngineError

__all__ = [
    "attribution_problem",
    "bearer_token",
    "check_token",
    "RateLimiter",
]


def attribution_problem(headers: Mapping[str, str]) -> str | None:
    """What is wrong with the attribution headers, or None when they are in order."""
    missing = [name for name in ATTRIBUTION_HEADERS if not headers.get(name, "").strip()]
    if missing:
        return f"missing attribution header {', '.join(missing)}: every request must carry " + \
            ", ".join(ATTRIBUTION_HEADERS)
    if headers[SKILL_SOURCE_HEADER].strip() != SKILL_SOURCE:
        return f"{SKILL_SOURCE_HEADER} must be {SKILL_SOURCE!r}, got {headers[SKILL_SOURCE_HEADER]!r}"
    if headers[SKILL_PLATFORM_HEADER].strip() not in PLATFORMS:
        return (f"{SKILL_PLATFORM_HEADER} must be one of {', '.join(PLATFORMS)}, "
                f"got {headers[SKILL_PLATFORM_HEADER]!r}")
    return None


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def check_token(row: Mapping[str, Any] | None, now: float) -> Mapping[str, Any]:
    """The token's record if it exists and has not expired; 1001 otherwise."""
    if row is None:
        raise EngineError(Code.TOKEN_INVALID, "invalid token: ask POST /api/auth/anonymous-token for a new one")
    if row["expires_at"] <= now:
        raise EngineError(Code.TOKEN_INVALID, "token expired: ask POST /api/auth/anonymous-token for a new one")
    return row


class RateLimiter:
    """A token bucket per key: ``burst`` requests at once, refilled at ``rate`` per second."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be positive and burst at least 1, got {rate} and {burst}")
        self.rate, self.burst, self._clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take one request from ``key``'s bucket: 0 if allowed, else seconds until it would be."""
        with self._lock:
            now = self._clock()
            level, last = self._buckets.get(key, (float(self.burst), now))
            level = min(float(self.burst), level + (now - last) * self.rate)
            if level >= 1:
                self._buckets[key] = (level - 1, now)
                return 0.0
            self._buckets[key] = (level, now)
            return (1 - level) / self.rate

    @staticmethod
    def retry_after_header(wait_s: float) -> str:
        return str(max(1, math.ceil(wait_s)))
