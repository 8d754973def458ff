"""Score -> stereo float audio through a General MIDI SoundFont (tinysoundfont). The thin I/O shell.

The SoundFont file is parsed once per path and cached; every render works on its own clone,
so renders in different threads do not share voices.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path
from typing import Mapping

import numpy as np

from ._grooves import KICKS
from ._layers import LayerTable, layer_table
from ._score import Part, Score
from ._soundfonts import SOUNDFONT_ENV, resolve_soundfont

__all__ = ["SAMPLE_RATE", "SOUNDFONT_ENV", "resolve_soundfont", "render", "render_stems"]

SAMPLE_RATE = 44100
_GAIN_DB = -6.0  # headroom for many voices; the master sets the final level
# Cymbals ring for seconds whatever the note-off says: each gets a drum channel of its own
# that is quick-released at the note's end.
_CYMBALS = (49, 51, 57, 52, 53, 55)
_CHOKE_CHANNEL = 10


@functools.lru_cache(maxsize=4)
def _template(path: str, mtime_ns: int):  # noqa: ARG001 - mtime_ns keys the cache to the file's version
    from tinysoundfont import _tinysoundfont

    try:
        return _tinysoundfont.SoundFont(path)
    except Exception as exc:  # the binding raises its own types for unreadable files
        raise ValueError(f"soundfont: {path!r} is not a readable SoundFont ({exc})") from None


def _clone(path: Path):
    from tinysoundfont import _tinysoundfont

    synth = _tinysoundfont.SoundFont(_template(str(path), path.stat().st_mtime_ns))
    synth.set_output(_tinysoundfont.OutputMode.StereoInterleaved, SAMPLE_RATE, _GAIN_DB)
    return synth


def render(score: Score, soundfont: Path, parts: tuple[Part, ...] | None = None) -> np.ndarray:
    """Float32 samples, shape (round(duration * 44100), 2): the dry sum of the given parts
    (default: all), each at its channel volume and centred."""
    out = np.zeros((_length(score), 2), dtype=np.float32)
    for stem in render_stems(score, soundfont, parts).values():
        out += stem
    return out


def render_stems(score: Score, soundfont: Path, parts: tuple[Part, ...] | None = None, *,
                 pans: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """role -> that part's dry float32 samples (n, 2), for the mixer to place and treat; the
    kick drum is a stem of its own ("kick"), apart from the rest of the kit. ``pans`` places
    each role (-1 left .. 1 right, constant power) as it is synthesised, which costs nothing.

    SoundFont voices do not interact (no voice stealing below 256 voices, channel settings fixed),
    so a part is the sum of its notes. Each distinct note (channel, pitch, velocity layer, length)
    is synthesised once with its release tail and added, scaled to its velocity, wherever it
    recurs: music repeats, and adding a cached note costs far less than synthesising it again.
    Notes heard once are added straight from a reused scratch buffer and never copied.
    """
    parts = score.parts if parts is None else parts
    synth = _clone(soundfont)
    for part in parts:
        channels = [part.channel] + (list(range(_CHOKE_CHANNEL, 16)) if part.is_drum else [])
        for channel in channels:
            synth.channel_set_preset_number(channel, part.program, part.is_drum)
            synth.channel_midi_control(channel, 7, part.volume)
            synth.channel_midi_control(channel, 10, round(64 + 63 * float((pans or {}).get(part.role, 0.0))))
    length = _length(score)
    layers = layer_table(soundfont)
    scratch = np.empty((_SCRATCH_S * SAMPLE_RATE, 2), dtype=np.float32)
    stems: dict[str, np.ndarray] = {}
    for part in parts:
        notes = _shared(_notes(part, length), part, layers, synth)
        uses = Counter(key for _, _, key in notes)
        cache: dict[tuple[int, int, int, int, bool], tuple[np.ndarray, int]] = {}
        for start, velocity, key in notes:
            wave, reference = cache.get(key) or (None, velocity)
            if wave is None:
                channel, pitch, _, size, choke = key
                wave = _synthesise(synth, scratch, channel, pitch, velocity, size, choke)
                if uses[key] > 1:
                    cache[key] = (wave := wave.copy()), velocity
            role = "kick" if part.is_drum and key[1] in KICKS else part.role  # the kick joins the bass's bus
            out = stems.get(role)
            if out is None:
                out = stems[role] = np.zeros((length, 2), dtype=np.float32)
            stop = min(length, start + len(wave))
            if velocity == reference:
                out[start:stop] += wave[: stop - start]
            else:  # the same note at another velocity of its layer: the same sound, scaled
                out[start:stop] += wave[: stop - start] * np.float32(velocity / reference)
    return stems


def _shared(notes: list[tuple[int, tuple[int, int, int, int, bool]]], part: Part, layers: LayerTable,
            synth) -> list[tuple[int, int, tuple[int, int, int, int, bool]]]:
    """(start, velocity, rendering key) per note: notes whose key is equal sound alike but for
    loudness, so one rendering serves them all. The key holds the note's velocity layer where the
    synthesiser scales that layer exactly, else the velocity itself."""
    shared = []
    for start, (channel, pitch, velocity, size, choke) in notes:
        layer = layers.layer(part.program, part.is_drum, pitch, velocity)
        if layer < 0 or not _proportional(layers, synth, channel, part, pitch, velocity, layer):
            layer = 1000 + velocity  # a rendering of its own velocity
        shared.append((start, velocity, (channel, pitch, layer, size, choke)))
    return shared


_PROBE = 4096  # the first 93 ms of a note: its attack, where a velocity that shapes the sound shows
_PROPORTIONAL = 1e-4  # -80 dB: what is left of the loud note once the quiet one, scaled, is taken away


def _proportional(layers: LayerTable, synth, channel: int, part: Part, pitch: int, velocity: int, layer: int) -> bool:
    """Whether the synthesiser plays the velocities of this layer as one sound at different
    levels, heard once per bank, preset, key and layer by playing the layer's two ends."""
    found = layers.proportional.get(known := (part.program, part.is_drum, pitch, layer))
    if found is None:
        low, high = layers.bounds(part.program, part.is_drum, pitch, velocity)
        quiet, loud = (_held(synth, channel, pitch, v) for v in (low, high))
        residual = loud - quiet * np.float32(high / low)
        found = layers.proportional[known] = bool(
            np.sqrt(np.mean(np.square(residual))) <= _PROPORTIONAL * np.sqrt(np.mean(np.square(loud))))
    return found


def _held(synth, channel: int, pitch: int, velocity: int) -> np.ndarray:
    wave = np.empty((_PROBE, 2), dtype=np.float32)
    synth.channel_note_on(channel, pitch, velocity / 127.0)
    synth.render(wave)
    _hush(synth, channel)
    return wave


def _length(score: Score) -> int:
    return round(score.duration_s * SAMPLE_RATE)


_LENGTH_QUANTUM = 512  # note lengths are rounded to 11.6 ms so that repeated notes share a rendering
_VELOCITY_QUANTUM = 8  # 16 loudness steps, about as fine as a player controls
# A release rings at most this long: longer tails (pads, strings, cymbals) are faded out over
# their last quarter. Under the next notes and the reverb's own tail nobody hears the difference,
# and the tails were most of what was synthesised and added.
_MAX_TAIL = SAMPLE_RATE
_TAIL_CHUNK = 4096  # rendering past a voice's end costs next to nothing
_SILENT = 1e-7  # -140 dBFS: the floor for notes too soft to have a peak worth the name
_TAIL_FLOOR = 1e-3  # -60 dB
_LONG_NOTE = SAMPLE_RATE  # notes longer than this share coarser loudness steps (a held note's level)
_SCRATCH_S = 64  # a note longer than this (minus its tail) gets a buffer of its own


def _notes(part: Part, length: int) -> list[tuple[int, tuple[int, int, int, int, bool]]]:
    """(start sample, (channel, pitch, velocity, length, choke)) per note that starts in time."""
    starts = np.round(part.start * SAMPLE_RATE).astype(np.int64)
    lengths = np.round((part.end - part.start) * SAMPLE_RATE / _LENGTH_QUANTUM).astype(np.int64) * _LENGTH_QUANTUM
    quantum = np.where(lengths > _LONG_NOTE, 2 * _VELOCITY_QUANTUM, _VELOCITY_QUANTUM)
    velocity = np.clip(np.round(part.velocity / quantum) * quantum, 1, 127).astype(np.int64)
    channel = np.full(len(part), part.channel, dtype=np.int64)
    choke = np.zeros(len(part), dtype=bool)
    if part.is_drum:  # cymbals: a channel each, quick-released at the note's end
        choke = np.isin(part.pitch, _CYMBALS)
        slot = np.searchsorted(np.sort(_CYMBALS), part.pitch).clip(0, len(_CYMBALS) - 1)
        channel = np.where(choke, _CHOKE_CHANNEL + slot, channel)
    keep = (starts < length) & (lengths > 0)
    rows = zip(starts[keep].tolist(), channel[keep].tolist(), part.pitch[keep].tolist(),
               velocity[keep].tolist(), lengths[keep].tolist(), choke[keep].tolist())
    return [(start, (ch, pitch, vel, n, ck)) for start, ch, pitch, vel, n, ck in rows]


def _synthesise(synth, scratch: np.ndarray, channel: int, pitch: int, velocity: int, length: int,
                choke: bool) -> np.ndarray:
    """One note, from note-on through its release until it is 60 dB below its own peak (at most
    a second of tail, faded): inaudible under the music, and the end of the piece is faded
    anyway. The result is a view into ``scratch`` (or a buffer of its own for a very long note)."""
    size = length + _MAX_TAIL
    wave = scratch[:size] if size <= len(scratch) else np.empty((size, 2), dtype=np.float32)
    synth.channel_note_on(channel, pitch, velocity / 127.0)
    synth.render(wave[:length])
    if choke:
        synth.channel_sounds_off(channel)
    else:
        synth.channel_note_off(channel, pitch)
    silent = max(_peak(wave[:length]) * _TAIL_FLOOR, _SILENT)
    end = length
    while end < len(wave):
        chunk = wave[end:end + _TAIL_CHUNK]
        synth.render(chunk)
        end += len(chunk)
        if _peak(chunk) < silent:
            break
    _hush(synth, channel)
    last = wave[max(length, end - 2 * _TAIL_CHUNK):end].reshape(-1)  # the tail ends in here
    audible = np.flatnonzero((last >= silent) | (last <= -silent))
    keep = end - len(last) // 2 + (audible[-1] // 2 + 1 if len(audible) else 0)
    if keep == size:  # still ringing at the cap: fade its last quarter
        fade = _TAIL_FADE[: _MAX_TAIL // 4]
        wave[keep - len(fade):keep] *= fade
    return wave[:keep]


def _hush(synth, channel: int) -> None:
    """Whatever still rings on ``channel`` stopped and played out, so it cannot leak into the next note."""
    synth.channel_sounds_off(channel)
    synth.render(np.empty((_TAIL_CHUNK, 2), dtype=np.float32))


_TAIL_FADE = (0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, _MAX_TAIL // 4))).astype(np.float32)[:, None]


def _peak(block: np.ndarray) -> float:
    return max(float(block.max(initial=0.0)), -float(block.min(initial=0.0)))
