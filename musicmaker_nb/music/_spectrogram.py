"""A piece's spectrogram as a small PNG: log-frequency, dB, one fixed colour scale. Pure numpy and
zlib (no plotting library): a 64-colour palette image of about 30 KB."""

from __future__ import annotations

import struct
import zlib

import numpy as np

__all__ = ["spectrogram_db", "log_frequency_bank", "palette", "image_indices", "png_bytes", "spectrogram_png",
           "FMIN_HZ", "FMAX_HZ", "FLOOR_DB", "TOP_DB", "GRID_HZ"]

FMIN_HZ, FMAX_HZ = 40.0, 16000.0
# One scale for every piece (0 dB = a full-scale sine), so a thin or quiet style looks thin.
FLOOR_DB, TOP_DB = -100.0, -15.0
GRID_HZ = (100.0, 1000.0, 10000.0)
_N_FFT = 4096  # 10.8 Hz bins at 44.1 kHz: enough to tell bass notes apart
_LEVELS = 64  # 1.3 dB a step: no visible banding, and half the bytes of 256 levels
_GRID_INDEX = _LEVELS  # the palette slot after the scale: the dotted frequency lines
# inferno-like anchors: black, purple, red, orange, pale yellow
_ANCHORS = np.array([[0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66],
                     [245, 125, 21], [250, 193, 39], [252, 255, 164]], dtype=float)


def log_frequency_bank(n_bins: int, bin_hz: float, rows: int, fmin: float = FMIN_HZ,
                       fmax: float = FMAX_HZ) -> np.ndarray:
    """(rows, n_bins) triangular filters centred on log-spaced frequencies, each row summing to 1.
    A filter is never narrower than one FFT bin, so the low rows interpolate instead of going dark."""
    centres = np.geomspace(fmin, fmax, rows)
    ratio = (fmax / fmin) ** (1.0 / max(rows - 1, 1))
    half = np.maximum(centres * (ratio - 1.0), bin_hz)
    freqs = np.arange(n_bins) * bin_hz
    weights = np.clip(1.0 - np.abs(freqs[None, :] - centres[:, None]) / half[:, None], 0.0, None)
    return weights / weights.sum(axis=1, keepdims=True)


def spectrogram_db(samples: np.ndarray, rate: int, *, width: int = 600, rows: int = 128) -> np.ndarray:
    """(rows, width) power in dB, lowest frequency first; ``samples`` mono (n,) or (n, channels)."""
    mono = np.asarray(samples, dtype=np.float64)
    mono = mono.mean(axis=1) if mono.ndim == 2 else mono
    padded = np.pad(mono, (_N_FFT // 2, _N_FFT // 2))
    starts = np.linspace(0, len(padded) - _N_FFT, width).astype(int)
    frames = np.lib.stride_tricks.sliding_window_view(padded, _N_FFT)[starts]
    window = np.hanning(_N_FFT)
    # scaled so that a sine of amplitude A reads A**2 in its bin; a row is its bins' weighted mean
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2 * (2.0 / window.sum()) ** 2
    bank = log_frequency_bank(power.shape[1], rate / _N_FFT, rows)
    return 10.0 * np.log10(bank @ power.T + 1e-20)


def palette() -> np.ndarray:
    """(65, 3) uint8: 0..63 the colour scale, 64 the grid lines' grey."""
    positions = np.linspace(0.0, 1.0, len(_ANCHORS))
    steps = np.linspace(0.0, 1.0, _LEVELS)
    colours = np.stack([np.interp(steps, positions, _ANCHORS[:, c]) for c in range(3)], axis=1)
    return np.vstack([colours, [[150, 150, 150]]]).round().astype(np.uint8)


def image_indices(db: np.ndarray, *, floor: float = FLOOR_DB, top: float = TOP_DB,
                  grid_hz: tuple[float, ...] = GRID_HZ, fmin: float = FMIN_HZ, fmax: float = FMAX_HZ) -> np.ndarray:
    """Palette indices, highest frequency in the first row (as an image is drawn), with dotted
    lines at ``grid_hz``."""
    rows = db.shape[0]
    scaled = np.clip((db - floor) / (top - floor), 0.0, 1.0)
    indices = np.round(scaled * (_LEVELS - 1)).astype(np.uint8)
    for hz in grid_hz:
        row = int(round(np.log(hz / fmin) / np.log(fmax / fmin) * (rows - 1)))
        if 0 <= row < rows:
            indices[row, ::6] = _GRID_INDEX
            indices[row, 1::6] = _GRID_INDEX
    return indices[::-1]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(indices: np.ndarray, colours: np.ndarray) -> bytes:
    """An 8-bit palette PNG of ``indices`` (height, width) uint8 with ``colours`` (<= 256, 3) uint8."""
    height, width = indices.shape
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit, palette, no interlace
    # filter 1 (Sub: each byte minus its left neighbour) compresses a spectrogram's rows best
    sub = np.diff(indices.astype(np.int16), axis=1, prepend=0).astype(np.uint8)
    rows = np.hstack([np.ones((height, 1), np.uint8), sub])
    return b"".join([b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"PLTE", colours.astype(np.uint8).tobytes()),
                     _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)), _chunk(b"IEND", b"")])


def spectrogram_png(samples: np.ndarray, rate: int, *, width: int = 600, rows: int = 128) -> bytes:
    return png_bytes(image_indices(spectrogram_db(samples, rate, width=width, rows=rows)), palette())
