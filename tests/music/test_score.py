"""The score: harmony and cadence, grooves and fills per style, the players' feel, and the
expression curves, read from the notes (no audio)."""

from __future__ import annotations

import numpy as np
import pytest

from musicmaker_nb.music import MusicPlan, plan
from musicmaker_nb.music._harmony import PROGRESSIONS
from musicmaker_nb.music._score import Part, Score, compose
from musicmaker_nb.music._styles import STYLES
from musicmaker_nb.music._theory import numeral, pitch_class, scale, voice

HARMONY = ("chords", "pad", "bass", "arp", "melody")
KICKS = (35, 36)
CRASH = 49
SNARES_AND_TOMS = (37, 38, 39, 40, 41, 43, 45, 47, 48, 50)


def _part(score: Score, role: str) -> Part:
    return next(p for p in score.parts if p.role == role)


def _roles(score: Score) -> set[str]:
    return {p.role for p in score.parts}


def _bar_start(music: MusicPlan, bar: int) -> float:
    return music.offset_s + bar * music.bar_s


def _bars_of(music: MusicPlan, *names: str, last: bool = False) -> list[int]:
    """The bars of the sections named, without the last bar of each (where fills go) unless ``last``."""
    return [bar for s in music.sections if s.name in names
            for bar in range(s.start_bar, s.start_bar + s.bars - (0 if last else 1))]


def _in_bar(times: np.ndarray, music: MusicPlan, bar: int, early_s: float = 0.04) -> np.ndarray:
    start = _bar_start(music, bar) - early_s
    return (times >= start) & (times < start + music.bar_s)


def _beats(music: MusicPlan, times: np.ndarray) -> np.ndarray:
    return (times - music.offset_s) / music.beat_s


# -- harmony ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("prompt", ["happy pop", "sad piano in D minor", "lo-fi", "epic orchestral",
                                    "jazz", "calm ambient", "EDM", "rock waltz", "a waltz", "slow blues in E",
                                    "bossa nova", "guzheng", "metal", "celtic jig"])
@pytest.mark.parametrize("seed", [0, 7])
def test_ends_with_the_cadence_then_the_tonic(prompt, seed):
    music = plan(prompt, 25.0, seed=seed)
    score = compose(music)
    tonic = pitch_class(music.key)
    cadence = PROGRESSIONS[music.harmony][music.mode].cadence.split()
    assert score.bar_chords[-1] == numeral(tonic, "I" if music.mode == "major" else "i")
    assert score.bar_chords[-2] == numeral(tonic, cadence[-1])
    assert score.bar_chords[-3] == numeral(tonic, cadence[-2])
    assert len(score.bar_chords) == music.bars + 1
    final_downbeat = _bar_start(music, music.bars)
    for part in score.parts:
        if part.role not in HARMONY:
            continue
        last = np.isclose(part.start, final_downbeat, atol=0.02)
        assert last.any(), part.role
        assert set(part.pitch[last] % 12) <= set(score.tonic_chord)
        assert part.start.max() <= final_downbeat + 0.02  # nothing starts after the final chord
    if "bass" in _roles(score):
        bass = _part(score, "bass")
        assert bass.pitch[np.argmax(bass.start)] % 12 == tonic


def test_every_note_ends_before_the_release():
    music = plan("upbeat", 30.0, seed=3)
    score = compose(music)
    for part in score.parts:
        assert part.end.max() <= music.duration_s - score.release_s + 1e-9
        assert (part.end > part.start).all()
        assert ((part.velocity >= 1) & (part.velocity <= 127)).all()


def test_voice_leading_moves_little():
    previous, moves = None, []
    for name in "I V vi IV I V vi IV".split():
        chord_pcs = numeral(0, name)
        voicing = voice(chord_pcs, previous)
        assert {n % 12 for n in voicing} == set(chord_pcs)
        if previous:
            moves.append(sum(abs(a - b) for a, b in zip(previous, voicing)))
        previous = voicing
    assert max(moves) <= 6  # I-V-vi-IV in close voicing: at most a few semitones in all


def test_numerals_name_the_chords():
    assert numeral(0, "V7") == (7, 11, 2, 5)
    assert numeral(9, "bVI") == (5, 9, 0)
    assert numeral(2, "i") == (2, 5, 9)
    assert numeral(0, "iim7b5") == (2, 5, 8, 0)
    with pytest.raises(ValueError, match="progression"):
        numeral(0, "X7")


@pytest.mark.parametrize("style", ["pop", "rock", "jazz", "funk", "blues", "chinese", "lofi", "metal"])
def test_melody_keeps_to_the_scale_or_the_chord_under_it(style):
    music = plan("", 40.0, seed=4, style=style)
    score = compose(music)
    if "melody" not in _roles(score):
        pytest.skip("no melody in this style")
    melody = _part(score, "melody")
    keys = set(scale(pitch_class(music.key), music.scale))
    bars = np.floor((melody.start - music.offset_s + 0.04) / music.bar_s).astype(int)
    for pitch, bar in zip(melody.pitch.tolist(), bars.tolist()):
        assert pitch % 12 in keys | set(score.bar_chords[bar]), (pitch, bar, score.bar_chords[bar])


def test_melody_repeats_its_phrases():
    music = plan("happy pop", 60.0, seed=4)
    melody = _part(compose(music), "melody")
    choruses = [s for s in music.sections if s.name == "chorus"]
    assert len(choruses) >= 2
    step = music.beat_s / 4

    def rhythm(section):
        inside = (melody.start >= section.start_s - 0.04) & (melody.start < section.end_s - 0.04)
        return np.round((melody.start[inside] - section.start_s) / step).astype(int)[:8].tolist()

    assert len(rhythm(choruses[0])) >= 4 and rhythm(choruses[0]) == rhythm(choruses[1])


def test_dynamics_follow_the_energy():
    music = plan("happy pop", 60.0, seed=2)
    chords = _part(compose(music), "chords")
    by_section = {}
    for section in music.sections[:-1]:
        inside = (chords.start >= section.start_s) & (chords.start < section.end_s)
        by_section.setdefault(section.name, []).extend(chords.velocity[inside].tolist())
    assert np.mean(by_section["chorus"]) > np.mean(by_section["intro"])


def test_seed_changes_the_notes():
    a = compose(plan("chill", 20.0, seed=1, tempo_bpm=80, key="A"))
    b = compose(plan("chill", 20.0, seed=2, tempo_bpm=80, key="A"))
    assert any(not np.array_equal(x.pitch, y.pitch) or not np.array_equal(x.velocity, y.velocity)
               for x, y in zip(a.parts, b.parts))


def test_same_plan_same_notes():
    a, b = compose(plan("funky groove", 20.0, seed=5)), compose(plan("funky groove", 20.0, seed=5))
    for x, y in zip(a.parts, b.parts):
        assert np.array_equal(x.start, y.start) and np.array_equal(x.pitch, y.pitch)
        assert np.array_equal(x.velocity, y.velocity) and x.expression == y.expression


# -- grooves --------------------------------------------------------------------------------------
def _drums(style: str, duration: float = 40.0, seed: int = 1, **overrides) -> tuple[MusicPlan, Part]:
    music = plan("", duration, seed=seed, style=style, **overrides)
    return music, _part(compose(music), "drums")


@pytest.mark.parametrize("style", ["house", "techno", "edm"])
def test_four_on_the_floor_in_the_chorus(style):
    music, drums = _drums(style)
    kicks = drums.start[np.isin(drums.pitch, KICKS)]
    bars = _bars_of(music, "chorus")
    assert bars
    for bar in bars:
        inside = kicks[_in_bar(kicks, music, bar)]
        beats = _beats(music, inside)
        assert len(inside) == music.beats_per_bar, bar
        assert np.abs(beats - np.round(beats)).max() * music.beat_s < 0.002  # on the beat, to 2 ms


@pytest.mark.parametrize("style", ["rock", "pop", "indie_rock"])
def test_backbeat_on_two_and_four(style):
    music, drums = _drums(style)
    snares = _beats(music, drums.start[np.isin(drums.pitch, (38, 39))])  # a snare or a clap
    for bar in _bars_of(music, "verse", "chorus"):
        for beat in (1, 3):
            target = bar * music.beats_per_bar + beat
            assert np.abs(snares - target).min() * music.beat_s < 0.015, (bar, beat)


def _offbeat_positions(music: MusicPlan, times: np.ndarray) -> np.ndarray:
    """Where within its beat each hit falls (0..1), for the hits off the beat."""
    within = _beats(music, times) % 1.0
    return within[(within > 0.3) & (within < 0.85)]


def test_jazz_ride_swings():
    music, drums = _drums("jazz")
    positions = _offbeat_positions(music, drums.start[drums.pitch == 51])
    assert len(positions) >= 8
    assert ((positions > 0.58) & (positions < 0.72)).all()  # swung at 0.64, not straight at 0.5


@pytest.mark.parametrize("style", ["hiphop", "lofi"])
def test_hip_hop_hats_swing(style):
    music, drums = _drums(style)
    positions = _offbeat_positions(music, drums.start[drums.pitch == 42])
    assert len(positions) >= 8
    assert np.median(positions) > 0.54


@pytest.mark.parametrize("style", ["ambient", "classical_piano", "classical_strings", "piano", "lullaby",
                                   "new_age", "waltz", "tango", "bluegrass"])
def test_quiet_and_acoustic_styles_have_no_drums(style):
    assert not _roles(compose(plan("", 20.0, seed=0, style=style))) & {"drums", "timpani"}


@pytest.mark.parametrize("prompt", ["calm ambient", "sad piano", "happy pop, no drums", "epic orchestral, no drums",
                                    "欢快 不要鼓"])
def test_prompts_without_drums(prompt):
    assert not _roles(compose(plan(prompt, 20.0, seed=0))) & {"drums", "timpani"}


def test_funk_has_ghost_notes_between_the_backbeats():
    music, drums = _drums("funk")
    snare = drums.pitch == 38
    loud = np.percentile(drums.velocity[snare], 90)
    ghosts = snare & (drums.velocity < 0.5 * loud)
    assert ghosts.sum() >= len(_bars_of(music, "verse", "chorus"))  # about one a bar or more
    positions = _beats(music, drums.start[ghosts]) % 1.0
    assert (np.minimum(positions, 1 - positions) * music.beat_s > 0.05).mean() > 0.8  # off the beat


@pytest.mark.parametrize("style", ["pop", "rock", "funk", "country", "jazz", "metal", "disco", "kids", "soul",
                                   "punk"])
def test_fills_at_the_ends_of_sections(style):
    music, drums = _drums(style, duration=60.0)
    hits = drums.start[np.isin(drums.pitch, SNARES_AND_TOMS)]
    ends, others = [], []
    for i, section in enumerate(music.sections):
        for bar in range(section.start_bar, section.start_bar + section.bars):
            close = _bar_start(music, bar + 1)
            count = int(((hits >= close - music.beat_s - 0.02) & (hits < close - 0.02)).sum())
            last = bar == section.start_bar + section.bars - 1 and i < len(music.sections) - 1
            (ends if last else others).append(count)
    assert len(ends) >= 3
    assert np.mean(ends) >= 2.5 and np.mean(ends) >= 1.5 * np.mean(others)


@pytest.mark.parametrize("style", ["pop", "rock", "edm", "metal", "trailer"])
def test_a_crash_opens_every_chorus(style):
    music, drums = _drums(style)
    crashes = drums.start[drums.pitch == CRASH]
    choruses = [s for s in music.sections if s.name == "chorus"]
    assert choruses
    for chorus in choruses:
        assert np.abs(crashes - chorus.start_s).min() < 0.025, chorus


def _strums(music: MusicPlan, chords: Part, bars: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(start times, pitches) of the chord struck on each of ``bars``' downbeats, in time order."""
    out = []
    for bar in bars:
        downbeat = _bar_start(music, bar)
        near = (chords.start >= downbeat - 0.03) & (chords.start < downbeat + 0.06)
        order = np.argsort(chords.start[near], kind="stable")
        out.append((chords.start[near][order], chords.pitch[near][order]))
    return out


@pytest.mark.parametrize("style", ["acoustic", "folk"])
def test_down_strokes_are_strummed_low_to_high(style):
    music = plan("", 40.0, seed=3, style=style)
    chords = _part(compose(music), "chords")
    strums = _strums(music, chords, _bars_of(music, "verse", "chorus"))
    assert len(strums) >= 8
    for times, pitches in strums:
        assert len(pitches) >= 3 and (np.diff(pitches) > 0).all()
        gaps_ms = np.diff(times) * 1000
        assert (gaps_ms > 1).all() and (gaps_ms < 20).all() and 5 < (times[-1] - times[0]) * 1000 < 40


@pytest.mark.parametrize("style", ["acoustic", "folk"])
def test_strummed_chords_are_spread_a_few_ms(style):
    """What holds today: the notes of a strum are spread over a few tens of ms, never struck as one."""
    music = plan("", 40.0, seed=3, style=style)
    strums = _strums(music, _part(compose(music), "chords"), _bars_of(music, "verse", "chorus"))
    spans_ms = np.array([(times[-1] - times[0]) * 1000 for times, _ in strums])
    assert len(spans_ms) >= 8 and (spans_ms > 3).all() and np.median(spans_ms) < 45


@pytest.mark.parametrize("style", ["pop", "trap", "dubstep"])
def test_the_bass_follows_the_kick(style):
    music = plan("", 40.0, seed=2, style=style)
    score = compose(music)
    bass, drums = _part(score, "bass"), _part(score, "drums")
    kicks = np.sort(drums.start[np.isin(drums.pitch, KICKS)])
    tolerance = 2 * 2.5 * STYLES[style].feel[0] / 1000 + 0.001  # both players' largest timing slips
    bars = _bars_of(music, "chorus")
    assert bars
    for bar in bars:
        notes = bass.start[_in_bar(bass.start, music, bar)]
        hits = kicks[_in_bar(kicks, music, bar)]
        assert len(notes) == len(hits) >= 2, bar
        assert np.abs(np.sort(notes) - hits).max() <= tolerance, bar


def test_a_walking_or_eighths_bass_does_not_wait_for_the_kick():
    music = plan("", 40.0, seed=2, style="rock")
    score = compose(music)
    bass, drums = _part(score, "bass"), _part(score, "drums")
    kicks = drums.start[np.isin(drums.pitch, KICKS)]
    distance = np.abs(bass.start[:, None] - kicks[None, :]).min(axis=1)
    assert (distance > 0.05).mean() > 0.3


def _slips_ms(music: MusicPlan, part: Part, pitches: tuple[int, ...] | None = None) -> np.ndarray:
    """How far each note on an even sixteenth step (where no swing moves it) is from that step, in ms."""
    times = part.start if pitches is None else part.start[np.isin(part.pitch, pitches)]
    steps = _beats(music, times) * 4
    off = steps - np.round(steps / 2) * 2
    return off[np.abs(off) < 0.3] * music.beat_s / 4 * 1000  # swung odd steps lie 0.8 of a step from one


def test_lo_fi_is_played_loosely_and_edm_tightly():
    lofi, edm = plan("", 30.0, seed=2, style="lofi"), plan("", 30.0, seed=2, style="edm")
    lofi_score, edm_score = compose(lofi), compose(edm)
    for role, pitches in (("drums", KICKS), ("bass", None)):
        loose = _slips_ms(lofi, _part(lofi_score, role), pitches)[:-1]  # the final chord is struck exactly
        tight = _slips_ms(edm, _part(edm_score, role), pitches)[:-1]
        assert 3.0 < loose.std() and np.abs(loose).max() < 40, role  # human, within a few ms
        assert tight.std() < 1.5 and np.abs(tight).max() < 4, role
        assert loose.std() > 4 * tight.std(), role


def _level(points: tuple[tuple[float, float], ...], times: np.ndarray) -> np.ndarray:
    at, gain = zip(*points)
    return np.interp(times, at, gain)


@pytest.mark.parametrize(("style", "overrides"), [("edm", {}), ("pop", {"build": True}), ("trance", {})])
def test_expression_rises_through_build_ups(style, overrides):
    music = plan("", 40.0, seed=2, style=style, **overrides)
    score = compose(music)
    curved = [p for p in score.parts if p.expression]
    builds = [s for s in music.sections if s.name == "build"]
    assert curved and builds
    assert {p.role for p in curved} <= {"pad", "chords", "timpani"}
    for part in curved:
        for build in builds:
            times = np.linspace(build.start_s + 0.02, build.end_s - 0.02, 40)
            level = _level(part.expression, times)
            assert (np.diff(level) >= -1e-9).all() and level[-1] > level[0] + 0.2, part.role
            assert level[-1] >= _level(part.expression, np.array([build.start_s - music.bar_s]))[0]
            assert all(0.0 <= g <= 1.0 for _, g in part.expression)


def test_parts_without_a_curve_play_flat():
    score = compose(plan("", 20.0, seed=2, style="edm"))
    assert {p.role for p in score.parts if not p.expression} >= {"bass", "drums", "arp"}
