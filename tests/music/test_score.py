"""The score: harmony, cadence, parts per genre and timing, read from the notes (no audio)."""

from __future__ import annotations

import numpy as np
import pytest

from musicmaker_nb.music import plan
from musicmaker_nb.music._score import compose
from musicmaker_nb.music._theory import chord, pitch_class, voice

HARMONY = ("chords", "pad", "bass", "arp", "melody")


def _part(score, role):
    return next(p for p in score.parts if p.role == role)


@pytest.mark.parametrize("prompt", ["happy pop", "sad piano in D minor", "lo-fi", "epic orchestral",
                                    "jazz", "calm ambient", "EDM", "rock waltz"])
@pytest.mark.parametrize("seed", [0, 7])
def test_ends_on_the_tonic_after_a_dominant(prompt, seed):
    music = plan(prompt, 25.0, seed=seed)
    score = compose(music)
    tonic = pitch_class(music.key)
    final_downbeat = music.offset_s + music.bars * music.bar_s
    assert score.bar_chords[-1] == chord(tonic, music.mode, 0)
    assert score.bar_chords[-2][0] == (tonic + 7) % 12  # the dominant's root
    for part in score.parts:
        if part.role not in HARMONY:
            continue
        last = np.isclose(part.start, final_downbeat, atol=0.02)
        assert last.any(), part.role
        assert set(part.pitch[last] % 12) <= set(score.tonic_chord)
        assert part.start.max() <= final_downbeat + 0.02  # nothing starts after the final chord
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
    pcs = [chord(0, "major", d) for d in (0, 4, 5, 3, 0, 4, 5, 3)]
    for chord_pcs in pcs:
        voicing = voice(chord_pcs, previous)
        assert {n % 12 for n in voicing} == set(chord_pcs)
        if previous:
            moves.append(sum(abs(a - b) for a, b in zip(previous, voicing)))
        previous = voicing
    assert max(moves) <= 6  # I-V-vi-IV in close voicing: at most a few semitones in all


def _drum_hits(prompt, pitch):
    music = plan(prompt, 30.0, seed=1)
    drums = _part(compose(music), "drums")
    beats = (drums.start[drums.pitch == pitch] - music.offset_s) / music.beat_s
    return music, beats


def test_edm_is_four_on_the_floor():
    music, kicks = _drum_hits("EDM drop", 36)
    chorus = next(s for s in music.sections if s.name == "chorus")
    first, last = chorus.start_bar * 4, (chorus.start_bar + chorus.bars) * 4
    in_chorus = kicks[(kicks >= first) & (kicks < last)]
    assert np.allclose(in_chorus, np.round(in_chorus), atol=1e-6)
    assert len(in_chorus) == last - first


def test_hip_hop_swings_and_rock_backbeats():
    music, hats = _drum_hits("hip hop", 42)
    fractions = np.round(hats % 1.0, 3)
    assert (fractions == 0.5).sum() == 0 and (fractions > 0.5).any()  # swung eighths
    _, snares = _drum_hits("rock", 38)
    assert set(np.round(snares % 4, 6)) >= {1.0, 3.0}


def test_quiet_genres_have_no_drums():
    for prompt in ("calm ambient", "sad piano", "happy pop, no drums"):
        assert "drums" not in {p.role for p in compose(plan(prompt, 20.0, seed=0)).parts}


def test_melody_uses_the_scale_and_repeats_its_phrases():
    music = plan("happy pop", 60.0, seed=4)
    melody = _part(compose(music), "melody")
    keys = {(pitch_class(music.key) + s) % 12 for s in (0, 2, 4, 5, 7, 9, 11)}
    assert set(melody.pitch % 12) <= keys
    choruses = [s for s in music.sections if s.name == "chorus"]
    assert len(choruses) >= 2

    def rhythm(section):
        start, end = section.start_s, section.start_s + section.bars * music.bar_s
        inside = (melody.start >= start - 1e-9) & (melody.start < end)
        return np.round(melody.start[inside] - start, 6)[:6]

    assert np.allclose(rhythm(choruses[0]), rhythm(choruses[1]), atol=1e-5)


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
