"""A picture of the music: its waveform (min/max envelope) and its loudness over time, with its
sections drawn on both.

The numbers come from pure functions (``music_curves``: samples in, envelope and K-weighted
loudness out); ``music_picture_svg`` draws them, no I/O. ``read_wav`` and ``fetch_music_curves``
are the thin shells that read a WAV and fetch one from the backend.
"""

from __future__ import annotations

import asyncio
import html
import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import numpy as np

from ..client._facts import Section
from ..client._picture import SECTION_COLOURS, fit_text, svg_text

if TYPE_CHECKING:
    from ..client._client import AsyncMusicMaker

__all__ = [
    "Envelope",
    "Loudness",
    "envelope",
    "loudness_curve",
    "music_curves",
    "read_wav",
    "music_picture_svg",
    "fetch_music_curves",
]

FLOOR_LUFS = -70.0  # BS.1770's absolute gate: silence reads as this
_LOUDNESS_SCALE = (-40.0, -5.0)  # the LUFS range the loudness band shows
_FONT = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


@dataclass(frozen=True)
class Envelope:
    """The lowest and highest sample in each of ``len(low)`` equal slices of ``duration_s``."""

    duration_s: float
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class Loudness:
    """K-weighted loudness (LUFS) of ``window_s`` windows centred at ``times_s``."""

    times_s: np.ndarray
    lufs: np.ndarray
    window_s: float


def _mono(samples: np.ndarray) -> np.ndarray:
    return samples if samples.ndim == 1 else samples.mean(axis=1)


def envelope(samples: np.ndarray, rate: int, *, buckets: int = 600) -> Envelope:
    mono = _mono(np.asarray(samples, dtype=np.float64))
    count = max(min(buckets, len(mono)), 1)
    edges = np.linspace(0, len(mono), count + 1).astype(int)
    if not len(mono):
        return Envelope(0.0, np.zeros(1), np.zeros(1))
    low = np.minimum.reduceat(mono, edges[:-1])
    high = np.maximum.reduceat(mono, edges[:-1])
    return Envelope(len(mono) / rate, low, high)


def _k_weighted(samples: np.ndarray, rate: int) -> np.ndarray:
    """BS.1770's K-weighting (a high shelf, then a high pass), per channel, with pyloudnorm's filters."""
    from pyloudnorm import IIRfilter

    shelf = IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf")
    high_pass = IIRfilter(0.0, 0.5, 38.0, rate, "high_pass")
    return high_pass.apply_filter(shelf.apply_filter(samples))


def loudness_curve(samples: np.ndarray, rate: int, *, window_s: float = 0.4, hop_s: float = 0.1) -> Loudness:
    """Momentary loudness (400 ms windows, BS.1771) every ``hop_s``; ``window_s=3`` gives short-term."""
    channels = np.asarray(samples, dtype=np.float64)
    channels = channels[:, None] if channels.ndim == 1 else channels
    weighted = _k_weighted(channels.T, rate)  # filters run along the last axis
    power = np.concatenate([[0.0], np.cumsum(np.sum(weighted**2, axis=0))])
    window, hop = max(int(window_s * rate), 1), max(int(hop_s * rate), 1)
    starts = np.arange(0, max(len(power) - 1 - window, 0) + 1, hop)
    ends = np.minimum(starts + window, len(power) - 1)
    mean = (power[ends] - power[starts]) / np.maximum(ends - starts, 1)
    with np.errstate(divide="ignore"):
        lufs = np.maximum(-0.691 + 10 * np.log10(mean), FLOOR_LUFS)
    return Loudness((starts + ends) / 2 / rate, lufs, window_s)


def music_curves(samples: np.ndarray, rate: int, *, buckets: int = 600,
                 window_s: float = 0.4) -> tuple[Envelope, Loudness]:
    return envelope(samples, rate, buckets=buckets), loudness_curve(samples, rate, window_s=window_s)


def read_wav(path: str | os.PathLike[str]) -> tuple[np.ndarray, int]:
    """A PCM WAV (16, 24 or 32 bit) as floats in -1..1, shape (frames, channels), and its rate."""
    with wave.open(str(path), "rb") as reader:
        width, channels, rate = reader.getsampwidth(), reader.getnchannels(), reader.getframerate()
        raw = reader.readframes(reader.getnframes())
    if width == 3:  # no numpy type: widen each sample to 32 bits
        bytes24 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        raw = np.concatenate([np.zeros((len(bytes24), 1), np.uint8), bytes24], axis=1).tobytes()
        width = 4
    kinds: dict[int, np.dtype[Any]] = {1: np.dtype(np.uint8), 2: np.dtype("<i2"), 4: np.dtype("<i4")}
    if width not in kinds:
        raise ValueError(f"{path}: {8 * width}-bit samples are not PCM this reader knows")
    data = np.frombuffer(raw, dtype=kinds[width]).astype(np.float64)
    data = (data - 128) / 128 if width == 1 else data / float(2 ** (8 * width - 1))
    return data.reshape(-1, channels), rate


async def fetch_music_curves(client: AsyncMusicMaker, url: str, *, buckets: int = 600) -> tuple[Envelope, Loudness]:
    """Download the music at ``url`` (the backend's generated media), read it and measure it."""
    with tempfile.TemporaryDirectory(prefix="musicmaker_") as folder:
        path = await client.download(url, Path(folder) / "music.wav")
        samples, rate = await asyncio.to_thread(read_wav, path)
        return await asyncio.to_thread(music_curves, samples, rate, buckets=buckets)


def _sections(sections: Iterable[Section | Mapping[str, Any]]) -> list[Section]:
    out = []
    for item in sections:
        if isinstance(item, Section):
            out.append(item)
        elif isinstance(item, Mapping) and "start_s" in item and "end_s" in item:
            out.append(Section(str(item.get("name", "")), float(item["start_s"]), float(item["end_s"]),
                               item.get("bars")))
    return out


def music_picture_svg(env: Envelope, loudness: Loudness, sections: Iterable[Section | Mapping[str, Any]] = (), *,
                      width: int = 1000, title: str | None = None) -> str:
    """The waveform and the loudness (LUFS) over the music's time, the sections coloured behind
    both; ``sections`` as in a plan (``name``, ``start_s``, ``end_s`` from the music's start)."""
    width = max(int(width), 240)
    font = 11 if width < 600 else 12
    left, right = 40.0, width - 8.0
    duration = max(env.duration_s, 1e-3)

    def x(time_s: float) -> float:
        return left + (right - left) * min(max(time_s, 0.0), duration) / duration

    wave_top, wave_h, loud_top, loud_h = 22.0, 64.0, 92.0, 54.0
    parts = [f'<rect x="0" y="0" width="{width}" height="170" rx="4" fill="#ffffff"/>']
    legend = f"loudness, LUFS ({loudness.window_s:g} s)"
    parts.append(svg_text(width - 8, 15, legend, size=font - 1, fill="#bc4c00", anchor="end"))
    if title:
        room = width - 24 - 0.58 * (font - 1) * len(legend)
        parts.append(svg_text(8, 15, fit_text(title, room, font), size=font, weight="600", cls="mm-music-title"))
    for section in _sections(sections):
        x0, x1 = x(section.start_s), x(section.end_s)
        colour = SECTION_COLOURS.get(section.name.lower(), "#e8e8e8")
        parts.append(f'<g class="mm-section" data-name="{html.escape(section.name, quote=True)}">'
                     f'<rect x="{x0:.1f}" y="{wave_top}" width="{max(x1 - x0, 0):.1f}" '
                     f'height="{loud_top + loud_h - wave_top}" fill="{colour}" opacity="0.55"/>'
                     f"{svg_text(x0 + 3, wave_top + 11, section.name, size=font - 1, fill='#1f2328')}</g>")
    parts.append(_waveform(env, x, wave_top, wave_h))
    parts.append(_loudness(loudness, x, left, right, loud_top, loud_h, font))
    for n in range(int(duration // _tick_step(duration, right - left)) + 1):
        time_s = n * _tick_step(duration, right - left)
        anchor = "start" if n == 0 else "end" if x(time_s) > right - 20 else "middle"
        label = f"{int(time_s // 60)}:{int(time_s % 60):02d}"
        parts.append(svg_text(x(time_s), 164, label, size=font - 2, fill="#57606a", anchor=anchor))
    label = html.escape(title or "the music")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="mm-music-svg" viewBox="0 0 {width} 170" width="100%" '
            f'role="img" aria-label="Waveform and loudness of {label}" '
            f'style="display:block;max-width:{width}px;height:auto;font-family:{_FONT}">'
            f"<title>Waveform and loudness of {label}</title>{''.join(parts)}</svg>")


def _tick_step(duration_s: float, span_px: float) -> float:
    return next((s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300) if s * span_px / duration_s >= 70), 600)


def _waveform(env: Envelope, x: Any, top: float, height: float) -> str:
    middle, half = top + height / 2, height / 2
    step = env.duration_s / max(len(env.high), 1)
    upper = [f"{x((i + 0.5) * step):.1f},{middle - half * min(float(v), 1.0):.1f}" for i, v in enumerate(env.high)]
    lower = [f"{x((i + 0.5) * step):.1f},{middle - half * max(float(v), -1.0):.1f}"
             for i, v in reversed(list(enumerate(env.low)))]
    return (f'<polygon class="mm-waveform" points="{" ".join(upper + lower)}" fill="#8250df" fill-opacity="0.75"/>'
            f'<line x1="{x(0):.1f}" y1="{middle}" x2="{x(env.duration_s):.1f}" y2="{middle}" stroke="#6639ba" '
            'stroke-width="0.5"/>')


def _loudness(loudness: Loudness, x: Any, left: float, right: float, top: float, height: float, font: int) -> str:
    low, high = _LOUDNESS_SCALE

    def y(lufs: float) -> float:
        return top + height * (high - min(max(lufs, low), high)) / (high - low)

    grid = "".join(
        f'<line x1="{left}" y1="{y(level):.1f}" x2="{right}" y2="{y(level):.1f}" stroke="#d0d7de" stroke-width="0.5"/>'
        + svg_text(left - 4, y(level) + 3, f"{level:g}", size=font - 2, fill="#57606a", anchor="end")
        for level in (-10.0, -20.0, -30.0)
    )
    points = " ".join(f"{x(float(t)):.1f},{y(float(v)):.1f}" for t, v in zip(loudness.times_s, loudness.lufs))
    return (f'{grid}<polyline class="mm-loudness" points="{points}" fill="none" stroke="#bc4c00" '
            'stroke-width="1.5"/>')
