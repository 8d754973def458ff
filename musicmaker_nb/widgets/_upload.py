"""The upload panel: FileUpload for small files, a path on the server's disk, or a URL."""

from __future__ import annotations

import os
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ..client._sync import Session
from ..protocol import ACCEPTED_FORMATS
from ._files import FILE_UPLOAD_LIMIT_BYTES, find_media_files, safe_file_name, upload_problem, work_dir
from ._format import media_list_html, notice_html
from ._tasks import Activity

__all__ = ["UploadPanel"]

_BIG_FILE_HINT = (
    f"Up to {FILE_UPLOAD_LIMIT_BYTES // 2**20} MB with the Upload button. Bigger files get lost on the way "
    "without a word: drop them into JupyterLab's file browser (it uploads in chunks), then pick them by path below."
)


class UploadPanel(w.VBox):
    """Add media to a session; each medium is listed with its duration and size."""

    def __init__(self, session: Session, *, activity: Activity | None = None, root: str | os.PathLike[str] = ".") -> None:
        self.session = session
        self.root = Path(root)
        self.activity = activity or Activity(session)
        self.file_upload = w.FileUpload(accept=",".join("." + ext for ext in ACCEPTED_FORMATS), multiple=True,
                                        description="Upload", layout=w.Layout(min_width="9em"))
        self.path_box = w.Combobox(placeholder="a file on the server, e.g. clips/trip.mp4",
                                   options=tuple(find_media_files(self.root)), ensure_option=False)
        self.path_button = w.Button(description="Add file", icon="folder-open")
        self.url_box = w.Text(placeholder="https://example.com/clip.mp4")
        self.url_button = w.Button(description="Add URL", icon="link")
        self.media_view = w.HTML(media_list_html(session.media))
        self.message = w.HTML()
        self._listeners: list[Callable[[], None]] = []
        self._sizes: dict[str, int] = {}  # media id -> bytes, for backends that do not say
        self.activity.add_controls([self.file_upload, self.path_button, self.url_button])
        self.file_upload.observe(self._on_file_upload, names="value")
        self.path_button.on_click(lambda _: self.add_path(self.path_box.value))
        self.url_button.on_click(lambda _: self.add_url(self.url_box.value))
        super().__init__(
            [w.HTML("<b>Media</b>"), w.HBox([self.file_upload, w.HTML(f"<small>{_BIG_FILE_HINT}</small>")]),
             w.HBox([self.path_box, self.path_button]), w.HBox([self.url_box, self.url_button]),
             self.message, self.media_view],
        )
        self.add_class("mm-upload")

    def __repr__(self) -> str:
        return f"<UploadPanel media={len(self.session.media)}>"

    def on_media(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after media were added."""
        self._listeners.append(listener)

    # -- the three ways in -----------------------------------------------------------------
    def add_path(self, path: str | os.PathLike[str]) -> Future[Any] | None:
        """Upload a file already on the server's disk (relative to the notebook's folder)."""
        text = str(path).strip()
        if not text:
            return self._say("Type or pick a file path first.", "error")
        full = Path(text).expanduser()
        full = full if full.is_absolute() else self.root / full
        problem = upload_problem(full.name, full.stat().st_size if full.is_file() else None,
                                 self.session.client.upload_formats)
        if not full.is_file():
            problem = f"No file at {text!r} (looked in {full.parent})."
        return self._say(problem, "error") if problem else self._upload([(full, full.name)])

    def add_url(self, url: str) -> Future[Any] | None:
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            return self._say("Paste a full http:// or https:// address.", "error")
        return self._upload([(url, url.rsplit("/", 1)[-1] or url)])

    def add_bytes(self, name: str, content: bytes) -> Future[Any] | None:
        """Save what the browser sent next to the notebook, then upload it."""
        return self.add_files([(name, content)])

    def add_files(self, files: list[tuple[str, bytes]]) -> Future[Any] | None:
        saved: list[tuple[Path | str, str]] = []
        for name, content in files:
            problem = upload_problem(name, len(content), self.session.client.upload_formats)
            if problem:
                return self._say(problem, "error")
            path = work_dir(self.root, "uploads") / safe_file_name(name)
            path.write_bytes(content)
            saved.append((path, name))
        return self._upload(saved)

    def _on_file_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if files:
            self.file_upload.value = ()  # so picking the same file again uploads it again
            self.add_files([(item["name"], bytes(item["content"])) for item in files])

    # -- running it ------------------------------------------------------------------------
    def _upload(self, sources: list[tuple[Path | str, str]]) -> Future[Any] | None:
        names = ", ".join(name for _, name in sources)

        async def job() -> None:
            added = []
            for source, _ in sources:
                media = await self.session.aio.upload(source)
                if isinstance(source, Path):
                    self._sizes[media.id] = source.stat().st_size
                added.append(media)
            self._say("Added " + ", ".join(media.describe() for media in added) + ".", "ok")
            self.refresh()
            for listener in self._listeners:
                listener()

        self._say(f"Uploading {names}...", "info")
        return self.activity.run(f"uploading {names}", job, lambda text: self._say(text, "error"))

    def refresh(self) -> None:
        self.media_view.value = media_list_html(self.session.media, self._sizes)
        self.path_box.options = tuple(find_media_files(self.root))

    def _say(self, text: str, kind: str) -> None:
        self.message.value = notice_html(text, kind=kind)

