"""``MusicBackend``: plan -> Audio. The procedural SoundFont backend is the default; a neural one
(MusicGen) can stand behind the same protocol later."""

from __future__ import annotations

import os
from typing import Protocol, runtime_checkable

import numpy as np

from ._audio import Audio
from ._master import master
from ._memory import keep_freed_memory
from ._mix import MIXES, mix
from ._plan import MusicPlan, validate
from ._score import Score, compose
from ._styles import STYLES
from ._synth import SAMPLE_RATE, render_stems, resolve_soundfont

__all__ = ["MusicBackend", "ProceduralBackend", "generate"]


@runtime_checkable
class MusicBackend(Protocol):
    def generate(self, plan: MusicPlan) -> Audio:
        """Stereo 44.1 kHz audio of exactly ``plan.duration_s`` seconds, mastered."""
        ...


class ProceduralBackend:
    """Composes the plan note by note, renders each part through a General MIDI SoundFont, mixes
    them the way the style is produced and masters the mix, offline on the CPU. ``soundfont``
    (or ``$MUSICMAKER_SOUNDFONT``) picks another bank than the best one found on the machine."""

    def __init__(self, soundfont: str | os.PathLike[str] | None = None) -> None:
        self.soundfont = resolve_soundfont(soundfont)
        keep_freed_memory()  # a piece's buffers serve the next one (see ``_memory``)

    def generate(self, plan: MusicPlan) -> Audio:
        score, mixed = self.mixdown(plan)
        return self.finish(plan, score, mixed)

    def mixdown(self, plan: MusicPlan) -> tuple[Score, np.ndarray]:
        """The plan's score and its mix before mastering, float32 (n, 2)."""
        validate(plan)
        score = compose(plan)
        production = MIXES[STYLES[plan.style].mix]
        stems = render_stems(score, self.soundfont, pans=production.pans)
        return score, mix(stems, score, production, beat_s=plan.beat_s, rate=SAMPLE_RATE, seed=plan.seed)

    @staticmethod
    def finish(plan: MusicPlan, score: Score, mixed: np.ndarray) -> Audio:
        """``mixed`` (overwritten) mastered: the plan's fades, -14 LUFS, -1 dBTP."""
        done = master(mixed, SAMPLE_RATE, plan.fade_in_s, max(plan.fade_out_s, score.release_s))
        return Audio(done.samples, SAMPLE_RATE, done.lufs, done.true_peak_db)

    def __repr__(self) -> str:
        return f"ProceduralBackend(soundfont={str(self.soundfont)!r})"


def generate(plan: MusicPlan, *, soundfont: str | os.PathLike[str] | None = None,
             backend: MusicBackend | None = None) -> Audio:
    """Audio for ``plan``: through ``backend`` when given, else the procedural SoundFont backend."""
    if backend is not None and soundfont is not None:
        raise ValueError("soundfont: give it to the backend, not alongside backend=")
    return (backend or ProceduralBackend(soundfont)).generate(plan)
