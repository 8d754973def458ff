"""Production: the dry SoundFont parts -> a stereo mix, placed and treated the way each style is
produced, with Spotify's ``pedalboard`` for the effects.

First the balance: a part that the SoundFont made far louder or softer than its place among the
others (judged by loudness) is brought back within a window of it. Each part, placed as it was
synthesised (``pans``: constant-power pan; a double-tracked part spread on the sides, in a way
that cancels in mono) and at its style's level, shaped by its expression curve, is summed into
one of a few buses. The low bus (bass, kick, timpani) keeps the low end to itself; everything
else goes through one high-pass filter at the style's cutoff, and parts that the style drives
(rock guitars) get a bus of their own. Each part also feeds sends at its own level: an echo (a
dotted-eighth delay, on leads), a reverb sized to the style (a room for jazz, a plate for pop, a
hall for orchestral, a long space for ambient) and, for an electric piano or a pad, a chorus
(the part keeps its dry share; the chorus adds the modulated copy). The sends are processed at a
third of the sample rate: a damped tail holds little above 7 kHz, a bucket-brigade chorus's copy
little more, and the reverb and the chorus, the dearest effects, cost a third as much. Every part but
the kick breathes with it where the style pumps (house, EDM: a sidechain dip after each kick).
Then the bus: compression (gentle at the peaks of every mix, glue where the style is produced
that way) and a peak limiter (lower, so denser and louder, for dance music), pedalboard's own,
with their gain worked out every 32 samples on the mix's level and glided between; tape
saturation where the style has it, and for lo-fi the worn-tape treatment (wow, low-pass, a
gentle bitcrush, vinyl crackle).
Mastering (loudness, true peak, length) comes after, in ``_master``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pedalboard as pb

from ._master import channels_loudness
from ._score import Score

__all__ = ["Mix", "MIXES", "mix", "LOW_ROLES"]

LOW_ROLES = ("bass", "kick", "timpani")  # the parts that own the low end: never high-passed
_MIX_RMS_DB = -20.0  # the level the bus is brought to before its compressor
_SEND_DIVISOR = 3  # the sends run at a third of the sample rate (see the module's docstring)
_CONTROL = 32  # samples per step of the bus compressor's gain (0.7 ms at 44.1 kHz)
_DETECTOR = 1.1  # a block's mean level -> what the compressor's per-sample detector would see (see _dynamics)
_REVOLUTION_S = 1.8  # a record at 33 1/3 rpm: its crackle comes round again
# Where each part sits in the balance, in LU against the melody, and how far a part may stray
# from it before it is brought back. The SoundFont's balance is mostly kept (it is how its
# programs were voiced against each other), but some of it is an accident: a tuba 20 LU over
# a xylophone, a pad 25 LU under the rest. Each style's ``levels`` then move parts from there.
_BALANCE = {"melody": 0.0, "kick": -1.0, "drums": -3.0, "bass": -3.0, "timpani": -6.0, "chords": -5.0, "arp": -8.0,
            "pad": -10.0}
_BALANCE_WINDOW_LU = 6.0
_BALANCE_STEP = 8  # parts are measured at an eighth of the rate: a balance needs a decibel, not a tenth
_DOUBLE_SIDE = 0.7  # a double-tracked part's late copy, on the sides


@dataclass(frozen=True)
class Mix:
    highpass_hz: float = 150.0  # on every part but the low ones
    pans: dict[str, float] = field(default_factory=dict)  # role -> -1 (left) .. 1 (right)
    sends: dict[str, float] = field(default_factory=dict)  # role -> reverb send, 0..1
    echoes: dict[str, float] = field(default_factory=dict)  # role -> delay send, 0..1
    chorus: dict[str, float] = field(default_factory=dict)  # role -> chorus wet share (a send)
    drive: dict[str, float] = field(default_factory=dict)  # role -> drive in dB (a bus of its own)
    levels: dict[str, float] = field(default_factory=dict)  # role -> dB against the SoundFont's balance
    room: float = 0.5  # reverb size 0..1; 0: dry, no reverb at all
    damping: float = 0.5
    glue: float = 0.0  # bus compression, 0..1
    pump: float = 0.0  # sidechain depth on the kick, 0..1
    warmth: float = 0.0  # tape saturation, 0..1
    lofi: float = 0.0  # worn tape and vinyl, 0..1
    doubles: dict[str, float] = field(default_factory=dict)  # role -> ms: double-tracked, left against right
    peak_room_db: float = 15.0  # how far peaks may stand over the bus's RMS: less is louder, denser

    def __post_init__(self) -> None:
        # a chorused part keeps a dry share (1 - w) in the bus, which the sends are scaled by
        if not all(0.0 <= share < 1.0 for share in self.chorus.values()):
            raise ValueError(f"chorus: wet shares must be from 0 up to, not including, 1 (got {self.chorus})")


_PANS = {"chords": -0.3, "pad": 0.0, "bass": 0.0, "melody": 0.12, "arp": 0.4, "timpani": -0.15, "drums": 0.0,
         "kick": 0.0}
_SENDS = {"chords": 0.2, "pad": 0.35, "bass": 0.0, "melody": 0.25, "arp": 0.3, "timpani": 0.2, "drums": 0.1,
          "kick": 0.0}


def _preset(**kw: Any) -> Mix:
    """A style's mix: the defaults above with its own pans and sends laid over them."""
    return Mix(pans={**_PANS, **kw.pop("pans", {})}, sends={**_SENDS, **kw.pop("sends", {})}, **kw)


MIXES: dict[str, Mix] = {
    "pop": _preset(highpass_hz=160, echoes={"melody": 0.18}, room=0.5, damping=0.35, glue=0.5,
                   pans={"chords": -0.35, "arp": 0.45}, levels={"kick": 4, "drums": 3}),
    "indie": _preset(highpass_hz=140, echoes={"arp": 0.2}, chorus={"chords": 0.25}, room=0.55, damping=0.45,
                     glue=0.35, warmth=0.3, pans={"chords": -0.45, "arp": 0.5}),
    "rock": _preset(highpass_hz=120, drive={"chords": 4.0, "melody": 3.0}, room=0.35, damping=0.5, glue=0.6,
                    warmth=0.35, doubles={"chords": 14.0}, pans={"melody": 0.45},
                    sends={"chords": 0.14, "drums": 0.15}),
    "metal": _preset(highpass_hz=100, drive={"chords": 4.0}, room=0.3, damping=0.6, glue=0.8,
                     warmth=0.4, doubles={"chords": 18.0}, sends={"chords": 0.12, "drums": 0.12},
                     levels={"chords": 3, "kick": 3, "drums": 2}),
    "edm": _preset(highpass_hz=200, echoes={"arp": 0.25, "melody": 0.25}, chorus={"pad": 0.3}, room=0.6,
                   damping=0.3, glue=0.7, pump=0.55, peak_room_db=10.0, sends={"drums": 0.04}),
    "house": _preset(highpass_hz=180, echoes={"chords": 0.15}, chorus={"pad": 0.3}, room=0.5, damping=0.4,
                     glue=0.6, pump=0.45, peak_room_db=10.0, sends={"drums": 0.04}, levels={"kick": 3, "drums": 2}),
    "techno": _preset(highpass_hz=220, echoes={"arp": 0.3}, room=0.55, damping=0.5, glue=0.7, pump=0.35,
                      warmth=0.3, sends={"drums": 0.05}),
    "synthwave": _preset(highpass_hz=150, echoes={"melody": 0.3}, chorus={"chords": 0.4, "pad": 0.4}, room=0.75,
                         damping=0.3, glue=0.5, sends={"drums": 0.25, "pad": 0.45}),
    "chiptune": _preset(highpass_hz=120, echoes={"melody": 0.1}, room=0.0, glue=0.3),
    "hiphop": _preset(highpass_hz=150, echoes={"melody": 0.2}, room=0.3, damping=0.6, glue=0.6, warmth=0.4, lofi=0.6,
                      doubles={"chords": 11.0, "melody": 13.0}, sends={"drums": 0.15},
                      levels={"kick": 5, "drums": 4, "bass": 2, "chords": -2, "melody": -5}),
    "trap": _preset(highpass_hz=200, echoes={"melody": 0.25}, room=0.5, damping=0.4, glue=0.6,
                    doubles={"melody": 11.0, "pad": 13.0}, sends={"drums": 0.15, "melody": 0.5},
                    levels={"kick": 4, "drums": 4, "bass": 3, "pad": -4}),
    "lofi": _preset(highpass_hz=150, echoes={"melody": 0.2}, chorus={"chords": 0.35}, room=0.4, damping=0.7,
                    glue=0.5, warmth=0.5, lofi=0.8, pans={"chords": -0.35, "melody": 0.35}, sends={"drums": 0.05},
                    levels={"kick": 4, "drums": 3, "bass": 1, "melody": -4}),
    "funk": _preset(highpass_hz=150, room=0.3, damping=0.5, glue=0.5, warmth=0.4, doubles={"chords": 12.0},
                    pans={"pad": 0.3, "melody": 0.35}, sends={"chords": 0.1, "melody": 0.15},
                    levels={"bass": 4, "drums": 2, "kick": 2, "melody": 2}),
    "disco": _preset(highpass_hz=150, room=0.4, damping=0.45, glue=0.55, pump=0.2,
                     pans={"chords": -0.4, "melody": 0.3}, levels={"kick": 4, "drums": 3, "bass": 2}),
    "soul": _preset(highpass_hz=130, chorus={"chords": 0.3, "pad": 0.25}, room=0.45, damping=0.55, glue=0.45,
                    warmth=0.45),
    "jazz": _preset(highpass_hz=100, room=0.3, damping=0.6, glue=0.15, pans={"chords": -0.35, "melody": 0.3},
                    sends={"drums": 0.15, "chords": 0.18}),
    "latin": _preset(highpass_hz=120, room=0.4, damping=0.5, glue=0.35, pans={"chords": -0.4, "melody": 0.3},
                     sends={"drums": 0.12}),
    "reggae": _preset(highpass_hz=180, echoes={"chords": 0.25, "melody": 0.3}, room=0.5, damping=0.5, glue=0.4,
                      warmth=0.3, pans={"chords": -0.45, "pad": 0.3, "melody": 0.35}, sends={"drums": 0.15}),
    "world": _preset(highpass_hz=110, echoes={"melody": 0.12}, room=0.65, damping=0.45, glue=0.15,
                     sends={"melody": 0.35, "chords": 0.3, "drums": 0.2}),
    "folk": _preset(highpass_hz=100, room=0.35, damping=0.55, glue=0.25, warmth=0.2,
                    pans={"chords": -0.4, "arp": 0.45}, sends={"drums": 0.12, "chords": 0.15},
                    levels={"drums": -4, "kick": -4}),
    "piano": _preset(highpass_hz=40, room=0.6, damping=0.5, sends={"chords": 0.22, "melody": 0.22},
                     pans={"chords": -0.1, "melody": 0.1}),
    "chamber": _preset(highpass_hz=60, room=0.65, damping=0.45, pans={"chords": -0.35, "pad": -0.1, "melody": 0.3,
                                                                      "arp": 0.35},
                       sends={"chords": 0.35, "melody": 0.35, "pad": 0.4}),
    "orchestral": _preset(highpass_hz=60, room=0.82, damping=0.45, glue=0.2, pans={"chords": -0.35, "melody": 0.25},
                          sends={"chords": 0.45, "pad": 0.5, "melody": 0.45, "drums": 0.4, "timpani": 0.4}),
    "trailer": _preset(highpass_hz=80, room=0.85, damping=0.4, glue=0.55, warmth=0.3,
                       sends={"chords": 0.4, "pad": 0.45, "melody": 0.4, "drums": 0.3, "timpani": 0.35}),
    "ambient": _preset(highpass_hz=80, echoes={"melody": 0.35, "arp": 0.3}, chorus={"pad": 0.3}, room=0.95,
                       damping=0.55, glue=0.1, pans={"arp": -0.35, "melody": 0.35},
                       sends={"pad": 0.6, "melody": 0.7, "arp": 0.6}),
    "lullaby": _preset(highpass_hz=80, room=0.7, damping=0.6, pans={"chords": -0.3, "melody": 0.25},
                       sends={"chords": 0.45, "melody": 0.5, "pad": 0.45}),
    "kids": _preset(highpass_hz=120, room=0.6, damping=0.4, glue=0.35,
                    pans={"chords": -0.4, "melody": 0.3, "arp": 0.45},
                    sends={"chords": 0.3, "melody": 0.35, "arp": 0.35, "bass": 0.15}),
    "christmas": _preset(highpass_hz=120, room=0.55, damping=0.4, glue=0.3, sends={"melody": 0.3, "arp": 0.3}),
}


def mix(stems: dict[str, np.ndarray], score: Score, preset: Mix, *, beat_s: float, rate: int,
        seed: int) -> np.ndarray:
    """The stereo mix (n, 2) float32 of the parts' dry ``stems`` (which it may overwrite)."""
    length = len(next(iter(stems.values())))
    expression = {p.role: p.expression for p in score.parts}
    expression["kick"] = expression.get("drums", ())
    pump = _pump(score.kicks, length, rate, preset.pump, beat_s) if preset.pump and score.kicks else None
    buses: dict[str, np.ndarray] = {}
    frames = length // _SEND_DIVISOR
    sends = {name: np.zeros((2, frames), dtype=np.float32) for name, used in (
        ("reverb", preset.room > 0), ("echo", bool(preset.echoes)), ("chorus", bool(preset.chorus))) if used}
    balance = _balance(stems, rate)
    for role, stem in stems.items():
        # A chorused part is heard as its dry share plus the chorus's modulated copy: the dry
        # share is set with the part's level, and every send reads the part as if it were whole.
        dry = 1.0 - preset.chorus.get(role, 0.0)
        # everything but the kick breathes with the pump, the bass most of all
        placed = _shape(stem, expression.get(role, ()),
                        balance.get(role, 0.0) + preset.levels.get(role, 0.0) + 20 * np.log10(dry),
                        rate, pump if role != "kick" else None)
        if role in preset.doubles:
            _double(placed, round(preset.doubles[role] * rate / 1000))
        levels = {"reverb": preset.sends.get(role, 0.0), "echo": preset.echoes.get(role, 0.0),
                  "chorus": preset.chorus.get(role, 0.0)}
        _send(placed, [(send, levels[name] / dry) for name, send in sends.items() if levels[name]])
        bus = role if role in preset.drive else "low" if role in LOW_ROLES else "high"
        if bus in buses:
            buses[bus] += placed
        else:
            buses[bus] = placed
    treated = [_treat(signal, name, preset, rate) for name, signal in buses.items()]
    out = treated[0]
    for signal in treated[1:]:
        out += signal
    returns = _returns(sends, preset, beat_s, rate // _SEND_DIVISOR)
    if returns is not None:
        _add_upsampled(out, returns)
    return _finish(out, preset, rate, seed)


def _returns(sends: dict[str, np.ndarray], preset: Mix, beat_s: float, rate: int) -> np.ndarray | None:
    """The wet returns of the sends (2, m), at the sends' reduced rate: the echo (a dotted-eighth
    delay), which also feeds the reverb, the reverb, and the chorus's modulated copy."""
    wet = None
    if "echo" in sends:
        echo = pb.Pedalboard([pb.HighpassFilter(preset.highpass_hz), pb.Delay(
            delay_seconds=min(0.75 * beat_s, 1.5), feedback=0.35, mix=1.0)])
        wet = echo(sends["echo"], rate)
        if "reverb" in sends:
            sends["reverb"] += wet * np.float32(0.5)
    if "reverb" in sends:
        # high-passed on its way in, as a send is: a sample's DC or rumble would otherwise circle
        # the reverb's feedback and come back as a wall of sub-bass
        reverb = pb.Pedalboard([pb.HighpassFilter(max(preset.highpass_hz, 80.0)), pb.Reverb(
            room_size=preset.room, damping=preset.damping, wet_level=1.0, dry_level=0.0, width=1.0)])
        tail = reverb(sends["reverb"], rate)
        wet = tail if wet is None else wet + tail
    if "chorus" in sends:
        # the chorused parts' bus high-pass, then the modulated copy alone (pedalboard's chorus at
        # a wet share w is (1 - w) dry + w of this); band-limited like a bucket-brigade chorus's
        chorus = pb.Pedalboard([pb.HighpassFilter(preset.highpass_hz), pb.Chorus(
            rate_hz=0.7, depth=0.2, centre_delay_ms=8.0, feedback=0.0, mix=1.0)])
        copy = chorus(sends["chorus"], rate)
        wet = copy if wet is None else wet + copy
    return wet


def _send(placed: np.ndarray, sends: list[tuple[np.ndarray, float]]) -> None:
    """``placed`` (n, 2) added to each send (2, n / _SEND_DIVISOR) at its level, each run of
    samples averaged, read straight from the part (no full-rate copy) and once for all sends."""
    if not sends:
        return
    frames = sends[0][0].shape[1]
    runs = placed[: frames * _SEND_DIVISOR].reshape(frames, 2 * _SEND_DIVISOR)  # left, right, left, ...
    for channel in range(2):
        total = runs[:, channel] + runs[:, channel + 2]
        for phase in range(2, _SEND_DIVISOR):
            total += runs[:, channel + 2 * phase]
        for send, level in sends:
            send[channel] += total * np.float32(level / _SEND_DIVISOR)


def _add_upsampled(out: np.ndarray, wet: np.ndarray) -> None:
    """``wet`` (2, m) at the sends' rate added to ``out`` (n, 2) at full rate, linearly
    interpolated between its samples, in strides (no full-rate copy)."""
    frames = min(wet.shape[1], len(out) // _SEND_DIVISOR)
    for channel, samples in enumerate(wet[:, :frames]):
        step = np.append(samples[1:], samples[-1:]) - samples
        for phase in range(_SEND_DIVISOR):
            target = out[phase: phase + frames * _SEND_DIVISOR: _SEND_DIVISOR, channel]
            target += samples
            if phase:
                target += step * np.float32(phase / _SEND_DIVISOR)


def _shape(stem: np.ndarray, expression: tuple[tuple[float, float], ...], level_db: float, rate: int,
           pump: np.ndarray | None = None) -> np.ndarray:
    """``stem`` at its level, with its expression curve and the pump, in place and in one pass
    (its pan was set as it was synthesised)."""
    level = np.float32(10 ** (level_db / 20))
    if not expression and pump is None:
        if level != 1:
            stem *= level
        return stem
    gain = _curve(expression, len(stem), rate) if expression else np.ones(len(stem), dtype=np.float32)
    if pump is not None:
        gain *= pump
    if level != 1:
        gain *= level
    _scale(stem, gain)
    return stem


def _balance(stems: dict[str, np.ndarray], rate: int) -> dict[str, float]:
    """role -> the gain in dB that brings a part back within the window of its place in the
    balance, judged by loudness (BS.1770's weighting and gating: a sparse part by its notes, not
    its rests) against the parts' median standing."""
    standing = {}
    for role, stem in stems.items():
        mono = (stem[::_BALANCE_STEP, 0] + stem[::_BALANCE_STEP, 1])[None, :]
        loudness = channels_loudness(mono, rate // _BALANCE_STEP)
        if np.isfinite(loudness):
            standing[role] = loudness - _BALANCE.get(role, -6.0)
    if not standing:
        return {}
    middle = float(np.median(list(standing.values())))
    return {role: float(-np.sign(off) * max(0.0, abs(off) - _BALANCE_WINDOW_LU))
            for role, off in ((role, value - middle) for role, value in standing.items())}


def _double(stem: np.ndarray, delay: int) -> None:
    """A part spread as a double-tracked guitar sounds, in place: its centre, plus a copy a few
    milliseconds late on the sides only (left in phase, right out of phase). Summed to mono the
    copy cancels, so a phone speaker hears the part as it was, with no comb filter."""
    centre = (stem[:, 0] + stem[:, 1]) * np.float32(0.5)
    stem[:, 0] = centre
    stem[:, 1] = centre
    late = centre[:-delay] * np.float32(_DOUBLE_SIDE)
    stem[delay:, 0] += late
    stem[delay:, 1] -= late


def _scale(signal: np.ndarray, gain: np.ndarray) -> None:
    """``signal`` (n, 2) times a per-sample ``gain`` (n,), in place, channel by channel (numpy is
    several times slower broadcasting over a last axis of two)."""
    signal[:, 0] *= gain
    signal[:, 1] *= gain


def _curve(points: tuple[tuple[float, float], ...], length: int, rate: int, hop: int = 64) -> np.ndarray:
    """Breakpoints -> a per-sample gain, interpolated every ``hop`` samples (1.5 ms: smooth to the ear)."""
    times, levels = zip(*points)
    coarse = np.interp(np.arange(0, length + hop, hop) / rate, times, levels).astype(np.float32)
    return np.repeat(coarse, hop)[:length]


def _treat(signal: np.ndarray, bus: str, preset: Mix, rate: int) -> np.ndarray:
    if bus != "low":
        signal = pb.HighpassFilter(preset.highpass_hz)(signal, rate)
    if preset.drive.get(bus):
        _saturate(signal, preset.drive[bus], -0.8 * preset.drive[bus])
    return signal


def _saturate(signal: np.ndarray, drive_db: float, makeup_db: float) -> None:
    """Drive or tape saturation in place: pedalboard's Distortion (tanh of the driven signal, to
    within 2e-7) followed by a gain, as numpy's vectorised tanh, eight times faster than the
    plugin's sample-by-sample loop."""
    signal *= np.float32(10 ** (drive_db / 20))
    np.tanh(signal, out=signal)
    signal *= np.float32(10 ** (makeup_db / 20))


def _pump(kicks: tuple[float, ...], length: int, rate: int, depth: float, beat_s: float) -> np.ndarray:
    """The sidechain gain: a dip of ``depth`` at each kick that recovers over most of a beat."""
    envelope = np.ones(length, dtype=np.float32)
    recover = max(1, int(0.6 * beat_s * rate))
    attack = int(0.004 * rate)  # the dip itself takes 4 ms: a step in gain would click
    dip = 1.0 - depth * (1.0 - np.linspace(0.0, 1.0, recover, dtype=np.float32)) ** 2
    shape = np.concatenate([np.linspace(1.0, 1.0 - depth, attack, endpoint=False, dtype=np.float32),
                            dip.astype(np.float32)])
    for time in kicks:
        start = int(time * rate) - attack
        if start >= length:
            break
        begin, stop = max(0, start), min(length, start + len(shape))
        np.minimum(envelope[begin:stop], shape[begin - start: stop - start], out=envelope[begin:stop])
    return envelope


def _finish(out: np.ndarray, preset: Mix, rate: int, seed: int) -> np.ndarray:
    flat = out.reshape(-1)
    rms = float(np.sqrt(flat @ flat / max(1, len(flat))))
    if rms > 0:  # a known level, so that the compressor's threshold means the same in every piece
        out *= np.float32(10 ** (_MIX_RMS_DB / 20) / rms)
    if preset.lofi:
        # worn tape: a slow pitch wobble (a chorus heard only through its modulated copy), less top end
        out = pb.Pedalboard([
            pb.Chorus(rate_hz=0.55, depth=0.12 * preset.lofi, centre_delay_ms=4.0, feedback=0.0, mix=1.0),
            pb.LowpassFilter(9000 - 4000 * preset.lofi), pb.Bitcrush(bit_depth=14 - 3 * preset.lofi)])(out, rate)
    # Every mix is compressed: gently at its peaks (a struck note in an ambient piece would
    # otherwise leave the master limiter six decibels to take off), harder as glue for the
    # styles that are produced that way; and the drum hits that pass the compressor's attack are
    # caught by a limiter a little above where the master's limiter will want them: it then has
    # a few peaks to take, not hundreds.
    _dynamics(out, [pb.Compressor(threshold_db=_MIX_RMS_DB + 10.0 - 8.0 * preset.glue, ratio=2.0 + 2.0 * preset.glue,
                                  attack_ms=8.0, release_ms=150.0),
                    pb.Limiter(threshold_db=_MIX_RMS_DB + preset.peak_room_db, release_ms=60.0)], rate)
    if preset.warmth:  # tape saturation
        drive_db = 2.0 + 6.0 * preset.warmth
        _saturate(out, drive_db, -drive_db)
    if preset.lofi:
        out += _crackle(len(out), rate, preset.lofi, seed, float(np.sqrt(np.mean(np.square(out)))))
    return out


def _dynamics(out: np.ndarray, chain: list[pb.Plugin], rate: int) -> None:
    """``out`` (n, 2) through pedalboard's compressor and limiter ``chain``, in place, with the
    gain worked out at a control rate: the chain runs, channel by channel as it would on the
    samples, on each block's level, and the gain it gives that level glides over the block's
    samples. A compressor's gain moves over milliseconds, so the chain can run on a thirty-second
    of the samples. Its detector follows every sample of a waveform and rides between the
    waveform's mean and its peaks: a block's mean level times ``_DETECTOR`` stands in for it
    (within 0.3 dB of running the chain on every sample, in loudness and in crest factor, over
    eight styles). The limiter's own last step, a clip at full scale, is kept on the samples."""
    whole = len(out) // _CONTROL
    rectified = np.abs(out[: whole * _CONTROL]).reshape(whole, 2 * _CONTROL)  # a block a row: left, right, ...
    level = np.stack([rectified[:, 0::2].mean(axis=1), rectified[:, 1::2].mean(axis=1)])  # (2, blocks)
    if whole * _CONTROL < len(out):
        level = np.concatenate([level, np.abs(out[whole * _CONTROL:]).mean(axis=0)[:, None]], axis=1)
    level = np.ascontiguousarray(np.maximum(level * np.float32(_DETECTOR), np.float32(1e-9)), dtype=np.float32)
    gain = pb.Pedalboard(chain)(level, rate / _CONTROL) / level
    # each block's gain glides to the next one's, so a rising level is met a block early
    ramp = (np.arange(_CONTROL, dtype=np.float32) / np.float32(_CONTROL))[None, :, None]
    glide = (np.concatenate([gain[:, 1:], gain[:, -1:]], axis=1) - gain).T[:, None, :] * ramp
    glide += gain.T[:, None, :]  # (blocks, _CONTROL, 2): the samples' gains, in out's own layout
    out *= glide.reshape(-1, 2)[: len(out)]
    np.clip(out, -1.0, 1.0, out=out)


def _crackle(length: int, rate: int, amount: float, seed: int, level: float) -> np.ndarray:
    """Vinyl: a soft hiss and sparse clicks, seeded so the piece stays reproducible. One
    revolution of the record is made and played round, as a record does."""
    rng = np.random.default_rng([seed, 7])
    turn = min(length, int(_REVOLUTION_S * rate))
    noise = rng.standard_normal((turn, 2), dtype=np.float32) * np.float32(0.02 * amount * level)
    clicks = np.flatnonzero(rng.random(turn) < 6.0 * amount / rate)
    noise[clicks] += (rng.standard_normal((len(clicks), 1)) * 0.6 * amount * level).astype(np.float32)
    return np.resize(noise, (length, 2)) if turn < length else noise
