"""Pure formatting for the widgets: sizes, durations and the HTML snippets they show."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:
    from ..client._models import Media
    from ..protocol import Draft

__all__ = [
    "human_size",
    "human_duration",
    "media_list_html",
    "timeline_html",
    "video_html",
    "download_html",
    "notice_html",
    "relative_path",
    "status_html",
]

_TABLE_CLASS = "mm-table"


def human_size(size_bytes: float | None) -> str:
    if size_bytes is None:
        return "?"
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size_bytes) < 1000 or unit == "GB":
            return f"{size_bytes:.0f} {unit}" if unit == "B" else f"{size_bytes:.1f} {unit}"
        size_bytes /= 1000
    raise AssertionError("unreachable")


def human_duration(duration_ms: float | None) -> str:
    """``0:07.5`` style: minutes, seconds and a tenth, which is what a clip's length needs."""
    if duration_ms is None:
        return "?"
    minutes, seconds = divmod(max(duration_ms, 0) / 1000, 60)
    return f"{int(minutes)}:{seconds:04.1f}"


def media_list_html(media: Iterable[Media], sizes: Mapping[str, int] | None = None) -> str:
    """A table of media; ``sizes`` (id -> bytes) fills in what the backend did not say."""
    sizes = sizes or {}
    rows = [
        f"<tr><td>{html.escape(item.name or item.id)}</td><td>{html.escape(item.kind)}</td>"
        f"<td>{human_duration(item.duration_ms)}</td><td>{human_size(item.size_bytes or sizes.get(item.id))}</td>"
        f"<td>{_resolution(item)}</td></tr>"
        for item in media
    ]
    if not rows:
        return "<i>No media yet: upload a clip, pick one on the server, or paste a URL.</i>"
    head = "<tr><th>name</th><th>kind</th><th>duration</th><th>size</th><th>frame</th></tr>"
    return f'<table class="{_TABLE_CLASS} mm-media">{head}{"".join(rows)}</table>'


def _resolution(item: Media) -> str:
    return f"{item.width}x{item.height}" if item.width and item.height else ""


def timeline_html(draft: Draft | None) -> str:
    """The one-line summary above the draft's table (one row per segment), with names, not the
    backend's ids (``session.timeline.frame`` keeps those)."""
    if draft is None:
        return '<div class="mm-summary">No timeline yet: upload a clip and ask for music.</div>'
    frame = draft.to_frame().drop(columns=["source_id", "segment_id"])
    table = frame.to_html(index=False, na_rep="", classes=[_TABLE_CLASS, "mm-timeline"], border=0)
    return f'<div class="mm-summary">{html.escape(draft.summary())}</div>{table}'


def video_html(src: str, *, width: int | None = None) -> str:
    """An HTML5 player for a URL or a path relative to the notebook, as wide as its container
    (never wider) unless ``width`` is given."""
    source = html.escape(src, quote=True)
    size = f' width="{width}"' if width else ""
    return (
        f'<video class="mm-video" src="{source}" controls preload="metadata"{size} '
        'style="max-width: 100%; height: auto;' + ("" if width else " width: 100%;") + '">'
        f'Your browser cannot play this video: <a href="{source}">download it</a>.</video>'
    )


def download_html(href: str, name: str, size_bytes: int | None = None) -> str:
    target = html.escape(href, quote=True)
    label = html.escape(name) + (f" ({human_size(size_bytes)})" if size_bytes is not None else "")
    return f'<a class="mm-download" href="{target}" download="{html.escape(name, quote=True)}">Download {label}</a>'


def notice_html(text: str, *, kind: str = "info") -> str:
    return f'<div class="mm-notice mm-{kind}">{html.escape(text)}</div>'


def relative_path(path: str | os.PathLike[str], base: str | os.PathLike[str]) -> str | None:
    """``path`` relative to ``base`` with forward slashes, or None when it lies outside ``base``."""
    try:
        relative = Path(path).resolve().relative_to(Path(base).resolve())
    except ValueError:
        return None
    return relative.as_posix()


def status_html(*, credits: Any = None, session_id: str | None = None, activity: str = "ready") -> str:
    bits = ["<b>♪ musicmaker</b>", html.escape(activity)]
    if credits is not None:
        bits.append(html.escape(str(credits)))
    if session_id:
        bits.append(f"session {html.escape(session_id[:12])}")
    return '<div class="mm-status">' + " · ".join(bits) + "</div>"
