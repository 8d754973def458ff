"""Render a draft to an MP4: H.264 yuv420p (+faststart), AAC 48 kHz stereo at -14 LUFS.

:func:`render_draft` is the thin shell around the pure planning of :mod:`._graph`:
mix the audio, normalise its loudness, encode the picture (or copy it), then move the
finished file into place so that a reader never sees half an MP4.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping

from ...protocol import Draft
from ._ffmpeg import FFmpegError, RenderCancelled, run_ffmpeg_with_progress
from ._graph import (
    QUALITY,
    RenderSource,
    can_copy_video,
    canvas_of,
    plan_mix,
    picture_clips,
    plan_render,
    text_overlays,
)
from ._loudness import LoudnessResult, normalize_raw, stream_normalized

__all__ = [
    "RenderSource",
    "QUALITY",
    "plan_render",
    "plan_mix",
    "can_copy_video",
    "render_draft",
    "find_font",
    "FONT_ENV",
    "FFmpegError",
    "RenderCancelled",
]

FONT_ENV = "MUSICMAKER_FONT"
# The mix is fast (audio only); it gets this share of the progress bar.
_MIX_SHARE = 0.1
_FONT_NAMES = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Regular.ttf",
               "NotoSans-Bold.ttf", "NotoSans-Regular.ttf", "FreeSansBold.ttf", "Arial.ttf")
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/usr/share/fonts/truetype", "/Library/Fonts",
              "/System/Library/Fonts", "C:/Windows/Fonts")


def _package_font_dirs() -> list[Path]:
    """Fonts shipped inside installed pip packages (matplotlib carries DejaVu Sans)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(location) / "mpl-data" / "fonts" / "ttf" for location in spec.submodule_search_locations]


@functools.lru_cache(maxsize=None)
def _search_font() -> str | None:
    directories = [Path(os.path.expanduser("~/.fonts"))] + [Path(d) for d in _FONT_DIRS] + _package_font_dirs()
    for name in _FONT_NAMES:
        for directory in directories:
            if directory.is_dir():
                found = next(iter(sorted(directory.rglob(name))), None)
                if found is not None:
                    return str(found)
    return None


def find_font() -> str:
    """A TrueType font file for titles: ``$MUSICMAKER_FONT``, a system font, or a pip package's."""
    override = os.environ.get(FONT_ENV)
    if override:
        if not Path(override).is_file():
            raise FileNotFoundError(f"{FONT_ENV}={override!r} is not a font file")
        return override
    found = _search_font()
    if found is None:
        raise FileNotFoundError(
            "no font found for titles: install one (apt-get install fonts-dejavu-core, or pip install "
            f"matplotlib) or set {FONT_ENV} to a .ttf file"
        )
    return found


def _scaled(on_progress: Callable[[float], None] | None, start: float, share: float):
    if on_progress is None:
        return None
    return lambda fraction: on_progress(start + share * fraction)


def _raw_mix(draft: Draft, sources: Mapping[str, RenderSource], work: Path, duration_s: float,
             on_progress: Callable[[float], None] | None, cancel: threading.Event | None) -> Path:
    """Stage 1: the mix as raw PCM in ``work/mix.raw.f32``."""
    raw = work / "mix.raw.f32"
    run_ffmpeg_with_progress(plan_mix(draft, sources, raw), duration_s=duration_s, cancel=cancel,
                             on_progress=_scaled(on_progress, 0.0, _MIX_SHARE), what="mixing audio")
    _check(cancel)
    return raw


def _with_motion(draft: Draft, sources: Mapping[str, RenderSource]) -> Mapping[str, RenderSource]:
    """The sources, with the centre of motion found for each video a ``fill`` crop follows."""
    from ._motion import motion_focus

    wanted = {clip.source.path for clip in picture_clips(draft, sources)
              if clip.fit == "fill" and clip.focus == "motion" and clip.source.info.kind == "video"
              and clip.source.focus is None}
    if not wanted:
        return sources
    return {key: replace(source, focus=motion_focus(source.path)) if source.path in wanted else source
            for key, source in sources.items()}


def _check(cancel: threading.Event | None) -> None:
    """Between the stages: RenderCancelled once ``cancel`` is set (ffmpeg itself watches it while it runs)."""
    if cancel is not None and cancel.is_set():
        raise RenderCancelled("the render was cancelled")


def render_draft(
    draft: Draft,
    sources: Mapping[str, RenderSource],
    out_path: str | os.PathLike[str],
    *,
    quality: str = "high",
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> LoudnessResult:
    """Render ``draft`` to ``out_path`` (MP4). Progress 0..1 comes from ffmpeg's ``-progress``.

    Raises :class:`FFmpegError` (with ffmpeg's stderr tail) on failure and
    :class:`RenderCancelled` when ``cancel`` is set; ``out_path`` is then left untouched.
    Returns the loudness measured before normalisation and the gain applied.
    """
    if quality not in QUALITY:
        raise ValueError(f"quality must be one of {', '.join(QUALITY)}, got {quality!r}")
    out_path, canvas = Path(out_path), canvas_of(draft, sources)
    sources = _with_motion(draft, sources)
    font = find_font() if text_overlays(draft, sources) else None
    out_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".render-", dir=out_path.parent))
    try:
        raw = _raw_mix(draft, sources, work, canvas.duration_s, on_progress, cancel)
        what = "muxing (video copied)" if can_copy_video(draft, sources, canvas) else "encoding video"
        encode = functools.partial(
            run_ffmpeg_with_progress, duration_s=canvas.duration_s, cancel=cancel, what=what,
            on_progress=_scaled(on_progress, _MIX_SHARE, 1 - _MIX_SHARE))

        def plan(**mix: Any) -> list[str]:
            return plan_render(draft, sources, work / "out.mp4", quality=quality, font_file=font,
                               mix_path=work / "mix.f32", **mix)

        # The mix is normalised while the encoder already reads it; in the rare case where the
        # limiter pulled it under target, it is normalised exactly and encoded again.
        streamed: list[LoudnessResult | None] = []
        encode(plan(mix_from_stdin=True),
               feed=lambda stdin: streamed.append(stream_normalized(raw, work / "mix.f32", stdin)))
        loudness = streamed[0] if streamed else None
        if loudness is None:
            _check(cancel)
            loudness = normalize_raw(raw, work / "mix.f32")
            encode(plan())
        _check(cancel)
        os.replace(work / "out.mp4", out_path)
    finally:  # every way out, a failure or a cancel included: no work file is left behind
        shutil.rmtree(work, ignore_errors=True)
    if on_progress is not None:
        on_progress(1.0)
    return loudness
