"""``musicmaker soundfonts``: the SoundFonts found, best first, the one the music uses and why, and
how to get a better one."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from ._soundfonts import SOUNDFONT_ENV, SoundFontInfo, choose_soundfont, find_soundfonts, rank_bank

__all__ = ["main", "format_report", "advice"]

_WHY = {
    "argument": "given with --soundfont",
    "env": f"set by ${SOUNDFONT_ENV}",
    "system": "the best General MIDI bank found on this machine",
    "bundled": "no better bank is installed, so the one that comes with pretty_midi",
}
_BEST_RANK = rank_bank("FluidR3_GM.sf2")[0]  # nothing we know plays better through TinySoundFont
_BANKS_PAGE = "https://github.com/FluidSynth/fluidsynth/wiki/SoundFont"


def _size(n: int) -> str:
    mb = n / 1e6
    return f"{mb:.1f} MB" if mb < 10 else f"{mb:.0f} MB"


def _row(info: SoundFontInfo, used: bool) -> list[str]:
    mark = "*" if used else (" " if info.usable else "-")
    origin = "  (comes with pretty_midi)" if info.source == "bundled" else ""
    lines = [f"  {mark} {info.name:<26} {_size(info.size):>7}  {info.path}{origin}"]
    if not info.usable:
        lines.append(f"      not usable: {info.reason}")
    elif info.note:
        lines.append(f"      note: {info.note}")
    return lines


def advice(platform: str) -> list[str]:
    """Ways to install a better bank on this platform (``sys.platform``), most direct first."""
    if platform.startswith("linux"):
        ways = ["sudo apt-get install fluid-soundfont-gm      # Debian, Ubuntu: FluidR3 GM",
                "sudo pacman -S soundfont-fluid               # Arch: FluidR3 GM"]
    elif platform == "darwin":
        ways = ["sudo port install fluid-soundfont            # MacPorts: FluidR3 GM",
                "(Homebrew has no General MIDI bank: its fluid-synth ships synth waveforms only)"]
    else:
        ways = []
    return ways + [f"or download FluidR3_GM.sf2 or GeneralUser GS ({_BANKS_PAGE}) into ~/.soundfonts,",
                   f"or point ${SOUNDFONT_ENV} at any .sf2/.sf3 General MIDI bank"]


def format_report(found: list[SoundFontInfo], used: SoundFontInfo | None, platform: str, error: str = "") -> str:
    """The text ``musicmaker soundfonts`` prints; ``error`` says why no bank can be ``used``."""
    lines = ["SoundFonts found, best first (* = used):"]
    for info in found:
        lines += _row(info, used is not None and info.path == used.path)
    if used is None:
        lines.append(f"\nNo SoundFont can be used: {error}")
    else:
        if all(info.path != used.path for info in found):
            lines += _row(used, True)
        lines.append(f"\nUsed: {used.name}, {_WHY[used.source]}.")
    if used is None or used.rank > _BEST_RANK:
        lines.append("\nBetter sound, one of:")
        lines += [f"  {way}" for way in advice(platform)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="musicmaker soundfonts",
                                     description="List the SoundFonts found, best first, and the one the music uses.")
    parser.add_argument("--soundfont", metavar="PATH", help="the bank you would pass to generate(soundfont=...)")
    parser.add_argument("--folder", metavar="DIR", action="append",
                        help="look here instead of the standard folders (repeatable)")
    args = parser.parse_args(argv)
    used: SoundFontInfo | None = None
    try:
        used, error = choose_soundfont(args.soundfont, folders=args.folder), ""
    except ValueError as exc:
        error = str(exc)
    print(format_report(find_soundfonts(args.folder), used, sys.platform, error))
    return 0 if used is not None else 1
