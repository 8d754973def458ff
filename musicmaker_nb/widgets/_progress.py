"""Progress like tqdm.notebook: a bar and a label, updated at most every so often."""

from __future__ import annotations

import time
from typing import Callable

import ipywidgets as w

__all__ = ["Throttle", "ProgressBar"]


class Throttle:
    """Lets an update through when ``interval`` seconds passed, or when it is the last one."""

    def __init__(self, interval: float = 0.2, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._last = float("-inf")

    def ready(self, fraction: float) -> bool:
        now = self._clock()
        if fraction >= 1 or now - self._last >= self.interval:
            self._last = now
            return True
        return False


class ProgressBar(w.HBox):
    def __init__(self, interval: float = 0.2, *, text: str = "") -> None:
        """``text``: the label before any progress, so an idle bar says what it waits for."""
        self.bar = w.FloatProgress(value=0, min=0, max=1, layout=w.Layout(width="60%"))
        self.label = w.Label(text)
        self._throttle = Throttle(interval)
        super().__init__([self.bar, self.label])
        self.add_class("mm-progress")

    def __repr__(self) -> str:
        return f"<ProgressBar {self.bar.value:.0%} {self.label.value!r}>"

    def update(self, fraction: float, status: str = "") -> None:
        """The ``on_progress(fraction, status)`` callback of a render."""
        if self._throttle.ready(fraction):
            self.bar.value = min(max(float(fraction), 0.0), 1.0)
            self.label.value = f"{self.bar.value:.0%} {status}".strip()

    def reset(self, text: str = "") -> None:
        self._throttle = Throttle(self._throttle.interval)
        self.bar.bar_style = ""
        self.bar.value = 0
        self.label.value = text

    def finish(self, text: str, *, ok: bool = True) -> None:
        self.bar.bar_style = "success" if ok else "danger"
        if ok:
            self.bar.value = 1
        self.label.value = text
