"""One small JPEG per clip for the timeline, taken with ffmpeg from the file the session uploaded,
once (cached), as a ``data:`` URL the SVG embeds."""

from __future__ import annotations

import base64
import logging
import subprocess
import threading
from pathlib import Path
from typing import Iterable

from ..client._facts import Clip
from ..client._models import Media

__all__ = ["THUMBNAIL_HEIGHT", "thumbnail_command", "thumbnail_time", "local_sources", "Thumbnails"]

THUMBNAIL_HEIGHT = 96  # pixels: sharp in a 38 px lane on a 2x screen, ~3 KB each
_TIMEOUT_S = 20
_log = logging.getLogger("musicmaker_nb")


def thumbnail_command(ffmpeg: str, path: str | Path, at_s: float, *, height: int = THUMBNAIL_HEIGHT) -> list[str]:
    """ffmpeg's arguments for one JPEG frame at ``at_s`` on stdout; an absolute path, so a name
    that begins with ``-`` is never read as an option."""
    return [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-ss", f"{max(at_s, 0):.3f}",
            "-i", str(Path(path).resolve()), "-frames:v", "1", "-vf", f"scale=-2:{height}",
            "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "5", "pipe:1"]


def thumbnail_time(clip: Clip) -> float:
    """A third into the clip: past a fade-in, still inside a short clip."""
    return clip.offset_s + (clip.end_s - clip.start_s) / 3


def local_sources(media: Iterable[Media]) -> dict[str, Path]:
    """media id -> the local file this session uploaded it from (URLs have none)."""
    found = {}
    for item in media:
        if item.source and "://" not in item.source and item.kind != "audio" and Path(item.source).is_file():
            found[item.id] = Path(item.source)
    return found


class Thumbnails:
    """Thumbnails already taken, by file and time; a failed one is remembered too (None)."""

    def __init__(self, ffmpeg: str | None = None) -> None:
        self._ffmpeg = ffmpeg
        self._taken: dict[tuple[str, float], str | None] = {}
        self._lock = threading.Lock()

    def cached(self, path: Path, at_s: float) -> tuple[bool, str | None]:
        with self._lock:
            key = (str(path), round(at_s, 2))
            return key in self._taken, self._taken.get(key)

    def take(self, path: Path, at_s: float) -> str | None:
        """The frame at ``at_s`` of ``path`` as a ``data:image/jpeg`` URL; None when ffmpeg cannot. Blocks."""
        known, url = self.cached(path, at_s)
        if known:
            return url
        ffmpeg = self._ffmpeg or _default_ffmpeg()
        try:
            done = subprocess.run(thumbnail_command(ffmpeg, path, at_s), capture_output=True, timeout=_TIMEOUT_S,
                                  check=False)
            jpeg = done.stdout if done.returncode == 0 and done.stdout.startswith(b"\xff\xd8") else b""
            if not jpeg:
                _log.info("no thumbnail for %s: %s", path, done.stderr.decode(errors="replace").strip()[-300:])
        except (OSError, subprocess.TimeoutExpired) as exc:
            _log.info("no thumbnail for %s: %s", path, exc)
            jpeg = b""
        url = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii") if jpeg else None
        with self._lock:
            self._taken[(str(path), round(at_s, 2))] = url
        return url


def _default_ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()
