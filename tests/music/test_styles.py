"""The style library and the vocabulary as data: every row names things that exist, every style
can be asked for, and every style plans and composes. No audio here."""

from __future__ import annotations

import numpy as np
import pytest

from musicmaker_nb.music import plan
from musicmaker_nb.music._figures import BASS, COMP, FOLLOW_KICK, MELODY_CELLS
from musicmaker_nb.music._grooves import GROOVES
from musicmaker_nb.music._harmony import PROGRESSIONS
from musicmaker_nb.music._instruments import DRUM_KIT, INSTRUMENTS, ROLES
from musicmaker_nb.music._mix import MIXES
from musicmaker_nb.music._reading import MAX_BPM, MIN_BPM
from musicmaker_nb.music._score import compose
from musicmaker_nb.music._styles import DEFAULT_STYLE, FAMILIES, STYLES
from musicmaker_nb.music._theory import SCALES, numeral, pitch_class
from musicmaker_nb.music._vocabulary import (DEFAULT_MOOD, INSTRUMENT_STYLES, INSTRUMENT_WORDS, MOODS, OCCASIONS,
                                             STYLE_REFINEMENTS, STYLE_WORDS)


def test_there_are_52_styles_in_families():
    assert len(STYLES) == 52
    assert sorted(name for names in FAMILIES.values() for name in names) == sorted(STYLES)
    assert all(STYLES[name].family == family for family, names in FAMILIES.items() for name in names)
    assert DEFAULT_STYLE in STYLES and DEFAULT_MOOD in MOODS


@pytest.mark.parametrize("name", sorted(STYLES))
def test_a_style_row_names_things_that_exist(name):
    style = STYLES[name]
    assert MIN_BPM <= style.tempo[0] < style.tempo[1] <= MAX_BPM
    assert style.harmony in PROGRESSIONS and set(PROGRESSIONS[style.harmony]) == {"major", "minor"}
    assert style.groove == "" or style.groove in GROOVES
    assert style.bass in BASS and style.comp in COMP and style.lead in MELODY_CELLS
    assert style.mix in MIXES and style.mood in MOODS
    assert style.mode in ("", "major", "minor") and style.meter in ("4/4", "3/4")
    assert all(s == "" or s in SCALES for s in style.scales)
    assert 0.5 <= style.swing < 0.75 and style.swing_unit in (2, 4)
    for tonic in style.keys:
        pitch_class(tonic)
    roles = [role for role, _ in style.parts]
    assert len(roles) == len(set(roles)) and set(roles) <= set(ROLES)
    for role, instrument in style.parts:
        assert instrument in INSTRUMENTS or (role, instrument) == ("drums", DRUM_KIT)
    assert ("drums" in roles) == bool(style.groove)  # a style with a groove has a kit to play it


def test_every_numeral_of_every_progression_is_a_chord():
    for language, modes in PROGRESSIONS.items():
        for mode, table in modes.items():
            for text in (*table.verse, *table.chorus, *table.bridge, table.cadence):
                for name in text.split():
                    chord = numeral(0, name)
                    assert len(set(chord)) == len(chord) >= 3, (language, mode, name)
            assert len(table.cadence.split()) == 2, (language, mode)


def test_the_vocabulary_names_things_that_exist():
    assert set(STYLE_WORDS) == set(STYLES)  # every style can be asked for by name
    assert all(words for words in STYLE_WORDS.values())
    assert set(INSTRUMENT_WORDS) <= set(INSTRUMENTS) | {DRUM_KIT}
    assert set(INSTRUMENT_STYLES) <= set(INSTRUMENTS) | {DRUM_KIT} and set(INSTRUMENT_STYLES.values()) <= set(STYLES)
    for (style, instrument), refined in STYLE_REFINEMENTS.items():
        assert {style, refined} <= set(STYLES) and instrument in INSTRUMENTS
    for mood in MOODS.values():
        assert mood.style in STYLES and mood.mode in ("", "major", "minor")
        assert 0.0 <= mood.pace <= 1.0 and 0.0 <= mood.energy <= 1.0
    for occasion in OCCASIONS.values():
        assert occasion.style in STYLES and occasion.mood in MOODS


def test_every_figure_fits_its_bar():
    for name, bars in BASS.items():
        assert bars or name == FOLLOW_KICK
        for bar in bars:
            assert all(0 <= n.step < 16 and n.length >= 1 and 0 <= n.tone <= 9 for n in bar), name
    for name, bars in COMP.items():
        for bar in bars:
            assert all(0 <= h.step < 16 and h.length >= 1 and 0 < h.accent <= 1 for h in bar), name
    for name, groove in GROOVES.items():
        steps = 12 if name == "waltz" else 16
        for rows, fill in ((groove.full, False), (groove.low, False), *((f, True) for f in groove.fills)):
            for pitch, pattern in rows.items():
                assert set(pattern) <= set(".Xxort") and 27 <= pitch <= 87, (name, pitch)
                # a fill ends with its bar; a groove's row is one bar or a pattern of whole bars
                assert len(pattern) <= steps if fill else len(pattern) % steps == 0, (name, pitch)


@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_style_plans_and_composes(name):
    style = STYLES[name]
    music = plan("", 12.0, seed=1, style=name)
    assert music.style == name and music.meter == style.meter and music.harmony == style.harmony
    assert style.tempo[0] <= music.tempo_bpm <= style.tempo[1]
    assert music.mode == (style.mode or music.mode)
    assert music.instruments == {role: dict(style.parts)[role] for role in ROLES if role in dict(style.parts)}
    score = compose(music)
    assert [p.role for p in score.parts] == list(music.instruments)
    end = music.duration_s - score.release_s
    for part in score.parts:
        assert len(part) > 0, part.role
        assert (part.start >= 0).all() and (part.end <= end + 1e-9).all() and (part.end > part.start).all()
        assert ((part.pitch >= 0) & (part.pitch <= 127)).all()
        assert ((part.velocity >= 1) & (part.velocity <= 127)).all()
    tonic = pitch_class(music.key)
    assert score.tonic_chord == numeral(tonic, "I" if music.mode == "major" else "i")


@pytest.mark.parametrize("name", ["pop", "lofi", "jazz", "waltz", "trap", "chinese"])
def test_every_style_composes_in_both_modes_and_both_meters(name):
    for mode in ("major", "minor"):
        for meter in ("4/4", "3/4"):
            music = plan("", 10.0, seed=2, style=name, mode=mode, meter=meter)
            score = compose(music)
            assert music.mode == mode and music.beats_per_bar == int(meter[0])
            assert all(len(p) for p in score.parts)
            assert np.isfinite(np.concatenate([p.start for p in score.parts])).all()
