"""The timeline as a picture: inline SVG, no JavaScript, drawn from numbers (no I/O).

Lanes for the video (a thumbnail and the name of each clip), the music (its sections, bars and
beats), other audio and text; the scene cuts marked on or off the beat with the distance; the
frame, the fit and the length above a time ruler. ``width`` is the width it is laid out for
(fewer ruler labels, shorter names in a narrow column); the SVG scales to its container
(``viewBox``, ``width: 100%``) up to that width. A playhead (``.mm-playhead``) is always there,
hidden until ``playhead_s`` is given; the root's ``data-x0`` and ``data-px-per-s`` let a
script move it without drawing again.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from ..protocol import Draft
from ._facts import Clip, Cut, Lane, Music, TimelineFacts, clock, read_timeline
from ._models import Media

__all__ = ["timeline_svg", "draw_timeline", "svg_text", "fit_text", "SECTION_COLOURS", "DEFAULT_WIDTH", "MIN_WIDTH"]

DEFAULT_WIDTH = 1000
MIN_WIDTH = 320
SECTION_COLOURS = {"intro": "#cfe2ff", "verse": "#c7ecd0", "build": "#ffe5b0", "chorus": "#ffc9c9",
                   "bridge": "#e4d4ff", "outro": "#dcdfe3"}
_CUT_COLOURS = {True: "#1a7f37", False: "#cf222e", None: "#57606a"}
_INK, _MUTED, _LANE_BG = "#1f2328", "#57606a", "#f6f8fa"
_PAD = 8
_LANE_GAP = 6
_TICK_STEPS = (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200)
_FONT = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


def timeline_svg(
    draft: Draft | None,
    media: Iterable[Media] = (),
    generated_media: Sequence[Mapping[str, Any]] = (),
    *,
    width: int = DEFAULT_WIDTH,
    playhead_s: float | None = None,
    thumbnails: Mapping[str, str] | None = None,
) -> str:
    """The draft as an SVG picture. ``thumbnails``: media id -> image URL (a ``data:`` URL)."""
    facts = read_timeline(draft, media, generated_media)
    return draw_timeline(facts, width=width, playhead_s=playhead_s, thumbnails=thumbnails or {},
                         aspects={m.id: m.width / m.height for m in media if m.width and m.height})


def svg_text(x: float, y: float, text: str, *, size: float, fill: str = _INK, anchor: str = "start",
             weight: str | None = None, cls: str | None = None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    css = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" text-anchor="{anchor}"{bold}{css}>'
            f"{html.escape(text)}</text>")


def _rect(x: float, y: float, w: float, h: float, fill: str, stroke: str | None = None, rx: float = 3,
          cls: str | None = None) -> str:
    line = f' stroke="{stroke}"' if stroke else ""
    css = f' class="{cls}"' if cls else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" rx="{rx:g}" '
            f'fill="{fill}"{line}{css}/>')


def _title(text: str) -> str:
    return f"<title>{html.escape(text)}</title>"


@dataclass
class _Page:
    """The drawing surface: where time maps to x, the font and what is drawn so far."""

    width: float
    duration_s: float
    gutter: float
    font: float
    parts: list[str] = field(default_factory=list)

    @property
    def left(self) -> float:
        return self.gutter

    @property
    def px_per_s(self) -> float:
        return (self.width - self.gutter - _PAD) / self.duration_s

    def x(self, time_s: float) -> float:
        return self.left + min(max(time_s, 0.0), self.duration_s) * self.px_per_s

    def fit(self, text: str, room_px: float, size: float | None = None) -> str:
        return fit_text(text, room_px, size or self.font)


def fit_text(text: str, room_px: float, size: float) -> str:
    """``text`` cut (with …) to what fits in ``room_px`` at font ``size``; empty when not even two letters fit."""
    fits = int(room_px / (0.58 * size))
    if len(text) <= fits:
        return text
    return text[: fits - 1].rstrip() + "…" if fits >= 3 else ""


def draw_timeline(facts: TimelineFacts, *, width: int = DEFAULT_WIDTH, playhead_s: float | None = None,
                  thumbnails: Mapping[str, str] | None = None, aspects: Mapping[str, float] | None = None) -> str:
    width = max(int(width), MIN_WIDTH)
    narrow = width < 600
    page = _Page(width, max(facts.duration_s, 0.001), 44 if narrow else 64, 11 if narrow else 12)
    if not facts.lanes:
        page.parts.append(svg_text(_PAD, 18, "No timeline yet: upload a clip to begin.", size=page.font, fill=_MUTED))
        return _svg(page, 28, facts)
    y = _header(page, facts)
    y = _ruler(page, y)
    lanes_top = y
    for lane in facts.lanes:
        y = _lane(page, lane, y, thumbnails or {}, aspects or {}) + _LANE_GAP
    if facts.cuts:
        y = _cuts(page, facts.cuts, lanes_top, y) + _LANE_GAP
    page.parts.append(_playhead(page, 22, y, playhead_s))
    return _svg(page, y, facts)


def _svg(page: _Page, height: float, facts: TimelineFacts) -> str:
    label = f"Timeline {facts.frame_text} {clock(facts.duration_s)}".strip()
    body = "".join(page.parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mm-timeline-svg" viewBox="0 0 {page.width:g} {height:.0f}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="{html.escape(label)}" '
        f'data-x0="{page.left:.1f}" data-px-per-s="{page.px_per_s:.4f}" data-duration-s="{page.duration_s:.3f}" '
        f'style="display:block;max-width:{page.width:g}px;height:auto;font-family:{_FONT}">'
        f"{_title(label)}{_rect(0, 0, page.width, height, '#ffffff', rx=4)}{body}</svg>"
    )


def _header(page: _Page, facts: TimelineFacts) -> float:
    length = f"{clock(facts.duration_s)} total"
    page.parts.append(svg_text(page.width - _PAD, 15, length, size=page.font, anchor="end", cls="mm-length"))
    room = page.width - 2 * _PAD - 0.58 * page.font * (len(length) + 2)
    frame = page.fit(facts.frame_text or "frame size not known", room)
    page.parts.append(svg_text(_PAD, 15, frame, size=page.font, weight="600", cls="mm-frame"))
    return 22


def _ruler(page: _Page, y: float) -> float:
    step = next((s for s in _TICK_STEPS if s * page.px_per_s >= 7 * page.font), _TICK_STEPS[-1])
    base = y + 16
    page.parts.append(f'<line x1="{page.left:.1f}" y1="{base}" x2="{page.x(page.duration_s):.1f}" y2="{base}" '
                      f'stroke="{_MUTED}" stroke-width="1"/>')
    for n in range(int(page.duration_s / step + 1e-9) + 1):
        time_s = n * step
        x = page.x(time_s)
        page.parts.append(f'<line x1="{x:.1f}" y1="{base - 4}" x2="{x:.1f}" y2="{base}" stroke="{_MUTED}"/>')
        anchor = "start" if n == 0 else "end" if x > page.width - _PAD - 2 * page.font else "middle"
        label = clock(time_s) if step < 1 else f"{int(time_s // 60)}:{int(time_s % 60):02d}"
        page.parts.append(svg_text(x, base - 6, label, size=page.font - 2, fill=_MUTED, anchor=anchor,
                                   cls="mm-tick"))
    return base + 6


def _lane_label(page: _Page, lane: Lane, y: float, height: float) -> None:
    page.parts.append(_rect(page.left - 2, y, page.width - page.left - _PAD + 4, height, _LANE_BG, rx=4))
    name = page.fit(lane.name, page.gutter - _PAD - 2, page.font - 1)
    page.parts.append(svg_text(_PAD, y + height / 2 + 4, name, size=page.font - 1, fill=_MUTED, weight="600",
                               cls="mm-lane-name"))


def _lane(page: _Page, lane: Lane, y: float, thumbnails: Mapping[str, str], aspects: Mapping[str, float]) -> float:
    if lane.kind == "video":
        return _video_lane(page, lane, y, thumbnails, aspects)
    if lane.kind == "music" and lane.music is not None:
        return _music_lane(page, lane.music, lane, y)
    fill, stroke = ("#fff4c2", "#bf8700") if lane.kind == "text" else ("#e6f4ea", "#4ac26b")
    height = 28
    _lane_label(page, lane, y, height)
    for clip in lane.clips:
        shown = f"“{clip.name}”" if lane.kind == "text" else clip.name
        _block(page, clip, y + 3, height - 6, fill, stroke, shown, f"mm-{lane.kind}-clip")
    return y + height


def _block(page: _Page, clip: Clip, y: float, height: float, fill: str, stroke: str, text: str, cls: str) -> None:
    x0, x1 = page.x(clip.start_s), page.x(clip.end_s)
    label = page.fit(text, x1 - x0 - 8)
    page.parts.append(
        f'<g class="{cls}">{_title(f"{text} · {clock(clip.start_s)}–{clock(clip.end_s)}")}'
        f"{_rect(x0, y, x1 - x0, height, fill, stroke)}"
        f"{svg_text(x0 + 4, y + height / 2 + 4, label, size=page.font) if label else ''}</g>"
    )


def _video_lane(page: _Page, lane: Lane, y: float, thumbnails: Mapping[str, str],
                aspects: Mapping[str, float]) -> float:
    height, picture_h = 60, 38
    _lane_label(page, lane, y, height)
    for clip in lane.clips:
        x0, x1 = page.x(clip.start_s), page.x(clip.end_s)
        name = clip.name + (f" · {clip.fit}" if clip.fit else "")
        parts = [_title(f"{name} · {clock(clip.start_s)}–{clock(clip.end_s)}"),
                 _rect(x0, y + 2, x1 - x0, height - 4, "#ddeaff", "#54aeff")]
        image = thumbnails.get(clip.media_id or "")
        picture_w = min(picture_h * aspects.get(clip.media_id or "", 16 / 9), x1 - x0 - 4)
        if image and picture_w > 8:
            parts.append(f'<image class="mm-thumb" href="{html.escape(image, quote=True)}" x="{x0 + 2:.1f}" '
                         f'y="{y + 4}" width="{picture_w:.1f}" height="{picture_h}" '
                         'preserveAspectRatio="xMidYMid slice"/>')
        label = page.fit(name, x1 - x0 - 8)
        if label:
            parts.append(svg_text(x0 + 4, y + height - 8, label, size=page.font, cls="mm-clip-name"))
        page.parts.append(f'<g class="mm-video-clip">{"".join(parts)}</g>')
    return y + height


def _music_lane(page: _Page, music: Music, lane: Lane, y: float) -> float:
    planned = bool(music.sections or music.tempo_bpm)
    height = 72 if planned else 30
    _lane_label(page, lane, y, height)
    clip = music.clip
    x0, x1 = page.x(clip.start_s), page.x(clip.end_s)
    headline = " · ".join(bit for bit in (clip.name, music.details) if bit)
    parts = [_title(f"{headline} · {clock(clip.start_s)}–{clock(clip.end_s)}"),
             _rect(x0, y + 2, x1 - x0, height - 4, "#efe6ff", "#8250df")]
    label = page.fit(headline, x1 - x0 - 8)
    parts.append(svg_text(x0 + 4, y + (16 if planned else height / 2 + 4), label, size=page.font,
                          weight="600", cls="mm-music-name"))
    page.parts.append(f'<g class="mm-music">{"".join(parts)}</g>')
    if planned:
        _sections(page, music, y + 21, 30)
        _beats(page, music, y + 54, 14)
    return y + height


def _sections(page: _Page, music: Music, y: float, height: float) -> None:
    for section in music.sections:
        x0, x1 = page.x(section.start_s), page.x(section.end_s)
        colour = SECTION_COLOURS.get(section.name.lower(), "#e8e8e8")
        bars = f" · {section.bars} bars" if section.bars else ""
        room = x1 - x0 - 6
        whole = section.name + bars
        label = whole if page.fit(whole, room) == whole else page.fit(section.name, room)
        text = svg_text((x0 + x1) / 2, y + height / 2 + 4, label, size=page.font, anchor="middle",
                        cls="mm-section-name") if label else ""
        page.parts.append(f'<g class="mm-section" data-name="{html.escape(section.name, quote=True)}">'
                          f"{_title(f'{section.name}{bars} · {clock(section.start_s)}–{clock(section.end_s)}')}"
                          f"{_rect(x0 + 1, y, x1 - x0 - 2, height, colour, rx=2)}{text}</g>")


def _beats(page: _Page, music: Music, y: float, height: float) -> None:
    """Bar lines (tall) and beats (short), each only where they are far enough apart to read."""
    beat_s = music.beat_s or 0
    show_beats = beat_s * page.px_per_s >= 4
    show_bars = beat_s * music.beats_per_bar * page.px_per_s >= 4
    ticks = []
    for time_s, downbeat in music.beats():
        if (downbeat and show_bars) or show_beats:
            x, top = page.x(time_s), y if downbeat else y + height / 2
            ticks.append(f"M{x:.1f} {top:.1f}V{y + height:.1f}")
    if ticks:
        page.parts.append(f'<path class="mm-beats" d="{" ".join(ticks)}" stroke="#6639ba" stroke-width="1"/>')


def _cuts(page: _Page, cuts: Sequence[Cut], top: float, y: float) -> float:
    height = 36
    _lane_label(page, Lane("cuts", "Cuts"), y, height)
    ends = [-math.inf, -math.inf]  # where the label in each of the two rows ends
    for cut in cuts:
        x, colour, said = page.x(cut.time_s), _CUT_COLOURS[cut.on_beat], cut.describe()
        parts = [_title(f"scene cut at {clock(cut.time_s)}: {said}"),
                 f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y + 4}" stroke="{colour}" stroke-width="1.5" '
                 'stroke-dasharray="4 3"/>',
                 f'<path d="M{x - 4:.1f} {y + 2}h8l-4 6z" fill="{colour}"/>']
        text_w = 0.58 * (page.font - 1) * len(said)
        start = min(max(x - text_w / 2, page.left), page.width - _PAD - text_w)
        row = next((r for r in (0, 1) if start > ends[r] + 6), None)
        if row is not None:
            ends[row] = start + text_w
            parts.append(svg_text(start, y + 19 + 13 * row, said, size=page.font - 1, fill=colour,
                                  cls="mm-cut-label"))
        state = {True: "on", False: "off", None: "unknown"}[cut.on_beat]
        page.parts.append(f'<g class="mm-cut" data-time-s="{cut.time_s:.3f}" data-beat="{state}">{"".join(parts)}</g>')
    return y + height


def _playhead(page: _Page, top: float, bottom: float, playhead_s: float | None) -> str:
    """A line at the start of time, moved (``translate``) to the playhead: a script moves it the same way."""
    x = page.left
    place = ('display="none" transform="translate(0,0)"' if playhead_s is None
             else f'transform="translate({page.x(playhead_s) - page.left:.1f},0)"')
    return (f'<g class="mm-playhead" {place}>'
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom:.0f}" stroke="#d1242f" stroke-width="2"/>'
            f'<path d="M{x - 5:.1f} {top}h10l-5 7z" fill="#d1242f"/></g>')
