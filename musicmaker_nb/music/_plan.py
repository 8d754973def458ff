"""Prompt -> ``MusicPlan``: a readable, editable description of the piece. Pure: no I/O.

``plan("upbeat travel vlog", 30)`` reads mood, genre, tempo, key, instruments and arrangement
words from the prompt (English and Chinese, see ``_tables.KEYWORDS``), fills everything unsaid
from the mood and genre tables and the seed, and fits tempo and sections to the clip.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from . import _fit
from ._tables import (DEFAULT_MOOD, DRUM_KIT, GENRE_MOOD, GENRES, INSTRUMENTS, KEY_CHOICES, KEYWORDS,
                      MAX_BPM, MAX_DURATION_S, MIN_BPM, MOODS, PAD_LIKE, PROGRESSIONS, ROLES)
from ._theory import NOTE_NAMES, pitch_class

__all__ = ["Section", "MusicPlan", "plan", "prompt_choices", "validate"]

_METERS = {"4/4": 4, "3/4": 3}
_FADE_S = {"fade_in": 2.0, "fade_out": 3.0}
_BPM_RE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:bpm|beats per minute|拍每分钟)|每分钟\s*(\d{1,3})\s*拍")
# A key is "in d minor" / "key of Bb major", or a capital letter before the mode ("A minor",
# "C大调"): a lowercase "a major hit" is not a key.
_ACCIDENTAL = r"(?:#|♯|♭|b(?![a-z])|-sharp|-flat| sharp| flat)?"
_KEY_RES = (
    re.compile(rf"(?i:\bin|\bkey of)\s+([a-gA-G]{_ACCIDENTAL})[ -]?(?i:(major|minor))"
               rf"|([a-g]{_ACCIDENTAL})[ -]?(大调|小调)"),
    re.compile(rf"(?<![A-Za-z])([A-G]{_ACCIDENTAL})[ -]?((?i:major|minor)|大调|小调)"),
)
_MODE_RE = re.compile(r"(?<![a-z])(major|minor)(?: key)?(?![a-z])|(大调|小调)")


@dataclass(frozen=True)
class Section:
    name: str  # intro, verse, chorus, bridge, outro
    start_bar: int
    bars: int
    start_s: float
    end_s: float


@dataclass
class MusicPlan:
    """What will be played. Edit a field and call ``generate`` again, or use ``with_changes`` to
    re-plan (re-fit tempo and sections) with some choices forced."""

    prompt: str
    duration_s: float
    seed: int
    mood: str
    genre: str
    tempo_bpm: float
    key: str  # tonic, e.g. "A"
    mode: str  # "major" | "minor"
    meter: str  # "4/4" | "3/4"
    instruments: dict[str, str]  # role (chords, bass, melody, pad, arp, timpani, drums) -> instrument
    sections: tuple[Section, ...]
    energy: tuple[float, ...]  # 0..1 per section
    progression: str  # key into the progression table
    swing: float = 0.5
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    offset_s: float = 0.0  # the first downbeat; before it, less than a beat of silence
    cuts: tuple[tuple[float, float], ...] = ()  # (time, strength) as given
    fit: _fit.CutFit = field(default_factory=lambda: _fit.CutFit((), (), None, None))
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def key_name(self) -> str:
        return f"{self.key} {self.mode}"

    @property
    def beats_per_bar(self) -> int:
        return _METERS[self.meter]

    @property
    def beat_s(self) -> float:
        return 60.0 / self.tempo_bpm

    @property
    def bar_s(self) -> float:
        return self.beat_s * self.beats_per_bar

    @property
    def bars(self) -> int:
        """Bars of music before the held final chord."""
        return sum(s.bars for s in self.sections)

    @property
    def cut_offsets_ms(self) -> tuple[float, ...]:
        return self.fit.offsets_ms

    def describe(self) -> str:
        """One line: 'Lo-fi hip hop, 84 BPM, A minor, electric piano + bass + drums, 30.0 s'."""
        names = list(dict.fromkeys(self.instruments.values()))
        return (f"{GENRES[self.genre].label}, {self.tempo_bpm:.4g} BPM, {self.key_name}, "
                f"{' + '.join(names)}, {self.duration_s:.1f} s")

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["key_name"] = self.key_name
        data["description"] = self.describe()
        data["cut_offsets_ms"] = list(self.fit.offsets_ms)
        return data

    def with_changes(self, **overrides: Any) -> MusicPlan:
        """The same prompt, duration, seed and cuts re-planned with more choices forced."""
        return plan(self.prompt, self.duration_s, self.seed, self.cuts, **{**self.overrides, **overrides})


def plan(prompt: str, duration_s: float, seed: int | None = None,
         cuts: Sequence[float | tuple[float, float]] = (), **overrides: Any) -> MusicPlan:
    """Plan a piece of ``duration_s`` seconds from a prompt.

    ``seed`` None derives one from the prompt, so the same prompt always gives the same piece.
    ``cuts`` are scene-cut times (or ``(time, strength)`` pairs). ``overrides`` force any of
    mood, genre, tempo_bpm, key, mode, meter, instruments, drums (bool), fade_in_s, fade_out_s.
    """
    duration_s = _check_duration(duration_s)
    prompt = "" if prompt is None else str(prompt)
    _check_overrides(overrides)
    seed = _seed(prompt) if seed is None else int(seed)
    words = {**_read_prompt(prompt), **{k: v for k, v in overrides.items() if v is not None}}
    rng = np.random.default_rng([seed, 0])
    mood, genre = _mood_and_genre(words)
    mode = words.get("mode", MOODS[mood].mode)
    key = _key(words, mode, rng)
    meter = words.get("meter", "4/4")
    if meter not in _METERS:
        raise ValueError(f"meter: {meter!r} must be one of {sorted(_METERS)}")
    beats = _METERS[meter]
    fit_cuts = _fit.normalize_cuts(cuts, duration_s)
    tempo, offset = _tempo(words, mood, genre, duration_s, beats, fit_cuts, rng)
    sections = _sections(duration_s, tempo, beats, fit_cuts, offset)
    peak = MOODS[mood].energy
    return MusicPlan(
        prompt=prompt, duration_s=duration_s, seed=seed, mood=mood, genre=genre, tempo_bpm=tempo,
        key=key, mode=mode, meter=meter, instruments=_instruments(words, genre),
        sections=sections, energy=tuple(_fit.section_energy(s.name, peak) for s in sections),
        progression=MOODS[mood].progressions, swing=GENRES[genre].swing,
        fade_in_s=float(words.get("fade_in_s", _FADE_S["fade_in"] if "fade_in" in words else 0.0)),
        fade_out_s=float(words.get("fade_out_s", _FADE_S["fade_out"] if "fade_out" in words else 0.0)),
        offset_s=offset, cuts=tuple((c.time_s, c.strength) for c in fit_cuts),
        fit=_fit.report(fit_cuts, tempo, beats, offset), overrides=dict(overrides),
    )


_OVERRIDES = ("mood", "genre", "tempo_bpm", "key", "mode", "meter", "instruments", "drums",
              "fade_in_s", "fade_out_s")


def _check_overrides(overrides: dict[str, Any]) -> None:
    unknown = sorted(set(overrides) - set(_OVERRIDES))
    if unknown:
        raise TypeError(f"plan() got unknown override(s) {unknown}; choose from {list(_OVERRIDES)}")
    for name, table in (("mood", MOODS), ("genre", GENRES)):
        if overrides.get(name) is not None and overrides[name] not in table:
            raise ValueError(f"{name}: {overrides[name]!r} is not one of {sorted(table)}")
    if overrides.get("tempo_bpm") is not None:
        _check_tempo(overrides["tempo_bpm"], "tempo_bpm")
    if overrides.get("mode") is not None and overrides["mode"] not in ("major", "minor"):
        raise ValueError(f"mode: {overrides['mode']!r} must be 'major' or 'minor'")


def _check_duration(duration_s: float) -> float:
    try:
        value = float(duration_s)
    except (TypeError, ValueError):
        raise ValueError(f"duration_s: {duration_s!r} is not a number of seconds") from None
    if not (0.0 < value <= MAX_DURATION_S):
        raise ValueError(f"duration_s: {duration_s!r} must be more than 0 and at most "
                         f"{MAX_DURATION_S:.0f} s (20 minutes)")
    return value


def _check_tempo(tempo: float, name: str) -> float:
    if not (MIN_BPM <= float(tempo) <= MAX_BPM):
        raise ValueError(f"{name}: {tempo!r} BPM is outside {MIN_BPM:.0f}-{MAX_BPM:.0f} BPM")
    return float(tempo)


def _seed(prompt: str) -> int:
    return zlib.crc32(" ".join(prompt.lower().split()).encode("utf-8"))


def prompt_choices(prompt: str) -> dict[str, Any]:
    """What a prompt says about the music, e.g. ``{'mood': 'happy', 'genre': 'pop'}``; ``{}`` if nothing."""
    return _read_prompt(prompt)


def _read_prompt(prompt: str) -> dict[str, Any]:
    """The choices a prompt states: {'mood': 'sad', 'instrument': [...], 'tempo_bpm': 90.0, ...}."""
    text = " ".join(prompt.lower().split())
    words: dict[str, Any] = {}
    text = _read_tempo(text, words)
    _read_key(prompt, words)
    found = []
    for keyword in sorted(KEYWORDS, key=len, reverse=True):
        for match in _keyword_re(keyword).finditer(text):
            found.append((match.start(), *KEYWORDS[keyword]))
            text = text[:match.start()] + " " * len(keyword) + text[match.end():]
    for _, name, value in sorted(found):
        if name == "instrument":
            words.setdefault("instrument", []).append(value)
        elif name == "drums":
            words["drums"] = False
        else:
            words.setdefault(name, value)
    return words


def _keyword_re(keyword: str) -> re.Pattern[str]:
    if keyword.isascii():
        return re.compile(rf"(?<![a-z0-9]){re.escape(keyword)}(?![a-z0-9])")
    return re.compile(re.escape(keyword))


def _read_tempo(text: str, words: dict[str, Any]) -> str:
    match = _BPM_RE.search(text)
    if match:
        value = float(match.group(1) or match.group(2))
        if not (MIN_BPM <= value <= MAX_BPM):
            raise ValueError(f"prompt: asks for {value:g} BPM, but tempo_bpm must be "
                             f"{MIN_BPM:.0f}-{MAX_BPM:.0f} BPM")
        words["tempo_bpm"] = value
        text = text[:match.start()] + " " + text[match.end():]
    return text


def _read_key(prompt: str, words: dict[str, Any]) -> None:
    for pattern in _KEY_RES:
        match = pattern.search(prompt)
        if match:
            tonic, mode = [g for g in match.groups() if g is not None][:2]
            words["key"] = NOTE_NAMES[pitch_class(tonic)]
            words["mode"] = "major" if mode.lower() in ("major", "大调") else "minor"
            return
    match = _MODE_RE.search(prompt.lower())
    if match:
        words["mode"] = "major" if (match.group(1) or match.group(2)) in ("major", "大调") else "minor"


def _mood_and_genre(words: dict[str, Any]) -> tuple[str, str]:
    mood, genre = words.get("mood"), words.get("genre")
    if mood is None:
        mood = GENRE_MOOD[genre] if genre else DEFAULT_MOOD
    return mood, genre or MOODS[mood].genre


def _key(words: dict[str, Any], mode: str, rng: np.random.Generator) -> str:
    if words.get("key"):
        return NOTE_NAMES[pitch_class(str(words["key"]))]
    return str(rng.choice(KEY_CHOICES[mode]))


def _tempo_range(words: dict[str, Any], mood: str, genre: str) -> tuple[float, float]:
    (m_low, m_high), (g_low, g_high) = MOODS[mood].tempo, GENRES[genre].tempo
    low, high = max(m_low, g_low), min(m_high, g_high)
    if low > high:  # a mood the genre cannot take at its tempo (sad EDM): the genre's tempo wins
        low, high = g_low, g_high
    third = (high - low) / 3.0
    if words.get("pace") == "slow":
        return low, low + third
    if words.get("pace") == "fast":
        return high - third, high
    return low, high


def _tempo(words: dict[str, Any], mood: str, genre: str, duration_s: float, beats: int,
           cuts: tuple[_fit.Cut, ...], rng: np.random.Generator) -> tuple[float, float]:
    if words.get("tempo_bpm") is not None:  # a tempo asked for is kept; cuts still pick the phase
        tempo = _check_tempo(words["tempo_bpm"], "tempo_bpm")
        return tempo, _fit.fit_tempo(duration_s, beats, tempo, tempo, tempo, cuts)[1] if cuts else 0.0
    low, high = _tempo_range(words, mood, genre)
    preferred = float(rng.uniform(low + 0.2 * (high - low), high - 0.2 * (high - low)))
    tempo, offset = _fit.fit_tempo(duration_s, beats, low, high, preferred, cuts)
    return round(tempo, 3), offset


def _sections(duration_s: float, tempo: float, beats: int, cuts: tuple[_fit.Cut, ...],
              offset: float) -> tuple[Section, ...]:
    bar_s = 60.0 * beats / tempo
    bars = _fit.body_bars(duration_s - offset, bar_s)
    split = None
    if cuts:
        big = max(cuts, key=lambda c: (c.strength, -c.time_s))
        split = round((big.time_s - offset) / bar_s)
    laid = _fit.layout(bars, split) or [("outro", 0, 0)]
    out = []
    for i, (name, start, n) in enumerate(laid):
        start_s = 0.0 if i == 0 else offset + start * bar_s
        end_s = duration_s if i == len(laid) - 1 else offset + (start + n) * bar_s
        out.append(Section(name, start, n, round(start_s, 6), round(end_s, 6)))
    return tuple(out)


def _instruments(words: dict[str, Any], genre: str) -> dict[str, str]:
    if words.get("instruments"):
        return dict(words["instruments"])
    parts = dict(GENRES[genre].parts)
    for name in dict.fromkeys(words.get("instrument", [])):
        parts[_role_for(name, genre, parts)] = name
    if words.get("drums") is False:
        parts.pop("drums", None)
        parts.pop("timpani", None)
    elif words.get("drums") is True and "drums" not in parts:
        parts["drums"] = DRUM_KIT
    return parts


def _role_for(instrument: str, genre: str, parts: dict[str, str]) -> str:
    """Where a named instrument goes: sustained ones pad, a guitar strums the chords, the rest
    take the tune (the arpeggio in genres without one)."""
    if instrument in PAD_LIKE:
        return "pad"
    if instrument == "acoustic guitar" and genre != "acoustic":
        return "chords"
    return "melody" if "melody" in parts or "arp" not in parts else "arp"


def validate(music: MusicPlan) -> MusicPlan:
    """Raise ValueError naming the field when an edited plan cannot be played."""
    _check_duration(music.duration_s)
    _check_tempo(music.tempo_bpm, "tempo_bpm")
    pitch_class(music.key)
    if music.mode not in ("major", "minor"):
        raise ValueError(f"mode: {music.mode!r} must be 'major' or 'minor'")
    if music.meter not in _METERS:
        raise ValueError(f"meter: {music.meter!r} must be one of {sorted(_METERS)}")
    if music.progression not in PROGRESSIONS:
        raise ValueError(f"progression: {music.progression!r} is not one of {sorted(PROGRESSIONS)}")
    if not music.instruments:
        raise ValueError("instruments: a plan needs at least one part, e.g. {'chords': 'piano'}")
    for role, name in music.instruments.items():
        if role not in ROLES:
            raise ValueError(f"instruments: role {role!r} is not one of {list(ROLES)}")
        if name not in INSTRUMENTS and name != DRUM_KIT:
            raise ValueError(f"instruments: {role}={name!r} is not one of {sorted(INSTRUMENTS)} or {DRUM_KIT!r}")
    if len(music.energy) != len(music.sections) or not all(0.0 <= e <= 1.0 for e in music.energy):
        raise ValueError("energy: needs one value in 0..1 per section")
    if not 0.0 <= music.offset_s < music.beat_s:
        raise ValueError(f"offset_s: {music.offset_s!r} must be at least 0 and shorter than a beat")
    if music.offset_s + music.bars * music.bar_s > music.duration_s + 1e-6:
        raise ValueError(f"sections: {music.bars} bars at {music.tempo_bpm} BPM last longer than "
                         f"duration_s={music.duration_s}; re-plan with plan.with_changes(tempo_bpm=...)")
    return music
