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

__all__ = ["Cut", "CutFit", "normalize_cuts", "hold_bars", "body_bars", "fit_tempo", "report", "layout",
           "frame_bars", "section_energy", "SECTION_ENERGY"]

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
_AFTER = {"intro": "verse", "verse": "chorus", "build": "chorus", "chorus": "bridge", "bridge": "chorus",
          "outro": "outro"}
# (section, energy relative to the mood's peak)
SECTION_ENERGY: dict[str, float] = {
    "intro": 0.45, "verse": 0.7, "build": 0.85, "chorus": 1.0, "bridge": 0.6, "outro": 0.55,
}


def frame_bars(bars: int) -> tuple[int, int]:
    """The usual (intro, outro) bars of a piece of ``bars`` bars."""
    edge = 4 if bars >= 40 else 2 if bars >= 8 else 1 if bars >= 5 else 0
    return edge, (edge if bars >= 8 else 1 if bars >= 3 else 0)


def layout(bars: int, split_bar: int | None = None, *, intro: int | None = None, outro: int | None = None,
           drop_bar: int | None = None, build: bool = False) -> list[tuple[str, int, int]]:
    """Sections as (name, start_bar, bars) covering ``bars`` bars: intro, verse/chorus/bridge
    phrases, outro. A new section starts at ``split_bar`` when given; a chorus (the drop) starts
    at ``drop_bar``; ``build`` turns the bars before each chorus into a build-up."""
    usual_intro, usual_outro = frame_bars(bars)
    intro = usual_intro if intro is None else max(0, min(intro, bars // 3))
    outro = usual_outro if outro is None else max(0, min(outro, (bars - intro) // 3))
    last = bars - outro
    if drop_bar is not None and intro < drop_bar < last:
        body = _phrases(intro, drop_bar, ("verse",)) + _phrases(drop_bar, last, _CYCLE[1:] + _CYCLE[:1])
    else:
        body = _phrases(intro, last, _CYCLE)
    out = ([("intro", 0, intro)] if intro else []) + body + ([("outro", last, outro)] if outro else [])
    out = [s for s in out if s[2] > 0]
    if split_bar and drop_bar is None:
        out = _split(out, split_bar)
    return _builds(out) if build else out


def _phrases(start: int, end: int, names: tuple[str, ...]) -> list[tuple[str, int, int]]:
    middle = end - start
    phrase = 8 if middle >= 32 else 4
    count = max(1, middle // phrase)
    out, at = [], start
    for i in range(count):
        length = phrase if i < count - 1 else end - at
        out.append((names[i % len(names)], at, length))
        at += length
    return out


def _split(sections: list[tuple[str, int, int]], bar: int) -> list[tuple[str, int, int]]:
    out = []
    for name, start, n in sections:
        if start < bar < start + n:
            out += [(name, start, bar - start), (_AFTER[name], bar, start + n - bar)]
        else:
            out.append((name, start, n))
    return out


def _builds(sections: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The last bars (two, or four of a long section) before each chorus become a build-up."""
    out: list[tuple[str, int, int]] = []
    for name, start, n in sections:
        if out and name == "chorus" and out[-1][0] not in ("chorus", "build") and out[-1][2] >= 4:
            prev_name, prev_start, prev_n = out.pop()
            size = 4 if prev_n >= 8 else 2
            out += [(prev_name, prev_start, prev_n - size), ("build", prev_start + prev_n - size, size)]
        out.append((name, start, n))
    return out


def section_energy(name: str, peak: float) -> float:
    return round(float(np.clip(peak * SECTION_ENERGY[name], 0.15, 1.0)), 3)
