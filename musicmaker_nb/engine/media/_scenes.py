"""Scene cuts of a video, found with ffmpeg's ``scdet``, decoding as little as possible.

Decoding is the cost. Encoders put a keyframe where the picture changes, so a first pass
decodes only the keyframes (a few per second at most; ~0.2 s for 30 s of 1080p) and compares
each with the one before. Only where two keyframes differ is the stretch between them decoded
in full, frame by frame, to find the exact cut frame; a slow change (a pan, a zoom) shows no
single-frame jump there and is dropped. The stretch after the last keyframe is always decoded,
since nothing follows it to compare with. When the stretches to decode add up to much of the video
(long keyframe intervals, many cuts), one thinned pass over all of it is cheaper.

Many encoders (x264 and x265 by default, cameras, editors) also place a keyframe *on* each hard
cut, ahead of their regular schedule. Such a keyframe, unlike the one before it, is a cut at that
very frame: it needs no stretch decoded (:func:`placed_keyframes`), and when the encoder is seen
doing this, the stretch after the last keyframe is no longer in doubt either. For such a video the
first pass is the whole analysis (:func:`keyframe_cuts`, a few tenths of a second for 30 s of 1080p).
A cut closer to the keyframe before it than the encoder's shortest interval (x264: 25 frames) gets
no keyframe of its own, and is missed there.
"""

from __future__ import annotations

import itertools
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Sequence

from ._ffmpeg import media_arg, run_ffmpeg
from ._probe import MediaInfo, probe

__all__ = [
    "DEFAULT_THRESHOLD",
    "KeyframePass",
    "keyframe_pass",
    "keyframe_cuts",
    "placed_keyframes",
    "scene_cuts",
    "scene_args",
    "keyframe_args",
    "window_args",
    "parse_scdet",
    "parse_differences",
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
# metadata=print: a frame's line, then its keys; the mafd is the mean absolute difference from the frame before
_MAFD_RE = re.compile(r"Parsed_metadata.*?\bpts_time:\s*(?P<time>-?[\d.]+)\s*\n(?:[^\n]*\n)*?[^\n]*lavfi\.scd\.mafd=(?P<mafd>[\d.]+)")
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
    """Keyframes only; showinfo lists their times, scdet flags the ones unlike their predecessor, and
    each one's difference from its predecessor is printed (scdet flags a jump in that difference, so
    two cuts in a row of keyframes flag only the first)."""
    return _scan(path, f"{_SMALL},showinfo,scdet=threshold={threshold:g},metadata=mode=print:key=lavfi.scd.mafd",
                 decoder=["-skip_frame", "nokey"])


def window_args(path: str | os.PathLike[str], start_s: float, end_s: float, *,
                threshold: float = DEFAULT_THRESHOLD) -> list[str]:
    """Every frame between two times, with the source's own timestamps kept."""
    window = ["-ss", f"{max(start_s, 0):.3f}", "-t", f"{end_s - max(start_s, 0):.3f}", "-copyts"]
    return _scan(path, f"{_SMALL},scdet=threshold={threshold:g}", decoder=["-skip_loop_filter", "all"], window=window)


def parse_scdet(text: str) -> list[tuple[float, float]]:
    """``(time_s, score)`` pairs from scdet's log lines, in time order."""
    cuts = {float(m.group("time")): float(m.group("score")) for m in _SCDET_RE.finditer(text)}
    return sorted(cuts.items())


def parse_differences(text: str) -> dict[float, float]:
    """Each printed frame's time -> its mean absolute difference from the frame before."""
    return {float(m.group("time")): float(m.group("mafd")) for m in _MAFD_RE.finditer(text)}


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


def placed_keyframes(keyframes: Sequence[float], frame_s: float, duration_s: float) -> list[float]:
    """The keyframes an encoder put ahead of its schedule: those that come sooner after the one
    before than its regular interval. That interval is the longest gap seen, the one from the last
    keyframe to the end included (so long without a keyframe, the schedule is at least that long)."""
    times = sorted(keyframes)
    gaps = [later - earlier for earlier, later in itertools.pairwise([*times, max(duration_s, times[-1] if times else 0)])]
    if len(gaps) < 2:
        return []
    schedule = max(gaps)
    return [later for earlier, later in itertools.pairwise(times) if later - earlier < schedule - 1.5 * frame_s]


@dataclass(frozen=True)
class KeyframePass:
    """What decoding only the keyframes found: their times, the ones scdet flagged as unlike the one
    before, the ones the encoder placed ahead of its schedule, and the keyframes' cuts: each placed
    keyframe that differs from the one before by at least the threshold, scored by that difference."""

    keyframes: tuple[float, ...]
    flagged: tuple[tuple[float, float], ...]
    placed: tuple[float, ...]
    cuts: tuple[tuple[float, float], ...] = ()

    @property
    def in_doubt(self) -> list[tuple[float, float]]:
        """The flagged keyframes on the schedule: the cut, if any, lies somewhere before them."""
        return [cut for cut in self.flagged if not self._is_placed(cut[0])]

    def _is_placed(self, time_s: float) -> bool:
        return any(abs(time_s - placed) < 1e-3 for placed in self.placed)


def keyframe_pass(path: str | os.PathLike[str], info: MediaInfo, *,
                  threshold: float = DEFAULT_THRESHOLD) -> KeyframePass:
    """Decode the keyframes only and compare each with the one before."""
    text = run_ffmpeg(keyframe_args(path, threshold=threshold), what="finding scene cuts").stderr.decode(
        "utf-8", "replace")
    keyframes = parse_frame_times(text)
    placed = placed_keyframes(keyframes, 1 / (info.fps or 30), (info.duration_ms or 0) / 1000)
    differences = parse_differences(text)
    cuts = [(time_s, differences[time_s]) for time_s in placed if differences.get(time_s, 0) >= threshold]
    return KeyframePass(tuple(keyframes), tuple(parse_scdet(text)), tuple(placed), tuple(cuts))


def keyframe_cuts(path: str | os.PathLike[str], *, threshold: float = DEFAULT_THRESHOLD,
                  info: MediaInfo | None = None) -> list[tuple[float, float]]:
    """The cuts the keyframes alone give (the encoder placed a keyframe on them): fast, maybe not all."""
    info = info if info is not None else probe(path)
    return list(keyframe_pass(path, info, threshold=threshold).cuts) if info.kind == "video" else []


def scene_cuts(path: str | os.PathLike[str], *, threshold: float = DEFAULT_THRESHOLD,
               info: MediaInfo | None = None, first: KeyframePass | None = None) -> list[tuple[float, float]]:
    """Where the picture changes: ``[(time_s, score), ...]``; ``[]`` for audio or a still image.
    ``first`` is the keyframe pass when it was already made."""
    info = info if info is not None else probe(path)
    if info.kind != "video":
        return []
    first = first if first is not None else keyframe_pass(path, info, threshold=threshold)
    duration_s = (info.duration_ms or 0) / 1000
    # The encoder marks its cuts: the stretch after the last keyframe holds none it did not mark.
    end_s = max(first.keyframes, default=0.0) if first.placed else duration_s
    windows = candidate_windows(list(first.keyframes), first.in_doubt, 1 / (info.fps or 30), end_s)
    if len(windows) > _MAX_WINDOWS or sum(end - start for start, end in windows) > _MAX_WINDOW_SHARE * duration_s:
        done = run_ffmpeg(scene_args(path, threshold=threshold), what="finding scene cuts")
        return parse_scdet(done.stderr.decode("utf-8", "replace"))

    def sharpest_jump(window: tuple[float, float]) -> tuple[float, float] | None:
        done = run_ffmpeg(window_args(path, *window, threshold=threshold), what="finding scene cuts")
        found = parse_scdet(done.stderr.decode("utf-8", "replace"))
        return max(found, key=lambda cut: cut[1]) if found else None  # none: a gradual change

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        refined = {cut for cut in pool.map(sharpest_jump, windows) if cut is not None}
    return sorted(refined | set(first.cuts))
