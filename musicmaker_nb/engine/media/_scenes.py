"""Scene cuts of a video, found with ffmpeg's ``scdet``, decoding as little as possible.

Decoding is the cost. Encoders put a keyframe where the picture changes, so a first pass
decodes only the keyframes (a few per second at most; ~0.2 s for 30 s of 1080p) and compares
each with the one before. Only where two keyframes differ is the stretch between them decoded
in full, frame by frame, to find the exact cut frame; a slow change (a pan, a zoom) shows no
single-frame jump there and is dropped. The stretch after the last keyframe is always decoded,
since nothing follows it to compare with. When the stretches to decode add up to much of the video
(long keyframe intervals, many cuts), one thinned pass over all of it is cheaper.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

from ._ffmpeg import media_arg, run_ffmpeg
from ._probe import MediaInfo, probe

__all__ = [
    "DEFAULT_THRESHOLD",
    "scene_cuts",
    "scene_args",
    "keyframe_args",
    "window_args",
    "parse_scdet",
    "parse_frame_times",
    "candidate_windows",
]

# scdet scores are 0..100 (mean absolute frame difference); 10 is ffmpeg's own default.
DEFAULT_THRESHOLD = 10.0
_ANALYSIS_FPS = 10
_ANALYSIS_WIDTH = 160
# Past this many stretches, or this share of the video, one thinned pass over all of it is cheaper.
_MAX_WINDOWS = 12
_MAX_WINDOW_SHARE = 0.4
_SCDET_RE = re.compile(r"lavfi\.scd\.score: (?P<score>[\d.]+), lavfi\.scd\.time: (?P<time>[\d.]+)")
_SHOWINFO_RE = re.compile(r"Parsed_showinfo.*?\bpts_time:\s*(?P<time>-?[\d.]+)")
_SMALL = f"scale={_ANALYSIS_WIDTH}:-2:flags=fast_bilinear"
_QUIET_INPUT = ["-v", "info", "-an", "-sn", "-dn"]


def _scan(path: str | os.PathLike[str], graph: str, *, decoder: list[str], window: Sequence[str] = ()) -> list[str]:
    return [*_QUIET_INPUT, *decoder, *window, "-i", media_arg(path), "-map", "0:V:0", "-vf", graph, "-f", "null", "-"]


def scene_args(path: str | os.PathLike[str], *, threshold: float = DEFAULT_THRESHOLD) -> list[str]:
    """The thinned full pass: every frame decoded (roughly), 10 a second compared."""
    # Decoder shortcuts that cost picture quality, not timing: scdet needs only rough frames.
    return _scan(path, f"fps={_ANALYSIS_FPS},{_SMALL},scdet=threshold={threshold:g}",
                 decoder=["-skip_loop_filter", "all", "-skip_frame", "noref"])


def keyframe_args(path: str | os.PathLike[str], *, threshold: float = DEFAULT_THRESHOLD) -> list[str]:
    """Keyframes only; showinfo lists their times, scdet flags the ones unlike their predecessor."""
    return _scan(path, f"{_SMALL},showinfo,scdet=threshold={threshold:g}", decoder=["-skip_frame", "nokey"])


def window_args(path: str | os.PathLike[str], start_s: float, end_s: float, *,
                threshold: float = DEFAULT_THRESHOLD) -> list[str]:
    """Every frame between two times, with the source's own timestamps kept."""
    window = ["-ss", f"{max(start_s, 0):.3f}", "-t", f"{end_s - max(start_s, 0):.3f}", "-copyts"]
    return _scan(path, f"{_SMALL},scdet=threshold={threshold:g}", decoder=["-skip_loop_filter", "all"], window=window)


def parse_scdet(text: str) -> list[tuple[float, float]]:
    """``(time_s, score)`` pairs from scdet's log lines, in time order."""
    cuts = {float(m.group("time")): float(m.group("score")) for m in _SCDET_RE.finditer(text)}
    return sorted(cuts.items())


def parse_frame_times(text: str) -> list[float]:
    """The ``pts_time`` of each frame showinfo logged, in order."""
    return sorted({float(m.group("time")) for m in _SHOWINFO_RE.finditer(text)})


def candidate_windows(keyframes: list[float], flagged: list[tuple[float, float]],
                      frame_s: float, duration_s: float) -> list[tuple[float, float]]:
    """For each flagged keyframe, the stretch from the keyframe before it to one frame after it,
    then the stretch from the last keyframe to the end.

    A stretch starts exactly on a keyframe, so seeking there costs no extra decoding; a cut on
    that keyframe itself would have been flagged on its own."""
    windows = []
    for time_s, _ in flagged:
        earlier = [k for k in keyframes if k < time_s - frame_s / 2]
        windows.append((earlier[-1] if earlier else 0.0, time_s + 1.5 * frame_s))
    last = keyframes[-1] if keyframes else 0.0
    if duration_s - last > 2 * frame_s:
        windows.append((last, duration_s))
    return windows


def scene_cuts(path: str | os.PathLike[str], *, threshold: float = DEFAULT_THRESHOLD,
               info: MediaInfo | None = None) -> list[tuple[float, float]]:
    """Where the picture changes: ``[(time_s, score), ...]``; ``[]`` for audio or a still image."""
    info = info if info is not None else probe(path)
    if info.kind != "video":
        return []
    first = run_ffmpeg(keyframe_args(path, threshold=threshold), what="finding scene cuts").stderr.decode(
        "utf-8", "replace")
    duration_s = (info.duration_ms or 0) / 1000
    windows = candidate_windows(parse_frame_times(first), parse_scdet(first), 1 / (info.fps or 30), duration_s)
    if len(windows) > _MAX_WINDOWS or sum(end - start for start, end in windows) > _MAX_WINDOW_SHARE * duration_s:
        done = run_ffmpeg(scene_args(path, threshold=threshold), what="finding scene cuts")
        return parse_scdet(done.stderr.decode("utf-8", "replace"))

    def sharpest_jump(window: tuple[float, float]) -> tuple[float, float] | None:
        done = run_ffmpeg(window_args(path, *window, threshold=threshold), what="finding scene cuts")
        found = parse_scdet(done.stderr.decode("utf-8", "replace"))
        return max(found, key=lambda cut: cut[1]) if found else None  # none: a gradual change

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return sorted({cut for cut in pool.map(sharpest_jump, windows) if cut is not None})
