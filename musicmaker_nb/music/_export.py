"""The score as files: a General MIDI file, and one WAV stem per instrument."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pretty_midi

from ._audio import write_wav
from ._master import fade
from ._plan import MusicPlan, validate
from ._score import Part, Score, compose
from ._synth import SAMPLE_RATE, render, resolve_soundfont

__all__ = ["write_midi", "write_stems", "to_midi"]


def to_midi(plan: MusicPlan, score: Score | None = None) -> pretty_midi.PrettyMIDI:
    score = score or compose(validate(plan))
    midi = pretty_midi.PrettyMIDI(initial_tempo=plan.tempo_bpm)
    numerator = plan.beats_per_bar
    midi.time_signature_changes.append(pretty_midi.TimeSignature(numerator, 4, 0.0))
    tonic = pretty_midi.key_name_to_key_number(f"{plan.key} {'Major' if plan.mode == 'major' else 'minor'}")
    midi.key_signature_changes.append(pretty_midi.KeySignature(tonic, 0.0))
    for part in score.parts:
        midi.instruments.append(_instrument(part))
    return midi


def _instrument(part: Part) -> pretty_midi.Instrument:
    track = pretty_midi.Instrument(program=part.program, is_drum=part.is_drum, name=f"{part.role}: {part.instrument}")
    track.control_changes.append(pretty_midi.ControlChange(7, part.volume, 0.0))
    for start, end, pitch, velocity in zip(part.start.tolist(), part.end.tolist(), part.pitch.tolist(),
                                           part.velocity.tolist()):
        track.notes.append(pretty_midi.Note(velocity=int(velocity), pitch=int(pitch), start=start, end=end))
    return track


def write_midi(plan: MusicPlan, path: str | os.PathLike[str]) -> Path:
    """Write the plan's score as a Standard MIDI File (tempo, meter, key and one track per part)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_midi(plan).write(str(path))
    return path


def write_stems(plan: MusicPlan, directory: str | os.PathLike[str], *,
                soundfont: str | os.PathLike[str] | None = None) -> list[Path]:
    """One WAV per part (``01-chords-piano.wav`` ...), unmastered but all scaled by one common
    gain so that they sum to the mix's balance, with the plan's fades."""
    font = resolve_soundfont(soundfont)
    score = compose(validate(plan))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stems = [render(score, font, (part,)) for part in score.parts]
    peak = float(np.abs(sum(stems)).max()) if stems else 0.0
    gain = np.float32(0.7 / peak) if peak > 0 else np.float32(1.0)
    paths = []
    for number, (part, samples) in enumerate(zip(score.parts, stems), 1):
        samples *= gain
        fade(samples, SAMPLE_RATE, plan.fade_in_s, max(plan.fade_out_s, score.release_s))
        name = f"{number:02d}-{part.role}-{part.instrument.replace(' ', '-')}.wav"
        paths.append(write_wav(directory / name, samples, SAMPLE_RATE))
    return paths
