"""``Audio``: rendered, mastered stereo samples and what was measured on them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.io import wavfile

__all__ = ["Audio", "write_wav"]


@dataclass(frozen=True, eq=False)
class Audio:
    samples: np.ndarray  # float32, shape (n, 2), in [-1, 1]
    sample_rate: int
    lufs: float  # integrated loudness, ITU-R BS.1770-4
    true_peak_db: float  # dBTP, 4x oversampled

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    def write_wav(self, path: str | os.PathLike[str]) -> Path:
        """Write 16-bit PCM stereo WAV (what every editor and ffmpeg reads); returns the path."""
        return write_wav(path, self.samples, self.sample_rate)

    def __repr__(self) -> str:
        return (f"Audio({self.duration_s:.3f} s, {self.sample_rate} Hz, {self.lufs:.1f} LUFS, "
                f"{self.true_peak_db:.1f} dBTP)")


def write_wav(path: str | os.PathLike[str], samples: np.ndarray, sample_rate: int) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    wavfile.write(path, sample_rate, pcm)
    return path
