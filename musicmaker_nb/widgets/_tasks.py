"""Long work off the kernel's main path: coroutines on the session's loop thread, one at a time.

The kernel keeps answering other cells while a request runs. Widgets are updated from the
loop thread (ipywidgets sends comm messages from any thread), inside the job itself, so a
job's Future completes only after the widgets show its outcome.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from typing import Any, Awaitable, Callable, Iterable

from ..client._sync import Session
from ..protocol import MusicMakerError

__all__ = ["Activity", "plain_error"]

_log = logging.getLogger("musicmaker_nb.widgets")


def plain_error(exc: BaseException) -> str:
    """An error in plain words for the log: our own messages as they are, never a traceback."""
    if isinstance(exc, MusicMakerError):
        return str(exc)
    if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):
        return f"Cannot read {exc.filename!r}: {exc.strerror or exc}."
    if isinstance(exc, (ValueError, TypeError)):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}: {exc})."


class Activity:
    """Runs one job at a time for a set of widgets, and disables their buttons meanwhile."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.label = "ready"
        self.task: Future[Any] | None = None
        self._controls: list[Any] = []
        self._listeners: list[Callable[[str], None]] = []
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        return self.label != "ready"

    def add_controls(self, controls: Iterable[Any]) -> None:
        self._controls.extend(controls)

    def on_change(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def run(
        self,
        label: str,
        job: Callable[[], Awaitable[Any]],
        on_error: Callable[[str], None],
        on_busy: Callable[[str], None] | None = None,
        on_start: Callable[[], None] | None = None,
    ) -> Future[Any] | None:
        """Start ``job`` unless another one runs; errors go to ``on_error`` in plain words,
        and the refusal to start to ``on_busy`` (default ``on_error``). ``on_start`` runs here,
        in the caller's thread, once the job is sure to start: what it shows comes first."""
        with self._lock:
            if self.busy:
                (on_busy or on_error)(f"Please wait: still {self.label}.")
                return None
            self._set(label)
        try:
            if on_start is not None:
                on_start()
            self.task = self.session.submit(self._guarded(job, on_error))
        except Exception as exc:  # the session is closed, or its loop is gone
            self._set("ready")
            on_error(plain_error(exc))
            return None
        return self.task

    async def _guarded(self, job: Callable[[], Awaitable[Any]], on_error: Callable[[str], None]) -> Any:
        try:
            return await job()
        except Exception as exc:
            _log.debug("widget job failed", exc_info=True)
            on_error(plain_error(exc))
            return None
        finally:
            self._set("ready")

    def wait(self, timeout: float | None = None) -> Any:
        """Block until the current job is done (for scripts and tests; the UI never waits)."""
        return None if self.task is None else self.task.result(timeout)

    def _set(self, label: str) -> None:
        self.label = label
        for control in self._controls:
            control.disabled = label != "ready"
        for listener in self._listeners:
            listener(label)
