"""Scene cuts of a video, found with ffmpeg's ``scdet`` on a small, thinned-out copy of the picture.

The composer places musical changes on these cuts. Decoding is the cost, so the picture is
shrunk to 160 pixels wide and thinned to a few frames a second before ``scdet`` compares frames.
"""

from __future__ import annotations

import os
import re

from ._ffmpeg import media_arg, run_ffmpeg
from ._probe import MediaInfo, probe

__all__ = ["DEFAULT_THRESHOLD", "scene_cuts", "scene_args", "parse_scdet"]

# scdet scores are 0..100 (mean absolute frame difference); 10 is ffmpeg's own default.
DEFAULT_THRESHOLD = 10.0
_ANALYSIS_FPS = 10
_ANALYSIS_WIDTH = 160
_SCDET_RE = re.compile(r"lavfi\.scd\.score: (?P<score>[\d.]+), lavfi\.scd\.time: (?P<time>[\d.]+)")


def scene_args(path: str | os.PathLike[str], *, threshold: float = DEFAULT_THRESHOLD) -> list[str]:
    graph = (f"fps={_ANALYSIS_FPS},scale={_ANALYSIS_WIDTH}:-2:flags=fast_bilinear,"
             f"scdet=threshold={threshold:g}")
    # Decoder shortcuts that cost picture quality, not timing: scdet needs only rough frames.
    fast = ["-skip_loop_filter", "all", "-skip_frame", "noref"]
    return ["-v", "info", "-an", "-sn", "-dn", *fast, "-i", media_arg(path), "-map", "0:V:0", "-vf", graph,
            "-f", "null", "-"]


def parse_scdet(text: str) -> list[tuple[float, float]]:
    """``(time_s, score)`` pairs from scdet's log lines, in time order."""
    cuts = {float(m.group("time")): float(m.group("score")) for m in _SCDET_RE.finditer(text)}
    return sorted(cuts.items())


def scene_cuts(path: str | os.PathLike[str], *, threshold: float = DEFAULT_THRESHOLD,
               info: MediaInfo | None = None) -> list[tuple[float, float]]:
    """Where the picture changes: ``[(time_s, score), ...]``; ``[]`` for audio or a still image."""
    info = info if info is not None else probe(path)
    if info.kind != "video":
        return []
    done = run_ffmpeg(scene_args(path, threshold=threshold), what="finding scene cuts")
    return parse_scdet(done.stderr.decode("utf-8", "replace"))
