"""A listening gallery: one short piece per style, written as a compressed audio file, a
spectrogram and a card on one ``index.html``, so the whole range can be heard and seen in a minute.

    build_gallery("gallery", styles=["pop", "jazz"], seconds=12)   # -> gallery/index.html
"""

from __future__ import annotations

import datetime
import functools
import os
import subprocess
from pathlib import Path
from typing import Callable, Iterable

import imageio_ffmpeg
import numpy as np

from ._backend import ProceduralBackend
from ._gallery_page import Piece, page_html
from ._plan import plan
from ._soundfonts import resolve_soundfont
from ._spectrogram import spectrogram_png
from ._styles import STYLES

__all__ = ["build_gallery", "check_styles", "encode_audio", "audio_format", "AUDIO_BITRATE"]

AUDIO_BITRATE = "112k"  # MP3 near transparent for a preview; 52 pieces of 12 s stay under 9 MB
_AUDIO_DIR, _IMAGE_DIR = "audio", "spectrograms"


def check_styles(styles: Iterable[str] | None) -> list[str]:
    """The style keys asked for (a list or "pop,jazz"; all, in the library's order, for None); a
    ValueError lists the known ones."""
    if styles is None:
        return list(STYLES)
    if isinstance(styles, str):  # "pop,jazz" as the CLI takes it, not the letters of one name
        styles = styles.split(",")
    chosen = [s.strip() for s in styles if s.strip()]
    unknown = [s for s in chosen if s not in STYLES]
    if unknown:
        raise ValueError(f"unknown style {', '.join(map(repr, unknown))}; known styles: {', '.join(STYLES)}")
    if not chosen:
        raise ValueError(f"no style given; known styles: {', '.join(STYLES)}")
    return list(dict.fromkeys(chosen))


@functools.lru_cache(maxsize=None)
def audio_format(ffmpeg: str) -> tuple[str, str]:
    """(encoder, file suffix): MP3, which every browser plays, when this ffmpeg has LAME, else AAC."""
    listed = subprocess.run([ffmpeg, "-hide_banner", "-encoders"], capture_output=True, text=True).stdout
    return ("libmp3lame", ".mp3") if "libmp3lame" in listed else ("aac", ".m4a")


def encode_audio(samples: np.ndarray, rate: int, path: Path, *, ffmpeg: str | None = None,
                 encoder: str = "libmp3lame") -> Path:
    """Encode float32 stereo ``samples`` to ``path`` through ffmpeg's stdin (no temporary WAV)."""
    ffmpeg = ffmpeg or imageio_ffmpeg.get_ffmpeg_exe()
    pcm = np.ascontiguousarray(samples, dtype="<f4")
    target = os.path.abspath(path)  # absolute, so a name beginning with '-' is never read as an option
    args = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "f32le", "-ar", str(rate),
            "-ac", str(pcm.shape[1]), "-i", "pipe:0", "-c:a", encoder, "-b:a", AUDIO_BITRATE, target]
    done = subprocess.run(args, input=pcm.tobytes(), capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not encode {path}: {done.stderr.decode(errors='replace')[-1500:]}")
    return path


def _prepare(folder: Path) -> None:
    """Make the folders before any rendering, so an unwritable place fails at once."""
    for sub in (_AUDIO_DIR, _IMAGE_DIR):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    probe = folder / ".write-test"
    probe.write_bytes(b"")
    probe.unlink()


def _render(style: str, folder: Path, backend: ProceduralBackend, seconds: float, seed: int,
            ffmpeg: str, encoder: str, suffix: str) -> Piece:
    info = STYLES[style]
    music = plan(info.label, seconds, seed=seed, style=style)
    audio = backend.generate(music)
    sound = f"{_AUDIO_DIR}/{style}{suffix}"
    encode_audio(audio.samples, audio.sample_rate, folder / sound, ffmpeg=ffmpeg, encoder=encoder)
    picture = f"{_IMAGE_DIR}/{style}.png"
    (folder / picture).write_bytes(spectrogram_png(audio.samples, audio.sample_rate))
    return Piece(style, info.label, info.family, music.describe(), sound, picture, audio.lufs, audio.true_peak_db)


def build_gallery(folder: str | os.PathLike[str], *, styles: Iterable[str] | None = None, seconds: float = 12.0,
                  seed: int = 1, soundfont: str | os.PathLike[str] | None = None,
                  on_progress: Callable[[int, int, Piece], None] | None = None) -> Path:
    """Render ``seconds`` of each style (all 52 by default) into ``folder`` (``audio/``,
    ``spectrograms/``, ``index.html``) and return the page's path. ``on_progress(done, total, piece)``
    is called after each style. Files of styles not asked for this time are left alone."""
    chosen = check_styles(styles)
    folder = Path(folder)
    font = resolve_soundfont(soundfont)
    backend = ProceduralBackend(font)
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    encoder, suffix = audio_format(ffmpeg)  # asks ffmpeg once, not once per style
    _prepare(folder)
    pieces = []
    for number, style in enumerate(chosen, 1):
        pieces.append(_render(style, folder, backend, seconds, seed, ffmpeg, encoder, suffix))
        if on_progress is not None:
            on_progress(number, len(chosen), pieces[-1])
    page = folder / "index.html"
    page.write_text(page_html(pieces, soundfont=str(font), seed=seed, seconds=seconds,
                              date=datetime.date.today().isoformat()), encoding="utf-8")
    return page
