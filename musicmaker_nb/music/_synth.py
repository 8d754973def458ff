"""Score -> stereo float audio through a General MIDI SoundFont (tinysoundfont). The thin I/O shell.

The SoundFont file is parsed once per path and cached; every render works on its own clone,
so renders in different threads do not share voices.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

from ._score import Part, Score

__all__ = ["SAMPLE_RATE", "SOUNDFONT_ENV", "resolve_soundfont", "render"]

SAMPLE_RATE = 44100
SOUNDFONT_ENV = "MUSICMAKER_SOUNDFONT"
_GAIN_DB = -6.0  # headroom for many voices; the master sets the final level
# Cymbals ring for seconds whatever the note-off says: each gets a drum channel of its own
# that is quick-released at the note's end.
_CYMBALS = (49, 51, 57, 52, 53, 55)
_CHOKE_CHANNEL = 10


def _bundled() -> Path:
    import pretty_midi

    return Path(pretty_midi.__file__).with_name("TimGM6mb.sf2")


def resolve_soundfont(soundfont: str | os.PathLike[str] | None = None) -> Path:
    """The argument, else ``$MUSICMAKER_SOUNDFONT``, else the GM bank shipped with pretty_midi."""
    if soundfont is not None:
        return _existing(Path(soundfont), "soundfont")
    if os.environ.get(SOUNDFONT_ENV):
        return _existing(Path(os.environ[SOUNDFONT_ENV]), SOUNDFONT_ENV)
    return _existing(_bundled(), "soundfont (pretty_midi's bundled TimGM6mb.sf2)")


def _existing(path: Path, name: str) -> Path:
    path = path.expanduser()
    if not path.is_file():
        raise ValueError(f"{name}: no SoundFont file at {str(path)!r} (give an .sf2/.sf3 path)")
    return path.resolve()


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
    """Float32 samples, shape (round(duration * 44100), 2), of the given parts (default: all).

    SoundFont voices do not interact (no voice stealing below 256 voices, channel settings fixed),
    so the mix is the sum of its notes. Each distinct note (channel, pitch, velocity, length) is
    synthesised once with its release tail and then added wherever it recurs: music repeats,
    and adding a cached note costs a tenth of synthesising it again.
    """
    parts = score.parts if parts is None else parts
    synth = _clone(soundfont)
    for part in parts:
        channels = [part.channel] + (list(range(_CHOKE_CHANNEL, 16)) if part.is_drum else [])
        for channel in channels:
            synth.channel_set_preset_number(channel, part.program, part.is_drum)
            synth.channel_midi_control(channel, 7, part.volume)
            synth.channel_midi_control(channel, 10, part.pan)
    out = np.zeros((round(score.duration_s * SAMPLE_RATE), 2), dtype=np.float32)
    cache: dict[tuple[int, int, int, int, bool], np.ndarray] = {}
    for part in parts:
        for start, key in _notes(part, len(out)):
            wave = cache.get(key)
            if wave is None:
                wave = cache[key] = _synthesise(synth, *key)
            stop = min(len(out), start + len(wave))
            out[start:stop] += wave[: stop - start]
    return out


_LENGTH_QUANTUM = 512  # note lengths are rounded to 11.6 ms so that repeated notes share a rendering
_VELOCITY_QUANTUM = 8  # 16 loudness steps, about as fine as a player controls
_MAX_TAIL = 4 * SAMPLE_RATE
_TAIL_CHUNK = 4096  # rendering past a voice's end costs next to nothing
_SILENT = 1e-7  # -140 dBFS: the floor for notes too soft to have a peak worth the name
_TAIL_FLOOR = 1e-4  # -80 dB


def _notes(part: Part, length: int) -> list[tuple[int, tuple[int, int, int, int, bool]]]:
    """(start sample, (channel, pitch, velocity, length, choke)) per note that starts in time."""
    starts = np.round(part.start * SAMPLE_RATE).astype(np.int64)
    lengths = np.round((part.end - part.start) * SAMPLE_RATE / _LENGTH_QUANTUM).astype(np.int64) * _LENGTH_QUANTUM
    velocity = np.clip(np.round(part.velocity / _VELOCITY_QUANTUM) * _VELOCITY_QUANTUM, 1, 127).astype(np.int64)
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


def _synthesise(synth, channel: int, pitch: int, velocity: int, length: int, choke: bool) -> np.ndarray:
    """One note, from note-on through its release until it is 80 dB below its own peak (at most
    4 s of tail): inaudible under the music, and the end of the piece is faded anyway."""
    wave = np.empty((length + _MAX_TAIL, 2), dtype=np.float32)
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
    synth.channel_sounds_off(channel)  # whatever still rings must not leak into the next note
    synth.render(np.empty((_TAIL_CHUNK, 2), dtype=np.float32))
    last = wave[max(length, end - 2 * _TAIL_CHUNK):end].reshape(-1)  # the tail ends in here
    audible = np.flatnonzero((last >= silent) | (last <= -silent))
    keep = end - len(last) // 2 + (audible[-1] // 2 + 1 if len(audible) else 0)
    return wave[:keep].copy()  # a copy, so the 4 s scratch buffer is not kept alive by the cache


def _peak(block: np.ndarray) -> float:
    return max(float(block.max(initial=0.0)), -float(block.min(initial=0.0)))
