"""The timeline view: the picture of the draft with a playhead, the picture of the music under it
when there is music, and the table (collapsed) below; it follows the session wherever it changes.

The picture is a small anywidget (``TimelineCanvas``): the SVG is a synced string drawn by the
kernel; the browser only places it, moves the playhead and reports its width, so the kernel can
lay the picture out for a narrow column. Thumbnails and the music's curves are made off the
kernel's main thread, on the session's loop, once each.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from pathlib import Path
from typing import Any, Coroutine

import anywidget
import ipywidgets as w
import traitlets

from ..client._facts import Music
from ..client._picture import DEFAULT_WIDTH, MIN_WIDTH
from ..client._sync import Session
from ..client._timeline import Timeline
from ..protocol import Draft
from ._format import timeline_html
from ._music_picture import Envelope, Loudness, fetch_music_curves, music_picture_svg
from ._thumbnails import Thumbnails, local_sources, thumbnail_time

__all__ = ["TimelineView", "TimelineCanvas"]

_log = logging.getLogger("musicmaker_nb")
_MAX_WIDTH = 1600

_ESM = """
function place(model, box) {
  const svg = box.querySelector("svg"), head = box.querySelector(".mm-playhead");
  if (!svg || !head) return;
  const time = model.get("playhead_s"), perSecond = Number(svg.dataset.pxPerS);
  if (time === null || time === undefined || !(perSecond > 0)) { head.setAttribute("display", "none"); return; }
  const end = Number(svg.dataset.durationS) || 0;
  head.removeAttribute("display");
  head.setAttribute("transform", `translate(${Math.min(Math.max(time, 0), end) * perSecond},0)`);
}
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "mm-timeline-canvas";
  el.appendChild(box);
  const draw = () => { box.innerHTML = model.get("svg"); place(model, box); };
  const move = () => place(model, box);
  draw();
  model.on("change:svg", draw);
  model.on("change:playhead_s", move);
  const watcher = new ResizeObserver((entries) => {
    const width = Math.round(entries[0].contentRect.width / 20) * 20;
    if (width > 0 && Math.abs(width - model.get("width_px")) >= 20) { model.set("width_px", width); model.save_changes(); }
  });
  watcher.observe(el);
  return () => { watcher.disconnect(); model.off("change:svg", draw); model.off("change:playhead_s", move); };
}
export default { render };
"""

_CSS = """
.mm-timeline-canvas { width: 100%; max-width: 100%; overflow: hidden; }
.mm-timeline-canvas svg { display: block; width: 100%; height: auto; }
"""


class TimelineCanvas(anywidget.AnyWidget):
    """The SVG and a playhead the browser moves without drawing again."""

    _esm = _ESM
    _css = _CSS
    svg = traitlets.Unicode("").tag(sync=True)
    playhead_s = traitlets.Float(None, allow_none=True).tag(sync=True)
    width_px = traitlets.Int(0).tag(sync=True)  # the width the browser gives it, in steps of 20 px

    def __repr__(self) -> str:
        return f"<TimelineCanvas {len(self.svg)} chars, playhead {self.playhead_s}>"


class TimelineView(w.VBox):
    """The session's timeline as a picture (with a playhead), the music's waveform and loudness
    when there is music, and the table below (collapsed). It redraws whenever the session's
    draft or music change, whoever changed them."""

    def __init__(self, session: Session, *, width: int = DEFAULT_WIDTH, thumbnails: bool = True,
                 music_picture: bool = True) -> None:
        self.session = session
        self.width = width
        self.canvas = TimelineCanvas()
        self.music = w.HTML(layout=w.Layout(display="none", width="100%", margin="0"))  # no margin past 100 %
        self.table = w.HTML(timeline_html(session.draft))
        self.details = w.Accordion([self.table], titles=("Table (one row per segment)",), selected_index=None)
        self._thumbnails = Thumbnails() if thumbnails else None
        self._music_picture = music_picture
        self._images: dict[str, str] = {}
        self._curves: dict[str, tuple[Envelope, Loudness] | None] = {}
        self._jobs: set[concurrent.futures.Future[Any]] = set()
        self._draft: Draft | None = None
        super().__init__([w.HTML("<b>Timeline</b>"), self.canvas, self.music, self.details],
                         layout=w.Layout(width="100%"))
        self.add_class("mm-timeline-view")
        self.canvas.observe(lambda _: self._draw(), names="width_px")
        self._stop_following = session.on_change(lambda _: self.refresh())
        self.refresh()

    def __repr__(self) -> str:
        return f"<TimelineView tracks={len(self.session.draft.tracks) if self.session.draft else 0}>"

    @property
    def playhead_s(self) -> float | None:
        return self.canvas.playhead_s

    @playhead_s.setter
    def playhead_s(self, seconds: float | None) -> None:
        self.canvas.playhead_s = seconds

    def follow(self, source: w.Widget, name: str = "current_time") -> w.Widget:
        """Move the playhead with a player's time (a synced trait in seconds), in the browser."""
        return w.jsdlink((source, name), (self.canvas, "playhead_s"))

    def timeline(self) -> Timeline:
        """What is shown: the session's timeline (or the draft given to ``refresh``) with its media."""
        current = self.session.aio.timeline
        if self._draft is None or self._draft == current.draft:
            return current
        return Timeline(self._draft, current.media, current.generated_media)

    def refresh(self, draft: Draft | None = None) -> None:
        """Show ``draft``, or the session's latest known draft; then fetch what is missing
        (thumbnails, the music's curves) in the background."""
        self._draft = draft
        timeline = self.timeline()
        self.table.value = timeline_html(timeline.draft)
        self._draw(timeline)
        self._fetch_thumbnails(timeline)
        self._fetch_music(timeline)

    def wait(self, timeout: float | None = None) -> None:
        """Block until the thumbnails and music pictures being made are there; for scripts and tests."""
        concurrent.futures.wait(list(self._jobs), timeout=timeout)

    def close(self) -> None:
        self._stop_following()
        for child in (self.canvas, self.music, self.table, self.details):
            child.close()
        super().close()

    # -- drawing -----------------------------------------------------------------------------
    def _layout_width(self) -> int:
        return min(max(self.canvas.width_px or self.width, MIN_WIDTH), _MAX_WIDTH)

    def _draw(self, timeline: Timeline | None = None) -> None:
        timeline = timeline or self.timeline()
        self.canvas.svg = timeline.svg(width=self._layout_width(), playhead_s=self.canvas.playhead_s,
                                       thumbnails=self._images)
        self._draw_music(timeline)

    def _draw_music(self, timeline: Timeline) -> None:
        music = timeline.facts.music
        curves = self._curves.get(music.clip.media_id or "") if music else None
        if music is None or curves is None:
            self.music.value, self.music.layout.display = "", "none"
            return
        sections = _plan(timeline, music).get("sections") or ()
        title = " · ".join(bit for bit in (music.clip.name, music.details) if bit)
        self.music.value = music_picture_svg(*curves, sections, width=self._layout_width(), title=title)
        self.music.layout.display = None

    # -- fetching in the background ----------------------------------------------------------
    def _submit(self, work: Coroutine[Any, Any, Any]) -> None:
        future = self.session.submit(work)
        self._jobs.add(future)
        future.add_done_callback(self._jobs.discard)

    def _fetch_thumbnails(self, timeline: Timeline) -> None:
        if self._thumbnails is None:
            return
        sources = local_sources(timeline.media)
        wanted = {clip.media_id: (sources[clip.media_id], thumbnail_time(clip))
                  for lane in timeline.facts.lanes if lane.kind == "video"
                  for clip in lane.clips if clip.media_id in sources and clip.media_id not in self._images}
        wanted = {key: job for key, job in wanted.items() if not self._thumbnails.cached(*job)[0]}
        if wanted:
            self._submit(self._take_thumbnails(self._thumbnails, wanted))

    async def _take_thumbnails(self, thumbnails: Thumbnails, wanted: dict[str, tuple[Path, float]]) -> None:
        for media_id, (path, at_s) in wanted.items():
            url = await asyncio.to_thread(thumbnails.take, path, at_s)
            if url:
                self._images[media_id] = url
        self._draw()

    def _fetch_music(self, timeline: Timeline) -> None:
        music = timeline.facts.music
        if not self._music_picture or music is None or not music.clip.media_id or music.clip.media_id in self._curves:
            return
        item = next((g for g in timeline.generated_media if str(g.get("id")) == music.clip.media_id), None)
        if item is None or not item.get("url"):
            return
        self._curves[music.clip.media_id] = None  # asked for: not again
        self._submit(self._measure_music(music.clip.media_id, str(item["url"])))

    async def _measure_music(self, media_id: str, url: str) -> None:
        try:
            self._curves[media_id] = await fetch_music_curves(self.session.aio.client, url)
        except Exception:  # e.g. a hosted service's MP3: the timeline stays, without this picture
            _log.info("no picture of the music %s", media_id, exc_info=True)
            return
        self._draw_music(self.timeline())


def _plan(timeline: Timeline, music: Music) -> dict[str, Any]:
    item = next((g for g in timeline.generated_media if str(g.get("id")) == music.clip.media_id), {})
    plan = item.get("plan")
    return plan if isinstance(plan, dict) else {}
