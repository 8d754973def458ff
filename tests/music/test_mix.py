"""Production: each style's mix, heard on short pieces (4-12 s). Levels, determinism, stereo
placement, reverb tails, the sidechain pump and the lo-fi noise floor, measured on the audio."""

from __future__ import annotations

import dataclasses

import numpy as np
import pedalboard as pb
import pyloudnorm
import pytest
from scipy import signal

from musicmaker_nb.music import MusicPlan, generate, plan, resolve_soundfont
from musicmaker_nb.music._mix import MIXES, Mix, _add_upsampled, _balance, _double, _dynamics, _saturate, _send, mix
from musicmaker_nb.music._score import Score, compose
from musicmaker_nb.music._styles import STYLES
from musicmaker_nb.music._synth import SAMPLE_RATE, render_stems

RATE = SAMPLE_RATE


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def _db(ratio: float) -> float:
    return 20 * np.log10(max(ratio, 1e-12))


def _stems(music: MusicPlan) -> tuple[Score, dict[str, np.ndarray]]:
    score = compose(music)
    return score, render_stems(score, resolve_soundfont(None), pans=MIXES[STYLES[music.style].mix].pans)


def _mixed(music: MusicPlan, score: Score, stems: dict[str, np.ndarray], preset: Mix, seed: int = 1) -> np.ndarray:
    return mix({role: stem.copy() for role, stem in stems.items()}, score, preset, beat_s=music.beat_s, rate=RATE,
               seed=seed)


@pytest.mark.parametrize("style", ["pop", "rock", "orchestral", "chiptune", "lofi", "house", "jazz", "ambient",
                                   "metal", "trap", "folk", "synthwave"])
def test_a_short_piece_is_clean_and_on_target(style):
    audio = generate(plan("", 6.0, seed=3, style=style))
    samples = audio.samples
    assert np.isfinite(samples).all() and np.abs(samples).max() < 1.0
    loudness = pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64))
    assert loudness == pytest.approx(-14.0, abs=0.5)
    assert audio.true_peak_db <= -1.0


@pytest.mark.parametrize("style", ["pop", "lofi", "house", "orchestral"])
def test_a_seed_gives_the_same_mix_to_the_bit(style):
    music = plan("", 5.0, seed=9, style=style)
    assert np.array_equal(generate(music).samples, generate(music).samples)


def test_only_the_vinyl_noise_follows_the_seed_in_the_mix():
    music = plan("", 4.0, seed=2, style="lofi")
    score, stems = _stems(music)
    lofi = [_mixed(music, score, stems, MIXES["lofi"], seed=s) for s in (1, 1, 2)]
    assert np.array_equal(lofi[0], lofi[1]) and not np.array_equal(lofi[0], lofi[2])
    clean = [_mixed(music, score, stems, MIXES["pop"], seed=s) for s in (1, 2)]
    assert np.array_equal(clean[0], clean[1])


def _side_to_mid(samples: np.ndarray) -> float:
    """Energy of L-R over L+R above 300 Hz (below it every style keeps the mix mono on purpose)."""
    high = signal.sosfilt(signal.butter(4, 300, "highpass", fs=RATE, output="sos"), samples, axis=0)
    mid, side = high[:, 0] + high[:, 1], high[:, 0] - high[:, 1]
    return float(side @ side / (mid @ mid))


# Measured over seeds 1-3 with the bundled SoundFont: pop 0.022-0.040, rock 0.050-0.073, orchestral
# 0.29-0.82, and chiptune (no reverb) 0.0026. A side 20 dB under the mid is the line between.
_STEREO = 0.01


@pytest.mark.parametrize("style", ["pop", "rock", "orchestral"])
def test_styles_that_pan_and_reverberate_are_really_stereo(style):
    for seed in (1, 2):
        assert _side_to_mid(generate(plan("", 6.0, seed=seed, style=style)).samples) > _STEREO


def test_parts_are_placed_where_the_style_pans_them():
    music = plan("", 4.0, seed=1, style="jazz")
    _, stems = _stems(music)
    pans = MIXES["jazz"].pans
    assert pans["chords"] < 0 < pans["melody"]

    def left_over_right_db(stem: np.ndarray) -> float:
        return 10 * np.log10(float(stem[:, 0] @ stem[:, 0]) / float(stem[:, 1] @ stem[:, 1]))

    assert left_over_right_db(stems["chords"]) > 2.0
    assert left_over_right_db(stems["melody"]) < -2.0
    for role in ("bass", "kick"):
        assert abs(left_over_right_db(stems[role])) < 0.5, role


def test_a_doubled_part_is_wide_in_stereo_and_unchanged_in_mono():
    rng = np.random.default_rng(0)
    part = np.repeat(rng.standard_normal((RATE, 1)).astype(np.float32), 2, axis=1) * np.float32(0.1)
    part[:, 0] *= 1.2  # a little to the left, as rendered
    centre = part.mean(axis=1)
    _double(part, delay=round(0.012 * RATE))
    np.testing.assert_allclose(part.mean(axis=1), centre, atol=1e-7)  # a phone speaker hears no comb filter
    assert _side_to_mid(part) > 0.3
    assert "chords" in MIXES["metal"].doubles and _side_to_mid(generate(plan("", 6.0, seed=1, style="metal")).samples) > 0.03


def test_the_balance_brings_back_a_buried_part_and_keeps_the_rest():
    tone = np.repeat(np.sin(np.arange(2 * RATE) * 2 * np.pi * 440 / RATE).astype(np.float32)[:, None], 2, axis=1)
    stems = {"melody": tone * np.float32(10 ** (-40 / 20)), "bass": tone * np.float32(10 ** (-3 / 20)),
             "drums": tone * np.float32(10 ** (-3 / 20)), "chords": tone * np.float32(10 ** (-5 / 20)),
             "pad": np.zeros_like(tone)}
    gains = _balance(stems, RATE)
    # the melody stood 37 LU under the bass where the balance wants it 3 LU over: it comes back to
    # the edge of its window; the others stand where the balance wants them; silence is left alone
    assert gains["melody"] == pytest.approx(40 - 6, abs=0.5)
    assert gains["bass"] == gains["drums"] == gains["chords"] == 0.0 and "pad" not in gains


def _tail_db(music: MusicPlan, score: Score, stems: dict[str, np.ndarray], preset: Mix) -> float:
    """The level of the last 0.3 s against the final chord just before it is let go."""
    out = _mixed(music, score, stems, preset)
    release_at = score.duration_s - score.release_s
    chord = out[int((release_at - 0.4) * RATE): int(release_at * RATE)]
    return _db(_rms(out[-int(0.3 * RATE):]) / _rms(chord))


def test_a_dry_style_stops_where_a_hall_rings_on():
    assert MIXES["chiptune"].room == 0.0 and MIXES["orchestral"].room > 0.5
    music = plan("", 8.0, seed=2, style="chiptune")
    score, stems = _stems(music)
    dry, hall = _tail_db(music, score, stems, MIXES["chiptune"]), _tail_db(music, score, stems, MIXES["orchestral"])
    assert dry < -35.0  # measured -54 dB: only the synth's own release
    assert dry < hall - 12.0  # measured -23 dB through the orchestral hall: the same notes


def _dips_db(music: MusicPlan, score: Score, out: np.ndarray) -> np.ndarray:
    """Per kick: the level 20 ms after it against the level half a beat after it, in dB."""
    window = int(0.005 * RATE)
    release_at = score.duration_s - score.release_s
    out_db = []
    for kick in score.kicks:
        if kick + music.beat_s > release_at:
            break
        soon, later = int((kick + 0.02) * RATE), int((kick + music.beat_s / 2) * RATE)
        out_db.append(_db(_rms(out[soon:soon + window]) / _rms(out[later:later + window])))
    return np.array(out_db)


def _steady(music: MusicPlan) -> np.ndarray:
    """A constant 440 Hz tone as long as the piece, in both channels."""
    tone = 0.1 * np.sin(2 * np.pi * 440.0 * np.arange(round(music.duration_s * RATE)) / RATE)
    return np.repeat(tone.astype(np.float32)[:, None], 2, axis=1)


def test_house_pumps_every_part_but_the_kick_on_every_kick():
    music = plan("", 8.0, seed=2, style="house")
    score = compose(music)
    assert len(score.kicks) >= 8
    house = MIXES["house"]
    dips = _dips_db(music, score, _mixed(music, score, {"melody": _steady(music)}, house))
    assert np.median(dips) < -2.5 and (dips < -1.0).mean() >= 0.8
    flat = _dips_db(music, score, _mixed(music, score, {"melody": _steady(music)},
                                         dataclasses.replace(house, pump=0.0)))
    assert abs(np.median(flat)) < 0.5
    bass = _dips_db(music, score, _mixed(music, score, {"bass": _steady(music)}, house))
    assert np.median(bass) < -2.5  # the bass ducks under the kick most of all
    kick = _dips_db(music, score, _mixed(music, score, {"kick": _steady(music)}, house))
    assert abs(np.median(kick)) < 0.5  # the kick itself is what everything else breathes around


def test_lofi_adds_a_noise_floor_where_the_music_is_silent():
    # a cut at 2.5 s at 80 BPM puts the first downbeat a quarter second in: silence before it
    music = plan("", 12.0, seed=4, style="lofi", tempo_bpm=80, cuts=[2.5])
    same_without_tape = music.with_changes(style="soul")
    first_note = min(float(p.start.min()) for m in (music, same_without_tape) for p in compose(m).parts)
    assert first_note > 0.1
    gap = slice(0, int((first_note - 0.005) * RATE))
    lofi = generate(music).samples
    assert _db(_rms(lofi[gap])) > -80.0  # hiss and crackle
    assert _db(_rms(lofi[gap]) / _rms(lofi)) < -25.0  # a floor, far under the music
    assert not generate(same_without_tape).samples[gap].any()


# -- the sends, read in strides, and the dynamics, worked out at a control rate ---------------------
def test_a_send_is_each_run_of_three_samples_averaged_at_its_level():
    rng = np.random.default_rng(4)
    placed = rng.standard_normal((3001, 2)).astype(np.float32)
    reverb, echo = np.ones((2, 1000), dtype=np.float32), np.zeros((2, 1000), dtype=np.float32)
    _send(placed, [(reverb, 0.6), (echo, 0.25)])
    averaged = placed[:3000].reshape(1000, 3, 2).mean(axis=1).T
    assert np.allclose(reverb, 1.0 + 0.6 * averaged, atol=1e-5)
    assert np.allclose(echo, 0.25 * averaged, atol=1e-5)


def test_returns_come_back_to_full_rate_linearly_interpolated():
    wet = np.array([[0.0, 3.0, 6.0], [1.0, 1.0, -2.0]], dtype=np.float32)
    out = np.zeros((10, 2), dtype=np.float32)
    _add_upsampled(out, wet)
    assert np.allclose(out[:9, 0], [0, 1, 2, 3, 4, 5, 6, 6, 6])
    assert np.allclose(out[:9, 1], [1, 1, 1, 1, 0, -1, -2, -2, -2])
    assert (out[9] == 0).all()  # past the last whole run: nothing


def test_the_bus_dynamics_tame_a_loud_burst_and_leave_a_quiet_passage_alone():
    rng = np.random.default_rng(5)
    quiet = 0.01 * rng.standard_normal((RATE, 2)).astype(np.float32)
    loud = 0.9 * rng.standard_normal((RATE // 2, 2)).astype(np.float32)
    out = np.concatenate([quiet, loud, quiet])
    before = out.copy()
    _dynamics(out, [pb.Compressor(threshold_db=-20, ratio=4, attack_ms=5, release_ms=100),
                    pb.Limiter(threshold_db=-6, release_ms=60)], RATE)
    assert np.isfinite(out).all() and np.abs(out).max() <= 1.0
    burst = slice(RATE + RATE // 10, RATE + RATE // 2)
    # the gain each sample got (where the limiter's last step, its clip at full scale, left it whole)
    gain = out[:, 0] / np.where((np.abs(before[:, 0]) > 1e-3) & (np.abs(out[:, 0]) < 0.999), before[:, 0], np.nan)
    # quiet: under both thresholds, one steady gain (the limiter's make-up) and nothing else
    steady = gain[: RATE // 2]
    assert np.nanmax(steady) / np.nanmin(steady) < 1.001
    assert np.nanmedian(gain[burst]) < 0.3 * np.nanmin(steady)  # the burst: compressed and limited
    # and it glides over a block: even into the burst (a tenth of the gain in one block) no
    # sample-to-sample step takes more than a quarter of it
    assert np.nanmax(np.abs(np.diff(gain)) / gain[1:]) < 0.25


def test_drive_and_tape_saturation_are_pedalboards_distortion_and_gain():
    rng = np.random.default_rng(6)
    part = (0.3 * rng.standard_normal((RATE // 2, 2))).astype(np.float32)
    driven = part.copy()
    _saturate(driven, 4.0, -3.2)
    expected = pb.Pedalboard([pb.Distortion(drive_db=4.0), pb.Gain(-3.2)])(part, RATE)
    assert np.abs(driven - expected).max() < 1e-6


def test_a_chorused_part_keeps_its_dry_share_and_adds_pedalboards_modulated_copy():
    # a tone well inside the chorus send's band: the mix must sound as if the part had gone
    # through pedalboard's chorus at its wet share, then through the same mix without a chorus
    music = plan("", 3.0, seed=1, style="soul")
    score = compose(music)
    t = np.arange(3 * RATE) / RATE
    tone = (0.1 * np.sin(2 * np.pi * 330 * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.5 * t))).astype(np.float32)
    stem = np.stack([tone, tone], axis=1)
    plain = Mix(highpass_hz=120, room=0.0, glue=0.0)
    chorused = dataclasses.replace(plain, chorus={"pad": 0.4})
    ours = mix({"pad": stem.copy()}, score, chorused, beat_s=music.beat_s, rate=RATE, seed=1)
    through = pb.Chorus(rate_hz=0.7, depth=0.2, centre_delay_ms=8.0, feedback=0.0, mix=0.4)(stem, RATE)
    theirs = mix({"pad": through}, score, plain, beat_s=music.beat_s, rate=RATE, seed=1)
    dry = mix({"pad": stem.copy()}, score, plain, beat_s=music.beat_s, rate=RATE, seed=1)
    settled = slice(RATE // 2, None)  # past the filters' and the compressor's first moments
    # the copy comes back from a third of the rate, a sample early: the same sound to -30 dB
    assert _db(_rms(ours[settled] - theirs[settled]) / _rms(theirs[settled])) < -30.0
    assert _db(_rms(dry[settled] - theirs[settled]) / _rms(theirs[settled])) > -20.0  # a chorus, heard


def test_a_chorus_must_leave_the_part_a_dry_share():
    with pytest.raises(ValueError, match="chorus"):
        Mix(chorus={"pad": 1.0})


def test_the_mixer_keeps_freed_buffers_unless_told_not_to():
    import subprocess
    import sys

    code = "from musicmaker_nb.music._memory import keep_freed_memory; print(keep_freed_memory())"
    kept = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "MUSICMAKER_KEEP_MEMORY": "0"})
    assert kept.stdout.strip() == "False"
