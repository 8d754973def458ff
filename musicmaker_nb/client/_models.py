"""What the API answers, as small immutable records parsed leniently from its payloads."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..protocol import Draft, DraftError

__all__ = ["Media", "Credits", "State", "RenderStatus", "SessionInfo", "TokenInfo", "Reply", "Turn"]


def _first(data: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    return next((data[key] for key in keys if data.get(key) is not None), default)


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None else int(round(float(value)))
    except (TypeError, ValueError):
        return None


def _times_ms(values: Any) -> tuple[float, ...]:
    """A list of times in ms; anything that is not a finite number is left out."""
    if not isinstance(values, (list, tuple)):
        return ()
    times = []
    for value in values:
        try:
            time_ms = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(time_ms) and time_ms >= 0:
            times.append(time_ms)
    return tuple(sorted(times))


@dataclass(frozen=True)
class TokenInfo:
    token: str
    credits: int | None = None
    expires_at: str | None = None


@dataclass(frozen=True)
class SessionInfo:
    session_id: str
    task_id: str | None = None

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> SessionInfo:
        return cls(session_id=str(_first(data, "session_id", "sessionId")), task_id=_first(data, "task_id", "taskId"))


@dataclass(frozen=True)
class Media:
    """An uploaded (or generated) medium."""

    id: str
    name: str = ""
    kind: str = "video"
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = None
    source: str | None = None  # the local path or URL it was uploaded from, when this client uploaded it
    scene_cuts_ms: tuple[float, ...] = ()  # where the picture cuts, from the medium's start, when the backend says
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Media:
        duration_ms = _first(data, "duration_ms", "durationMs")
        if duration_ms is None and _first(data, "duration") is not None:
            duration_ms = float(data["duration"]) * 1000  # the looser variant gives seconds
        return cls(
            id=str(_first(data, "id", "media_id", "mediaId", "file_id", default="")),
            name=str(_first(data, "name", "filename", "file_name", default="")),
            kind=str(_first(data, "kind", "type", default="video")),
            duration_ms=_int_or_none(duration_ms),
            width=_int_or_none(_first(data, "width", "w")),
            height=_int_or_none(_first(data, "height", "h")),
            size_bytes=_int_or_none(_first(data, "size_bytes", "size")),
            scene_cuts_ms=_times_ms(_first(data, "scene_cuts_ms", "sceneCutsMs", default=())),
            raw=dict(data),
        )

    def describe(self) -> str:
        bits = [self.kind]
        if self.duration_ms is not None:
            bits.append(f"{self.duration_ms / 1000:.1f} s")
        if self.width and self.height:
            bits.append(f"{self.width}x{self.height}")
        if self.size_bytes is not None:
            bits.append(f"{self.size_bytes / 1e6:.1f} MB")
        return f"{self.name or self.id} ({', '.join(bits)})"


def parse_media_list(data: Any) -> list[Media]:
    """Upload answers come as ``{"media": [...]}``, a bare list, or one object."""
    if isinstance(data, Mapping):
        items = _first(data, "media", "files", "items", "videos")
        if items is None:
            items = [data]
    else:
        items = data
    if isinstance(items, Mapping):
        items = [items]
    return [Media.from_payload(item) for item in items or [] if isinstance(item, Mapping)]


@dataclass(frozen=True)
class Credits:
    available: float
    frozen: float = 0
    total: float | None = None

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Credits:
        available = _first(data, "available", "balance", default=0)
        return cls(available=available, frozen=_first(data, "frozen", default=0), total=_first(data, "total"))

    def __str__(self) -> str:
        """``90 of 100 credits left``; ``of`` only where ``total`` is more than what the token holds
        (the hosted service's grant), never when it is only ``available + frozen`` (our engine's)."""
        held = self.frozen or 0
        granted = self.total is not None and self.total > self.available + held
        of = f" of {self.total:g}" if granted else ""
        frozen = f" ({held:g} held for running jobs)" if held else ""
        return f"{self.available:g}{of} credits left{frozen}"


@dataclass(frozen=True)
class State:
    """The session state: the draft and the media the backend knows about."""

    draft: Draft | None
    video_infos: list[dict[str, Any]] = field(default_factory=list)
    generated_media: list[dict[str, Any]] = field(default_factory=list)
    draft_error: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> State:
        import json

        state = data.get("state", data) if isinstance(data, Mapping) else {}
        raw_draft = state.get("draft")
        if isinstance(raw_draft, str) and raw_draft.strip():
            raw_draft = json.loads(raw_draft)  # the hosted service may send the draft as a JSON string
        draft, error = None, None
        if raw_draft:
            try:
                draft = Draft.from_dict(raw_draft)
            except DraftError as exc:
                error = f"the backend sent a draft this client cannot read: {exc}"
        return cls(
            draft=draft,
            video_infos=list(state.get("video_infos") or []),
            generated_media=list(state.get("generated_media") or []),
            draft_error=error,
            raw=dict(state),
        )


TERMINAL_RENDER_STATES = frozenset({"completed", "failed", "cancelled"})


@dataclass(frozen=True)
class RenderStatus:
    id: str
    status: str
    progress: float = 0.0
    url: str | None = None
    error: str | None = None
    local_path: str | None = None  # where a backend on this machine keeps the file
    long_poll: bool = False  # the backend held the request until something changed
    queue_position: int | None = None  # 1 = next to start (a shared engine says so)
    starts_in_s: float | None = None  # the backend's estimate, while queued
    ends_in_s: float | None = None  # the backend's estimate, while queued or rendering

    @property
    def words(self) -> str:
        """The status as a person reads it: '12th in line, starts in about 3 min' while queued on a
        shared engine, 'rendering, about 40 s left', or the plain status."""
        if self.status == "queued" and self.queue_position is not None:
            text = f"{_ordinal(self.queue_position)} in line"
            return text + (f", starts in about {_about(self.starts_in_s)}" if self.starts_in_s is not None else "")
        if self.status == "rendering" and self.ends_in_s is not None:
            return f"rendering, about {_about(self.ends_in_s)} left"
        return self.status

    @property
    def done(self) -> bool:
        return self.status in TERMINAL_RENDER_STATES

    @classmethod
    def from_payload(cls, data: Mapping[str, Any], render_id: str) -> RenderStatus:
        status = str(_first(data, "status", "state", default="queued")).lower()
        status = {"done": "completed", "success": "completed", "succeeded": "completed", "processing": "rendering",
                  "running": "rendering", "pending": "queued", "error": "failed",
                  "canceled": "cancelled"}.get(status, status)
        progress = float(_first(data, "progress", default=0) or 0)
        if progress > 1:  # some answers give percent
            progress /= 100
        output = data.get("output") or {}
        if not isinstance(output, Mapping):
            output = {}
        url = _first(output, "url")
        error = data.get("error")
        if isinstance(error, Mapping):
            error = error.get("message") or str(error)
        return cls(
            id=str(_first(data, "id", "renderId", default=render_id)),
            status=status,
            progress=1.0 if status == "completed" else min(max(progress, 0.0), 1.0),
            url=url or _first(data, "url", "output_url"),
            error=error,
            local_path=_first(output, "path"),
            long_poll=bool(data.get("long_poll")),
            queue_position=_int_or_none(data.get("queue_position")),
            starts_in_s=_float_or_none(data.get("starts_in_s")),
            ends_in_s=_float_or_none(data.get("ends_in_s")),
        )


def _float_or_none(value: Any) -> float | None:
    try:
        number = None if value is None else float(value)
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) and number >= 0 else None


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _about(seconds: float) -> str:
    """A rough duration: '10 s', '3 min' (estimates are not worth more digits)."""
    return f"{max(5, round(seconds / 5) * 5)} s" if seconds < 60 else f"{round(seconds / 60)} min"


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    text: str


@dataclass(frozen=True)
class Reply:
    """What ``Session.say`` returns."""

    text: str
    action: str
    draft: Draft | None = None
    changes: str | None = None
    tool_calls: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text if not self.changes or self.changes in self.text else f"{self.text}\n\n*{self.changes}*"
