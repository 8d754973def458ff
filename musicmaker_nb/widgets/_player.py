"""The player: an HTML5 <video> at a path relative to the notebook.

JupyterLab rewrites relative ``src`` in HTML outputs to the server's ``/files/`` URL, so the
browser fetches the file from Jupyter itself: that works on Binder and JupyterHub, where the
browser cannot reach the kernel's loopback engine. The HTML goes into an ``Output`` widget
because JupyterLab resolves URLs only in outputs, not in an ``HTML`` widget's value.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..client._sync import Session
from ._files import work_dir
from ._format import human_size, notice_html, relative_path, video_html

__all__ = ["Player", "INLINE_VIDEO_LIMIT_BYTES"]

# Outside the notebook's folder there is no /files/ URL, so the bytes travel through the
# widget comm instead; keep that for files well under the 10 MiB websocket limit.
INLINE_VIDEO_LIMIT_BYTES = 5 * 1024 * 1024


def _html_output(markup: str) -> dict[str, Any]:
    return {"output_type": "display_data", "data": {"text/html": markup, "text/plain": "video"}, "metadata": {}}


def _widget_output(widget: w.Widget) -> dict[str, Any]:
    view = {"model_id": widget.model_id, "version_major": 2, "version_minor": 0}
    return {"output_type": "display_data", "metadata": {},
            "data": {"application/vnd.jupyter.widget-view+json": view, "text/plain": repr(widget)}}


class Player(w.VBox):
    def __init__(self, session: Session, *, root: str | os.PathLike[str] = ".", width: int = 480) -> None:
        self.session = session
        self.root = Path(root)
        self.width = width
        self.path: Path | None = None
        self.inline: w.Video | None = None
        self._preview: Path | None = None
        self.screen = w.Output(layout=w.Layout(min_height="2em"))
        self.caption = w.HTML(notice_html("Nothing to play yet: generate some music first."))
        self._numbers = itertools.count(1)
        super().__init__([w.HTML("<b>Player</b>"), self.screen, self.caption])
        self.add_class("mm-player")

    def __repr__(self) -> str:
        return f"<Player {self.path or 'empty'}>"

    def show(self, path: str | os.PathLike[str]) -> None:
        """Play the video at ``path``."""
        self.path = Path(path)
        size = self.path.stat().st_size
        relative = relative_path(self.path, self.root)
        if relative is not None:
            self._put(_html_output(video_html(relative, width=self.width)))
        elif size <= INLINE_VIDEO_LIMIT_BYTES:
            video = w.Video(value=self.path.read_bytes(), format="mp4", width=self.width, autoplay=False)
            self._put(_widget_output(video), video)
        else:
            self._put(None)
            self.caption.value = notice_html(f"{self.path} is outside the notebook's folder and too big to "
                                             "send inline: copy it next to the notebook to play it.", kind="error")
            return
        self.caption.value = notice_html(f"{self.path.name} ({human_size(size)})")

    def _put(self, output: dict[str, Any] | None, inline: w.Video | None = None) -> None:
        old, self.inline = self.inline, inline
        self.screen.outputs = (output,) if output else ()
        if old is not None:
            old.close()  # its bytes would otherwise stay in the kernel and the page

    async def preview(self) -> Path:
        """Render a quick low-quality preview of the session's draft and play it."""
        path = work_dir(self.root, "previews") / f"preview_{_safe_id(self.session)}_{next(self._numbers)}.mp4"
        self.caption.value = notice_html("Rendering a preview...")
        await self.session.aio.export(path, quality="low", warn_without_music=False)  # a preview is no export
        previous, self._preview = self._preview, path
        self.show(path)
        if previous is not None and previous != path:
            previous.unlink(missing_ok=True)  # one preview per player is enough on a 2 GB Binder pod
        return path


def _safe_id(session: Session) -> str:
    return "".join(ch for ch in str(getattr(session, "session_id", "") or "s")[:12] if ch.isalnum() or ch in "-_")
