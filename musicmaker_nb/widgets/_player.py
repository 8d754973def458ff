"""The player: a ``MediaFile`` (Jupyter's ``/files/`` URL where it works, the file sent through
the notebook elsewhere), a caption that says what plays and how it reached the browser, and light
previews of the session's draft that follow the session.

A preview is the draft reshaped to a small frame (540 lines, same shape) at the low video preset;
the audio keeps the export's full quality, since the music is what is judged. The player keeps
one preview per session on disk: replaced ones are deleted (Binder pods have little disk).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..client._sync import Session
from ._files import work_dir
from ._format import human_size, notice_html
from ._media import MediaFile
from ._tasks import plain_error

__all__ = ["Player", "PREVIEW_LINES", "preview_frame", "has_music"]

PREVIEW_LINES = 540
# Previews any live player shows: another player on the same session must not delete them.
_SHOWN: set[Path] = set()


def preview_frame(width: int | None, height: int | None, lines: int = PREVIEW_LINES) -> tuple[int, int] | None:
    """The frame of a light preview: the short side ``lines`` pixels, the shape kept, even sides
    (H.264 needs them); None when the frame is unknown or already that small."""
    if not width or not height or min(width, height) <= lines:
        return None
    scale = lines / min(width, height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def has_music(draft: Any) -> bool:
    return draft is not None and draft.find_track("bgm") is not None


class Player(w.VBox):
    """Plays files and previews of ``session``'s draft. ``follow``: render a new preview whenever
    the session's music changes (from this app, another app, or a variant grid)."""

    def __init__(self, session: Session, *, root: str | os.PathLike[str] = ".", follow: bool = True) -> None:
        self.session = session
        self.root = Path(root)
        self.follow = follow
        self.path: Path | None = None
        self.note = ""
        self.media = MediaFile(root=self.root)
        self.caption = w.HTML(notice_html("Nothing to play yet: generate some music first."))
        self._preview: Path | None = None
        self._previewed: Any = None  # the draft of the preview on screen (or being rendered)
        self._rendering: asyncio.Future[Path] | None = None
        self.media.observe(lambda _: self._caption(), names="mode")
        self._stop_following = session.aio.on_change(self._session_changed)
        super().__init__([w.HTML("<b>Player</b>"), self.media, self.caption],
                         layout=w.Layout(width="100%", max_width="100%"))
        self.add_class("mm-player")
        if follow and has_music(session.draft):
            session.submit(self._follow())  # a new app on a session with music plays it

    def __repr__(self) -> str:
        return f"<Player {self.path or 'empty'}>"

    def show(self, path: str | os.PathLike[str], *, note: str = "") -> None:
        """Play the file at ``path`` (video or audio)."""
        self.path, self.note = Path(path), note
        self.media.show(self.path)
        self._caption()

    def _caption(self, problem: str | None = None) -> None:
        if problem:
            self.caption.value = notice_html(problem, kind="error")
            return
        if self.path is None:
            return
        bits = [f"{self.path.name} ({human_size(self.media.size)})", self.note, self.media.mode]
        self.caption.value = notice_html(" · ".join(bit for bit in bits if bit))

    async def preview(self) -> Path:
        """Render a light preview of the session's draft (540p, full-quality audio) and play it."""
        aio = self.session.aio
        draft = aio.draft if aio.draft is not None else (await aio.state()).draft
        if self._rendering is not None and draft == self._previewed and not _failed(self._rendering):
            return await asyncio.shield(self._rendering)  # the same music is already on its way
        self._previewed = draft
        self._rendering = asyncio.ensure_future(self._render(draft))
        return await asyncio.shield(self._rendering)

    async def _render(self, draft: Any) -> Path:
        aio = self.session.aio
        target = work_dir(self.root, "previews") / f"preview_{_safe_id(self.session)}_{uuid.uuid4().hex[:8]}.mp4"
        frame = preview_frame(draft.width, draft.height) if draft is not None else None
        self.caption.value = notice_html("Rendering a preview...")
        _SHOWN.add(target)  # reserved: another player's clean-up must not delete it half-written
        try:
            if draft is None or frame is None:
                path = await aio.export(target, quality="low", warn_without_music=False)  # a preview is no export
            else:
                path = await aio.client.export(aio.session_id, draft.with_canvas(*frame), target, quality="low")
        except BaseException:
            _SHOWN.discard(target)
            raise
        if draft is not self._previewed:  # the music changed meanwhile: a newer preview follows
            _SHOWN.discard(target)
            Path(path).unlink(missing_ok=True)
            return Path(path)
        lines = min(frame or (draft.width or 0, draft.height or 0)) if draft is not None else 0
        self._replace(Path(path), note=f"preview, {lines}p" if lines else "preview")
        return Path(path)

    def _replace(self, path: Path, *, note: str) -> None:
        previous, self._preview = self._preview, path
        _SHOWN.add(path)
        self.show(path, note=note)
        if previous is not None and previous != path:
            _SHOWN.discard(previous)
            previous.unlink(missing_ok=True)
        for stale in path.parent.glob(f"preview_{_safe_id(self.session)}_*.mp4"):
            if stale not in _SHOWN:  # left by an earlier kernel or a closed player of this session
                stale.unlink(missing_ok=True)

    def _session_changed(self, aio: Any) -> None:
        """Called on the client's loop when the session's draft or generated media change."""
        if not has_music(aio.draft):
            if self._preview is not None:
                self._caption("The draft has no music any more: this preview is out of date.")
            return
        if aio.draft == self._previewed:
            return
        if self.follow:
            asyncio.ensure_future(self._follow())
        elif self._preview is not None:
            self._caption("The music changed: this preview is out of date.")

    async def _follow(self) -> None:
        try:
            await self.preview()
        except Exception as exc:  # a view that follows must never break the session's work
            self._caption(f"No preview: {plain_error(exc)}")

    def close(self) -> None:
        self._stop_following()
        if self._preview is not None:
            _SHOWN.discard(self._preview)
        self.media.close()
        super().close()


def _failed(future: asyncio.Future[Any]) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)


def _safe_id(session: Session) -> str:
    return "".join(ch for ch in str(getattr(session, "session_id", "") or "s")[:12] if ch.isalnum() or ch in "-_")
