"""Velocity layers: the SoundFont's zone tables read right, and a note rendered once per layer and
scaled sounds as the synthesiser plays it at each velocity (checked against the real synthesiser)."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from musicmaker_nb.music import plan, resolve_soundfont
from musicmaker_nb.music._layers import LayerTable, layer_table, parse_regions, tsf_velocity
from musicmaker_nb.music._score import Part, Score, compose
from musicmaker_nb.music._synth import _CHOKE_CHANNEL, _SCRATCH_S, SAMPLE_RATE, _clone, _notes, _synthesise, render_stems


def _gen(operator: int, low: int, high: int = 0) -> bytes:
    return struct.pack("<HBB", operator, low, high)


def _tables(preset_zones: list[list[bytes]], instrument_zones: list[list[list[bytes]]],
            presets: list[tuple[int, int]]) -> dict[bytes, bytes]:
    """pdta sub-chunks for presets (bank, program) -> one preset's zones each (generators), and
    instruments -> their zones; each table ends with its terminal record, as in a real file."""
    def bags(zones):
        out, gens, index = b"", b"", 0
        for zone in zones:
            out += struct.pack("<HH", index, 0)
            gens += b"".join(zone)
            index += len(zone)
        return out + struct.pack("<HH", index, 0), gens + b"\0" * 4
    preset_bag, preset_gen = bags([zone for zones in preset_zones for zone in zones])
    phdr, first = b"", 0
    for (bank, program), zones in zip(presets, preset_zones):
        phdr += struct.pack("<20sHHH12x", b"p", program, bank, first)
        first += len(zones)
    phdr += struct.pack("<20sHHH12x", b"EOP", 0, 0, first)
    inst_bag, inst_gen = bags([zone for zones in instrument_zones for zone in zones])
    inst, first = b"", 0
    for zones in instrument_zones:
        inst += struct.pack("<20sH", b"i", first)
        first += len(zones)
    inst += struct.pack("<20sH", b"EOI", first)
    return {b"phdr": phdr, b"pbag": preset_bag, b"pgen": preset_gen, b"inst": inst, b"ibag": inst_bag,
            b"igen": inst_gen}


def test_regions_intersect_preset_and_instrument_ranges_with_global_zones_as_defaults():
    soft_loud = [[_gen(44, 0, 63), _gen(53, 0)], [_gen(44, 64, 127), _gen(53, 1)]]
    split_keys = [[_gen(43, 0, 40)], [_gen(43, 41, 127), _gen(53, 2)], [_gen(53, 3)]]  # a global first zone
    chunks = _tables([[[_gen(43, 30, 90), _gen(41, 0)]], [[_gen(44, 0, 100)], [_gen(41, 1)]]],
                     [soft_loud, split_keys], [(0, 5), (128, 0)])
    regions = parse_regions(chunks)
    assert regions[0, 5] == ((30, 90, 0, 63), (30, 90, 64, 127))
    # the preset's global velocity range and the instrument's global key range apply to the other zones
    assert regions[128, 0] == ((41, 127, 0, 100), (0, 40, 0, 100))


def test_layers_split_where_the_regions_change_and_unknown_presets_share_nothing():
    chunks = _tables([[[_gen(41, 0)]]], [[[_gen(44, 0, 63), _gen(53, 0)], [_gen(44, 64, 127), _gen(53, 1)]]],
                     [(0, 0)])
    table = LayerTable(parse_regions(chunks))
    assert table.layer(0, False, 60, 20) == table.layer(0, False, 60, 50)
    assert table.layer(0, False, 60, 50) != table.layer(0, False, 60, 100)
    assert table.layer(7, False, 60, 50) == -50  # no such preset here
    assert table.bounds(0, False, 60, 100)[1] == 127


def test_the_velocity_the_synthesiser_compares_may_be_one_lower():
    assert [tsf_velocity(v) for v in (1, 64, 127)] == [1, 64, 127]
    assert all(tsf_velocity(v) in (v, v - 1) for v in range(1, 128))


def _direct(score: Score, soundfont) -> np.ndarray:
    """Every note synthesised on its own at its own velocity (the renderer's own note, tail rules
    included) and summed: what sharing must not change."""
    synth = _clone(soundfont)
    length = round(score.duration_s * SAMPLE_RATE)
    out = np.zeros((length, 2), dtype=np.float32)
    scratch = np.empty((_SCRATCH_S * SAMPLE_RATE, 2), dtype=np.float32)
    for part in score.parts:
        for channel in [part.channel] + (list(range(_CHOKE_CHANNEL, 16)) if part.is_drum else []):
            synth.channel_set_preset_number(channel, part.program, part.is_drum)
            synth.channel_midi_control(channel, 7, part.volume)
            synth.channel_midi_control(channel, 10, 64)
        for start, (channel, pitch, velocity, size, choke) in _notes(part, length):
            wave = _synthesise(synth, scratch, channel, pitch, velocity, size, choke)
            stop = min(length, start + len(wave))
            out[start:stop] += wave[: stop - start]
    return out


@pytest.mark.parametrize("program", [0, 8, 24, 48, 73])
def test_notes_shared_across_velocities_sound_as_each_velocity_played_alone(program):
    # one key at velocities across the range (velocities already on the renderer's steps), some
    # in the same layer: the shared rendering, scaled, must match playing each one
    velocities = np.array([16, 24, 40, 56, 64, 72, 96, 104, 120, 127], dtype=np.int16)
    starts = np.arange(len(velocities)) * 0.25
    part = Part("melody", "test", 0, program, False, 100, starts, starts + 0.2,
                np.full(len(velocities), 64, dtype=np.int16), velocities)
    score = Score((part,), 3.5, 0.3, (0,))
    soundfont = resolve_soundfont(None)
    shared = render_stems(score, soundfont)["melody"]
    plain = _direct(score, soundfont)
    assert np.sqrt(np.mean((shared - plain) ** 2)) <= 1e-3 * np.sqrt(np.mean(plain ** 2))


def test_a_whole_piece_renders_as_its_notes_played_one_by_one():
    score = compose(plan("upbeat pop for a travel video", 6.0, seed=2))
    soundfont = resolve_soundfont(None)
    stems = render_stems(score, soundfont)
    summed = sum(stems.values())
    plain = _direct(score, soundfont)
    assert np.sqrt(np.mean((summed - plain) ** 2)) <= 1e-3 * np.sqrt(np.mean(plain ** 2))


def test_the_table_is_read_from_the_bank_once():
    soundfont = resolve_soundfont(None)
    assert layer_table(soundfont) is layer_table(soundfont)
    assert (0, 0) in layer_table(soundfont).regions and (128, 0) in layer_table(soundfont).regions


def test_a_bank_whose_tables_cannot_be_read_shares_nothing(tmp_path):
    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"RIFF\x04\x00\x00\x00sfbk")  # a header and nothing after it
    table = layer_table(broken)
    assert table.regions == {} and table.layer(0, False, 60, 100) == -100
