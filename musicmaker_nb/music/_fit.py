"""Fitting music to a clip: tempo, bar count and section boundaries from the duration and the cuts.

The timeline is a grid whose first downbeat is at ``offset_s`` (0 s, or less than a beat of
silence before it): ``bars`` bars of music, then the final tonic chord held (with its release)
until exactly ``duration_s``. Without cuts the tempo is nudged so the held ending is one and a
half bars; with cuts tempo and offset are searched (the tempo within the genre's range) so that
the cuts land on beats and the biggest cut on a downbeat, where a new section starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ._tables import SECTION_ENERGY

__all__ = ["Cut", "CutFit", "normalize_cuts", "hold_bars", "body_bars", "fit_tempo", "report", "layout",
           "section_energy"]

MIN_HOLD_S = 1.5  # the final chord needs this long to sound and ring out
_IDEAL_HOLD_BARS = 1.5
_SEARCH_STEP_BPM = 0.01
_PHASES = 48  # first-downbeat offsets tried, as fractions of a beat
_CAP_S = 0.08
_SEARCH_CELLS = 1_000_000  # (tempo, phase, cut) cells evaluated at once


@dataclass(frozen=True)
class Cut:
    time_s: float
    strength: float


@dataclass(frozen=True)
class CutFit:
    """How the plan's beat grid meets the clip's scene cuts."""

    cuts_s: tuple[float, ...]
    offsets_ms: tuple[float, ...]  # cut minus its nearest beat, signed
    biggest_s: float | None  # the cut a section starts on
    biggest_offset_ms: float | None  # distance of that cut to its downbeat

    @property
    def median_abs_ms(self) -> float:
        return float(np.median(np.abs(self.offsets_ms))) if self.offsets_ms else 0.0


def normalize_cuts(cuts: Sequence[float | tuple[float, float]], duration_s: float) -> tuple[Cut, ...]:
    """Cuts as sorted ``Cut``s inside the clip. A plain time gets as strength the length of the
    scene it starts (a long new scene is the bigger change); ``(time, strength)`` pairs keep theirs."""
    times, strengths = [], []
    for item in cuts:
        time_s, strength = (item, None) if isinstance(item, (int, float)) else item
        if not math.isfinite(float(time_s)):
            raise ValueError(f"cuts: {time_s!r} is not a finite time in seconds")
        if 0.0 < float(time_s) < duration_s:
            times.append(float(time_s))
            strengths.append(strength)
    order = np.argsort(times, kind="stable")
    times = [times[i] for i in order]
    strengths = [strengths[i] for i in order]
    ends = times[1:] + [duration_s]
    return tuple(Cut(t, float(s) if s is not None else end - t) for t, s, end in zip(times, strengths, ends))


def hold_bars(bar_s: float) -> float:
    """The shortest held ending, in bars."""
    return max(1.0, MIN_HOLD_S / bar_s)


def body_bars(duration_s: float, bar_s: float) -> int:
    """Whole bars of music before the held final chord."""
    return max(0, math.floor(duration_s / bar_s - hold_bars(bar_s) + 1e-9))


def fit_tempo(duration_s: float, beats_per_bar: int, low: float, high: float, preferred: float,
              cuts: tuple[Cut, ...]) -> tuple[float, float]:
    """(tempo in [low, high], offset of the first downbeat) that best fit the clip."""
    if cuts:
        return _fit_cuts(beats_per_bar, low, high, preferred, cuts)
    return _fit_length(duration_s, beats_per_bar, low, high, preferred), 0.0


def _fit_length(duration_s: float, beats_per_bar: int, low: float, high: float, preferred: float) -> float:
    # duration = (bars + 1.5) bars exactly; pick the bar count whose tempo is nearest the preferred one
    bars = duration_s * preferred / (60.0 * beats_per_bar) - _IDEAL_HOLD_BARS
    options = [n for n in (math.floor(bars), math.ceil(bars)) if n >= 1]
    tempos = [60.0 * beats_per_bar * (n + _IDEAL_HOLD_BARS) / duration_s for n in options]
    tempos = [t for t in tempos if low <= t <= high and 60.0 * beats_per_bar / t * _IDEAL_HOLD_BARS >= MIN_HOLD_S]
    return min(tempos, key=lambda t: abs(t - preferred)) if tempos else preferred


def _fit_cuts(beats_per_bar: int, low: float, high: float, preferred: float,
              cuts: tuple[Cut, ...]) -> tuple[float, float]:
    tempos = np.round(np.arange(low, high + _SEARCH_STEP_BPM / 2, _SEARCH_STEP_BPM), 2)
    times = np.array([c.time_s for c in cuts])
    big = _biggest(cuts).time_s
    chunk = max(1, _SEARCH_CELLS // (_PHASES * len(times)))  # bounded memory for many cuts
    costs = np.concatenate([_cut_cost(tempos[i:i + chunk], times, big, beats_per_bar, preferred)
                            for i in range(0, len(tempos), chunk)])
    t, p = np.unravel_index(int(np.argmin(costs)), costs.shape)
    return float(tempos[t]), round(float(p / _PHASES * 60.0 / tempos[t]), 6)


def _cut_cost(tempos: np.ndarray, times: np.ndarray, big: float, beats_per_bar: int,
              preferred: float) -> np.ndarray:
    """Cost per (tempo, first-downbeat phase): seconds of misalignment, capped so that one
    hopeless cut does not pull every other cut off its beat; the biggest cut counts double; a
    little preference for starting on time and for the mood's own tempo."""
    beat = (60.0 / tempos)[:, None, None]
    phase = (np.arange(_PHASES) / _PHASES)[None, :, None] * beat  # (tempo, phase, 1)
    shifted = times[None, None, :] - phase
    off_beat = np.abs(shifted - np.round(shifted / beat) * beat)
    bar = beat[..., 0] * beats_per_bar
    big_shifted = big - phase[..., 0]
    off_bar = np.abs(big_shifted - np.round(big_shifted / bar) * bar)
    return (np.minimum(off_beat, _CAP_S).mean(axis=2) + 2 * np.minimum(off_bar, _CAP_S)
            + 0.01 * phase[..., 0] + 1e-5 * np.abs(tempos[:, None] - preferred))


def _biggest(cuts: tuple[Cut, ...]) -> Cut:
    return max(cuts, key=lambda c: (c.strength, -c.time_s))


def report(cuts: tuple[Cut, ...], tempo_bpm: float, beats_per_bar: int, offset_s: float = 0.0) -> CutFit:
    beat = 60.0 / tempo_bpm
    times = [c.time_s - offset_s for c in cuts]
    offsets = tuple(round((t - round(t / beat) * beat) * 1000.0, 3) for t in times)
    if not cuts:
        return CutFit((), (), None, None)
    big = _biggest(cuts)
    bar = beat * beats_per_bar
    big_time = big.time_s - offset_s
    big_off = round((big_time - round(big_time / bar) * bar) * 1000.0, 3)
    return CutFit(tuple(c.time_s for c in cuts), offsets, big.time_s, big_off)


_CYCLE = ("verse", "chorus", "verse", "chorus", "bridge", "chorus")
_AFTER = {"intro": "verse", "verse": "chorus", "chorus": "bridge", "bridge": "chorus", "outro": "outro"}


def layout(bars: int, split_bar: int | None = None) -> list[tuple[str, int, int]]:
    """Sections as (name, start_bar, bars) covering ``bars`` bars: intro, verse/chorus/bridge
    phrases, outro; a new section starts at ``split_bar`` when given."""
    intro = 4 if bars >= 40 else 2 if bars >= 8 else 1 if bars >= 5 else 0
    outro = 4 if bars >= 40 else 2 if bars >= 8 else 1 if bars >= 3 else 0
    middle = bars - intro - outro
    phrase = 8 if middle >= 32 else 4
    count = max(1, middle // phrase)
    sections = [("intro", intro)] if intro else []
    for i in range(count):
        length = phrase if i < count - 1 else middle - phrase * (count - 1)
        sections.append((_CYCLE[i % len(_CYCLE)], length))
    if outro:
        sections.append(("outro", outro))
    starts = np.cumsum([0] + [n for _, n in sections])
    out = [(name, int(start), n) for (name, n), start in zip(sections, starts) if n > 0]
    return _split(out, split_bar) if split_bar else out


def _split(sections: list[tuple[str, int, int]], bar: int) -> list[tuple[str, int, int]]:
    out = []
    for name, start, n in sections:
        if start < bar < start + n:
            out += [(name, start, bar - start), (_AFTER[name], bar, start + n - bar)]
        else:
            out.append((name, start, n))
    return out


def section_energy(name: str, peak: float) -> float:
    return round(float(np.clip(peak * SECTION_ENERGY[name], 0.15, 1.0)), 3)
