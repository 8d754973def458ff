"""Mastering: fades, loudness to -14 LUFS (ITU-R BS.1770-4) and a true-peak ceiling of -1 dBTP.

Written for long pieces on one core: the K-weighted signal is filtered once, block energies come
from 100 ms hops, and the peak limiter only touches (and re-measures) the short regions where a
peak is over the ceiling, using the filter's linearity: K(x * g) = K(x) - K(x * (1 - g)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage, signal

__all__ = ["Mastered", "TARGET_LUFS", "CEILING_DBTP", "fade", "integrated_loudness", "channels_loudness",
           "true_peak_db", "master"]

TARGET_LUFS = -14.0
CEILING_DBTP = -1.0
_LIMIT_DBFS = -1.6  # the limiter's sample-peak ceiling, leaving room for inter-sample peaks
_ATTEMPTS = 3
_EDGE_FADE_S = 0.003  # a piece opening on a hit would start with a step from silence: a click
_BLOCK_HOPS = 4  # a 400 ms gating block is four 100 ms hops (75 % overlap)
_SILENCE = -70.0
_DENORMAL_GUARD = np.float32(1e-30)


@dataclass(frozen=True)
class Mastered:
    samples: np.ndarray
    lufs: float
    true_peak_db: float


def _k_weighting(rate: int) -> np.ndarray:
    """The BS.1770 pre-filter (high shelf, then RLB high-pass) as second-order sections for ``rate``.

    Brecht De Man's analog prototypes, which give the standard's 48 kHz coefficients exactly and
    carry them to other rates by the bilinear transform (``pyloudnorm``'s "DeMan" filter class).
    """
    k = np.tan(np.pi * 1681.9744509555319 / rate)
    q, vh = 0.7071752369554193, 10 ** (3.99984385397 / 20)
    vb = vh ** 0.499666774155
    norm = 1 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / norm, 2 * (k * k - vh) / norm, (vh - vb * k / q + k * k) / norm,
             1.0, 2 * (k * k - 1) / norm, (1 - k / q + k * k) / norm]
    k = np.tan(np.pi * 38.13547087613982 / rate)
    q = 0.5003270373253953
    norm = 1 + k / q + k * k
    high_pass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / norm, (1 - k / q + k * k) / norm]
    return np.array([shelf, high_pass])


def _filtered(channels: np.ndarray, rate: int) -> np.ndarray:
    """K-weighted ``channels``, shape (c, n), channels first."""
    # A whisper of DC keeps the filter's state out of denormal floats after silence, which
    # would make it several times slower; the high-pass removes it again.
    return signal.sosfilt(_k_weighting(rate).astype(np.float32), channels + _DENORMAL_GUARD, axis=-1)


def _hop_energy(weighted: np.ndarray, hop: int) -> np.ndarray:
    """Sum over channels of the mean square of each whole 100 ms hop (of all of it, if shorter)."""
    count = weighted.shape[1] // hop
    if count == 0 and weighted.shape[1]:
        return np.array([float(np.einsum("ij,ij->", weighted, weighted)) / weighted.shape[1]])
    out = np.empty(count)
    step = 64  # hops per chunk: small enough to stay in cache
    for first in range(0, count, step):
        last = min(count, first + step)
        block = weighted[:, first * hop:last * hop]
        squares = np.einsum("ij,ij->j", block, block)
        out[first:last] = squares.reshape(-1, hop).sum(axis=1, dtype=np.float64) / hop
    return out


def _gated(hops: np.ndarray) -> float:
    if not len(hops):
        return float("-inf")
    if len(hops) < _BLOCK_HOPS:  # shorter than one gating block: the whole clip is the block
        blocks = np.array([hops.mean()])
    else:
        blocks = np.convolve(hops, np.ones(_BLOCK_HOPS), mode="valid") / _BLOCK_HOPS
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(blocks)
    kept = blocks[loud > _SILENCE]
    if not len(kept):
        return float("-inf")
    relative = -0.691 + 10 * np.log10(kept.mean()) - 10.0
    kept = blocks[(loud > _SILENCE) & (loud > relative)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS of stereo ``samples`` (n, 2); -inf for silence."""
    return channels_loudness(np.ascontiguousarray(samples.T), rate)


def channels_loudness(channels: np.ndarray, rate: int) -> float:
    """The same for any number of channels given first, (c, n) float32."""
    return _gated(_hop_energy(_filtered(channels, rate), rate // 10))


# BS.1770-4 Annex 2: 48-tap interpolation filter, four phases of 12 taps
_TP_TAPS = np.array([
    [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
     0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
    [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
     0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375],
    [-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
     0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875],
    [-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
     0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750],
])


def true_peak_db(samples: np.ndarray, floor_db: float = -2.0) -> float:
    """True peak (4x oversampled, BS.1770-4 Annex 2) in dBTP. The interpolation is evaluated on both
    sides of every local maximum within ``floor_db`` of the sample peak: in band-limited music an
    inter-sample peak sits next to a local maximum and exceeds it by far less than that."""
    channels = samples.shape[1] if samples.ndim == 2 else 1
    flat = samples.reshape(-1)  # the channels interleaved: a sample's neighbours are ``channels`` apart
    level = np.abs(flat)
    peak = float(level.max(initial=0.0))
    if peak == 0.0:
        return float("-inf")
    loud = np.flatnonzero(level >= np.float32(peak * 10 ** (floor_db / 20)))
    loud = loud[(loud >= channels) & (loud < len(flat) - channels)]
    top = level[loud]
    tops = loud[(top >= level[loud - channels]) & (top >= level[loud + channels])]
    taps = _TP_TAPS[:, ::-1].astype(np.float32)
    offsets = channels * np.arange(-5, 7)  # x[c-5] .. x[c+6] of the sample's own channel
    for chunk in np.array_split(np.concatenate([tops, tops - channels]), max(1, len(tops) // 65536)):
        index = chunk[:, None] + offsets
        lane = chunk[:, None] % channels
        # past either end of the piece, its channel's first or last sample stands in
        index = np.where(index < 0, lane, np.where(index >= len(flat), len(flat) - channels + lane, index))
        # einsum's own loop, not a matrix product: BLAS would wake its threads, which then spin
        peak = max(peak, float(np.abs(np.einsum("ij,kj->ik", flat[index], taps)).max(initial=0.0)))
    return float(20 * np.log10(peak))


def fade(samples: np.ndarray, rate: int, fade_in_s: float, fade_out_s: float) -> None:
    """Raised-cosine fades in place; a fade-out reaches exactly zero on the last sample."""
    for length_s, tail in ((fade_in_s, False), (fade_out_s, True)):
        n = min(len(samples), int(round(length_s * rate)))
        if n > 1:
            ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))).astype(np.float32)[:, None]
            if tail:
                samples[-n:] *= ramp[::-1]
            else:
                samples[:n] *= ramp


def _regions(mask: np.ndarray, pad: int) -> list[tuple[int, int]]:
    """Runs of True in ``mask``, widened by ``pad`` and merged."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return []
    breaks = np.flatnonzero(np.diff(idx) > 2 * pad)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]]) - pad
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + pad + 1
    return list(zip(starts.clip(0, len(mask)).tolist(), ends.clip(0, len(mask)).tolist()))


def _limit_gain(level: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """Per-sample gain (<= 1) keeping ``level`` under ``ceiling``, with ~10 ms attack and release."""
    radius = rate // 100
    over = np.maximum(0.0, 20 * np.log10(np.maximum(level, 1e-12) / ceiling))
    held = ndimage.maximum_filter1d(over, 2 * radius + 1)
    smooth = ndimage.uniform_filter1d(held, radius + 1)
    return (10 ** (-np.maximum(smooth, over) / 20)).astype(np.float32)


def master(samples: np.ndarray, rate: int, fade_in_s: float = 0.0, fade_out_s: float = 0.0) -> Mastered:
    """Fade, normalise to -14 LUFS and limit to -1 dBTP, in place on float32 ``samples`` (n, 2).

    The mix is K-weighted once. Gain and limiter are then solved together on that measurement,
    taking K(G x g) as G K(x) g: the limiter's gain moves over milliseconds, slowly next to the
    filter's memory, and the loudness so found is within 0.01 LU of measuring the result again.
    The limiter holds sample peaks under a ceiling that leaves room for inter-sample peaks; where
    the music's edges are so sharp that its true peak still overshoots (a distorted or pumping
    mix), the gain is taken back and solved again under a ceiling lowered by the overshoot."""
    out = samples if samples.dtype == np.float32 else samples.astype(np.float32)
    fade(out, rate, max(fade_in_s, _EDGE_FADE_S), fade_out_s)
    hop = rate // 10
    channels = np.ascontiguousarray(out.T)
    weighted = _filtered(channels, rate)
    hops = _hop_energy(weighted, hop)
    loudness = _gated(hops)
    if not np.isfinite(loudness):
        return Mastered(out, float("-inf"), float("-inf"))
    level = np.maximum(np.abs(channels[0]), np.abs(channels[1]))
    del channels
    limit_dbfs = _LIMIT_DBFS
    for attempt in range(_ATTEMPTS):
        gain, regions, limited, loudness = _solve(level, hops, weighted, loudness, rate, hop, limit_dbfs)
        out *= np.float32(gain)
        for (start, end), g in zip(regions, limited):
            out[start:end] *= g[:, None]
        peak = true_peak_db(out)
        overshoot = peak - (CEILING_DBTP - 0.1)
        if overshoot <= 0.02 or attempt == _ATTEMPTS - 1:
            break
        for (start, end), g in zip(regions, limited):  # take it back and try under a lower ceiling
            out[start:end] /= g[:, None]
        out *= np.float32(1.0 / gain)
        limit_dbfs -= overshoot + 0.05
    # the loop stops within 0.02 LU: close that now, where the peak allows
    trim = min(TARGET_LUFS - loudness, CEILING_DBTP - 0.1 - peak)
    if abs(trim) > 0.01:
        out *= np.float32(10 ** (trim / 20))
        loudness, peak = loudness + trim, peak + trim
    np.clip(out, -1.0, 1.0, out=out)
    return Mastered(out, round(loudness, 3), round(peak, 3))


def _solve(level: np.ndarray, hops: np.ndarray, weighted: np.ndarray, loudness: float, rate: int, hop: int,
           limit_dbfs: float) -> tuple[float, list[tuple[int, int]], list[np.ndarray], float]:
    """(gain, limiter regions, their gains, resulting loudness) that bring the mix to the target.

    Secant steps on (gain in dB, loudness): where the limiter works hard, a decibel more gain
    gives much less than a decibel more loudness, and a plain step would creep towards it."""
    gain_db, tried = TARGET_LUFS - loudness, []
    for _ in range(8):
        gain = 10 ** (gain_db / 20)
        regions, limited = _limiter_regions(level * gain, rate, limit_dbfs)
        loudness = _gated(_limited_hops(hops, weighted, gain, regions, limited, hop))
        if abs(TARGET_LUFS - loudness) < 0.02:
            break
        tried.append((gain_db, loudness))
        if len(tried) >= 2 and abs(tried[-1][1] - tried[-2][1]) < 0.05:
            break  # the limiter holds the whole piece: more gain is no louder (within 0.5 LU here)
        slope = 1.0
        if len(tried) >= 2 and tried[-1][0] != tried[-2][0]:
            slope = min(1.0, max(0.05, (tried[-1][1] - tried[-2][1]) / (tried[-1][0] - tried[-2][0])))
        gain_db += (TARGET_LUFS - loudness) / slope
    return gain, regions, limited, loudness


def _limiter_regions(level: np.ndarray, rate: int, limit_dbfs: float) -> tuple[list[tuple[int, int]], list[np.ndarray]]:
    ceiling = 10 ** (limit_dbfs / 20)
    regions = _regions(level > ceiling, 3 * rate // 100)
    return regions, [_limit_gain(level[s:e], ceiling, rate) for s, e in regions]


def _limited_hops(hops: np.ndarray, weighted: np.ndarray, gain: float, regions: list[tuple[int, int]],
                  limited: list[np.ndarray], hop: int) -> np.ndarray:
    """K-weighted hop energies after gain and limiting, taking K(x g) as K(x) g (the limiter's
    gain moves over milliseconds, slowly next to the filter's memory)."""
    removed = np.zeros(len(hops))
    for (start, end), g in zip(regions, limited):
        end = min(end, len(hops) * hop)
        if end <= start:
            continue
        first, last = start // hop, (end - 1) // hop + 1
        part = weighted[:, start:end]
        energy = np.einsum("ij,ij->j", part, part).astype(np.float64) * (1.0 - g[: end - start].astype(np.float64) ** 2)
        removed[first:last] += np.bincount(np.arange(start, end) // hop - first, energy, minlength=last - first)
    return (hops - removed / hop) * gain * gain
