"""The export panel: aspect ratio and quality, a progress bar fed by the render, a download link
(a ``MediaFile`` in its download role: the server's URL where it works, else the file sent through
the notebook and saved from a Blob under its own name)."""

from __future__ import annotations

import os
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..client._session import NO_MUSIC_NOTE
from ..client._sync import Session
from ..protocol import MusicMakerError
from ._files import work_dir
from ._format import human_size, notice_html
from ._media import MediaFile
from ._progress import ProgressBar
from ._tasks import Activity

__all__ = ["ExportPanel", "ASPECT_RATIOS", "QUALITIES", "reshape"]

# label -> frame size; None keeps the draft's own frame (the clip's)
ASPECT_RATIOS: dict[str, tuple[int, int] | None] = {
    "as the draft": None,
    "16:9 landscape (1920x1080)": (1920, 1080),
    "9:16 vertical (1080x1920)": (1080, 1920),
    "1:1 square (1080x1080)": (1080, 1080),
}
QUALITIES = ("high", "medium", "low")


def reshape(draft: Any, frame: tuple[int, int] | None) -> Any:
    """The draft with the chosen frame size (a new draft; the session's stays as it is)."""
    return draft if frame is None or (draft.width, draft.height) == frame else draft.with_canvas(*frame)


def _export_name() -> str:
    return f"musicmaker_{time.strftime('%Y%m%d_%H%M%S')}.mp4"


class ExportPanel(w.VBox):
    def __init__(self, session: Session, *, activity: Activity | None = None, root: str | os.PathLike[str] = ".") -> None:
        self.session = session
        self.root = Path(root)
        self.activity = activity or Activity(session)
        self.path: Path | None = None
        compact = {"style": {"description_width": "initial"}, "layout": w.Layout(width="auto")}
        self.aspect = w.Dropdown(options=list(ASPECT_RATIOS), value="as the draft", description="Frame", **compact)
        self.quality = w.Dropdown(options=QUALITIES, value="high", description="Quality", **compact)
        self.button = w.Button(description="Export MP4", icon="download", button_style="success")
        self.progress = ProgressBar(text="not exported yet")
        self.link = w.Output()
        self.download = MediaFile(root=self.root, role="download", layout=w.Layout(display="none"))
        self.activity.add_controls([self.button])
        self.button.on_click(lambda _: self.export())
        choices = w.HBox([self.aspect, self.quality, self.button], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([w.HTML("<b>Export</b>"), choices, self.progress, self.download, self.link])
        self.add_class("mm-export")

    def __repr__(self) -> str:
        return f"<ExportPanel {self.path or 'not exported yet'}>"

    def export(self, path: str | os.PathLike[str] | None = None) -> Future[Any] | None:
        """Render the draft to an MP4 (next to the notebook by default) and offer it for download."""
        target = Path(path) if path else work_dir(self.root, "exports") / _export_name()
        frame, quality = ASPECT_RATIOS[self.aspect.value], self.quality.value
        self.progress.reset("starting...")
        self.link.outputs = ()
        self.download.layout.display = "none"
        return self.activity.run("exporting", lambda: self._export(target, frame, quality), self._failed)

    async def _export(self, target: Path, frame: tuple[int, int] | None, quality: str) -> Path:
        aio = self.session.aio
        draft = aio.draft if aio.draft is not None else (await aio.state()).draft
        if draft is None or not draft.tracks:
            raise MusicMakerError("Nothing to export yet: upload a clip first.")
        if frame is None:  # the panel says so itself when there is no music
            result = await aio.export(target, quality=quality, on_progress=self.progress.update,
                                      warn_without_music=False)
        else:
            result = await aio.client.export(aio.session_id, reshape(draft, frame), target,
                                             quality=quality, on_progress=self.progress.update)
        self.path = Path(result)
        self.progress.finish("done")
        self.offer(self.path, silent=draft.find_track("bgm") is None)
        return self.path

    def offer(self, path: Path, *, silent: bool = False) -> None:
        """Offer ``path`` for download (an export, or any file the kernel can read)."""
        self.download.show(path, label=f"Download {path.name} ({human_size(path.stat().st_size)})")
        self.download.layout.display = None
        self.link.outputs = ()
        if silent:
            markup = notice_html("Exported without music: " + NO_MUSIC_NOTE + ".")
            self.link.outputs = ({"output_type": "display_data", "metadata": {},
                                  "data": {"text/html": markup, "text/plain": NO_MUSIC_NOTE}},)

    def _failed(self, text: str) -> None:
        self.progress.finish("export failed", ok=False)
        self.link.outputs = ({"output_type": "display_data", "metadata": {},
                              "data": {"text/html": notice_html(text, kind="error"), "text/plain": text}},)
