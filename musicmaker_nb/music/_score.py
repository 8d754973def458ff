"""``MusicPlan`` -> ``Score``: chords, bass, drums, melody, arpeggio and pad as note arrays. Pure.

Everything is placed on a grid of sixteenth-note steps (``_STEPS`` per beat) whose first
downbeat is at ``plan.offset_s``; swing delays the off-beat steps. The last bar of music is a dominant, then the
tonic chord is struck on the next downbeat and held until the release, which ends at the duration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._plan import MusicPlan
from ._tables import DRUM_KIT, DRUM_PATTERNS, GENRES, INSTRUMENTS, PROGRESSIONS
from ._theory import chord, nearest, pitch_class, scale, voice

__all__ = ["Part", "Score", "compose", "CHANNELS", "release_s"]

_STEPS = 4  # grid steps per beat
# role -> (MIDI channel, CC7 volume, CC10 pan): the mix balance lives here
CHANNELS: dict[str, tuple[int, int, int]] = {
    "chords": (0, 88, 52), "bass": (1, 104, 64), "melody": (2, 96, 74), "pad": (3, 62, 64),
    "arp": (4, 74, 44), "timpani": (5, 92, 64), "drums": (9, 100, 64),
}
_LOW_REGISTER = {"french horn", "cello", "distortion guitar", "overdriven guitar", "saxophone", "brass"}
_MELODY_CELLS = {  # (step, length) per bar, in sixteenths
    4: (((0, 4), (4, 2), (6, 2), (8, 4), (12, 4)), ((0, 6), (6, 2), (8, 8)),
        ((0, 2), (2, 2), (4, 4), (8, 2), (10, 2), (12, 4)), ((0, 4), (4, 4), (8, 8)),
        ((2, 2), (4, 2), (6, 4), (10, 2), (12, 4))),
    3: (((0, 4), (4, 4), (8, 4)), ((0, 8), (8, 4)), ((0, 6), (6, 2), (8, 4)), ((0, 4), (4, 2), (6, 2), (8, 4))),
}
_END_CELLS = {4: (((0, 4), (4, 12)), ((0, 16),)), 3: (((0, 4), (4, 8)), ((0, 12),))}
_COMP = {  # chord rhythm styles: (step, length, accent) per 4/4 bar
    "pop": ((0, 6, 1.0), (6, 6, 0.8), (12, 4, 0.85)),
    "power": tuple((s, 2, 1.0 if s % 8 == 0 else 0.8) for s in range(0, 16, 2)),
    "stabs": ((2, 2, 0.9), (6, 2, 0.8), (10, 2, 0.9), (14, 2, 0.8)),
    "lazy": ((0, 7, 1.0), (10, 6, 0.7)),
    "jazz": ((0, 3, 0.9), (6, 4, 1.0)),
    "sustain": ((0, 16, 1.0),),
    "ostinato": tuple((s, 2, 1.0 if s % 4 == 0 else 0.6) for s in range(0, 16, 2)),
    "strum": ((0, 4, 1.0), (4, 2, 0.75), (6, 4, 0.8), (10, 2, 0.7), (12, 2, 0.9), (14, 2, 0.7)),
    "broken": ((0, 16, 1.0),),
    "waltz": ((4, 4, 0.8), (8, 4, 0.75)),
}
_BASS = {  # bass styles: (step, length, tone) per 4/4 bar; tone: 0 root, 1 fifth, 2 octave, 3 approach
    "pop": ((0, 6, 0), (6, 2, 0), (8, 6, 0), (14, 2, 1)),
    "eighths": tuple((s, 2, 0) for s in range(0, 16, 2)),
    "offbeat": ((2, 2, 0), (6, 2, 2), (10, 2, 0), (14, 2, 2)),
    "hiphop": ((0, 6, 0), (8, 6, 0), (14, 2, 1)),
    "walking": ((0, 4, 0), (4, 4, 4), (8, 4, 1), (12, 4, 3)),
    "whole": ((0, 16, 0),),
    "halves": ((0, 8, 0), (8, 8, 1)),
    "rootfifth": ((0, 8, 0), (8, 8, 1)),
    "waltz": ((0, 4, 0),),
}
_VELOCITY = {"X": 112, "x": 88, "o": 42}


@dataclass(frozen=True)
class Part:
    role: str
    instrument: str
    channel: int
    program: int
    is_drum: bool
    volume: int
    pan: int
    start: np.ndarray  # seconds
    end: np.ndarray
    pitch: np.ndarray
    velocity: np.ndarray  # 1..127

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True)
class Score:
    parts: tuple[Part, ...]
    duration_s: float
    release_s: float  # the last this-long is the final chord's release
    tonic_chord: tuple[int, ...]  # pitch classes of the final chord
    bar_chords: tuple[tuple[int, ...], ...] = field(default=())  # pitch classes per bar, final one included


def release_s(music: MusicPlan) -> float:
    hold = music.duration_s - music.offset_s - music.bars * music.bar_s
    return float(min(np.clip(0.4 * hold, 0.3, 1.5), 0.5 * hold))


class _Notes:
    def __init__(self) -> None:
        self.rows: list[tuple[float, float, int, int]] = []

    def add(self, start: float, end: float, pitch: int, velocity: float) -> None:
        if end > start and 0 <= pitch <= 127:
            self.rows.append((start, end, int(pitch), min(127, max(1, round(velocity)))))


class _Grid:
    """Bar/step -> seconds, with swing on the off-beat steps."""

    def __init__(self, music: MusicPlan) -> None:
        self.beat, self.bar, self.offset = music.beat_s, music.bar_s, music.offset_s
        self.steps = music.beats_per_bar * _STEPS
        genre = GENRES[music.genre]
        self.swing, self.unit = music.swing, genre.swing_unit
        # Below this tempo the off-beats are played softer, so that the beat (not the eighth)
        # is what a listener, or a beat tracker, hears as the pulse.
        self.offbeat = 0.55 if music.tempo_bpm < 92 else 0.75

    def time(self, bar: int, step: float) -> float:
        size = 2 * _STEPS // self.unit  # steps in one swung pair (two eighths, or two sixteenths)
        pair, within = divmod(step, size)
        half = size / 2
        if within <= half:
            pos = within * self.swing * 2
        else:
            pos = self.swing * size + (within - half) * (1 - self.swing) * 2
        return self.offset + bar * self.bar + (pair * size + pos) / _STEPS * self.beat


def compose(music: MusicPlan) -> Score:
    """The notes of the whole piece, deterministic for the plan's seed."""
    rng = np.random.default_rng([music.seed, 1])
    tonic = pitch_class(music.key)
    grid = _Grid(music)
    bar_energy = _bar_energy(music)
    peak = float(bar_energy.max()) or 1.0
    bar_energy = bar_energy / peak  # arrangement follows the shape; the mood's level sets the touch
    touch = 0.7 + 0.3 * peak
    degrees = _degrees(music, rng)
    chords = [chord(tonic, music.mode, d, s) for d, s in degrees]
    end_off = music.duration_s - release_s(music)
    parts = []
    for role, instrument in music.instruments.items():
        notes = _Notes()
        _PLAYERS[role](notes, music, grid, chords, bar_energy, rng, end_off)
        parts.append(_part(role, instrument, notes, touch))
    final = chord(tonic, music.mode, 0)
    return Score(tuple(parts), music.duration_s, release_s(music), final,
                 tuple(tuple(c) for c in chords))


def _part(role: str, instrument: str, notes: _Notes, touch: float) -> Part:
    channel, volume, pan = CHANNELS[role]
    rows = sorted(notes.rows)
    arr = np.array(rows, dtype=np.float64).reshape(-1, 4)
    arr[:, 3] = np.clip(np.round(arr[:, 3] * touch), 1, 127)
    is_drum = instrument == DRUM_KIT
    return Part(role, instrument, channel, 0 if is_drum else INSTRUMENTS[instrument], is_drum, volume, pan,
                arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].astype(np.int16), arr[:, 3].astype(np.int16))


def _bar_energy(music: MusicPlan) -> np.ndarray:
    energy = np.zeros(music.bars + 1)
    for section, level in zip(music.sections, music.energy):
        energy[section.start_bar:section.start_bar + section.bars] = level
    energy[-1] = music.energy[-1] if music.energy else 0.5
    return energy


def _section_of(music: MusicPlan) -> list[tuple[str, int, int]]:
    """Per bar: (section name, bar index within section, bars in section)."""
    out = []
    for s in music.sections:
        out += [(s.name, i, s.bars) for i in range(s.bars)]
    return out


def _degrees(music: MusicPlan, rng: np.random.Generator) -> list[tuple[int, bool]]:
    """(scale degree, seventh) per bar, the final held bar included."""
    table = PROGRESSIONS[music.progression]
    chosen = {kind: options[int(rng.integers(len(options)))] for kind, options in table.items()}
    chosen["intro"], chosen["outro"] = chosen["verse"], chosen["verse"]
    out = [chosen[name][i % len(chosen[name])] for name, i, _ in _section_of(music)]
    sections = _section_of(music)
    for bar in range(len(out) - 1):
        if sections[bar + 1][1] == 0 and sections[bar + 1][0] == "chorus":
            out[bar] = (4, False)  # a dominant lifts into each chorus
    if len(out) >= 2:
        out[-2] = (3, False) if music.mode == "major" else (5, False)
    if out:
        out[-1] = (4, True)  # ... and the last bar is the dominant seventh of the cadence
    return out + [(0, False)]


def _velocity(base: float, energy: float, rng: np.random.Generator) -> float:
    return base * (0.55 + 0.45 * energy) + rng.normal(0.0, 4.0)


def _play_chords(notes: _Notes, music: MusicPlan, grid: _Grid, chords, energy, rng, end_off) -> None:
    style = "waltz" if music.beats_per_bar == 3 else GENRES[music.genre].comp
    instrument = music.instruments["chords"]
    low, high = (40, 64) if style == "power" else (52, 76)
    previous = None
    for bar, pcs in enumerate(chords[:-1]):
        voicing = _power(pcs) if style == "power" else voice(_shell(pcs), previous, low, high)
        previous = voicing
        pattern = _COMP[style] if energy[bar] >= 0.4 or style in ("sustain", "broken") else _COMP["sustain"]
        if style == "broken":
            _broken(notes, grid, bar, voicing, energy[bar], rng)
            continue
        spread = 0.012 if style in ("strum", "lazy") else 0.0
        for step, length, accent in pattern:
            if step >= grid.steps:
                continue
            start, end = grid.time(bar, step), grid.time(bar, min(step + length, grid.steps)) - 0.01
            for i, pitch in enumerate(voicing):
                notes.add(start + i * spread, end, pitch, _velocity(82 * accent, energy[bar], rng))
    final = voice(chords[-1], previous, low, high) if instrument != "overdriven guitar" else _power(chords[-1])
    _final(notes, grid, len(chords) - 1, final, 80, end_off, energy, rng)


def _shell(pcs: tuple[int, ...]) -> tuple[int, ...]:
    """Root, third and seventh of a seventh chord (the fifth adds little); triads unchanged."""
    return (pcs[0], pcs[1], pcs[3]) if len(pcs) == 4 else pcs


def _power(pcs: tuple[int, ...]) -> tuple[int, ...]:
    root = nearest(pcs[0], 45)
    return (root, root + 7, root + 12)


def _broken(notes: _Notes, grid: _Grid, bar: int, voicing, energy: float, rng) -> None:
    """A left-hand figure over the pedal: in eighths, or in quarters when the tempo is slow."""
    step = 4 if grid.offbeat < 0.7 and 60.0 / grid.beat < 80 else 2
    order = (0, 2, 1, 2, 0, 2, 1, 2) if step == 2 else (0, 1, 2, 1)
    end = grid.time(bar + 1, 0) - 0.02
    for i, idx in enumerate(order[: grid.steps // step]):
        pitch = voicing[min(idx, len(voicing) - 1)]
        on_beat = (i * step) % _STEPS == 0
        accent = (1.0 if (i * step) % (2 * _STEPS) == 0 else 0.8) if on_beat else grid.offbeat
        notes.add(grid.time(bar, i * step), end, pitch, _velocity(70 * accent, energy, rng))


def _final(notes: _Notes, grid: _Grid, bar: int, pitches, base: float, end_off: float, energy, rng) -> None:
    start = grid.time(bar, 0)
    for pitch in pitches:
        notes.add(start, end_off, pitch, _velocity(base, max(energy[-1], 0.5), rng))


def _play_bass(notes: _Notes, music: MusicPlan, grid: _Grid, chords, energy, rng, end_off) -> None:
    style = "waltz" if music.beats_per_bar == 3 else GENRES[music.genre].bass
    centre = 43 if music.instruments["bass"] == "piano" else 38
    root = nearest(chords[0][0], centre)
    for bar, pcs in enumerate(chords[:-1]):
        root = _bass_root(pcs[0], root, centre)
        next_root = _bass_root(chords[bar + 1][0], root, centre)
        pattern = _BASS[style] if energy[bar] >= 0.4 else _BASS["whole"]
        for step, length, tone in pattern:
            pitch = _bass_tone(tone, root, next_root, pcs, rng)
            start, end = grid.time(bar, step), grid.time(bar, min(step + length, grid.steps)) - 0.02
            notes.add(start, end, pitch, _velocity(96 if step == 0 else 84, energy[bar], rng))
    _final(notes, grid, len(chords) - 1, (_bass_root(chords[-1][0], root, centre),), 96, end_off, energy, rng)


def _bass_root(pc: int, previous: int, centre: int) -> int:
    """The root nearest the previous one (a bass line moves by step or leap of a fourth or fifth),
    kept within about an octave of the register's centre."""
    root = nearest(pc, previous)
    return root - 12 if root > centre + 9 else root + 12 if root < centre - 8 else root


def _bass_tone(tone: int, root: int, next_root: int, pcs, rng) -> int:
    if tone == 0:
        return root
    if tone == 1:
        return root + 7 if root + 7 <= 52 else root - 5
    if tone == 2:
        return root + 12 if root + 12 <= 55 else root
    if tone == 3:  # chromatic approach into the next bar's root
        return next_root - 1 if rng.random() < 0.5 else next_root + 1
    return nearest(pcs[int(rng.integers(1, len(pcs)))], root + 5)


def _play_drums(notes: _Notes, music: MusicPlan, grid: _Grid, chords, energy, rng, end_off) -> None:
    style = "waltz" if music.beats_per_bar == 3 else GENRES[music.genre].drums or "pop"
    table = DRUM_PATTERNS[style]
    sections = _section_of(music)
    for bar, (name, index, length) in enumerate(sections):
        if name == "intro" and index < length - 1 and length > 1:
            rows = {k: v for k, v in table["low"].items() if k in (42, 44, 51, 70)} or table["low"]
        else:
            rows = table["full"] if energy[bar] >= 0.55 else table["low"]
        last = index == length - 1 and bar < len(sections) - 1
        _drum_bar(notes, grid, bar, rows, table["fill"] if last else None, energy[bar], rng)
        if index == 0 and bar > 0 and name in ("chorus", "verse") and energy[bar] >= 0.5:
            notes.add(grid.time(bar, 0), grid.time(bar, 0) + 2 * grid.beat, 49, _velocity(104, energy[bar], rng))
    final = len(chords) - 1
    for pitch in (36, 49):
        notes.add(grid.time(final, 0), end_off, pitch, _velocity(108, max(energy[-1], 0.5), rng))


def _drum_bar(notes: _Notes, grid: _Grid, bar: int, rows, fill, energy: float, rng) -> None:
    fill_from = grid.steps - _STEPS
    for pitch, steps in rows.items():
        for step, mark in enumerate(steps[: grid.steps]):
            if mark == "." or (fill and step >= fill_from and pitch not in (42, 51, 70)):
                continue
            if step % _STEPS and mark == "x" and grid.offbeat < 0.7:
                mark = "o"
            start = grid.time(bar, step)
            notes.add(start, start + _ring(steps, step, grid), pitch, _velocity(_VELOCITY[mark], energy, rng))
    for pitch, steps in (fill or {}).items():
        for step, mark in enumerate(steps[: grid.steps]):
            if mark != "." and step >= fill_from:
                start = grid.time(bar, step)
                notes.add(start, start + 0.1, pitch, _velocity(_VELOCITY[mark], energy, rng))


def _ring(steps: str, step: int, grid: _Grid) -> float:
    """How long a hit sounds: up to the next hit on the same drum (cymbals are choked there)."""
    later = [i for i, mark in enumerate(steps[step + 1: grid.steps], step + 1) if mark != "."]
    return grid.time(0, later[0] if later else grid.steps) - grid.time(0, step) - 0.005


def _play_pad(notes: _Notes, music: MusicPlan, grid: _Grid, chords, energy, rng, end_off) -> None:
    previous = None
    for bar, pcs in enumerate(chords[:-1]):
        voicing = voice(pcs[:3], previous, 48, 69)
        previous = voicing
        for pitch in voicing:
            notes.add(grid.time(bar, 0), grid.time(bar + 1, 0) - 0.01, pitch, _velocity(70, energy[bar], rng))
    _final(notes, grid, len(chords) - 1, voice(chords[-1], previous, 48, 69), 70, end_off, energy, rng)


def _play_timpani(notes: _Notes, music: MusicPlan, grid: _Grid, chords, energy, rng, end_off) -> None:
    sections = _section_of(music)
    for bar, pcs in enumerate(chords[:-1]):
        if energy[bar] < 0.6:
            continue
        root = nearest(pcs[0], 45)
        for beat in range(music.beats_per_bar):
            start = grid.time(bar, beat * _STEPS)
            fifth = root + 7 if beat % 2 else root
            notes.add(start, start + grid.beat, fifth, _velocity(100 if beat == 0 else 78, energy[bar], rng))
        name, index, length = sections[bar]
        if index == length - 1 and bar < len(sections) - 1:  # a roll into the next section
            for step in range(grid.steps - _STEPS, grid.steps):
                start = grid.time(bar, step)
                notes.add(start, start + 0.1, root, _velocity(60 + 12 * (step % _STEPS), energy[bar], rng))
    _final(notes, grid, len(chords) - 1, (nearest(chords[-1][0], 45),), 104, end_off, energy, rng)


def _play_arp(notes: _Notes, music: MusicPlan, grid: _Grid, chords, energy, rng, end_off) -> None:
    previous = None
    order = (0, 1, 2, 3, 2, 1, 0, 1)
    for bar, pcs in enumerate(chords[:-1]):
        voicing = voice(pcs[:3], previous, 60, 79)
        previous = voicing
        tones = list(voicing) + [voicing[0] + 12]
        step_len = 2
        for i, step in enumerate(range(0, grid.steps, step_len)):
            pitch = tones[order[i % len(order)]]
            start = grid.time(bar, step)
            accent = 1.0 if step % _STEPS == 0 else grid.offbeat
            notes.add(start, grid.time(bar, step + step_len) - 0.01, pitch, _velocity(74 * accent, energy[bar], rng))
    _final(notes, grid, len(chords) - 1, (nearest(chords[-1][0], 72),), 70, end_off, energy, rng)


def _play_melody(notes: _Notes, music: MusicPlan, grid: _Grid, chords, energy, rng, end_off) -> None:
    low = 55 if music.instruments["melody"] in _LOW_REGISTER else 62
    high = low + 19
    keys = scale(pitch_class(music.key), music.mode)
    motifs: dict[str, list] = {}
    pitch = nearest(keys[0], low + 7)
    for section in music.sections:
        if section.name in ("intro", "outro") or section.bars < 2:
            continue
        if section.name not in motifs:
            motifs[section.name] = _rhythm(section.bars, grid.steps // _STEPS, rng)
        centre = low + (10 if section.name == "chorus" else 6)
        for offset, cells in enumerate(motifs[section.name]):
            bar = section.start_bar + offset
            pitch = _melody_bar(notes, grid, bar, cells, chords[bar], keys, pitch, (low, high), centre,
                                offset, energy[bar], rng)
    final_pitch = nearest(keys[0], pitch)
    final_pitch = final_pitch if low <= final_pitch <= high else nearest(keys[0], low + 7)
    _final(notes, grid, len(chords) - 1, (final_pitch,), 84, end_off, energy, rng)


def _rhythm(bars: int, beats: int, rng: np.random.Generator) -> list:
    """Rhythm cells for a section: 4-bar phrases of motif, answer, motif again, long ending note."""
    cells, ends = _MELODY_CELLS[beats], _END_CELLS[beats]
    a, b = cells[int(rng.integers(len(cells)))], cells[int(rng.integers(len(cells)))]
    end = ends[int(rng.integers(len(ends)))]
    phrase = [a, b, a, end]
    return [phrase[i % 4] if (i % 4 != 3 or i + 1 < bars or bars % 4 == 0) else end for i in range(bars)]


def _melody_bar(notes: _Notes, grid: _Grid, bar: int, cells, pcs, keys, pitch: int, span, centre: int,
                offset: int, energy: float, rng) -> int:
    low, high = span
    rising = offset % 4 < 2
    for step, length in cells:
        strong = step % (2 * _STEPS) == 0
        if strong or length >= 8:
            options = [nearest(pc, pitch) for pc in pcs[:3]]
        else:
            direction = 1 if rising else -1
            options = [_scale_step(pitch, keys, direction * int(rng.choice((1, 1, 2)))),
                       _scale_step(pitch, keys, -direction)]
        options = [p for p in options if low <= p <= high] or [nearest(pcs[0], centre)]
        weights = np.array([1.0 / (1.0 + abs(p - pitch) + 0.3 * abs(p - centre)) for p in options])
        pitch = int(options[int(rng.choice(len(options), p=weights / weights.sum()))])
        shape = 0.9 + 0.2 * (offset % 4 in (1, 2)) + (0.1 if strong else 0.0)
        start, end = grid.time(bar, step), grid.time(bar, min(step + length, grid.steps)) - 0.03
        notes.add(start, end, pitch, _velocity(90 * shape, energy, rng))
    return pitch


def _scale_step(pitch: int, keys: tuple[int, ...], steps: int) -> int:
    """Move ``steps`` scale degrees from ``pitch`` (snapped into the scale first)."""
    while pitch % 12 not in keys:
        pitch -= 1
    for _ in range(abs(steps)):
        pitch += 1 if steps > 0 else -1
        while pitch % 12 not in keys:
            pitch += 1 if steps > 0 else -1
    return pitch


_PLAYERS = {
    "chords": _play_chords, "bass": _play_bass, "drums": _play_drums, "pad": _play_pad,
    "timpani": _play_timpani, "arp": _play_arp, "melody": _play_melody,
}
