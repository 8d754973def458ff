"""``MusicPlan`` -> ``Score``: every part's notes, played the way its style is played. Pure.

Everything sits on a grid of sixteenth-note steps whose first downbeat is at ``plan.offset_s``;
swing delays the off-beat steps, and each player is a little early or late and a little louder
or softer than the grid, as loosely as the style is played (tight for EDM, loose for lo-fi and
jazz). Each section picks a progression from the style's harmonic language; the piece closes
with the style's cadence and the tonic chord, struck on the next downbeat and held until the
release, which ends at the duration. Sustained parts carry an expression curve (swells into
choruses, a rise through build-ups) that the mixer applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._figures import BASS, COMP, END_CELLS, FOLLOW_KICK, MELODY_CELLS, BassNote, Hit
from ._grooves import CRASH, GROOVES, KICKS, SNARES, TIMEKEEPERS, Groove
from ._harmony import PROGRESSIONS
from ._instruments import DRUM_KIT, INSTRUMENTS, KITS
from ._plan import MusicPlan
from ._styles import STYLES, Style
from ._theory import nearest, numeral, pitch_class, scale, voice

__all__ = ["Part", "Score", "compose", "CHANNELS", "release_s"]

_STEPS = 4  # grid steps per beat
# role -> (MIDI channel, CC7 volume): the mix's starting balance; placement and effects are the mixer's
CHANNELS: dict[str, tuple[int, int]] = {
    "chords": (0, 88), "bass": (1, 104), "melody": (2, 96), "pad": (3, 66),
    "arp": (4, 76), "timpani": (5, 92), "drums": (9, 100),
}
_VELOCITY = {"X": 112, "x": 88, "o": 40, "r": 70, "t": 64}
_POWER_CHORDS = frozenset({"overdriven guitar", "distortion guitar"})
_ARP_FIGURES = {"banjo": "roll", "harp": "arp_up", "square lead": "arp_up", "saw synth": "ostinato16",
                "piano": "broken", "koto": "picking", "glockenspiel": "arp8", "celesta": "arp8"}
_FALLBACK_GROOVE = {"4/4": "pop", "3/4": "waltz"}


@dataclass(frozen=True)
class Part:
    role: str
    instrument: str
    channel: int
    program: int
    is_drum: bool
    volume: int
    start: np.ndarray  # seconds
    end: np.ndarray
    pitch: np.ndarray
    velocity: np.ndarray  # 1..127
    expression: tuple[tuple[float, float], ...] = ()  # (seconds, gain 0..1) breakpoints; () = flat

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True)
class Score:
    parts: tuple[Part, ...]
    duration_s: float
    release_s: float  # the last this-long is the final chord's release
    tonic_chord: tuple[int, ...]  # pitch classes of the final chord
    bar_chords: tuple[tuple[int, ...], ...] = field(default=())  # pitch classes per bar, final one included
    kicks: tuple[float, ...] = ()  # kick drum times, for the mixer's sidechain


def release_s(music: MusicPlan) -> float:
    hold = music.duration_s - music.offset_s - music.bars * music.bar_s
    return float(min(np.clip(0.4 * hold, 0.3, 1.5), 0.5 * hold))


class _Grid:
    """Bar/step -> seconds, with swing on the off-beat steps."""

    def __init__(self, music: MusicPlan, style: Style) -> None:
        self.beat, self.bar, self.offset = music.beat_s, music.bar_s, music.offset_s
        self.steps = music.beats_per_bar * _STEPS
        self.swing, self.unit = music.swing, style.swing_unit
        # Slow pieces play their off-beats softer, so the beat (not the eighth) reads as the pulse.
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


class _Notes:
    """One player's notes, with that player's looseness (timing in seconds, velocity)."""

    def __init__(self, rng: np.random.Generator, timing_s: float, spread: float, limit_s: float) -> None:
        self.rows: list[tuple[float, float, int, int]] = []
        self.rng, self.timing_s, self.spread, self.limit_s = rng, timing_s, spread, limit_s

    def add(self, start: float, end: float, pitch: int, velocity: float, *, exact: bool = False,
            shift: float | None = None) -> None:
        """A note, a little early or late (``shift``: the same for every note of one strum or chord)."""
        if not exact and self.timing_s:
            shift = self.shift() if shift is None else shift
            start, end = max(0.0, start + shift), min(self.limit_s, end + shift)
        if not exact and self.spread:
            velocity += self.rng.normal(0.0, self.spread)
        if end > start and 0 <= pitch <= 127:
            self.rows.append((start, end, int(pitch), min(127, max(1, round(velocity)))))

    def shift(self) -> float:
        return float(np.clip(self.rng.normal(0.0, self.timing_s), -2.5 * self.timing_s, 2.5 * self.timing_s))


@dataclass
class _Context:
    """What every player of one piece shares."""

    music: MusicPlan
    style: Style
    grid: _Grid
    chords: list[tuple[int, ...]]  # pitch classes per bar, the final chord last
    energy: np.ndarray  # 0..1 per bar, the final one included
    sections: list[tuple[str, int, int]]  # per bar: (section, index within it, its length)
    scale: tuple[int, ...]
    kick_steps: list[list[int]]  # per bar: the steps the kick plays
    rng: np.random.Generator
    end_off: float  # when the final chord is released

    def velocity(self, base: float, bar: int) -> float:
        return base * (0.55 + 0.45 * self.energy[min(bar, len(self.energy) - 1)])

    @property
    def final_bar(self) -> int:
        return len(self.chords) - 1


def compose(music: MusicPlan) -> Score:
    """The notes of the whole piece, deterministic for the plan's seed."""
    style = STYLES[music.style]
    rng = np.random.default_rng([music.seed, 1])
    tonic = pitch_class(music.key)
    energy = _bar_energy(music)
    peak = float(energy.max()) or 1.0
    sections = _section_of(music)
    groove = _groove(music, style)
    chords = _progression(music, tonic, sections, rng)
    end_off = music.duration_s - release_s(music)
    context = _Context(music, style, _Grid(music, style), chords, energy / peak, sections,
                       scale(tonic, music.scale), _kick_steps(groove, music, sections), rng, end_off)
    touch = 0.7 + 0.3 * peak  # arrangement follows the shape; the mood's level sets the touch
    parts = []
    for role, instrument in music.instruments.items():
        timing_ms, spread = style.feel
        tight = role == "drums" and style.family == "electronic"
        notes = _Notes(rng, (timing_ms * (0.3 if tight else 0.6 if role == "drums" else 1.0)) / 1000.0,
                       spread, end_off)
        _PLAYERS[role](notes, context, instrument)
        parts.append(_part(role, instrument, notes, touch, groove, _expression(role, context)))
    drums = next((p for p in parts if p.is_drum), None)
    kicks = tuple(np.sort(drums.start[np.isin(drums.pitch, KICKS)]).tolist()) if drums is not None else ()
    return Score(tuple(parts), music.duration_s, release_s(music), chords[-1], tuple(chords), kicks)


def _groove(music: MusicPlan, style: Style) -> Groove:
    name = style.groove if style.groove and music.meter == style.meter else _FALLBACK_GROOVE[music.meter]
    return GROOVES[name]


def _part(role: str, instrument: str, notes: _Notes, touch: float, groove: Groove,
          expression: tuple[tuple[float, float], ...]) -> Part:
    channel, volume = CHANNELS[role]
    arr = np.array(sorted(notes.rows), dtype=np.float64).reshape(-1, 4)
    arr[:, 3] = np.clip(np.round(arr[:, 3] * touch), 1, 127)
    is_drum = instrument == DRUM_KIT
    program = KITS[groove.kit] if is_drum else INSTRUMENTS[instrument].program
    return Part(role, instrument, channel, program, is_drum, volume, arr[:, 0].copy(), arr[:, 1].copy(),
                arr[:, 2].astype(np.int16), arr[:, 3].astype(np.int16), expression)


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


def _progression(music: MusicPlan, tonic: int, sections: list[tuple[str, int, int]],
                 rng: np.random.Generator) -> list[tuple[int, ...]]:
    """Pitch classes per bar: each section kind repeats one progression of the style's language;
    the cadence takes the last two bars and the tonic chord is the final, held one."""
    table = PROGRESSIONS[music.harmony][music.mode]
    options = {"verse": table.verse, "chorus": table.chorus, "bridge": table.bridge}
    chosen = {kind: opts[int(rng.integers(len(opts)))].split() for kind, opts in options.items()}
    chosen.update(intro=chosen["verse"], outro=chosen["verse"], build=chosen["chorus"][-2:] * 2)
    names = [chosen[name][i % len(chosen[name])] for name, i, _ in sections]
    cadence = table.cadence.split()
    for i, name in enumerate(cadence[-len(names):] if names else ()):
        names[len(names) - min(len(names), len(cadence)) + i] = name
    final = "I" if music.mode == "major" else "i"
    return [numeral(tonic, name) for name in names] + [numeral(tonic, final)]


def _kick_steps(groove: Groove, music: MusicPlan, sections: list[tuple[str, int, int]]) -> list[list[int]]:
    steps = music.beats_per_bar * _STEPS
    out = []
    for bar in range(len(sections)):
        row = next((groove.full[k] for k in KICKS if k in groove.full), "X" + "." * (steps - 1))
        cut = row[(bar % max(1, len(row) // steps)) * steps:][:steps]
        out.append([i for i, mark in enumerate(cut) if mark != "."] or [0])
    return out


def _expression(role: str, context: _Context) -> tuple[tuple[float, float], ...]:
    """Sustained parts swell: up through a build-up, and into each chorus from its previous bar."""
    if role not in ("pad", "chords", "timpani") or role == "chords" and context.style.comp != "sustain":
        return ()
    grid, points, level = context.grid, [(0.0, 0.85)], 0.85
    for bar, (name, index, length) in enumerate(context.sections):
        start, end = grid.time(bar, 0), grid.time(bar + 1, 0)
        into_chorus = index == length - 1 and bar + 1 < len(context.sections) and context.sections[bar + 1][0] == "chorus"
        if name == "build":
            low, high = 0.55 + 0.45 * index / length, 0.55 + 0.45 * (index + 1) / length
        elif into_chorus:
            low, high = 0.6, 1.0
        else:
            continue
        # hold the level until the swell begins, then rise through the bar
        points += [(start - 0.005, level), (start, low), (end - 0.01, high), (end, 0.85 if name != "build" else high)]
        level = 0.85
    return tuple(points)


# -- players ----------------------------------------------------------------------------------------
def _figure(table: dict, name: str, bar: int):
    bars = table[name]
    return bars[bar % len(bars)]


def _play_chords(notes: _Notes, ctx: _Context, instrument: str) -> None:
    comp = ctx.style.comp if ctx.music.meter == ctx.style.meter else "waltz"
    info = INSTRUMENTS[instrument]
    low, high = (40, 64) if instrument in _POWER_CHORDS else (max(48, info.low - 8), min(79, info.low + 16))
    previous = None
    for bar, pcs in enumerate(ctx.chords[:-1]):
        name = ctx.sections[bar][0]
        if instrument in _POWER_CHORDS:
            voicing = _power(pcs)
        else:
            voicing = voice(_shell(pcs) if ctx.style.harmony in ("jazz", "bossa", "lofi") else pcs, previous, low, high)
        previous = voicing
        quiet = ctx.energy[bar] < 0.4 or (name == "intro" and ctx.sections[bar][1] < ctx.sections[bar][2] - 1)
        _comp_bar(notes, ctx, bar, _figure(COMP, "halves" if quiet and comp != "sustain" else comp, bar), voicing, 80)
    _final(notes, ctx, voice(ctx.chords[-1], previous, low, high) if instrument not in _POWER_CHORDS
           else _power(ctx.chords[-1]), 78)


def _comp_bar(notes: _Notes, ctx: _Context, bar: int, hits: tuple[Hit, ...], voicing: tuple[int, ...],
              base: float) -> None:
    grid = ctx.grid
    for hit in hits:
        if hit.step >= grid.steps:
            continue
        start = grid.time(bar, hit.step)
        end = grid.time(bar, min(hit.step + hit.length, grid.steps)) - 0.012
        pitches = _pick(voicing, hit.tones)
        order = pitches if hit.strum_ms >= 0 else pitches[::-1]
        gap = abs(hit.strum_ms) / 1000.0 / max(1, len(order) - 1)
        accent = hit.accent if hit.step % _STEPS == 0 else hit.accent * (grid.offbeat + 0.25)
        shift = notes.shift() if notes.timing_s else 0.0  # the hand is early or late, not each string
        for i, pitch in enumerate(order):
            notes.add(start + i * gap, end, pitch, ctx.velocity(base * accent, bar), shift=shift)


def _pick(voicing: tuple[int, ...], tones: str) -> tuple[int, ...]:
    if tones == "*":
        return voicing
    if tones == "r":
        return voicing[:1]
    if tones == "u":
        return voicing[1:] or voicing
    extended = voicing + tuple(p + 12 for p in voicing)  # digits past the voicing climb an octave
    return tuple(extended[int(t) % len(extended)] for t in tones)


def _shell(pcs: tuple[int, ...]) -> tuple[int, ...]:
    """Root, third and seventh of a seventh chord (the fifth adds little); triads unchanged."""
    return (pcs[0], pcs[1], pcs[3]) if len(pcs) >= 4 else pcs


def _power(pcs: tuple[int, ...]) -> tuple[int, ...]:
    root = nearest(pcs[0], 45)
    return (root, root + 7, root + 12)


def _final(notes: _Notes, ctx: _Context, pitches, base: float) -> None:
    start = ctx.grid.time(ctx.final_bar, 0)
    for pitch in pitches:
        notes.add(start, ctx.end_off, pitch, base * (0.55 + 0.45 * max(ctx.energy[-1], 0.5)), exact=True)


def _play_bass(notes: _Notes, ctx: _Context, instrument: str) -> None:
    info = INSTRUMENTS[instrument]
    centre = info.low + 12 if info.role == "bass" else 43
    style = ctx.style.bass if ctx.music.meter == ctx.style.meter else "waltz"
    root = nearest(ctx.chords[0][0], centre)
    for bar, pcs in enumerate(ctx.chords[:-1]):
        root = _bass_root(pcs[0], root, centre)
        next_root = _bass_root(ctx.chords[bar + 1][0], root, centre)
        if ctx.energy[bar] < 0.4 or ctx.sections[bar][0] == "intro" and ctx.sections[bar][1] == 0:
            pattern: tuple[BassNote, ...] = _figure(BASS, "whole", bar)
        elif style == FOLLOW_KICK:
            pattern = _follow_kick(ctx.kick_steps[bar], ctx.grid.steps)
        else:
            pattern = _figure(BASS, style, bar)
        for note in pattern:
            pitch = _bass_tone(note.tone, root, next_root, pcs, ctx)
            start = ctx.grid.time(bar, note.step)
            end = ctx.grid.time(bar, min(note.step + note.length, ctx.grid.steps)) - 0.02
            notes.add(start, end, pitch, ctx.velocity(98 if note.step % 8 == 0 else 86, bar))
    _final(notes, ctx, (_bass_root(ctx.chords[-1][0], root, centre),), 96)


def _follow_kick(steps: list[int], total: int) -> tuple[BassNote, ...]:
    """The bass locks to the kick: a note on each kick, held until the next one."""
    ends = steps[1:] + [total]
    return tuple(BassNote(s, max(1, e - s), 0) for s, e in zip(steps, ends))


def _bass_root(pc: int, previous: int, centre: int) -> int:
    """The root nearest the previous one (a bass line moves by step or leap of a fourth or fifth),
    kept within about an octave of the register's centre."""
    root = nearest(pc, previous)
    return root - 12 if root > centre + 9 else root + 12 if root < centre - 8 else root


def _bass_tone(tone: int, root: int, next_root: int, pcs: tuple[int, ...], ctx: _Context) -> int:
    interval = {1: 7, 2: 12, 5: (pcs[1] - pcs[0]) % 12, 6: ((pcs[3] - pcs[0]) % 12 if len(pcs) > 3 else 10),
                8: -5, 9: 9}
    if tone == 0:
        return root
    if tone in interval:
        value = root + interval[tone]
        return value - 12 if value > root + 12 or (tone == 1 and value > 55) else value
    if tone == 3:  # chromatic approach into the next bar's root
        return next_root - 1 if ctx.rng.random() < 0.5 else next_root + 1
    if tone == 7:  # a scale step towards the next root
        step = 1 if next_root > root else -1
        return _scale_step(root, ctx.scale, 2 * step)
    return nearest(pcs[int(ctx.rng.integers(1, len(pcs)))], root + 5)


def _play_drums(notes: _Notes, ctx: _Context, instrument: str) -> None:
    groove = _groove(ctx.music, ctx.style)
    for bar, (name, index, length) in enumerate(ctx.sections):
        if name == "build":
            _build_bar(notes, ctx, bar, index, length)
            continue
        if name == "intro" and index < length - 1 and length > 1:
            rows = {k: v for k, v in groove.low.items() if k in TIMEKEEPERS} or groove.low
        else:
            rows = groove.full if ctx.energy[bar] >= 0.55 else groove.low
        last = index == length - 1 and bar < len(ctx.sections) - 1
        fill = groove.fills[int(ctx.rng.integers(len(groove.fills)))] if last and groove.fills else None
        _drum_bar(notes, ctx, bar, rows, fill, open_hat=groove.open_hat and bar % 4 == 3 and not fill)
        if groove.crash and index == 0 and bar > 0 and name in ("chorus", "verse", "bridge") and ctx.energy[bar] >= 0.5:
            notes.add(ctx.grid.time(bar, 0), ctx.grid.time(bar, 0) + 2 * ctx.grid.beat, CRASH,
                      ctx.velocity(106, bar))
    for pitch in (36, CRASH) if groove.crash else (36,):
        notes.add(ctx.grid.time(ctx.final_bar, 0), ctx.end_off, pitch, 108 * (0.55 + 0.45 * max(ctx.energy[-1], 0.5)),
                  exact=True)


def _drum_bar(notes: _Notes, ctx: _Context, bar: int, rows: dict[int, str], fill: dict[int, str] | None,
              open_hat: bool) -> None:
    grid = ctx.grid
    fill_from = min((s for row in (fill or {}).values() for s, m in enumerate(row[:grid.steps]) if m != "."),
                    default=grid.steps)
    fill_from -= fill_from % _STEPS
    for pitch, pattern in rows.items():
        steps = pattern[(bar % max(1, len(pattern) // grid.steps)) * grid.steps:][:grid.steps]
        marked = [i for i, mark in enumerate(steps) if mark != "."]
        for step in marked:
            if step >= fill_from and pitch not in TIMEKEEPERS:
                continue
            mark = steps[step]
            if step % _STEPS and mark == "x" and grid.offbeat < 0.7 and pitch not in KICKS:
                mark = "o"
            hit = 46 if open_hat and pitch == 42 and step == marked[-1] and step % 2 == 0 else pitch
            _hit(notes, ctx, bar, step, hit, mark, _ring(steps, step, grid))
    for pitch, pattern in (fill or {}).items():
        for step, mark in enumerate(pattern[:grid.steps]):
            if mark != "." and step >= fill_from:
                _hit(notes, ctx, bar, step, pitch, mark, 0.1)


def _hit(notes: _Notes, ctx: _Context, bar: int, step: int, pitch: int, mark: str, length: float) -> None:
    count = {"r": 2, "t": 3}.get(mark, 1)
    for k in range(count):
        start = ctx.grid.time(bar, step + k / count)
        notes.add(start, start + max(0.03, length / count), pitch, ctx.velocity(_VELOCITY[mark], bar))


def _build_bar(notes: _Notes, ctx: _Context, bar: int, index: int, length: int) -> None:
    """A build-up: kick on the beat, a snare roll that doubles its speed and rises in loudness,
    and a breath of silence on the last beat before the drop."""
    grid = ctx.grid
    progress = (index + 1) / length
    division = 1 if progress <= 0.34 else 2 if progress <= 0.67 else 4
    last_step = grid.steps - (_STEPS if index == length - 1 and ctx.style.family == "electronic" else 0)
    for step in range(0, last_step):
        if step % _STEPS == 0:
            _hit(notes, ctx, bar, step, 36, "x", 0.1)
        if step % (_STEPS // division) == 0:
            level = 50 + 60 * (index + step / grid.steps) / length
            start = grid.time(bar, step)
            notes.add(start, start + 0.08, SNARES[0], ctx.velocity(level, bar))


def _ring(steps: str, step: int, grid: _Grid) -> float:
    """How long a hit sounds: up to the next hit on the same drum (cymbals are choked there)."""
    later = [i for i, mark in enumerate(steps[step + 1: grid.steps], step + 1) if mark != "."]
    return grid.time(0, later[0] if later else grid.steps) - grid.time(0, step) - 0.005


def _play_pad(notes: _Notes, ctx: _Context, instrument: str) -> None:
    previous = None
    bar = 0
    while bar < len(ctx.chords) - 1:
        span = 1
        while bar + span < len(ctx.chords) - 1 and ctx.chords[bar + span] == ctx.chords[bar] and span < 4:
            span += 1  # a held chord is one note, not a re-struck one
        voicing = voice(ctx.chords[bar][:3], previous, 48, 72)  # a triad: pads are the dearest voices
        previous = voicing
        for pitch in voicing:
            notes.add(ctx.grid.time(bar, 0), ctx.grid.time(bar + span, 0) - 0.01, pitch, ctx.velocity(72, bar))
        bar += span
    _final(notes, ctx, voice(ctx.chords[-1], previous, 48, 72), 70)


def _play_timpani(notes: _Notes, ctx: _Context, instrument: str) -> None:
    for bar, pcs in enumerate(ctx.chords[:-1]):
        if ctx.energy[bar] < 0.6:
            continue
        root = nearest(pcs[0], 45)
        for beat in range(ctx.music.beats_per_bar):
            start = ctx.grid.time(bar, beat * _STEPS)
            fifth = root + 7 if beat % 2 else root
            notes.add(start, start + ctx.grid.beat, fifth, ctx.velocity(100 if beat == 0 else 78, bar))
        name, index, length = ctx.sections[bar]
        if index == length - 1 and bar < len(ctx.sections) - 1:  # a roll into the next section
            for step in range(ctx.grid.steps - _STEPS, ctx.grid.steps):
                start = ctx.grid.time(bar, step)
                notes.add(start, start + 0.1, root, ctx.velocity(60 + 12 * (step % _STEPS), bar))
    _final(notes, ctx, (nearest(ctx.chords[-1][0], 45),), 104)


def _play_arp(notes: _Notes, ctx: _Context, instrument: str) -> None:
    figure = "waltz_arp" if ctx.music.beats_per_bar == 3 else _ARP_FIGURES.get(instrument, "arp8")
    low = INSTRUMENTS[instrument].low
    previous = None
    for bar, pcs in enumerate(ctx.chords[:-1]):
        if ctx.energy[bar] < 0.3:
            continue
        voicing = voice(pcs[:3], previous, low, low + 19)
        previous = voicing
        _comp_bar(notes, ctx, bar, _figure(COMP, figure, bar), voicing + (voicing[0] + 12,), 72)
    _final(notes, ctx, (nearest(ctx.chords[-1][0], low + 10),), 68)


def _play_melody(notes: _Notes, ctx: _Context, instrument: str) -> None:
    info = INSTRUMENTS[instrument]
    low, high = info.low, max(info.high, info.low + 12)
    cells = MELODY_CELLS[ctx.style.lead]
    beats = ctx.grid.steps // _STEPS
    motifs: dict[str, list] = {}
    pitch = nearest(ctx.scale[0], low + 7)
    for section in ctx.music.sections:
        if section.name in ("intro", "outro", "build") or section.bars < 2:
            continue
        if section.name not in motifs:
            motifs[section.name] = _rhythm(section.bars, cells[beats], END_CELLS[beats], ctx.rng)
        centre = low + (10 if section.name == "chorus" else 6)
        for offset, bar_cells in enumerate(motifs[section.name]):
            bar = section.start_bar + offset
            pitch = _melody_bar(notes, ctx, bar, bar_cells, pitch, (low, high), centre, offset)
    final_pitch = nearest(ctx.scale[0], pitch)
    final_pitch = final_pitch if low <= final_pitch <= high else nearest(ctx.scale[0], low + 7)
    _final(notes, ctx, (final_pitch,), 84)


def _rhythm(bars: int, cells, ends, rng: np.random.Generator) -> list:
    """Rhythm cells for a section: 4-bar phrases of motif, answer, motif again, long ending note."""
    a, b = cells[int(rng.integers(len(cells)))], cells[int(rng.integers(len(cells)))]
    end = ends[int(rng.integers(len(ends)))]
    phrase = [a, b, a, end]
    return [phrase[i % 4] if (i % 4 != 3 or i + 1 < bars or bars % 4 == 0) else end for i in range(bars)]


def _chord_scale(keys: tuple[int, ...], pcs: tuple[int, ...]) -> tuple[int, ...]:
    """The key's scale with the chord's own tones in it: over a borrowed chord (bVII in major)
    the melody follows the chord, not the key signature."""
    out = set(keys)
    for tone in pcs[:4]:
        if tone not in out:
            out -= {(tone - 1) % 12, (tone + 1) % 12}
            out.add(tone)
    return tuple(sorted(out))


def _melody_bar(notes: _Notes, ctx: _Context, bar: int, cells, pitch: int, span: tuple[int, int], centre: int,
                offset: int) -> int:
    low, high = span
    pcs = ctx.chords[bar]
    keys = _chord_scale(ctx.scale, pcs)
    rising = offset % 4 < 2
    for step, length in cells:
        if step >= ctx.grid.steps:
            continue
        strong = step % (2 * _STEPS) == 0
        if strong or length >= 8:
            options = [nearest(pc, pitch) for pc in pcs[:3]]
        else:
            direction = 1 if rising else -1
            options = [_scale_step(pitch, keys, direction * int(ctx.rng.choice((1, 1, 2)))),
                       _scale_step(pitch, keys, -direction)]
        options = [p for p in options if low <= p <= high] or [nearest(pcs[0], centre)]
        weights = np.array([1.0 / (1.0 + abs(p - pitch) + 0.3 * abs(p - centre)) for p in options])
        pitch = int(options[int(ctx.rng.choice(len(options), p=weights / weights.sum()))])
        shape = 0.9 + 0.2 * (offset % 4 in (1, 2)) + (0.1 if strong else 0.0)
        start = ctx.grid.time(bar, step)
        end = ctx.grid.time(bar, min(step + length, ctx.grid.steps)) - 0.03
        notes.add(start, end, pitch, ctx.velocity(90 * shape, bar))
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


_PLAYERS: dict[str, Callable[[_Notes, _Context, str], None]] = {
    "chords": _play_chords, "bass": _play_bass, "drums": _play_drums, "pad": _play_pad,
    "timpani": _play_timpani, "arp": _play_arp, "melody": _play_melody,
}
