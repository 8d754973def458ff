"""Where a video moves most: the point a ``fill`` crop with ``m.focus = "motion"`` follows.

A small grey copy (64x64, 5 frames a second, rough decoding) is read once; the absolute
difference of each frame from the one before, summed over the clip, is a map of motion energy.
The crop keeps the energy's weighted centre, squared so that the part that moves most pulls
hardest and a little noise elsewhere does not drag it to the middle. One focus per clip, not a
moving crop: the frame never swims. Results are kept per file (path, size, change time).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

from ._ffmpeg import media_arg, run_ffmpeg

__all__ = ["ANALYSIS_SIDE", "motion_args", "motion_center", "motion_focus"]

ANALYSIS_SIDE = 64
_ANALYSIS_FPS = 5
_CENTRE = (0.5, 0.5)


def motion_args(path: str | os.PathLike[str]) -> list[str]:
    """Frame-to-frame differences of a 64x64 grey copy, as raw bytes on stdout."""
    graph = (f"fps={_ANALYSIS_FPS},scale={ANALYSIS_SIDE}:{ANALYSIS_SIDE}:flags=fast_bilinear,format=gray,"
             "tblend=all_mode=difference")
    return ["-v", "error", "-an", "-sn", "-dn", "-skip_loop_filter", "all", "-i", media_arg(path),
            "-map", "0:V:0", "-vf", graph, "-f", "rawvideo", "-pix_fmt", "gray", "-"]


def motion_center(differences: np.ndarray) -> tuple[float, float]:
    """``(x, y)`` as fractions of the width and height: the squared-energy centre of ``differences``
    (frames x rows x columns of absolute differences); the middle when nothing moves."""
    energy = differences.astype(np.float64).sum(axis=0) ** 2
    total = energy.sum()
    if differences.size == 0 or total <= 0:
        return _CENTRE
    rows, cols = energy.shape
    x = float((energy.sum(axis=0) * (np.arange(cols) + 0.5)).sum() / total / cols)
    y = float((energy.sum(axis=1) * (np.arange(rows) + 0.5)).sum() / total / rows)
    return x, y


@functools.lru_cache(maxsize=256)
def _focus(path: str, _size: int, _mtime_ns: int) -> tuple[float, float]:
    raw = run_ffmpeg(motion_args(path), what="finding where the picture moves").stdout
    frame = ANALYSIS_SIDE * ANALYSIS_SIDE
    frames = np.frombuffer(raw[: len(raw) - len(raw) % frame], dtype=np.uint8)
    return motion_center(frames.reshape(-1, ANALYSIS_SIDE, ANALYSIS_SIDE))


def motion_focus(path: str | os.PathLike[str]) -> tuple[float, float]:
    """Where the video at ``path`` moves most, found once per file and kept."""
    stat = Path(path).stat()
    return _focus(os.fspath(path), stat.st_size, stat.st_mtime_ns)
