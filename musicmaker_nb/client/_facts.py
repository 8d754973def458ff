"""What a timeline holds, read for people: lanes of named clips (never ids), the music with its
sections and beat grid, the scene cuts with their distance to the nearest beat, the frame.

Pure: it reads a draft, the media the client knows and the backend's generated media (whose
``plan`` the embedded engine fills in; a hosted backend may leave it out, and then the music is
one block with its name).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ..protocol import Draft, Segment, Track, TrackType
from ._models import Media

__all__ = [
    "ON_BEAT_MS",
    "Clip",
    "Section",
    "Music",
    "Cut",
    "Lane",
    "TimelineFacts",
    "read_timeline",
    "aspect_name",
    "fit_name",
    "clock",
]

# A cut this close to a beat reads as on it: one frame at 25 fps.
ON_BEAT_MS = 40.0
# A scene cut of the video this close to one of the plan's is the same cut (keyframe vs refined).
_SAME_CUT_S = 0.25
_RATIOS = {(16, 9): "16:9", (9, 16): "9:16", (1, 1): "1:1", (4, 5): "4:5", (5, 4): "5:4", (4, 3): "4:3",
           (3, 4): "3:4", (21, 9): "21:9", (2, 3): "2:3", (3, 2): "3:2"}
_FITS = {"fill": "fill (crop)", "crop": "fill (crop)", "cover": "fill (crop)", "blur": "blurred background",
         "blurred": "blurred background", "letterbox": "letterbox", "contain": "letterbox", "fit": "letterbox"}


def clock(seconds: float) -> str:
    """``0:07.5``: minutes, seconds and a tenth."""
    minutes, rest = divmod(max(seconds, 0.0), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def aspect_name(width: int | None, height: int | None) -> str | None:
    """``16:9``, ``9:16``, ``1:1``; ``≈16:9`` within 1 % of a usual shape; else the reduced ratio."""
    if not width or not height:
        return None
    divisor = math.gcd(int(width), int(height))
    exact = (int(width) // divisor, int(height) // divisor)
    if exact in _RATIOS:
        return _RATIOS[exact]
    near = min(_RATIOS, key=lambda ratio: abs(ratio[0] / ratio[1] - width / height))
    if abs(near[0] / near[1] / (width / height) - 1) < 0.01:
        return "≈" + _RATIOS[near]
    return f"{exact[0]}:{exact[1]}"


def fit_name(value: Any) -> str | None:
    """How a clip of another shape fills the frame, in words: the ``fit`` of a draft or a clip,
    a word (``fill``, ``blur``, ``letterbox``) or an object with a ``mode`` (and a ``focus``)."""
    if isinstance(value, Mapping):
        mode, focus = value.get("mode") or value.get("fit"), value.get("focus") or value.get("follow")
    else:
        mode, focus = value, None
    if not mode:
        return None
    name = _FITS.get(str(mode).lower(), str(mode))
    if focus and name.startswith("fill") and str(focus).lower() not in ("center", "centre"):
        name = f"fill (crop, follows {focus})"
    return name


@dataclass(frozen=True)
class Clip:
    """A span on a lane, with the name a person gave it."""

    start_s: float
    end_s: float
    name: str
    media_id: str | None = None
    offset_s: float = 0.0  # where in its medium the span begins
    fit: str | None = None


@dataclass(frozen=True)
class Section:
    name: str
    start_s: float  # on the timeline
    end_s: float
    bars: int | None = None


@dataclass(frozen=True)
class Music:
    """The background music on the timeline; ``tempo_bpm`` and ``sections`` only with a plan."""

    clip: Clip
    details: str = ""  # "117 BPM · D major · 4/4"
    sections: tuple[Section, ...] = ()
    tempo_bpm: float | None = None
    beats_per_bar: int = 4
    downbeat_s: float | None = None  # the first downbeat, on the timeline

    @property
    def beat_s(self) -> float | None:
        return 60.0 / self.tempo_bpm if self.tempo_bpm else None

    def beats(self) -> list[tuple[float, bool]]:
        """``(time_s, is_downbeat)`` of every beat inside the music's span."""
        if self.beat_s is None or self.downbeat_s is None:
            return []
        first = math.ceil((self.clip.start_s - self.downbeat_s) / self.beat_s - 1e-9)
        beats, number = [], max(first, 0)
        while (time_s := self.downbeat_s + number * self.beat_s) < self.clip.end_s - 1e-9:
            beats.append((time_s, number % self.beats_per_bar == 0))
            number += 1
        return beats

    def offset_ms(self, time_s: float) -> float | None:
        """Signed distance of a moment to its nearest beat (positive: after the beat)."""
        if self.beat_s is None or self.downbeat_s is None:
            return None
        beats = (time_s - self.downbeat_s) / self.beat_s
        return (beats - round(beats)) * self.beat_s * 1000


@dataclass(frozen=True)
class Cut:
    """A scene cut; ``offset_ms`` to the nearest beat of the music, when the beat grid is known."""

    time_s: float
    offset_ms: float | None = None
    strength: float | None = None

    @property
    def on_beat(self) -> bool | None:
        return None if self.offset_ms is None else abs(self.offset_ms) <= ON_BEAT_MS

    def describe(self) -> str:
        """``on beat · +25 ms``, ``off beat · −180 ms``, or ``scene cut`` without a beat grid."""
        if self.offset_ms is None:
            return "scene cut"
        ms = round(self.offset_ms)
        distance = f"{'+' if ms > 0 else '−' if ms < 0 else ''}{abs(ms)} ms"
        return f"{'on' if self.on_beat else 'off'} beat · {distance}"


@dataclass(frozen=True)
class Lane:
    kind: str  # video, music, audio, text
    name: str
    clips: tuple[Clip, ...] = ()
    music: Music | None = None


@dataclass(frozen=True)
class TimelineFacts:
    duration_s: float
    width: int | None
    height: int | None
    fit: str | None
    lanes: tuple[Lane, ...]
    cuts: tuple[Cut, ...]

    @property
    def music(self) -> Music | None:
        return next((lane.music for lane in self.lanes if lane.music is not None), None)

    @property
    def frame_text(self) -> str:
        """``1080x1920 · 9:16 · fill (crop)``."""
        bits = [f"{self.width}x{self.height}", aspect_name(self.width, self.height)] if self.width else []
        return " · ".join(str(bit) for bit in [*bits, self.fit] if bit)


def read_timeline(draft: Draft | None, media: Iterable[Media] = (),
                  generated_media: Sequence[Mapping[str, Any]] = ()) -> TimelineFacts:
    draft = draft or Draft()
    known = {item.id: item for item in media}
    generated = {str(item.get("id")): item for item in generated_media if isinstance(item, Mapping)}
    lanes = tuple(_lane(track, known, generated) for track in draft.tracks)
    end_s = max((clip.end_s for lane in lanes for clip in lane.clips), default=0.0)
    music = next((lane.music for lane in lanes if lane.music is not None), None)
    plan = _plan_of(music, generated)
    cuts = _cuts(music, plan, _video_cuts(draft, known))
    return TimelineFacts(max(draft.duration_ms / 1000, end_s), draft.width, draft.height,
                         fit_name((draft.meta or {}).get("fit")), lanes, cuts)


def _lane(track: Track, known: Mapping[str, Media], generated: Mapping[str, Mapping[str, Any]]) -> Lane:
    if track.type is TrackType.VIDEO:
        clips = tuple(_clip(segment, _media_name(segment, known, f"clip {n}")) for n, segment in
                      enumerate(track.segments, 1))
        return Lane("video", track.name, clips)
    if track.type is TrackType.TEXT:
        return Lane("text", track.name, tuple(_clip(segment, segment.label or "text") for segment in track.segments))
    if track.role == "bgm" and track.segments:
        segment = track.segments[0]
        music = _music(segment, generated.get(segment.source_id or ""))
        return Lane("music", "Music", (music.clip,), music)
    return Lane("audio", track.name, tuple(_clip(segment, _media_name(segment, known, track.name))
                                           for segment in track.segments))


def _clip(segment: Segment, name: str) -> Clip:
    return Clip(segment.start_ms / 1000, segment.end_ms / 1000, name, segment.source_id,
                (segment.offset_ms or 0) / 1000, fit_name((segment.meta or {}).get("fit")))


def _media_name(segment: Segment, known: Mapping[str, Media], fallback: str) -> str:
    medium = known.get(segment.source_id or "")
    return segment.label or (medium.name if medium and medium.name else fallback)


def _music(segment: Segment, item: Mapping[str, Any] | None) -> Music:
    item = item or {}
    meta = segment.meta or {}
    plan, summary = _mapping(item.get("plan")), _mapping(meta.get("plan"))  # the whole plan; the segment's summary
    name = segment.label or item.get("description") or item.get("prompt") or meta.get("prompt")
    clip = _clip(segment, str(name or "music"))
    tempo = _number(plan.get("tempo_bpm"))
    details = _details(clip.name, tempo or _number(summary.get("tempo_bpm")) or _number(item.get("tempo_bpm")),
                       plan.get("key_name") or summary.get("key") or item.get("key"), plan.get("meter"))
    if tempo is None:
        return Music(clip, details)
    to_timeline = clip.start_s - clip.offset_s
    sections = tuple(
        Section(str(s.get("name", "")), max(to_timeline + float(s["start_s"]), clip.start_s),
                min(to_timeline + float(s["end_s"]), clip.end_s), s.get("bars"))
        for s in plan.get("sections") or () if isinstance(s, Mapping) and "start_s" in s and "end_s" in s
    )
    sections = tuple(s for s in sections if s.end_s > s.start_s)
    per_bar = int(str(plan.get("meter") or "4/4").split("/")[0] or 4)
    return Music(clip, details, sections, tempo, per_bar, to_timeline + float(plan.get("offset_s") or 0))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _details(name: str, tempo: float | None, key: Any, meter: Any) -> str:
    """``120 BPM · A minor · 4/4``, less what the music's name already says (the engine's names
    read "Happy pop, 120 BPM, Bb major")."""
    bits = (f"{tempo:.4g} BPM" if tempo else "", str(key or ""), str(meter or ""))
    return " · ".join(bit for bit in bits if bit and bit.lower() not in name.lower())


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _plan_of(music: Music | None, generated: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any]:
    if music is None:
        return {}
    return _mapping(generated.get(music.clip.media_id or "", {}).get("plan"))


def _plan_cuts(music: Music, plan: Mapping[str, Any]) -> list[Cut]:
    """The cuts the music was fitted to, from its start; the plan's own distances when it gives one per cut."""
    pairs = [(c, None) if isinstance(c, (int, float)) else (c[0], c[1] if len(c) > 1 else None)
             for c in plan.get("cuts") or ()]
    offsets = list(plan.get("cut_offsets_ms") or ())
    to_timeline = music.clip.start_s - music.clip.offset_s
    cuts = []
    for index, (time_s, strength) in enumerate(pairs):
        at = to_timeline + float(time_s)
        if music.clip.start_s <= at <= music.clip.end_s:
            offset = offsets[index] if len(offsets) == len(pairs) else music.offset_ms(at)
            cuts.append(Cut(at, offset, strength))
    return cuts


def _video_cuts(draft: Draft, known: Mapping[str, Media]) -> list[float]:
    """The scene cuts the backend found in each clip, placed where the clip sits on the timeline."""
    times = []
    for track in draft.tracks:
        if track.type is not TrackType.VIDEO:
            continue
        for segment in track.segments:
            medium = known.get(segment.source_id or "")
            for cut_ms in (medium.scene_cuts_ms if medium else ()):
                at_ms = segment.start_ms + cut_ms - (segment.offset_ms or 0)
                if segment.start_ms < at_ms < segment.end_ms:
                    times.append(at_ms / 1000)
    return times


def _cuts(music: Music | None, plan: Mapping[str, Any], video_cuts: list[float]) -> tuple[Cut, ...]:
    planned = _plan_cuts(music, plan) if music is not None else []
    found = [Cut(t, music.offset_ms(t) if music and music.clip.start_s <= t <= music.clip.end_s else None)
             for t in video_cuts]
    # The video's own cuts are where the picture changes; the plan's stand in where the video gave none.
    kept = found + [c for c in planned if all(abs(c.time_s - f.time_s) > _SAME_CUT_S for f in found)]
    return tuple(sorted(kept, key=lambda cut: cut.time_s))
