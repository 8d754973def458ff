"""Music that fits the video: prompt -> plan -> score -> audio, offline on the CPU.

    from musicmaker_nb.music import plan, generate, write_midi, write_stems
    p = plan("upbeat background track for my travel video", 30.0, seed=7, cuts=[4.1, 12.9])
    print(p.describe())             # Pop, 115.9 BPM, Bb major, bright piano + bass + clean guitar + drums, 30.0 s
    audio = generate(p)             # Audio: (n, 2) float32 at 44.1 kHz, -14 LUFS, <= -1 dBTP
    audio.write_wav("track.wav"); write_midi(p, "track.mid"); write_stems(p, "stems")

No dependency on the client, the engine or the widgets.
"""

from ._audio import Audio
from ._backend import MusicBackend, ProceduralBackend, generate
from ._edit import EDITS, SWAPPABLE_PARTS, changes, edit
from ._export import write_midi, write_stems
from ._fit import CutFit
from ._master import integrated_loudness, true_peak_db
from ._plan import MusicPlan, Section, plan, prompt_choices
from ._reading import PromptError
from ._soundfonts import SOUNDFONT_ENV, SoundFontInfo, find_soundfonts, resolve_soundfont

__all__ = [
    "plan",
    "prompt_choices",
    "PromptError",
    "edit",
    "changes",
    "EDITS",
    "SWAPPABLE_PARTS",
    "generate",
    "MusicPlan",
    "Section",
    "CutFit",
    "Audio",
    "MusicBackend",
    "ProceduralBackend",
    "write_midi",
    "write_stems",
    "integrated_loudness",
    "true_peak_db",
    "resolve_soundfont",
    "find_soundfonts",
    "SoundFontInfo",
    "SOUNDFONT_ENV",
]
