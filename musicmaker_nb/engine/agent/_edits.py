"""The agent's edits of the draft: pure functions, each returning a new :class:`Draft`.

Conventions the renderer honours: clips on the video track (tt 0), audio uploads on their own
audio track, music on the audio track whose ``m.role`` is ``bgm``; fades (``m.fade_in`` /
``m.fade_out``, ms) and ducking (``m.duck``) on each music segment; text on tt 7 tracks; the
framing of clips of another shape (``m.fit``, ``m.focus``) on the draft or on a clip's segments.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping

from ...protocol import DEFAULT_BGM_VOLUME, Draft, DraftError, Segment, Track, TrackType

__all__ = [
    "IMAGE_MS",
    "add_clip",
    "clip_spans",
    "set_fit",
    "put_music",
    "music_segments",
    "set_music_volume",
    "set_clip_volume",
    "fade_music",
    "place_music",
    "duck_music",
    "add_text",
    "remove_title",
]

IMAGE_MS = 5000.0  # how long a still image stays on screen


def _segment(draft: Draft, **fields: Any) -> Segment:
    return Segment.from_dict({"id": draft.new_segment_id(), **fields})


def _track_index(draft: Draft, track_type: TrackType, role: str) -> int | None:
    for index, track in enumerate(draft.tracks):
        if track.type is track_type and (track.role == role or track.name.lower() == role):
            return index
    return None


def _end_ms(draft: Draft) -> float:
    return max((seg.end_ms for track in draft.tracks for seg in track.segments
                if track.type is not TrackType.TEXT), default=0.0)


def add_clip(draft: Draft | None, media: Mapping[str, Any]) -> Draft:
    """Put an uploaded medium on the timeline: pictures one after another, audio on its own track."""
    kind = media["kind"]
    portrait = kind != "audio" and (media.get("height") or 0) > (media.get("width") or 0)
    if draft is None:
        fps = round(media.get("fps") or 30) if kind == "video" else 30
        draft = Draft.empty(0, width=1080 if portrait else 1920, height=1920 if portrait else 1080, fps=fps)
    label = {"label": media["name"]}
    if kind == "audio":
        segment = _segment(draft, src=media["id"], s=0, d=media["duration_ms"] or 0, o=0, v=1.0, m=label)
        draft = draft.with_track(None, Track(TrackType.AUDIO, (segment,), meta={"name": media["name"], "role": "audio"}))
    else:
        index = _track_index(draft, TrackType.VIDEO, "video")
        track = draft.tracks[index] if index is not None else Track(TrackType.VIDEO, meta={"name": "Video", "role": "video"})
        start = max((seg.end_ms for seg in track.segments), default=0.0)
        duration = media["duration_ms"] if kind == "video" else IMAGE_MS
        segment = _segment(draft, src=media["id"], s=start, d=duration, o=0, v=1.0, m=label)
        track = replace(track, segments=track.segments + (segment,))
        draft = draft.with_track(index, track) if index is not None else _insert_first(draft, track)
    return replace(draft, duration_ms=_end_ms(draft))


def _insert_first(draft: Draft, track: Track) -> Draft:
    return replace(draft.with_track(None, track), tracks=(track,) + draft.tracks)


def clip_spans(draft: Draft) -> dict[str, tuple[float, float]]:
    """``media id -> (start_ms, end_ms)`` of each clip on the video and audio-upload tracks."""
    spans: dict[str, tuple[float, float]] = {}
    for track in draft.tracks:
        if track.type is TrackType.TEXT or track.role == "bgm":
            continue
        for seg in track.segments:
            if seg.source_id and seg.source_id not in spans:
                spans[seg.source_id] = (seg.start_ms, seg.end_ms)
    return spans


def set_fit(draft: Draft, fit: str, *, focus: str | None = None, media_id: str | None = None) -> Draft:
    """Frame clips of another shape ``fit``: the clip ``media_id`` (each of its segments on the video
    track), or the whole draft, which then drops every clip's own fit."""
    index = draft.find_track("video")
    segments = draft.tracks[index].segments if index is not None else ()
    if media_id is None:
        for segment in segments:
            if (segment.meta or {}).get("fit") or (segment.meta or {}).get("focus"):
                meta = {k: v for k, v in (segment.meta or {}).items() if k not in ("fit", "focus")}
                draft = draft.with_track(index, _replace_segment(draft.tracks[index], segment, meta))
        return draft.with_fit(fit, focus=focus)
    ids = [segment.id for segment in segments if segment.source_id == media_id and segment.id]
    if not ids:
        raise DraftError("t", "that clip is not on the video track, so it has no frame to fill")
    for segment_id in ids:
        draft = draft.with_fit(fit, segment_id=segment_id, focus=focus)
    return draft


def _replace_segment(track: Track, segment: Segment, meta: dict[str, Any]) -> Track:
    return replace(track, segments=tuple(replace(s, meta=meta or None) if s is segment else s for s in track.segments))


def music_segments(draft: Draft | None) -> tuple[Segment, ...]:
    if draft is None:
        return ()
    index = draft.find_track("bgm")
    return () if index is None else draft.tracks[index].segments


def put_music(draft: Draft, source_id: str, *, start_ms: float, duration_ms: float, label: str,
              meta: Mapping[str, Any], volume: float | None = None) -> Draft:
    """Put music on the BGM track over ``[start, start + duration)``, replacing what it overlaps.

    Volume, fades and ducking of the music it replaces carry over, so a new track keeps the mix.
    """
    index = draft.find_track("bgm")
    base = draft.tracks[index] if index is not None else Track(TrackType.AUDIO, meta={"name": "BGM", "role": "bgm"})
    end = start_ms + duration_ms
    replaced = [seg for seg in base.segments if seg.start_ms < end and seg.end_ms > start_ms]
    kept = tuple(seg for seg in base.segments if seg not in replaced)
    previous = replaced[0] if replaced else None
    carried = {k: v for k, v in ((previous.meta or {}) if previous else {}).items() if k in ("fade_in", "fade_out", "duck")}
    if volume is None:
        volume = previous.volume if previous is not None and previous.volume is not None else DEFAULT_BGM_VOLUME
    segment = _segment(draft, src=source_id, s=start_ms, d=duration_ms, o=0, v=volume,
                       m={"label": label, **carried, **meta})
    track = replace(base, segments=tuple(sorted(kept + (segment,), key=lambda seg: seg.start_ms)))
    return draft.with_track(index, track)


def _edit_music(draft: Draft, edit) -> Draft:
    index = draft.find_track("bgm")
    if index is None or not draft.tracks[index].segments:
        raise DraftError("bgm", "there is no background music to change")
    track = draft.tracks[index]
    return draft.with_track(index, replace(track, segments=tuple(edit(seg) for seg in track.segments)))


def _scaled(current: float | None, volume: float | None, factor: float | None, default: float) -> float:
    if volume is not None:
        return max(0.0, min(1.0, volume))
    base = default if current is None else current
    return round(max(0.0, min(1.0, base * (factor or 1.0))), 3)


def set_music_volume(draft: Draft, *, volume: float | None = None, factor: float | None = None) -> Draft:
    return _edit_music(draft, lambda seg: replace(seg, volume=_scaled(seg.volume, volume, factor, DEFAULT_BGM_VOLUME)))


def set_clip_volume(draft: Draft, media_id: str | None, *, volume: float | None = None,
                    factor: float | None = None) -> Draft:
    """Volume of the clips' own sound: one clip (``media_id``) or all of them (None)."""
    tracks = list(draft.tracks)
    for index, track in enumerate(tracks):
        if track.role == "bgm" or track.type is TrackType.TEXT:
            continue
        tracks[index] = replace(track, segments=tuple(
            replace(seg, volume=_scaled(seg.volume, volume, factor, 1.0))
            if media_id is None or seg.source_id == media_id else seg
            for seg in track.segments))
    return replace(draft, tracks=tuple(tracks))


def _with_meta(segment: Segment, **changes: Any) -> Segment:
    return replace(segment, meta={**(segment.meta or {}), **changes})


def fade_music(draft: Draft, *, fade_in_ms: float | None = None, fade_out_ms: float | None = None) -> Draft:
    changes = {k: v for k, v in (("fade_in", fade_in_ms), ("fade_out", fade_out_ms)) if v is not None}
    return _edit_music(draft, lambda seg: _with_meta(
        seg, **{k: min(v, seg.duration_ms / 2) for k, v in changes.items()}))


def duck_music(draft: Draft, enabled: bool) -> Draft:
    return _edit_music(draft, lambda seg: _with_meta(seg, duck=enabled))


def place_music(draft: Draft, start_ms: float | None, end_ms: float | None) -> Draft:
    """Move and trim the music to ``[start, end)`` of the timeline (None: keep / the end of the video)."""
    segments = music_segments(draft)
    if len(segments) != 1:
        raise DraftError("bgm", "there is no single music track to place" if segments else
                         "there is no background music to place")
    segment = segments[0]
    start = segment.start_ms if start_ms is None else start_ms
    end = draft.duration_ms if end_ms is None else min(end_ms, draft.duration_ms)
    if start >= end:
        raise DraftError("bgm", f"the music would end ({end / 1000:g}s) before it starts ({start / 1000:g}s)")
    return _edit_music(draft, lambda seg: replace(seg, start_ms=start, duration_ms=end - start))


def add_text(draft: Draft, text: str, *, start_ms: float, duration_ms: float) -> Draft:
    """A text overlay; it goes on the first text track where it overlaps nothing (or a new one)."""
    if not text.strip():
        raise DraftError("text", "the text is empty")
    segment = _segment(draft, s=start_ms, d=duration_ms, m={"text": text})
    for index, track in enumerate(draft.tracks):
        if track.type is TrackType.TEXT and track.role != "title" and not any(
                seg.start_ms < segment.end_ms and seg.end_ms > start_ms for seg in track.segments):
            return draft.with_track(index, replace(track, segments=track.segments + (segment,)))
    return draft.with_track(None, Track(TrackType.TEXT, (segment,), meta={"name": "Text", "role": "text"}))


def remove_title(draft: Draft) -> Draft:
    index = draft.find_track("title")
    if index is None:
        raise DraftError("title", "there is no title to remove")
    return draft.without_track(index)
