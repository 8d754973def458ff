"""Decoding the ``/run_sse`` event stream: text chunks in, typed stream items out. No I/O.

httpx-sse's decoder drops comment lines, but on this stream the comment lines (``: ping``) are
the heartbeats, so lines are split and dispatched here; the SSE field rules are the same.
"""

from __future__ import annotations

import json
from typing import Union

from ..protocol import Heartbeat, TextPart, ToolCall, ToolResult
from ._exceptions import StreamError

__all__ = [
    "Heartbeat",
    "TextPart",
    "ToolCall",
    "ToolResult",
    "StreamItem",
    "SSEStreamDecoder",
    "parse_event",
]


StreamItem = Union[Heartbeat, TextPart, ToolCall, ToolResult]


def parse_event(data: str) -> list[StreamItem]:
    """One ``data:`` payload (an ADK event) -> its items; an empty payload is a heartbeat."""
    if not data.strip():
        return [Heartbeat()]
    try:
        event = json.loads(data)
    except json.JSONDecodeError as exc:
        raise StreamError(f"the event stream sent something that is not JSON: {data[:200]!r}") from exc
    if not isinstance(event, dict):
        raise StreamError(f"the event stream sent a {type(event).__name__}, expected an event object")
    if event.get("error") or event.get("errorMessage"):
        raise StreamError(f"the backend reported an error: {event.get('errorMessage') or event.get('error')}")
    partial = bool(event.get("partial"))
    parts = (event.get("content") or {}).get("parts") or []
    items: list[StreamItem] = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        if part.get("text"):
            items.append(TextPart(str(part["text"]), partial))
        elif "functionCall" in part:
            call = part["functionCall"] or {}
            items.append(ToolCall(str(call.get("name", "")), dict(call.get("args") or {})))
        elif "functionResponse" in part:
            result = part["functionResponse"] or {}
            items.append(ToolResult(str(result.get("name", "")), result.get("response")))
    return items or [Heartbeat()]


class SSEStreamDecoder:
    """Incremental: ``feed`` text as it arrives (lines may be split anywhere), ``flush`` at the end."""

    def __init__(self) -> None:
        self._pending = ""
        self._data: list[str] = []
        self._has_event = False
        # ADK sends partial chunks and then the whole text again as one final event.
        self._partial_text = ""

    def feed(self, chunk: str) -> list[StreamItem]:
        text = self._pending + chunk
        # A trailing "\r" may be the first half of "\r\n": keep it for the next chunk.
        cut = len(text) - 1 if text.endswith("\r") else len(text)
        text, self._pending = text[:cut], text[cut:]
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._pending = lines.pop() + self._pending
        items: list[StreamItem] = []
        for line in lines:
            items += self._line(line)
        return items

    def flush(self) -> list[StreamItem]:
        items = self._line(self._pending.rstrip("\r")) if self._pending else []
        self._pending = ""
        return items + self._dispatch()

    def _line(self, line: str) -> list[StreamItem]:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return [Heartbeat()]
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._has_event = True
        return []

    def _dispatch(self) -> list[StreamItem]:
        if not self._has_event:
            return []
        data, self._data, self._has_event = "\n".join(self._data), [], False
        return [item for item in parse_event(data) if self._keep(item)]

    def _keep(self, item: StreamItem) -> bool:
        if not isinstance(item, TextPart):
            return True
        if item.partial:
            self._partial_text += item.text
            return True
        already_shown, self._partial_text = self._partial_text, ""
        return not already_shown or item.text != already_shown
