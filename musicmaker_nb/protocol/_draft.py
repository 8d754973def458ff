"""The draft: a video timeline in the short-key JSON of PROTOCOL.md.

Parsing is lossless (unknown keys are carried along in ``extra``), validation names the
offending path (``t[1].sg[0].d``), and every edit returns a new draft.
"""

from __future__ import annotations

import copy
import enum
import itertools
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping, overload

from ._constants import DEFAULT_BGM_VOLUME, DEFAULT_TITLE_MS
from ._errors import DraftError

if TYPE_CHECKING:
    import pandas

__all__ = ["TrackType", "Segment", "Track", "Draft", "describe_changes", "MAX_DRAFT_MS", "MAX_FRAME_PX",
           "FITS", "FOCUSES", "DEFAULT_FIT", "aspect_name", "fit_words"]

MAX_DRAFT_MS = 60 * 60 * 1000  # a draft, and every segment's end, at most 60 minutes
MAX_FRAME_PX = 4096  # the frame's width and height (``m.w``, ``m.h``) at most this many pixels
# How a picture of another shape than the frame's is framed (``m.fit`` of the draft, or of a video
# segment for that clip): cropped to fill the frame, fitted inside over a blurred copy of itself
# filling it, or fitted inside with black bands.
FITS = ("fill", "blur", "letterbox")
# What a ``fill`` crop keeps (``m.focus``): the middle, or the part of the picture that moves most.
FOCUSES = ("center", "motion")
# A draft that does not say: letterbox. That is what every draft rendered as before the fit
# existed and what the hosted service does with a draft that lacks ``m.fit``, so a draft read from
# either backend means the same picture. The agent chooses ``blur`` when it changes the frame to
# another shape than the clips' (what creators expect), and writes it into the draft.
DEFAULT_FIT = "letterbox"
_FIT_WORDS = {"fill": "cropped to fill", "blur": "blurred background", "letterbox": "letterboxed"}
_MOTION_WORDS = "cropped to follow the motion"


class TrackType(enum.IntEnum):
    VIDEO = 0
    AUDIO = 1
    TEXT = 7


_DEFAULT_TRACK_NAMES = {TrackType.VIDEO: "Video", TrackType.AUDIO: "Audio", TrackType.TEXT: "Text"}
_SEGMENT_KEYS = ("id", "src", "s", "d", "o", "v", "m")
_TRACK_KEYS = ("tt", "m", "sg")
_DRAFT_KEYS = ("d", "m", "t")


def _number(value: Any, path: str, *, allow_none: bool = False) -> float | None:
    """A JSON number: not a bool, a string, NaN or an infinity (none of those is JSON)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DraftError(path, f"expected a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise DraftError(path, f"expected a finite number, got {value}")
    return value


@overload
def _non_negative(value: Any, path: str) -> float: ...
@overload
def _non_negative(value: Any, path: str, *, allow_none: bool) -> float | None: ...
def _non_negative(value: Any, path: str, *, allow_none: bool = False) -> float | None:
    number = _number(value, path, allow_none=allow_none)
    if number is not None and number < 0:
        raise DraftError(path, f"must not be negative, got {number}")
    return number


def _at_most(value: float | None, limit: float, path: str, what: str) -> None:
    if value is not None and value > limit:
        raise DraftError(path, f"{what} is at most {limit:g}, got {value:g}")


def _frame(meta: dict[str, Any] | None) -> None:
    """The frame's ``w`` and ``h``, when given: positive numbers of at most :data:`MAX_FRAME_PX`."""
    for key in ("w", "h"):
        size = _number((meta or {}).get(key), f"m.{key}", allow_none=True)
        if size is not None and size <= 0:
            raise DraftError(f"m.{key}", f"the frame size must be positive, got {size:g}")
        _at_most(size, MAX_FRAME_PX, f"m.{key}", "a side of the frame (pixels)")


def _fit(meta: dict[str, Any] | None, path: str) -> None:
    """``fit`` and ``focus``, when given, are among :data:`FITS` and :data:`FOCUSES`."""
    for key, allowed in (("fit", FITS), ("focus", FOCUSES)):
        value = (meta or {}).get(key)
        if value is not None and value not in allowed:
            raise DraftError(f"{path}.{key}" if path else key,
                             f"unknown {key} {value!r}; allowed: {', '.join(allowed)}")


def fit_words(fit: str | None, focus: str | None = None) -> str | None:
    """How a person says a fit: 'blurred background', 'cropped to fill', 'letterboxed'."""
    if fit == "fill" and focus == "motion":
        return _MOTION_WORDS
    return _FIT_WORDS.get(fit or "")


def aspect_name(width: float | None, height: float | None) -> str | None:
    """'16:9' for 1920x1080, '9:16', '1:1', '4:3'; None for a shape with no short name."""
    if not width or not height or width != int(width) or height != int(height):
        return None
    divisor = math.gcd(int(width), int(height))
    across, down = int(width) // divisor, int(height) // divisor
    return f"{across}:{down}" if max(across, down) <= 32 else None


def _meta(value: Any, path: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise DraftError(path, f"expected an object, got {type(value).__name__}")
    return copy.deepcopy(dict(value))


def _extra(data: Mapping[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    return {key: copy.deepcopy(value) for key, value in data.items() if key not in known}


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = copy.deepcopy(value)


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.3f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Segment:
    """One piece of a track. Times are milliseconds; absent keys stay ``None``."""

    start_ms: float = 0
    duration_ms: float = 0
    id: str | None = None
    source_id: str | None = None
    offset_ms: float | None = None
    volume: float | None = None
    meta: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def end_ms(self) -> float:
        return self.start_ms + self.duration_ms

    @property
    def label(self) -> str | None:
        """What a person calls this segment: its text, label or prompt."""
        meta = self.meta or {}
        for key in ("text", "label", "name", "prompt"):
            if meta.get(key):
                return str(meta[key])
        return None

    @classmethod
    def from_dict(cls, data: Any, path: str = "sg[0]") -> Segment:
        if not isinstance(data, Mapping):
            raise DraftError(path, f"expected a segment object, got {type(data).__name__}")
        volume = _number(data.get("v"), f"{path}.v", allow_none=True)
        if volume is not None and not 0 <= volume <= 1:
            raise DraftError(f"{path}.v", f"volume must be between 0 and 1, got {volume}")
        segment_id, source_id = data.get("id"), data.get("src")
        for key, value in (("id", segment_id), ("src", source_id)):
            if value is not None and not isinstance(value, str):
                raise DraftError(f"{path}.{key}", f"expected a string, got {value!r}")
        start_ms = _non_negative(data.get("s", 0), f"{path}.s")
        duration_ms = _non_negative(data.get("d", 0), f"{path}.d")
        _at_most(start_ms + duration_ms, MAX_DRAFT_MS, f"{path}.d", "a segment's end (ms, 60 minutes)")
        meta = _meta(data.get("m"), f"{path}.m")
        _fit(meta, f"{path}.m")
        return cls(
            start_ms=start_ms,
            duration_ms=duration_ms,
            id=segment_id,
            source_id=source_id,
            offset_ms=_non_negative(data.get("o"), f"{path}.o", allow_none=True),
            volume=volume,
            meta=meta,
            extra=_extra(data, _SEGMENT_KEYS),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (("id", self.id), ("src", self.source_id), ("s", self.start_ms),
                           ("d", self.duration_ms), ("o", self.offset_ms), ("v", self.volume),
                           ("m", self.meta)):
            _put(out, key, value)
        out.update(copy.deepcopy(self.extra))
        return out


@dataclass(frozen=True)
class Track:
    """A layer of the timeline: video (0), audio (1) or text (7)."""

    type: TrackType
    segments: tuple[Segment, ...] = ()
    meta: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        meta = self.meta or {}
        return str(meta.get("name") or _DEFAULT_TRACK_NAMES[self.type])

    @property
    def role(self) -> str | None:
        role = (self.meta or {}).get("role")
        if role is None and self.type is TrackType.AUDIO and self.name.lower() in ("bgm", "music"):
            return "bgm"
        return role

    @classmethod
    def from_dict(cls, data: Any, path: str = "t[0]") -> Track:
        if not isinstance(data, Mapping):
            raise DraftError(path, f"expected a track object, got {type(data).__name__}")
        raw_type = data.get("tt")
        try:
            track_type = TrackType(raw_type)
        except ValueError:
            known = ", ".join(f"{t.value} ({t.name.lower()})" for t in TrackType)
            raise DraftError(f"{path}.tt", f"unknown track type {raw_type!r}; known: {known}") from None
        raw_segments = data.get("sg", [])
        if not isinstance(raw_segments, list):
            raise DraftError(f"{path}.sg", "expected a list of segments")
        segments = tuple(
            Segment.from_dict(item, f"{path}.sg[{index}]") for index, item in enumerate(raw_segments)
        )
        _check_overlaps(segments, path)
        return cls(
            type=track_type,
            segments=segments,
            meta=_meta(data.get("m"), f"{path}.m"),
            extra=_extra(data, _TRACK_KEYS),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tt": int(self.type)}
        _put(out, "m", self.meta)
        out["sg"] = [segment.to_dict() for segment in self.segments]
        out.update(copy.deepcopy(self.extra))
        return out


def _check_overlaps(segments: tuple[Segment, ...], track_path: str) -> None:
    ordered = sorted(enumerate(segments), key=lambda pair: pair[1].start_ms)
    for (_, earlier), (index, later) in itertools.pairwise(ordered):
        if later.start_ms < earlier.end_ms:
            raise DraftError(
                f"{track_path}.sg[{index}].s",
                f"segment starts at {_seconds(later.start_ms)}s, overlapping the segment "
                f"that runs until {_seconds(earlier.end_ms)}s on the same track",
            )


@dataclass(frozen=True)
class Draft:
    """The whole timeline. Build one with :meth:`from_dict` or :meth:`empty`."""

    duration_ms: float = 0
    tracks: tuple[Track, ...] = ()
    meta: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # -- reading and writing ------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any) -> Draft:
        if not isinstance(data, Mapping):
            raise DraftError("", f"a draft must be a JSON object, got {type(data).__name__}")
        raw_tracks = data.get("t", [])
        if not isinstance(raw_tracks, list):
            raise DraftError("t", "expected a list of tracks")
        duration_ms = _non_negative(data.get("d", 0), "d")
        _at_most(duration_ms, MAX_DRAFT_MS, "d", "a draft's length (ms, 60 minutes)")
        meta = _meta(data.get("m"), "m")
        _frame(meta)
        _fit(meta, "m")
        return cls(
            duration_ms=duration_ms,
            tracks=tuple(Track.from_dict(item, f"t[{index}]") for index, item in enumerate(raw_tracks)),
            meta=meta,
            extra=_extra(data, _DRAFT_KEYS),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"d": self.duration_ms}
        _put(out, "m", self.meta)
        out["t"] = [track.to_dict() for track in self.tracks]
        out.update(copy.deepcopy(self.extra))
        return out

    @classmethod
    def empty(cls, duration_ms: float = 0, *, width: int = 1920, height: int = 1080, fps: float = 30) -> Draft:
        return cls(duration_ms=duration_ms, meta={"w": width, "h": height, "fps": fps})

    # -- looking at it --------------------------------------------------------------------
    @property
    def width(self) -> int | None:
        return (self.meta or {}).get("w")

    @property
    def height(self) -> int | None:
        return (self.meta or {}).get("h")

    @property
    def fps(self) -> float | None:
        return (self.meta or {}).get("fps")

    @property
    def fit(self) -> str:
        """How clips of another shape than the frame are framed: one of :data:`FITS`
        (:data:`DEFAULT_FIT` when the draft does not say). A segment's ``m.fit`` overrides it."""
        return (self.meta or {}).get("fit") or DEFAULT_FIT

    @property
    def focus(self) -> str:
        """What a ``fill`` crop keeps: ``center`` unless the draft says ``motion``."""
        return (self.meta or {}).get("focus") or "center"

    def fit_of(self, segment: Segment) -> tuple[str, str]:
        """``(fit, focus)`` of a clip: its segment's own fit (with its own focus), else the draft's."""
        meta = segment.meta or {}
        if meta.get("fit"):
            return meta["fit"], meta.get("focus") or "center"
        return self.fit, self.focus

    def find_track(self, role: str) -> int | None:
        """Index of the first track with this role (``bgm``) or name (case-insensitive)."""
        wanted = role.lower()
        for index, track in enumerate(self.tracks):
            if (track.role or "").lower() == wanted or track.name.lower() == wanted:
                return index
        return None

    def summary(self) -> str:
        """The one-line timeline of the seed, e.g. ``Timeline (1 track): 1. Video: a (0-10s)``."""
        count = len(self.tracks)
        if not count:
            return "Timeline (0 tracks): empty"
        parts = [f"{index}. {_track_summary(track)}" for index, track in enumerate(self.tracks, 1)]
        noun = "track" if count == 1 else "tracks"
        return f"Timeline ({', '.join([f'{count} {noun}', *self._frame_words()])}): " + " ".join(parts)

    def _frame_words(self) -> list[str]:
        """``['1080x1920 9:16', 'blurred background']``: the frame where the draft gives it, the fit where it says."""
        words = []
        if self.width and self.height:
            name = aspect_name(self.width, self.height)
            words.append(f"{self.width:g}x{self.height:g}" + (f" {name}" if name else ""))
        said = fit_words((self.meta or {}).get("fit"), (self.meta or {}).get("focus"))
        return words + ([said] if said else [])

    def to_frame(self) -> pandas.DataFrame:
        """One row per segment: track number, type, name, label, times, volume, source."""
        import pandas

        columns = ["track", "type", "name", "label", "start_s", "end_s", "volume_pct", "source_id", "segment_id"]
        rows = [
            {
                "track": number,
                "type": track.type.name.lower(),
                "name": track.name,
                "label": segment.label or "",
                "start_s": segment.start_ms / 1000,
                "end_s": segment.end_ms / 1000,
                "volume_pct": None if track.type is TrackType.TEXT else round(_volume(segment) * 100, 1),
                "source_id": segment.source_id,
                "segment_id": segment.id,
            }
            for number, track in enumerate(self.tracks, 1)
            for segment in track.segments
        ]
        return pandas.DataFrame(rows, columns=columns)

    def __repr__(self) -> str:
        return f"<Draft {self.summary()}>"

    # -- editing (each returns a new draft) -------------------------------------------------
    def with_track(self, index: int | None, track: Track) -> Draft:
        """Replace track ``index``, or append when ``index`` is None."""
        tracks = list(self.tracks)
        if index is None:
            tracks.append(track)
        else:
            tracks[index] = track
        Track.from_dict(track.to_dict(), f"t[{len(tracks) - 1 if index is None else index}]")
        return replace(self, tracks=tuple(tracks))

    def without_track(self, index: int) -> Draft:
        return replace(self, tracks=self.tracks[:index] + self.tracks[index + 1 :])

    def with_bgm(
        self,
        source_id: str,
        *,
        label: str | None = None,
        volume: float | None = None,
        start_ms: float = 0,
        duration_ms: float | None = None,
        offset_ms: float = 0,
        meta: Mapping[str, Any] | None = None,
    ) -> Draft:
        """Put ``source_id`` on the background-music track, replacing what was there.

        ``volume`` defaults to the current music's volume, or 35 % for the first music."""
        if duration_ms is None:
            duration_ms = max(self.duration_ms - start_ms, 0)
        index = self.find_track("bgm")
        if volume is None:
            current = [seg.volume for seg in self.tracks[index].segments] if index is not None else []
            volume = current[0] if current and current[0] is not None else DEFAULT_BGM_VOLUME
        segment_meta = {**({"label": label} if label else {}), **(meta or {})}
        segment = Segment.from_dict(
            {"id": self.new_segment_id(), "src": source_id, "s": start_ms, "d": duration_ms,
             "o": offset_ms, "v": volume, "m": segment_meta},
            "bgm",
        )
        base = self.tracks[index] if index is not None else Track(TrackType.AUDIO, meta={"name": "BGM", "role": "bgm"})
        return self.with_track(index, replace(base, segments=(segment,)))

    def without_bgm(self) -> Draft:
        index = self.find_track("bgm")
        return self if index is None else self.without_track(index)

    def with_title(self, text: str, *, start_ms: float = 0, duration_ms: float = DEFAULT_TITLE_MS) -> Draft:
        """Show ``text`` as the title, replacing any earlier title."""
        if not text.strip():
            raise DraftError("title", "the title text is empty")
        segment = Segment.from_dict(
            {"id": self.new_segment_id(), "s": start_ms, "d": duration_ms, "m": {"text": text}}, "title"
        )
        index = self.find_track("title")
        base = self.tracks[index] if index is not None else Track(TrackType.TEXT, meta={"name": "Title", "role": "title"})
        return self.with_track(index, replace(base, segments=(segment,)))

    def with_volume(self, volume: float, *, track: int | str = "bgm") -> Draft:
        """Set the volume (0..1) of every segment of a track, the music by default."""
        index = track if isinstance(track, int) else self.find_track(track)
        if index is None or not 0 <= index < len(self.tracks):
            raise DraftError("t", f"no track {track!r} in this draft")
        if not 0 <= volume <= 1:
            raise DraftError(f"t[{index}].v", f"volume must be between 0 and 1, got {volume}")
        old = self.tracks[index]
        segments = tuple(replace(segment, volume=volume) for segment in old.segments)
        return self.with_track(index, replace(old, segments=segments))

    def with_canvas(self, width: int, height: int) -> Draft:
        """Change the output frame size, e.g. 1080x1920 for 9:16."""
        meta = {**(self.meta or {}), "w": width, "h": height}
        _frame(meta)
        return replace(self, meta=meta)

    def with_fit(self, fit: str, *, segment_id: str | None = None, focus: str | None = None) -> Draft:
        """Frame clips of another shape ``fit`` (one of :data:`FITS`): the whole draft, or only
        the segment ``segment_id``. ``focus`` (:data:`FOCUSES`) is for ``fill``; other fits drop it."""
        changes = {"fit": fit, "focus": focus if fit == "fill" else None}
        if segment_id is None:
            meta = _with_keys(self.meta, changes)
            _fit(meta, "m")
            return replace(self, meta=meta)
        for t_index, track in enumerate(self.tracks):
            for s_index, segment in enumerate(track.segments):
                if segment.id == segment_id:
                    meta = _with_keys(segment.meta, changes)
                    _fit(meta, f"t[{t_index}].sg[{s_index}].m")
                    segments = track.segments[:s_index] + (replace(segment, meta=meta),) + track.segments[s_index + 1:]
                    return self.with_track(t_index, replace(track, segments=segments))
        raise DraftError("sg", f"no segment {segment_id!r} in this draft")

    def new_segment_id(self) -> str:
        """An ``sgN`` id no segment of this draft uses yet."""
        used = {segment.id for track in self.tracks for segment in track.segments}
        return next(f"sg{n}" for n in itertools.count(1) if f"sg{n}" not in used)


def _with_keys(meta: dict[str, Any] | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``meta`` with each change set, or removed where its value is None."""
    out = {**(meta or {}), **{key: value for key, value in changes.items() if value is not None}}
    return {key: value for key, value in out.items() if key not in changes or changes[key] is not None}


def _volume(segment: Segment) -> float:
    return 1.0 if segment.volume is None else segment.volume


def _segment_summary(track: Track, segment: Segment) -> str:
    label = segment.label or segment.source_id or "untitled"
    if track.type is TrackType.TEXT:
        label = f'"{label}"'
    times = f"{_seconds(segment.start_ms)}-{_seconds(segment.end_ms)}s"
    if track.type is TrackType.AUDIO or _volume(segment) != 1.0:
        times += f", {round(_volume(segment) * 100)}%"
    fit = fit_words((segment.meta or {}).get("fit"), (segment.meta or {}).get("focus"))
    if fit and track.type is TrackType.VIDEO:
        times += f", {fit}"
    return f"{label} ({times})"


def _track_summary(track: Track) -> str:
    if not track.segments:
        return f"{track.name}: (empty)"
    return f"{track.name}: " + ", ".join(_segment_summary(track, segment) for segment in track.segments)


def _frame_change(draft: Draft) -> str:
    """'the frame is now 1080x1920 (9:16, blurred background)'."""
    name = aspect_name(draft.width, draft.height)
    said = [word for word in (name, fit_words(draft.fit, draft.focus)) if word]
    size = f"{draft.width:g}x{draft.height:g}" if draft.width and draft.height else "the default size"
    return f"the frame is now {size}" + (f" ({', '.join(said)})" if said else "")


def describe_changes(old: Draft | None, new: Draft | None) -> str:
    """Say in plain words what changed between two drafts (for streams that end silently)."""
    if new is None:
        return "The timeline is empty."
    if old is None:
        return f"The timeline now reads: {new.summary()}"
    if old == new:
        return "Nothing changed in the timeline."
    changes: list[str] = []
    if (old.width, old.height, old.fit, old.focus) != (new.width, new.height, new.fit, new.focus):
        changes.append(_frame_change(new))
    if old.duration_ms != new.duration_ms:
        changes.append(f"the length is now {_seconds(new.duration_ms)}s")
    old_tracks = {track.name: _track_summary(track) for track in old.tracks}
    new_tracks = {track.name: _track_summary(track) for track in new.tracks}
    changes += [f"added {summary}" for name, summary in new_tracks.items() if name not in old_tracks]
    changes += [f"removed the {name} track" for name in old_tracks if name not in new_tracks]
    changes += [
        f"changed {summary}"
        for name, summary in new_tracks.items()
        if name in old_tracks and old_tracks[name] != summary
    ]
    if not changes:
        changes.append("details of the timeline changed")
    return "Updated the timeline: " + "; ".join(changes) + ". " + new.summary()
