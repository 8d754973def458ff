"""How loaded the engine is, in figures a teacher can read: chat reply times and the render queue."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

__all__ = ["ChatTimes", "load_line"]


class ChatTimes:
    """Chat replies' durations over the last ``window_s`` seconds: the p50 and p95 a class feels."""

    def __init__(self, window_s: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._times: deque[tuple[float, float]] = deque()  # (when it ended, how long it took)
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self._times.append((self._clock(), seconds))
            self._forget()

    def _forget(self) -> None:
        horizon = self._clock() - self.window_s
        while self._times and self._times[0][0] < horizon:
            self._times.popleft()

    def summary(self) -> dict[str, Any]:
        with self._lock:
            self._forget()
            took = sorted(seconds for _, seconds in self._times)
        if not took:
            return {"chats": 0, "chat_p50_s": None, "chat_p95_s": None}
        return {"chats": len(took), "chat_p50_s": round(_quantile(took, 0.5), 2),
                "chat_p95_s": round(_quantile(took, 0.95), 2)}


def _quantile(ordered: list[float], q: float) -> float:
    """Nearest-rank quantile of sorted values."""
    return ordered[min(len(ordered) - 1, max(0, -(-round(q * len(ordered) * 1000) // 1000) - 1))]


def load_line(load: dict[str, Any]) -> str:
    """'renders: 12 queued, 1 running, 30 done · chat p95 0.8 s (41 in 10 min)'."""
    chat = ("no chat in 10 min" if not load.get("chats")
            else f"chat p95 {load['chat_p95_s']:.1f} s ({load['chats']} in 10 min)")
    return f"renders: {load['queued']} queued, {load['running']} running, {load['done']} done · {chat}"
