"""Which SoundFont renders the music: the argument, else ``$MUSICMAKER_SOUNDFONT``, else the best
General MIDI bank installed on the machine, else the ``TimGM6mb.sf2`` that pretty_midi ships.

Finding banks never loads one (a big bank takes seconds and hundreds of MB): each file's RIFF
header and preset table are read, the samples between them skipped with a seek. That is enough to
tell a complete General MIDI bank (128 programs and a drum kit, all of which a score may ask for)
from a file that is not a SoundFont, is damaged, or holds only some instruments.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Literal, Mapping

__all__ = [
    "SOUNDFONT_ENV",
    "SoundFontInfo",
    "choose_soundfont",
    "default_folders",
    "find_soundfonts",
    "rank_bank",
    "read_preset_chunks",
    "resolve_soundfont",
]

SOUNDFONT_ENV = "MUSICMAKER_SOUNDFONT"
_SUFFIXES = (".sf2", ".sf3")
_UNKNOWN_RANK = 50  # a complete GM bank we do not know: after the known good ones, before TimGM6mb

Source = Literal["argument", "env", "system", "bundled"]


@dataclass(frozen=True)
class SoundFontInfo:
    """A SoundFont file and what is known of it; ``reason`` says why it is not ``usable``."""

    path: Path
    name: str
    size: int
    source: Source
    usable: bool
    reason: str = ""
    note: str = ""  # a known weakness of a usable bank
    rank: int = _UNKNOWN_RANK  # lower sounds better; see _KNOWN


# -- pure: where banks install, how good each one is -----------------------------------------------
def default_folders(env: Mapping[str, str] | None = None, home: Path | None = None) -> list[Path]:
    """The folders where packages and people put SoundFonts, most specific first."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    data_home = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    prefixes = [Path(env["CONDA_PREFIX"])] if env.get("CONDA_PREFIX") else []
    if env.get("HOMEBREW_PREFIX"):
        prefixes.append(Path(env["HOMEBREW_PREFIX"]))
    # sys.prefix: a conda environment's kernel started by a Jupyter outside it has no CONDA_PREFIX
    prefixes += [Path(sys.prefix), Path("/opt/homebrew"), Path("/usr/local"), Path("/opt/local"), Path("/usr")]
    folders = [data_home / "soundfonts", home / ".soundfonts", home / "Library" / "Audio" / "Sounds" / "Banks"]
    for prefix in prefixes:  # Debian sounds/sf2|sf3, Fedora/Arch soundfonts, Homebrew fluid-synth/sf2
        folders += [prefix / "share" / "soundfonts", prefix / "share" / "sounds" / "sf2",
                    prefix / "share" / "sounds" / "sf3", prefix / "share" / "fluid-synth" / "sf2"]
    return list(dict.fromkeys(folders))


# (fragment of the lower-case file name without punctuation, display name, rank, note); the first
# match wins. Ranked by how each sounds through TinySoundFont, measured on Debian's packages:
# TinySoundFont ignores SF2.01 modulators, and MuseScore General's pianos lean on them (velocity
# layers stacked with 14-30 dB of attenuation that modulators take back), so its pianos play
# velocities 75-107, the range our scores use most, about 20 dB too soft.
_MUSESCORE_NOTE = "pianos play velocities 75-107 about 20 dB too soft here (TinySoundFont ignores their modulators)"
_KNOWN: tuple[tuple[str, str, int, str], ...] = (
    ("fluidr3mono", "FluidR3 Mono GM", 30, ""),
    ("fluidr3gm", "FluidR3 GM", 10, ""),
    ("generaluser", "GeneralUser GS", 20, ""),
    ("musescoregeneralfull", "MuseScore General (full)", 40, _MUSESCORE_NOTE),
    ("musescoregeneralhq", "MuseScore General (HQ)", 40, _MUSESCORE_NOTE),
    ("musescoregenerallite", "MuseScore General (lite)", 42, _MUSESCORE_NOTE),
    ("musescoregeneral", "MuseScore General", 41, _MUSESCORE_NOTE),
    ("timgm6mb", "TimGM6mb", 60, "small and thin, the fallback"),
    ("vintagedreamswaves", "Vintage Dreams Waves", 70, "synthesizer waveforms, not real instruments"),
)


def rank_bank(filename: str) -> tuple[int, str, str]:
    """(rank, display name, note) of a bank from its file name; lower ranks sound better."""
    key = re.sub(r"[^a-z0-9]", "", Path(filename).stem.lower())
    for fragment, name, rank, note in _KNOWN:
        if fragment in key:
            return rank, name, note
    return _UNKNOWN_RANK, Path(filename).stem, ""


def _best_first(info: SoundFontInfo) -> tuple:
    # equal banks: the bundled copy keeps what earlier versions played; bigger unknown banks are richer
    return not info.usable, info.rank, info.source != "bundled", -info.size, str(info.path)


def _header_problem(head: bytes) -> str:
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"sfbk":
        return "not a SoundFont (no RIFF sfbk header)"
    return ""


_PRESET = struct.Struct("<20sHH14x")  # phdr record: name, preset (program), bank, then unused fields


def _gm_gaps(presets: set[tuple[int, int]]) -> str:
    """Why a bank with these (bank, program) presets cannot play every General MIDI score, or ''."""
    missing = [program for program in range(128) if (0, program) not in presets]
    problems = []
    if len(missing) == 128:
        problems.append("no General MIDI instruments (bank 0)")
    elif missing:
        shown = ", ".join(map(str, missing[:6])) + (", ..." if len(missing) > 6 else "")
        problems.append(f"{len(missing)} of the 128 General MIDI programs missing ({shown})")
    if (128, 0) not in presets:
        problems.append("no standard drum kit (bank 128, preset 0)")
    return "; ".join(problems)


# -- I/O: reading headers, listing folders ---------------------------------------------------------
def _presets(f: BinaryIO) -> set[tuple[int, int]]:
    """The (bank, program) pairs of the preset table."""
    table = read_preset_chunks(f, only=(b"phdr",)).get(b"phdr")
    if table is None:
        raise ValueError("damaged: no preset headers")
    rows = [_PRESET.unpack_from(table, i) for i in range(0, len(table) - _PRESET.size, _PRESET.size)]
    return {(bank, program) for _, program, bank in rows}  # the last record only ends the list


def read_preset_chunks(f: BinaryIO, only: tuple[bytes, ...] | None = None) -> dict[bytes, bytes]:
    """The sub-chunks of the ``pdta`` list (preset, instrument and sample tables) by name, found
    by seeking over the sample data; ``only`` names the ones to read."""
    f.seek(12)
    while (head := f.read(12)) and len(head) == 12:
        kind, size, form = head[:4], int.from_bytes(head[4:8], "little"), head[8:12]
        if kind == b"LIST" and form == b"pdta":
            return _sub_chunks(f, size - 4, only)
        f.seek(f.tell() - 4 + size)
        peek = f.read(4)  # RIFF pads odd chunks to even; the sf3 converters often do not
        f.seek(-len(peek) + (size % 2 == 1 and len(peek) == 4 and peek != b"LIST"), os.SEEK_CUR)
    raise ValueError("damaged: no preset table")


_TABLE_LIMIT = 1 << 26  # a damaged size field must not make us read gigabytes


def _sub_chunks(f: BinaryIO, length: int, only: tuple[bytes, ...] | None) -> dict[bytes, bytes]:
    end, chunks = f.tell() + length, {}
    while f.tell() + 8 <= end:
        kind, size = f.read(4), int.from_bytes(f.read(4), "little")
        if only is None or kind in only:
            chunks[kind] = f.read(min(size, _TABLE_LIMIT))
            if only is not None and len(chunks) == len(only):
                break  # the probe wants the preset headers alone: the rest is not read
            f.seek(size - len(chunks[kind]) + size % 2, os.SEEK_CUR)
        else:
            f.seek(size + size % 2, os.SEEK_CUR)
    return chunks


@functools.lru_cache(maxsize=128)
def _probe(path: str, size: int, mtime_ns: int) -> tuple[str, str]:  # noqa: ARG001 - they key the cache
    """(why the file is no SoundFont at all, which General MIDI sounds it lacks), '' for none.
    Cached on the file's size and time: ``find_soundfonts`` runs for every piece."""
    try:
        with open(path, "rb") as f:
            problem = _header_problem(f.read(12))
            return (problem, "") if problem else ("", _gm_gaps(_presets(f)))
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})", ""
    except ValueError as exc:
        return str(exc), ""


def _inspect(path: Path, source: Source, *, need_gm: bool = True) -> SoundFontInfo:
    rank, name, note = rank_bank(path.name)
    try:
        stat = path.stat()
    except OSError as exc:
        return SoundFontInfo(path, name, 0, source, False, f"unreadable ({exc.strerror or exc})", rank=rank)
    problem, gaps = _probe(str(path), stat.st_size, stat.st_mtime_ns)
    if problem or (gaps and need_gm):
        return SoundFontInfo(path, name, stat.st_size, source, False, problem or gaps, rank=rank)
    # a bank someone chose by name may hold just the instruments they need: warn, do not refuse
    return SoundFontInfo(path, name, stat.st_size, source, True, note=gaps or note, rank=rank)


def _candidates(folders: Iterable[Path]) -> dict[Path, Path]:
    """Real file -> the path it was found at, for every .sf2/.sf3 directly in the folders."""
    found: dict[Path, Path] = {}
    for folder in folders:
        try:
            entries = sorted(Path(folder).expanduser().iterdir())
        except OSError:  # missing, or not ours to list
            continue
        for entry in entries:
            if entry.suffix.lower() in _SUFFIXES:
                found.setdefault(entry.resolve(), entry)  # Debian's alternatives link one bank many times
    return found


def _bundled() -> Path | None:
    spec = importlib.util.find_spec("pretty_midi")
    return Path(spec.origin).with_name("TimGM6mb.sf2") if spec and spec.origin else None


def find_soundfonts(folders: Iterable[str | os.PathLike[str]] | None = None) -> list[SoundFontInfo]:
    """Every SoundFont in ``folders`` (default: :func:`default_folders`) and the bundled one, best
    first; unusable files are listed too, last, with the reason."""
    found = _candidates(default_folders() if folders is None else map(Path, folders))
    infos = [_inspect(real, "system") for real in found]
    bundled = _bundled()
    if bundled is not None and bundled.is_file() and bundled.resolve() not in found:
        infos.append(_inspect(bundled.resolve(), "bundled"))
    return sorted(infos, key=_best_first)


def choose_soundfont(soundfont: str | os.PathLike[str] | None = None, *,
                     folders: Iterable[str | os.PathLike[str]] | None = None) -> SoundFontInfo:
    """The bank :func:`resolve_soundfont` picks, with why (``source``)."""
    if soundfont is not None:
        return _given(Path(soundfont), "soundfont", "argument")
    if os.environ.get(SOUNDFONT_ENV):
        return _given(Path(os.environ[SOUNDFONT_ENV]), SOUNDFONT_ENV, "env")
    usable = [info for info in find_soundfonts(folders) if info.usable]
    if not usable:
        raise ValueError(f"soundfont: no usable SoundFont found and pretty_midi's TimGM6mb.sf2 is missing; "
                         f"install one (see 'musicmaker soundfonts') or set ${SOUNDFONT_ENV}")
    return usable[0]


def resolve_soundfont(soundfont: str | os.PathLike[str] | None = None, *,
                      folders: Iterable[str | os.PathLike[str]] | None = None) -> Path:
    """The argument, else ``$MUSICMAKER_SOUNDFONT``, else the best General MIDI bank installed
    (see :func:`find_soundfonts`), else the one shipped with pretty_midi."""
    return choose_soundfont(soundfont, folders=folders).path


def _given(path: Path, name: str, source: Source) -> SoundFontInfo:
    path = path.expanduser()
    if not path.is_file():
        raise ValueError(f"{name}: no SoundFont file at {str(path)!r} (give an .sf2/.sf3 path)")
    info = _inspect(path.resolve(), source, need_gm=False)
    if not info.usable:
        raise ValueError(f"{name}: {str(path)!r} is {info.reason}")
    return info
