"""Prompt -> ``MusicPlan``: what the words ask for (``_reading``), decided by the style library
and the vocabulary's tables, then fitted to the clip (tempo and sections, ``_fit``). Pure.

Who decides what, when words disagree: a style named wins; then an occasion that names a
sound (Christmas, a Chinese festival, a trip to Ireland, "for kids"); then an instrument that
names a style by its sound (ukulele, guzheng, 808); then a strong mood (sleepy, epic, spooky); then an instrument
that suggests a style (piano, strings, saxophone); then a mood far from the occasion's (sleepy
music for a cat video is a lullaby); then the occasion; then a bright pop default. The mood
is the one named, else the style's when the style is a mood (a lullaby), else the occasion's,
else the style's own.
"""

from __future__ import annotations

import dataclasses
import math
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from . import _fit
from ._harmony import PROGRESSIONS
from ._instruments import DRUM_KIT, INSTRUMENTS, ROLES
from ._reading import MAX_BPM, MIN_BPM, Reading, read
from ._styles import STYLES, Style
from ._theory import NOTE_NAMES, SCALES, pitch_class
from ._vocabulary import DEFAULT_MOOD, INSTRUMENT_STYLES, MOODS, OCCASIONS, STYLE_REFINEMENTS, Occasion

__all__ = ["Section", "MusicPlan", "plan", "prompt_choices", "validate", "OVERRIDES", "MAX_DURATION_S"]

MAX_DURATION_S = 20 * 60.0
_METERS = {"4/4": 4, "3/4": 3}
_FADE_S = {"fade_in": 2.0, "fade_out": 3.0}
_KEY_CHOICES: dict[str, tuple[str, ...]] = {  # tonics that sit well on most instruments
    "major": ("C", "D", "Eb", "F", "G", "A", "Bb"),
    "minor": ("A", "C", "D", "E", "F", "G", "B"),
}
# instruments whose sound alone names a style (a guzheng is Chinese whatever the mood)
_DEFINING = frozenset({"nylon guitar", "banjo", "bagpipe", "tin whistle", "erhu", "koto", "dizi", "shakuhachi",
                       "shamisen", "sitar", "808 bass", "steel drums", "mandolin"})
_MOOD_CLASH = 0.35  # an explicit mood this far in energy from the occasion's chooses the style itself
_TEMPO_WINDOW = 0.22  # of the style's range, either side of the mood's place in it
_PROPER = ("Chinese", "Japanese", "Indian", "Celtic", "Christmas", "EDM", "Latin", "Children's")
OVERRIDES = ("mood", "style", "tempo_bpm", "key", "mode", "meter", "instruments", "drums", "fade_in_s",
             "fade_out_s", "energy", "intro", "ending", "drop_s", "build")


@dataclass(frozen=True)
class Section:
    name: str  # intro, verse, build, chorus, bridge, outro
    start_bar: int
    bars: int
    start_s: float
    end_s: float


@dataclass
class MusicPlan:
    """What will be played. Use ``with_changes`` to re-plan (tempo and sections re-fitted) with
    some choices forced; ``MusicPlan.from_dict(plan.to_dict())`` gives the same plan back."""

    prompt: str
    duration_s: float
    seed: int
    mood: str
    style: str
    tempo_bpm: float
    key: str  # tonic, e.g. "A"
    mode: str  # "major" | "minor"
    meter: str  # "4/4" | "3/4"
    instruments: dict[str, str]  # role (chords, bass, melody, pad, arp, timpani, drums) -> instrument
    sections: tuple[Section, ...]
    energy: tuple[float, ...]  # 0..1 per section
    harmony: str  # key into _harmony.PROGRESSIONS
    level: float = 0.7  # 0..1, the energy asked for: the busiest section's; the others follow from it
    scale: str = ""  # the melody's scale (see _theory.SCALES)
    swing: float = 0.5
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    offset_s: float = 0.0  # the first downbeat; before it, less than a beat of silence
    cuts: tuple[tuple[float, float], ...] = ()  # (time, strength) as given
    fit: _fit.CutFit = field(default_factory=lambda: _fit.CutFit((), (), None, None))
    overrides: dict[str, Any] = field(default_factory=dict)
    occasion: str | None = None
    reasons: tuple[str, ...] = ()  # the words that decided, as written ("sleepy", "cat video")

    @property
    def key_name(self) -> str:
        return f"{self.key} {self.mode}"

    @property
    def family(self) -> str:
        return STYLES[self.style].family

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

    @property
    def title(self) -> str:
        """'Sleepy lullaby', 'Chill lo-fi hip hop', 'Epic trailer'."""
        style = STYLES[self.style].label
        mood = MOODS[self.mood].label
        if mood.lower() in style.lower():
            return style
        return f"{mood} {style if style.startswith(_PROPER) else style[0].lower() + style[1:]}"

    def describe(self) -> str:
        """One line: 'Sleepy lullaby, 70 BPM, F major, music box + harp + strings, 30.0 s'."""
        names = list(dict.fromkeys(self.instruments.values()))
        return f"{self.title}, {self.tempo_bpm:.4g} BPM, {self.key_name}, {' + '.join(names)}, {self.duration_s:.1f} s"

    def why(self) -> str:
        """The words that decided, or what was assumed: 'sleepy, cat video'."""
        return ", ".join(self.reasons) if self.reasons else "no style or mood words I know, so a bright default"

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.update(key_name=self.key_name, description=self.describe(), why=self.why(), family=self.family,
                    cut_offsets_ms=list(self.fit.offsets_ms))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MusicPlan:
        """Re-plan from what ``to_dict`` wrote (prompt, duration, seed, cuts and forced choices)."""
        return plan(data["prompt"], data["duration_s"], data["seed"], [tuple(c) for c in data.get("cuts", ())],
                    **data.get("overrides", {}))

    def with_changes(self, **overrides: Any) -> MusicPlan:
        """The same prompt, duration, seed and cuts re-planned with more choices forced."""
        return plan(self.prompt, self.duration_s, self.seed, self.cuts, **{**self.overrides, **overrides})


def plan(prompt: str, duration_s: float, seed: int | None = None,
         cuts: Sequence[float | tuple[float, float]] = (), **overrides: Any) -> MusicPlan:
    """Plan a piece of ``duration_s`` seconds from a prompt.

    ``seed`` None derives one from the prompt, so the same prompt always gives the same piece.
    ``cuts`` are scene-cut times (or ``(time, strength)`` pairs). ``overrides`` force any of
    ``OVERRIDES``: mood, style, tempo_bpm, key, mode, meter, instruments, drums (bool),
    fade_in_s, fade_out_s, energy (0..1), intro / ending ("none", "short", "long"), drop_s, build.
    """
    duration_s = _check_duration(duration_s)
    prompt = "" if prompt is None else str(prompt)
    _check_overrides(overrides)
    forced = {k: v for k, v in overrides.items() if v is not None}
    seed = _seed(prompt) if seed is None else int(seed)
    reading = read(prompt)
    style_name, mood_name, occasion = _style_and_mood(reading, forced)
    style, mood = STYLES[style_name], MOODS[mood_name]
    mode = forced.get("mode") or reading.mode or _mode(style, mood_name, forced, reading)
    meter = forced.get("meter", style.meter)
    beats = _METERS[meter]
    fit_cuts = _fit.normalize_cuts(cuts, duration_s)
    # each choice draws from its own stream, so forcing one (a key) leaves the others (the tempo) as they were
    tempo, offset = _tempo(forced.get("tempo_bpm", reading.tempo_bpm), style, mood.pace + reading.pace,
                           duration_s, beats, fit_cuts, np.random.default_rng([seed, 0, 2]))
    peak = float(np.clip(forced.get("energy", mood.energy + reading.energy), 0.05, 1.0))
    sections = _sections(duration_s, tempo, beats, fit_cuts, offset, reading, forced, style)
    return MusicPlan(
        prompt=prompt, duration_s=duration_s, seed=seed, mood=mood_name, style=style_name, tempo_bpm=tempo,
        key=_key(forced.get("key") or reading.key, mode, style, np.random.default_rng([seed, 0, 1])), mode=mode,
        meter=meter,
        instruments=_instruments(reading, forced, style), sections=sections,
        energy=tuple(_fit.section_energy(s.name, peak) for s in sections), harmony=style.harmony, level=peak,
        scale=style.scales[mode == "minor"] or mode, swing=style.swing if meter == style.meter else 0.5,
        fade_in_s=float(forced.get("fade_in_s", _FADE_S["fade_in"] if reading.flag("fade_in") else 0.0)),
        fade_out_s=float(forced.get("fade_out_s", _FADE_S["fade_out"] if reading.flag("fade_out") else 0.0)),
        offset_s=offset, cuts=tuple((c.time_s, c.strength) for c in fit_cuts),
        fit=_fit.report(fit_cuts, tempo, beats, offset), overrides=dict(overrides), occasion=occasion,
        reasons=_reasons(reading),
    )


def prompt_choices(prompt: str) -> dict[str, Any]:
    """What a prompt says about the music, e.g. ``{'mood': 'happy', 'occasion': 'travel'}``; ``{}`` if nothing."""
    reading = read(prompt)
    out: dict[str, Any] = {}
    for match in reading.matches:
        if match.field == "instrument":
            out.setdefault("instrument", []).append(match.value)
        else:
            out.setdefault(match.field, match.value)
    out.update({k: v for k, v in (("tempo_bpm", reading.tempo_bpm), ("key", reading.key), ("mode", reading.mode),
                                   ("drop_s", reading.drop_s)) if v is not None})
    return out


def _check_overrides(overrides: dict[str, Any]) -> None:
    unknown = sorted(set(overrides) - set(OVERRIDES))
    if unknown:
        raise TypeError(f"plan() got unknown override(s) {unknown}; choose from {list(OVERRIDES)}")
    for name, table in (("mood", MOODS), ("style", STYLES)):
        if overrides.get(name) is not None and overrides[name] not in table:
            raise ValueError(f"{name}: {overrides[name]!r} is not one of {sorted(table)}")
    for name in ("tempo_bpm", "energy", "drop_s", "fade_in_s", "fade_out_s"):
        if overrides.get(name) is not None:
            _check_number(overrides[name], name)
    for name in ("drums", "build"):
        if overrides.get(name) is not None and not isinstance(overrides[name], (bool, np.bool_)):
            raise TypeError(f"{name}: {overrides[name]!r} must be True or False")
    if overrides.get("tempo_bpm") is not None:
        _check_tempo(overrides["tempo_bpm"], "tempo_bpm")
    if overrides.get("mode") is not None and overrides["mode"] not in ("major", "minor"):
        raise ValueError(f"mode: {overrides['mode']!r} must be 'major' or 'minor'")
    if overrides.get("meter") is not None and overrides["meter"] not in _METERS:
        raise ValueError(f"meter: {overrides['meter']!r} must be one of {sorted(_METERS)}")
    if overrides.get("energy") is not None and not 0.0 <= float(overrides["energy"]) <= 1.0:
        raise ValueError(f"energy: {overrides['energy']!r} must be between 0 and 1")
    for name in ("intro", "ending"):
        if overrides.get(name) is not None and overrides[name] not in ("none", "short", "long"):
            raise ValueError(f"{name}: {overrides[name]!r} must be 'none', 'short' or 'long'")
    if overrides.get("instruments") is not None:
        _check_instruments(overrides["instruments"])


def _check_duration(duration_s: float) -> float:
    try:
        value = float(duration_s)
    except (TypeError, ValueError):
        raise ValueError(f"duration_s: {duration_s!r} is not a number of seconds") from None
    if not (0.0 < value <= MAX_DURATION_S):
        raise ValueError(f"duration_s: {duration_s!r} must be more than 0 and at most "
                         f"{MAX_DURATION_S:.0f} s (20 minutes)")
    return value


def _check_number(value: Any, name: str) -> float:
    """A finite number, at least 0 (seconds, BPM or a level), or a ValueError naming the field."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {value!r} is not a number") from None
    if not (math.isfinite(number) and number >= 0.0):
        raise ValueError(f"{name}: {value!r} must be a finite number, at least 0")
    return number


def _check_tempo(tempo: float, name: str) -> float:
    if not (MIN_BPM <= float(tempo) <= MAX_BPM):
        raise ValueError(f"{name}: {tempo!r} BPM is outside {MIN_BPM:.0f}-{MAX_BPM:.0f} BPM")
    return float(tempo)


def _check_instruments(instruments: dict[str, str]) -> None:
    if not instruments:
        raise ValueError("instruments: a plan needs at least one part, e.g. {'chords': 'piano'}")
    for role, name in instruments.items():
        if role not in ROLES:
            raise ValueError(f"instruments: role {role!r} is not one of {list(ROLES)}")
        if name not in INSTRUMENTS and name != DRUM_KIT:
            raise ValueError(f"instruments: {role}={name!r} is not one of {sorted(INSTRUMENTS)} or {DRUM_KIT!r}")


def _seed(prompt: str) -> int:
    return zlib.crc32(" ".join(prompt.lower().split()).encode("utf-8"))


def _occasion(reading: Reading) -> Occasion | None:
    """The occasion that speaks: one that names a sound (Christmas, "for kids"), else the first
    particular one (a yoga studio's promo is about yoga), else the first."""
    found = [OCCASIONS[m.value] for m in reading.all("occasion")]
    return next((o for o in found if o.strong), next((o for o in found if not o.generic), found[0] if found else None))


# A decade or "vintage" says when the music is from and only hints at nostalgia: a feeling named
# beside it ("1940s swing, lively and fun") is the mood, and beside a style it dates the style
# ("70s funk" is funk as it was, groovy).
_ERA = re.compile(r"^(?:19|')?\d0s$|^(?:vintage|retro|oldies|old-fashioned|throwback)$")


def _named_mood(reading: Reading) -> str | None:
    moods = reading.all("mood")
    felt = [m for m in moods if not _ERA.match(m.text.lower())]
    if felt:
        return felt[0].value
    return moods[0].value if moods and not reading.first("style") else None


def _style_and_mood(reading: Reading, forced: dict[str, Any]) -> tuple[str, str, str | None]:
    """(style, mood, occasion) by the order of precedence in the module docstring."""
    occasion = _occasion(reading)
    named_mood = forced.get("mood") or _named_mood(reading)
    style = forced.get("style") or _style(reading, named_mood, occasion)
    # some styles are a mood (a lullaby for a baby video is sleepy, not the baby's playful)
    implied = STYLES[style].mood if STYLES[style].mood_intrinsic else None
    mood = named_mood or implied or (occasion.mood if occasion else None)
    return style, mood or STYLES[style].mood, occasion.label if occasion else None


def _style(reading: Reading, named_mood: str | None, occasion: Occasion | None) -> str:
    instruments = [m.value for m in reading.all("instrument")]
    named = reading.first("style")
    if named:
        return next((STYLE_REFINEMENTS[(named.value, i)] for i in instruments
                     if (named.value, i) in STYLE_REFINEMENTS), named.value)
    strong_mood = MOODS[named_mood] if named_mood is not None and MOODS[named_mood].strong else None
    if occasion is not None and occasion.strong and strong_mood is None:
        return occasion.style
    defining = next((INSTRUMENT_STYLES[i] for i in instruments if i in _DEFINING), None)
    if defining:
        return defining
    if strong_mood is not None:
        return strong_mood.style
    suggested = next((INSTRUMENT_STYLES[i] for i in instruments if i in INSTRUMENT_STYLES), None)
    if suggested:
        return suggested
    if named_mood and (occasion is None or abs(MOODS[named_mood].energy - MOODS[occasion.mood].energy) > _MOOD_CLASH):
        return MOODS[named_mood].style
    return occasion.style if occasion is not None else MOODS[DEFAULT_MOOD].style


def _mode(style: Style, mood: str, forced: dict[str, Any], reading: Reading) -> str:
    """A mood asked for sets the mode; otherwise the style's own, then the mood's, then the
    occasion's ("emotional piano for a memorial" is in minor)."""
    if (forced.get("mood") or reading.first("mood")) and MOODS[mood].mode:
        return MOODS[mood].mode
    occasion = _occasion(reading)
    return style.mode or MOODS[mood].mode or (MOODS[occasion.mood].mode if occasion else "") or "major"


def _key(asked: str | None, mode: str, style: Style, rng: np.random.Generator) -> str:
    if asked:
        return NOTE_NAMES[pitch_class(str(asked))]
    return str(rng.choice(style.keys or _KEY_CHOICES[mode]))


def _tempo(asked: float | None, style: Style, pace: float, duration_s: float, beats: int,
           cuts: tuple[_fit.Cut, ...], rng: np.random.Generator) -> tuple[float, float]:
    """(tempo, first downbeat): a tempo asked for is kept (cuts still pick the phase); otherwise
    the mood's place in the style's range, a little either way, fitted to the clip."""
    if asked is not None:
        tempo = _check_tempo(asked, "tempo_bpm")
        return tempo, _fit.fit_tempo(duration_s, beats, tempo, tempo, tempo, cuts)[1] if cuts else 0.0
    low, high = style.tempo
    width = high - low
    centre = low + float(np.clip(pace, 0.0, 1.0)) * width
    window = (max(low, centre - _TEMPO_WINDOW * width), min(high, centre + _TEMPO_WINDOW * width))
    preferred = float(np.clip(centre + rng.uniform(-0.08, 0.08) * width, *window))
    tempo, offset = _fit.fit_tempo(duration_s, beats, window[0], window[1], preferred, cuts)
    return round(tempo, 3), offset


def _frame(asked: str | None, usual: int, bars: int) -> int | None:
    if asked is None:
        return None
    return {"none": 0, "short": min(1, usual), "long": max(2, usual * 2) if bars >= 8 else usual}[asked]


def _sections(duration_s: float, tempo: float, beats: int, cuts: tuple[_fit.Cut, ...], offset: float,
              reading: Reading, forced: dict[str, Any], style: Style) -> tuple[Section, ...]:
    bar_s = 60.0 * beats / tempo
    bars = _fit.body_bars(duration_s - offset, bar_s)
    split = None
    if cuts:
        big = max(cuts, key=lambda c: (c.strength, -c.time_s))
        split = round((big.time_s - offset) / bar_s)
    drop_s = forced.get("drop_s", reading.drop_s)
    usual_intro, usual_outro = _fit.frame_bars(bars)
    build = forced.get("build", reading.flag("build", style.family == "electronic" or style.groove == "trailer"))
    laid = _fit.layout(bars, split, intro=_frame(forced.get("intro", reading.flag("intro")), usual_intro, bars),
                       outro=_frame(forced.get("ending", reading.flag("ending")), usual_outro, bars),
                       drop_bar=None if drop_s is None else round((float(drop_s) - offset) / bar_s),
                       build=bool(build)) or [("outro", 0, 0)]
    out = []
    for i, (name, start, n) in enumerate(laid):
        start_s = 0.0 if i == 0 else offset + start * bar_s
        end_s = duration_s if i == len(laid) - 1 else offset + (start + n) * bar_s
        out.append(Section(name, start, n, round(start_s, 6), round(end_s, 6)))
    return tuple(out)


def _instruments(reading: Reading, forced: dict[str, Any], style: Style) -> dict[str, str]:
    if forced.get("instruments"):
        return dict(forced["instruments"])
    named = [n for n in dict.fromkeys(m.value for m in reading.all("instrument")) if n != DRUM_KIT]
    if reading.first("only") and named:
        parts = _solo(named)
    else:
        parts = dict(style.parts)
        for name in named:
            parts[_role_for(name, parts)] = name
    drums = forced.get("drums", reading.flag("drums"))
    if drums is None and DRUM_KIT in (m.value for m in reading.all("instrument")):
        drums = True
    if drums is False:
        parts.pop("drums", None)
        parts.pop("timpani", None)
    elif drums is True and "drums" not in parts:
        parts["drums"] = DRUM_KIT
    return {role: parts[role] for role in ROLES if role in parts}


def _solo(named: list[str]) -> dict[str, str]:
    """'just piano': the first instrument plays the harmony and the tune, a second one the tune."""
    first = named[0]
    parts = {"chords": first, "melody": named[1] if len(named) > 1 else first}
    if INSTRUMENTS[first].role == "bass":
        parts = {"bass": first}
    return parts


def _role_for(instrument: str, parts: dict[str, str]) -> str:
    """Where a named instrument goes: its own part (a pad, the bass, the chords), and a tune
    instrument takes the melody, or the arpeggio in a style without a melody."""
    role = INSTRUMENTS[instrument].role
    if role == "melody" and "melody" not in parts and "arp" in parts:
        return "arp"
    if role == "arp" and "arp" not in parts and "chords" not in parts:
        return "melody"
    return role


def _reasons(reading: Reading) -> tuple[str, ...]:
    deciding = ("style", "mood", "occasion", "instrument", "pace", "energy", "only")
    words: Iterable[str] = (m.text for m in reading.matches if m.field in deciding)
    extras = [f"{reading.tempo_bpm:g} BPM" if reading.tempo_bpm else "",
              f"{reading.key or ''} {reading.mode or ''}".strip()]
    return tuple(dict.fromkeys([*words, *(e for e in extras if e)]))[:6]


def validate(music: MusicPlan) -> MusicPlan:
    """Raise ValueError naming the field when an edited plan cannot be played."""
    _check_duration(music.duration_s)
    _check_tempo(music.tempo_bpm, "tempo_bpm")
    pitch_class(music.key)
    if music.mode not in ("major", "minor"):
        raise ValueError(f"mode: {music.mode!r} must be 'major' or 'minor'")
    if music.meter not in _METERS:
        raise ValueError(f"meter: {music.meter!r} must be one of {sorted(_METERS)}")
    if music.style not in STYLES:
        raise ValueError(f"style: {music.style!r} is not one of {sorted(STYLES)}")
    if music.harmony not in PROGRESSIONS:
        raise ValueError(f"harmony: {music.harmony!r} is not one of {sorted(PROGRESSIONS)}")
    if music.scale not in SCALES:
        raise ValueError(f"scale: {music.scale!r} is not one of {sorted(SCALES)}")
    _check_instruments(music.instruments)
    if len(music.energy) != len(music.sections) or not all(0.0 <= e <= 1.0 for e in music.energy):
        raise ValueError("energy: needs one value in 0..1 per section")
    if not 0.0 <= music.offset_s < music.beat_s:
        raise ValueError(f"offset_s: {music.offset_s!r} must be at least 0 and shorter than a beat")
    if music.offset_s + music.bars * music.bar_s > music.duration_s + 1e-6:
        raise ValueError(f"sections: {music.bars} bars at {music.tempo_bpm} BPM last longer than "
                         f"duration_s={music.duration_s}; re-plan with plan.with_changes(tempo_bpm=...)")
    return music
