"""Edits of a planned piece: the change forced, everything else kept, and what changed said in words."""

from __future__ import annotations

import pytest

from musicmaker_nb.music import EDITS, changes, edit, plan

JAZZ = plan("jazz", 20.0, seed=3)


def test_a_step_faster_keeps_the_rest_and_says_so():
    faster = edit(JAZZ, {"tempo": "faster"})
    assert faster.tempo_bpm > JAZZ.tempo_bpm
    assert (faster.style, faster.key_name, faster.seed) == (JAZZ.style, JAZZ.key_name, JAZZ.seed)
    # the tempo first; the sections are fitted again, so an intro may now take another bar
    assert changes(JAZZ, faster)[0] == f"{JAZZ.tempo_bpm:.4g} -> {faster.tempo_bpm:.4g} BPM"
    assert changes(JAZZ, JAZZ) == []


def test_a_step_past_the_range_stops_at_its_end_but_a_tempo_asked_for_is_refused():
    top = plan("jazz", 20.0, seed=3, tempo_bpm=235)
    assert edit(top, {"tempo": "faster"}).tempo_bpm == 240
    assert edit(JAZZ, {"tempo_bpm": 100}).tempo_bpm == 100
    with pytest.raises(ValueError, match="^tempo_bpm: 900 BPM is outside 40-240 BPM"):
        edit(JAZZ, {"tempo_bpm": 900})
    with pytest.raises(ValueError, match="^tempo_bpm: 'fast' is not a number"):
        edit(JAZZ, {"tempo_bpm": "fast"})


def test_darker_goes_minor_and_a_new_style_brings_its_band():
    assert edit(plan("happy pop", 20.0, seed=1), {"brightness": "darker"}).mode == "minor"
    rock = edit(JAZZ, {"style": "rock"})
    assert rock.style == "rock" and rock.instruments != JAZZ.instruments


def test_instruments_swap_and_bad_names_are_refused_with_the_band():
    keys = next(role for role, name in JAZZ.instruments.items() if name == "piano")
    swapped = edit(JAZZ, {"swap": {"from": "piano", "to": "vibraphone"}})
    assert swapped.instruments[keys] == "vibraphone"
    assert "piano -> vibraphone" in changes(JAZZ, swapped)
    with pytest.raises(ValueError, match="there is no banjo in this music: it plays piano"):
        edit(JAZZ, {"remove": "banjo"})
    with pytest.raises(ValueError, match="instrument: 'kazoo' is not one of"):
        edit(JAZZ, {"add": "kazoo"})
    with pytest.raises(ValueError, match=r"edit: \['loudness'\] are not edits"):
        edit(JAZZ, {"loudness": "up"})
    assert set(EDITS) >= {"tempo", "tempo_bpm", "swap", "add", "remove", "drums", "intro", "ending", "drop_ms"}


def test_a_part_named_in_a_swap_is_played_on_the_new_instrument_whatever_played_it():
    melody = edit(JAZZ, {"swap": {"from": "melody", "to": "flute"}})
    assert melody.instruments["melody"] == "flute"
    assert {role: name for role, name in melody.instruments.items() if role != "melody"} == {
        role: name for role, name in JAZZ.instruments.items() if role != "melody"}
    with pytest.raises(ValueError, match="this music has no arp part"):
        edit(JAZZ, {"swap": {"from": "arp", "to": "harp"}})


def test_the_drop_must_fall_inside_the_music():
    assert edit(JAZZ, {"drop_ms": 8000}).overrides["drop_s"] == 8.0
    with pytest.raises(ValueError, match="^drop_ms: 30000 is outside the music"):
        edit(JAZZ, {"drop_ms": 30000})


def test_a_prompt_asking_for_an_impossible_tempo_says_which():
    from musicmaker_nb.music import PromptError

    with pytest.raises(PromptError, match="300 BPM") as raised:
        plan("techno at 300 bpm", 10.0)
    assert raised.value.bpm == 300 and isinstance(raised.value, ValueError)
