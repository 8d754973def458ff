"""Loudness normalisation of the raw mix: -14 LUFS integrated, true peak at most -1 dBTP.

Why not ffmpeg's ``loudnorm``: in one pass it is a dynamic (AGC-like) normaliser that lands
within a dB or two and needs 3 s to settle, and its exact two-pass mode costs a second full
decode. The mix is already raw float PCM on disk, so we measure it exactly (ITU-R BS.1770-4
K-weighting and gating, streamed in chunks so a long film stays in bounded memory), apply one
static gain, and only where 4x-oversampled peaks exceed the ceiling, a look-ahead limiter.
The limiter ceiling sits 1 dB below the -1 dBTP target: AAC encoding adds overshoots of a
few tenths of a dB (``musicmaker bench engine`` prints the encoded file's true peak).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from scipy import ndimage, signal

__all__ = [
    "TARGET_LUFS",
    "CEILING_DBTP",
    "LoudnessResult",
    "integrated_loudness",
    "normalize_raw",
    "stream_normalized",
]

TARGET_LUFS = -14.0
CEILING_DBTP = -2.0
RATE = 48000
CHANNELS = 2
_BLOCK = RATE // 10  # 100 ms: gating blocks are 4 of these, overlapping by 75 %
_CHUNK_BLOCKS = 100  # 10 s read at a time
_LOOKAHEAD = RATE // 200  # 5 ms each side of a peak over which the gain dips and recovers
_OVERSAMPLE = 4
# BS.1770-4 K-weighting at 48 kHz: a high shelf, then a high pass.
_SHELF = (np.array([1.53512485958697, -2.69169618940638, 1.19839281085285]),
          np.array([1.0, -1.69065929318241, 0.73248077421585]))
_HIGH_PASS = (np.array([1.0, -2.0, 1.0]), np.array([1.0, -1.99004745483398, 0.99007225036621]))
# The 4x interpolator: 49 taps cut at the original Nyquist, split into its four phases; with
# an odd length, phase 0 is the original samples themselves.
_INTERPOLATOR = signal.firwin(12 * _OVERSAMPLE + 1, 1 / _OVERSAMPLE, window=("kaiser", 6.0)) * _OVERSAMPLE
_BRANCHES = [_INTERPOLATOR[phase::_OVERSAMPLE] for phase in range(1, _OVERSAMPLE)]


@dataclass(frozen=True)
class LoudnessResult:
    measured_lufs: float
    gain_db: float
    limited: bool


def _block_powers(samples: np.ndarray) -> np.ndarray:
    """Mean square of the K-weighted signal per 100 ms block, summed over channels."""
    states = [np.zeros((2, samples.shape[1])), np.zeros((2, samples.shape[1]))]
    powers = []
    step = _BLOCK * _CHUNK_BLOCKS
    for begin in range(0, len(samples) - _BLOCK + 1, step):
        chunk = np.asarray(samples[begin:begin + step], dtype=np.float64)
        chunk = chunk[: len(chunk) // _BLOCK * _BLOCK]
        for index, (b, a) in enumerate((_SHELF, _HIGH_PASS)):
            chunk, states[index] = signal.lfilter(b, a, chunk, axis=0, zi=states[index])
        powers.append((chunk ** 2).reshape(-1, _BLOCK, chunk.shape[1]).mean(axis=1).sum(axis=1))
    return np.concatenate(powers) if powers else np.zeros(0)


def _lufs(power: float) -> float:
    return -0.691 + 10 * math.log10(power) if power > 0 else -math.inf


def integrated_loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of ``(n, channels)`` float samples at 48 kHz; -inf for silence."""
    short = _block_powers(samples)
    if len(short) < 4:
        return -math.inf
    blocks = np.convolve(short, np.ones(4) / 4, mode="valid")  # 400 ms blocks, 100 ms apart
    gated = blocks[blocks > 10 ** ((-70 + 0.691) / 10)]
    if not len(gated):
        return -math.inf
    relative = 10 ** ((_lufs(gated.mean()) - 10 + 0.691) / 10)
    return _lufs(gated[gated > relative].mean())


def _true_peaks(chunk: np.ndarray) -> np.ndarray:
    """Per-sample peak over channels of the 4x-oversampled signal (BS.1770 Annex 2 style).

    Each polyphase branch of the interpolator is a 12-tap filter run at the original rate:
    far cheaper than resampling the whole signal.
    """
    channels = np.ascontiguousarray(chunk.T)  # numpy reduces fast across rows, slowly along short ones
    peaks = np.abs(channels).max(axis=0)
    for branch in _BRANCHES:
        peaks = np.maximum(peaks, np.abs(ndimage.convolve1d(channels, branch, axis=1, mode="nearest")).max(axis=0))
    return peaks


def _limit_gain(chunk: np.ndarray, ceiling: float) -> np.ndarray:
    """Per-sample gain (<= 1) that keeps the true peaks of ``chunk`` under ``ceiling``.

    A minimum filter then a moving average of the same width: the smoothed gain at any sample
    is an average of values each no larger than that sample's need, so no peak gets through.
    """
    need = np.minimum(1.0, ceiling / np.maximum(_true_peaks(chunk), 1e-12))
    if need.min() >= 1.0:
        return need
    width = 2 * _LOOKAHEAD + 1
    return ndimage.uniform_filter1d(ndimage.minimum_filter1d(need, width, mode="nearest"), width, mode="nearest")


def _write_limited(samples: np.ndarray, gain: float, ceiling: float, out) -> bool:
    limited = False
    step, margin = _BLOCK * _CHUNK_BLOCKS, 4 * _LOOKAHEAD + 64
    for begin in range(0, len(samples), step):
        lo, hi = max(begin - margin, 0), min(begin + step + margin, len(samples))
        chunk = np.asarray(samples[lo:hi], dtype=np.float32) * np.float32(gain)
        smooth = _limit_gain(chunk, ceiling)
        limited = limited or bool((smooth < 1).any())
        body = (chunk * smooth[:, None])[begin - lo: begin - lo + step]
        out.write(np.clip(body, -1.0, 1.0).astype("<f4").tobytes())
    return limited


def _read(path: str | os.PathLike[str]) -> np.ndarray:
    frames = Path(path).stat().st_size // (4 * CHANNELS)
    if not frames:
        return np.zeros((0, CHANNELS), dtype="<f4")
    return np.memmap(path, dtype="<f4", mode="r", shape=(frames, CHANNELS))


def normalize_raw(src: str | os.PathLike[str], dst: str | os.PathLike[str], *,
                  target_lufs: float = TARGET_LUFS, ceiling_dbtp: float = CEILING_DBTP) -> LoudnessResult:
    """Read 48 kHz stereo f32le from ``src``, write it to ``dst`` at ``target_lufs`` with peaks limited.

    Limiting lowers the loudness a little; then the gain is raised by the shortfall and the
    limiter runs again (at most twice more), which lands within 0.1 LU on dense material.
    """
    samples = _read(src)
    measured = integrated_loudness(samples)
    # Silence (or near silence) stays as it is rather than being blown up into noise.
    gain_db = target_lufs - measured if measured > -60 else 0.0
    for _ in range(3):
        with open(dst, "wb") as out:
            limited = _write_limited(samples, 10 ** (gain_db / 20), 10 ** (ceiling_dbtp / 20), out)
        shortfall = target_lufs - integrated_loudness(_read(dst)) if limited else 0.0
        if abs(shortfall) < 0.1:
            break
        gain_db += shortfall
    del samples
    return LoudnessResult(measured_lufs=measured, gain_db=gain_db, limited=limited)


class _Tee:
    def __init__(self, *outs: BinaryIO) -> None:
        self.outs = outs

    def write(self, data: bytes) -> None:
        for out in self.outs:
            out.write(data)


def stream_normalized(src: str | os.PathLike[str], keep: str | os.PathLike[str], out: BinaryIO, *,
                      target_lufs: float = TARGET_LUFS, ceiling_dbtp: float = CEILING_DBTP) -> LoudnessResult | None:
    """One pass of :func:`normalize_raw` written to ``out`` (an encoder's input) as it is made, and
    to ``keep``. Returns None when limiting cost 0.1 LU or more: then ``normalize_raw`` iterates."""
    samples = _read(src)
    measured = integrated_loudness(samples)
    gain_db = target_lufs - measured if measured > -60 else 0.0
    with open(keep, "wb") as kept:
        limited = _write_limited(samples, 10 ** (gain_db / 20), 10 ** (ceiling_dbtp / 20), _Tee(out, kept))
    if limited and abs(target_lufs - integrated_loudness(_read(keep))) >= 0.1:
        return None
    return LoudnessResult(measured_lufs=measured, gain_db=gain_db, limited=limited)
