"""A media file that plays (or downloads) wherever widgets run: JupyterLab, Notebook 7, VS Code,
Colab, a static HTML page.

The browser first tries the URL that costs nothing: Jupyter's ``/files/`` URL (the page's config
names the server root; ``paths`` gives the file's absolute path), else ``src``, the path relative
to the page. When that does not load, the page asks the kernel for the file, one chunk per
request, and plays (or saves) a Blob: kernel memory stays at about one chunk whatever the size,
and each message stays far under the 10 MiB websocket limit. The ES module travels in the
widget's state (anywidget's ``_esm``), so a static page needs no server to get it.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from ._format import relative_path

__all__ = ["MediaFile", "CHUNK_BYTES", "SERVED", "SENT", "NEXT_TO_PAGE", "read_chunk", "chunk_reply", "absolute_forms", "mime_type"]

# Well under Jupyter Server's 10 MiB websocket message limit, with room for the message's JSON.
CHUNK_BYTES = 4 * 1024 * 1024
SERVED = "served by Jupyter"
SENT = "sent through the notebook"
NEXT_TO_PAGE = "served next to the page"  # a static page with the files beside it
_AUDIO_SUFFIXES = {".m4a", ".mp3", ".wav", ".ogg", ".flac", ".aac", ".opus"}
_MIME_TYPES = {".mp4": "video/mp4", ".m4a": "audio/mp4", ".mov": "video/quicktime", ".webm": "video/webm",
               ".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".flac": "audio/flac"}


def mime_type(path: Path) -> str:
    suffix = path.suffix.lower()
    return _MIME_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def absolute_forms(path: Path, home: Path | None = None) -> list[str]:
    """The file's absolute POSIX path, and its ``~/`` form when it is under ``home``: Jupyter's
    page config writes the server root either way."""
    absolute = path.resolve()
    forms = [absolute.as_posix()]
    home = (home or Path.home()).resolve()
    try:
        forms.append("~/" + absolute.relative_to(home).as_posix())
    except ValueError:
        pass
    return forms


def read_chunk(path: Path, offset: int, size: int = CHUNK_BYTES) -> bytes:
    """``size`` bytes of ``path`` from ``offset``: one chunk in memory, never the whole file."""
    with path.open("rb") as source:
        source.seek(offset)
        return source.read(size)


def chunk_reply(request: dict[str, Any], serial: int, path: Path | None, chunk_size: int = CHUNK_BYTES
                ) -> tuple[dict[str, Any], list[bytes]]:
    """The answer to a page's ``{"type": "read", "serial", "offset", "request"}``."""
    asked = {"request": request.get("request"), "serial": serial}
    offset = request.get("offset")
    if path is None or request.get("serial") != serial:
        return {"type": "error", "message": "the file changed; ask again", **asked}, []
    if not isinstance(offset, int) or offset < 0:
        return {"type": "error", "message": f"bad offset {offset!r}", **asked}, []
    try:
        size = path.stat().st_size
        chunk = read_chunk(path, offset, chunk_size)
    except OSError as exc:
        return {"type": "error", "message": f"{path.name}: {exc.strerror or exc}", **asked}, []
    last = offset + len(chunk) >= size
    return {"type": "chunk", "offset": offset, "size": size, "last": last, **asked}, [chunk]


class MediaFile(anywidget.AnyWidget):
    """A ``<video>``/``<audio>`` player (``role="player"``) or a download link (``role="download"``)
    for a file the kernel can read. ``current_time`` follows the player in the browser."""

    _esm = Path(__file__).with_name("_media.js")
    _css = """
    .mm-media { width: 100%; max-width: 100%; box-sizing: border-box; }
    .mm-media .mm-media-element { display: block; width: 100%; max-width: 100%; height: auto; }
    .mm-media audio.mm-media-element { min-height: 2.5em; }
    /* a 9:16 video at a column's full width would be taller than the screen: keep it in view */
    .mm-media video.mm-media-element { max-height: 70vh; object-fit: contain; background: #000; }
    .mm-media .mm-media-note { font-size: 0.9em; color: #666; }
    """
    src = t.Unicode("").tag(sync=True)
    paths = t.List(t.Unicode()).tag(sync=True)
    name = t.Unicode("").tag(sync=True)
    size = t.Int(0).tag(sync=True)
    mime = t.Unicode("").tag(sync=True)
    kind = t.Enum(["video", "audio"], default_value="video").tag(sync=True)
    role = t.Enum(["player", "download"], default_value="player").tag(sync=True)
    label = t.Unicode("").tag(sync=True)
    serial = t.Int(0).tag(sync=True)
    fallback_after_s = t.Float(4.0).tag(sync=True)
    # set by the browser
    mode = t.Unicode("").tag(sync=True)
    current_time = t.Float(0.0).tag(sync=True)

    def __init__(self, path: str | os.PathLike[str] | None = None, *, root: str | os.PathLike[str] = ".",
                 role: str = "player", kind: str | None = None, chunk_size: int = CHUNK_BYTES, **kwargs: Any) -> None:
        super().__init__(role=role, **kwargs)
        self.root = Path(root)
        self.path: Path | None = None
        self.chunk_size = chunk_size
        self.bytes_sent = 0  # through the comm, for the checks that Jupyter serves what it can
        self.on_msg(self._answer)
        if kind is not None:
            self.kind = kind
        if path is not None:
            self.show(path, kind=kind)

    def __repr__(self) -> str:
        return f"<MediaFile {self.role} {self.name or 'empty'} {self.mode or 'not shown yet'}>"

    def show(self, path: str | os.PathLike[str], *, kind: str | None = None, label: str = "") -> None:
        """Show another file; the page lets go of the previous one's Blob."""
        path = Path(path)
        size = path.stat().st_size
        self.release()
        self.path = path
        with self.hold_sync():
            self.src = relative_path(path, self.root) or ""
            self.paths = absolute_forms(path)
            self.name, self.size, self.mime, self.label = path.name, size, mime_type(path), label
            self.kind = kind or ("audio" if path.suffix.lower() in _AUDIO_SUFFIXES else "video")
            self.mode, self.current_time = "", 0.0
            self.serial += 1

    def clear(self) -> None:
        self.release()
        self.path = None
        with self.hold_sync():
            self.src, self.paths, self.name, self.size, self.mode = "", [], "", 0, ""
            self.serial += 1

    def release(self) -> None:
        """Tell the page to revoke its Blob URL of the current file."""
        if self.path is not None and self.comm is not None:
            self.send({"type": "release", "serial": self.serial})

    def _answer(self, _: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        if not isinstance(content, dict) or content.get("type") != "read":
            return
        reply, chunks = chunk_reply(content, self.serial, self.path, self.chunk_size)
        self.bytes_sent += sum(len(chunk) for chunk in chunks)
        self.send(reply, buffers=chunks)
