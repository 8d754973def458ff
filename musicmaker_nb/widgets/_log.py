"""The conversation log as a plain model: turns, the reply being streamed, and heartbeats."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable

__all__ = ["LogEntry", "ConversationLog", "STILL_WORKING"]

STILL_WORKING = "Still working..."
# FontAwesome 4 ships with JupyterLab and ipywidgets; an emoji would need an emoji font the browser may lack.
_HOURGLASS = '<i class="fa fa-hourglass-half" aria-hidden="true"></i>'

_ROLE_LABELS = {"user": "You", "assistant": "Music Maker", "error": "Problem", "note": "Note"}


@dataclass
class LogEntry:
    role: str  # "user", "assistant", "error" or "note"
    text: str
    waiting: bool = False  # only heartbeats have come since the last text


class ConversationLog:
    """What the prompt panel shows; ``to_html`` is all the widget needs."""

    def __init__(self, translate: Callable[[str], str] | None = None) -> None:
        """``translate`` rewrites a reply while it streams (the final text comes translated)."""
        self.translate = translate
        self.entries: list[LogEntry] = []
        self._streaming: LogEntry | None = None

    def user(self, text: str) -> None:
        self.entries.append(LogEntry("user", text))

    def note(self, text: str) -> None:
        self.entries.append(LogEntry("note", text))

    def start_reply(self) -> None:
        self._streaming = LogEntry("assistant", "")
        self.entries.append(self._streaming)

    def stream(self, chunk: str) -> None:
        entry = self._streaming or self._start()
        entry.text += chunk
        entry.waiting = False

    def heartbeat(self) -> None:
        (self._streaming or self._start()).waiting = True

    def finish(self, text: str) -> None:
        """Replace what was streamed by the final reply (the client's translated text)."""
        entry = self._streaming or self._start()
        entry.text, entry.waiting = text, False
        self._streaming = None

    def error(self, text: str) -> None:
        if self._streaming is not None and not self._streaming.text:
            self.entries.remove(self._streaming)
        elif self._streaming is not None:
            self._streaming.waiting = False
        self._streaming = None
        self.entries.append(LogEntry("error", text))

    @property
    def last_text(self) -> str:
        return self.entries[-1].text if self.entries else ""

    def _start(self) -> LogEntry:
        self.start_reply()
        assert self._streaming is not None
        return self._streaming

    def to_html(self) -> str:
        return '<div class="mm-log">' + "".join(self._entry_html(entry) for entry in self.entries) + "</div>"

    def _entry_html(self, entry: LogEntry) -> str:
        streaming = entry is self._streaming and self.translate is not None and entry.text
        return _entry_html(entry, self.translate(entry.text) if streaming else entry.text)


def _entry_html(entry: LogEntry, shown: str) -> str:
    text = html.escape(shown).replace("\n", "<br>")
    if not text and not entry.waiting:
        text = "…"
    if entry.waiting:
        text += ("<br>" if text else "") + f'<span class="mm-waiting">{_HOURGLASS} {STILL_WORKING}</span>'
    label = _ROLE_LABELS.get(entry.role, entry.role)
    return f'<div class="mm-entry mm-{entry.role}"><b>{label}:</b> {text}</div>'
