"""Rhythmic figures for the pitched parts, as data: bass lines, chord comping, melody cells.

All on the sixteenth-note grid (16 steps in a 4/4 bar, 12 in 3/4); a tuple of several bars
alternates bar by bar. Bass tones: 0 root, 1 fifth, 2 octave, 3 chromatic approach to the next
bar's root, 4 any chord tone, 5 third, 6 seventh, 7 a scale step towards the next root, 8 the
fifth below, 9 the sixth. Comping hits name the notes of the voicing they play: ``*`` all of
them, ``r`` the lowest, ``u`` all but the lowest, or digits (0 = lowest); ``strum`` spreads the
notes over that many milliseconds, low to high (negative: an up-stroke, high to low).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BassNote", "Hit", "BASS", "COMP", "MELODY_CELLS", "END_CELLS", "FOLLOW_KICK"]

FOLLOW_KICK = "kick"  # a bass style that plays wherever the kick drum does, until its next hit


class BassNote(NamedTuple):
    step: int
    length: int
    tone: int


class Hit(NamedTuple):
    step: int
    length: int
    accent: float
    tones: str = "*"
    strum_ms: float = 0.0


def _bass(*bars: str) -> tuple[tuple[BassNote, ...], ...]:
    """'0:6:0 6:2:0' -> bass notes (step:length:tone), one string per bar."""
    return tuple(tuple(BassNote(*map(int, item.split(":"))) for item in bar.split()) for bar in bars)


BASS: dict[str, tuple[tuple[BassNote, ...], ...]] = {
    "pop": _bass("0:6:0 6:2:0 8:6:0 14:2:1"),
    "eighths": _bass("0:2:0 2:2:0 4:2:0 6:2:0 8:2:0 10:2:0 12:2:0 14:2:0"),
    "octaves": _bass("0:2:0 2:2:2 4:2:0 6:2:2 8:2:0 10:2:2 12:2:0 14:2:2"),
    "offbeat": _bass("2:2:0 6:2:0 10:2:0 14:2:0"),
    "rolling": _bass("1:1:0 2:1:0 3:1:0 5:1:0 6:1:0 7:1:0 9:1:0 10:1:0 11:1:0 13:1:0 14:1:0 15:1:2"),
    "hiphop": _bass("0:6:0 10:4:0", "0:6:0 8:4:0 14:2:1"),
    "walking": _bass("0:4:0 4:4:7 8:4:1 12:4:3", "0:4:0 4:4:5 8:4:1 12:4:3"),
    "whole": _bass("0:16:0"),
    "halves": _bass("0:8:0 8:8:1"),
    "boomchick": _bass("0:4:0 8:4:8", "0:4:0 8:4:1"),
    "waltz": _bass("0:4:0", "0:4:8"),
    "funk": _bass("0:2:0 3:1:2 6:2:0 8:1:0 10:2:6 13:1:2 14:2:0", "0:3:0 4:1:2 6:2:0 10:1:0 11:1:5 12:2:1 14:2:3"),
    "reggae": _bass("0:4:0 6:2:1 8:2:2 12:3:1", "0:4:0 6:2:5 8:4:1 14:2:0"),
    "dembow": _bass("0:3:0 3:3:0 6:2:0 8:3:0 11:3:0 14:2:1"),
    "tumbao": _bass("6:4:1 12:4:0", "6:4:1 12:2:0 14:2:3"),
    "bossa": _bass("0:6:0 6:2:1 8:6:1 14:2:0"),
    "tango": _bass("0:3:0 4:3:0 8:3:1 12:3:0", "0:3:0 4:3:1 8:3:0 12:2:3"),
    "boogie": _bass("0:2:0 2:2:5 4:2:1 6:2:9 8:2:6 10:2:9 12:2:1 14:2:5"),
    "synth": _bass("0:2:0 2:2:0 4:2:2 6:2:0 8:2:0 10:2:0 12:2:2 14:2:0"),
    "afro": _bass("0:3:0 3:1:0 6:2:1 10:2:0 12:2:5 14:2:1"),
    "gospel": _bass("0:4:0 6:2:2 8:4:1 12:2:5 14:2:3"),
    "bounce": _bass("0:4:0 4:4:1 8:4:0 12:4:1"),
    "ballad": _bass("0:8:0 8:6:1 14:2:3", "0:12:0 12:4:5"),
    "soul": _bass("0:3:0 3:3:0 6:2:1 8:4:0 14:2:3", "0:6:0 6:2:2 8:4:1 12:2:5 14:2:3"),
    "disco": _bass("0:2:0 2:2:2 4:2:0 6:2:2 8:2:0 10:2:2 12:2:1 14:2:2"),
    "chug": _bass(" ".join(f"{s}:1:0" for s in range(16)), "0:1:0 1:1:0 2:1:0 3:1:0 4:2:0 6:1:0 7:1:0 8:1:0 9:1:0 10:2:0 12:1:0 13:1:0 14:1:0 15:1:0"),
    FOLLOW_KICK: (),
}


def _comp(*bars: str) -> tuple[tuple[Hit, ...], ...]:
    """'0:6:1.0 6:6:0.8:u:-20' -> hits (step:length:accent[:tones[:strum ms]]), one string per bar."""
    def hit(item: str) -> Hit:
        step, length, accent, *rest = item.split(":")
        return Hit(int(step), int(length), float(accent), rest[0] if rest else "*", float(rest[1]) if len(rest) > 1 else 0.0)

    return tuple(tuple(hit(item) for item in bar.split()) for bar in bars)


_BEATS8 = " ".join(f"{s}:2:{1.0 if s % 8 == 0 else 0.8 if s % 4 == 0 else 0.65}" for s in range(0, 16, 2))
COMP: dict[str, tuple[tuple[Hit, ...], ...]] = {
    "sustain": _comp("0:16:1"),
    "halves": _comp("0:8:1 8:8:0.9"),
    "pop": _comp("0:6:1 6:6:0.8 12:4:0.85"),
    "pop_piano": _comp("0:4:1 4:2:0.7 6:2:0.8 8:4:0.9 12:4:0.8"),
    "power": _comp(_BEATS8),
    "punk": _comp(" ".join(f"{s}:2:1" for s in range(0, 16, 2))),
    # palm-muted sixteenths with an open accent: a metal rhythm guitar
    "chug": _comp(" ".join(f"{s}:{2 if s % 4 == 0 else 1}:{1.0 if s % 4 == 0 else 0.7}:r" for s in range(16))),
    "stabs": _comp("2:2:0.9 6:2:0.8 10:2:0.9 14:2:0.8"),
    "house": _comp("0:2:1 3:2:0.8 6:2:0.9 10:2:0.8 12:2:0.8", "2:2:0.9 6:2:0.8 10:2:0.9 14:2:0.8"),
    "lazy": _comp("0:7:1:*:30 10:6:0.7:*:30"),
    "jazz": _comp("0:3:0.9 6:4:1", "2:2:0.8 7:5:1"),
    "strum": _comp("0:4:1:*:24 4:2:0.8:*:20 6:4:0.7:*:-14 10:2:0.7:*:-14 12:2:0.9:*:20 14:2:0.7:*:-14"),
    "strum_slow": _comp("0:8:1:*:40 8:4:0.8:*:30 12:4:0.7:*:-20"),
    "skank": _comp("4:2:0.9:u 12:2:0.9:u"),
    "montuno": _comp("0:2:1:r 3:2:0.8:u 6:2:0.9:r 8:2:0.8:u 11:2:0.9:u 14:2:0.8:r"),
    "bossa": _comp("0:3:0.9:u 3:3:0.8:u 6:4:0.9:u 10:3:0.8:u 13:3:0.8:u", "0:3:0.9:u 6:4:0.9:u 10:3:0.8:u"),
    "funk": _comp("0:1:1:u 3:1:0.7:u 6:2:0.9:u 10:1:0.7:u 11:1:0.8:u 14:2:0.9:u"),
    "disco": _comp("2:1:0.8:u 6:1:0.8:u 10:1:0.8:u 14:1:0.8:u"),
    "gospel": _comp("0:3:1 3:3:0.8 6:2:0.9 8:3:1 11:3:0.8 14:2:0.9"),
    "ostinato": _comp(" ".join(f"{s}:2:{1.0 if s % 4 == 0 else 0.6}" for s in range(0, 16, 2))),
    "ostinato16": _comp(" ".join(f"{s}:1:{1.0 if s % 4 == 0 else 0.55}" for s in range(16))),
    "arp_up": _comp(" ".join(f"{s}:1:{0.95 if s % 4 == 0 else 0.7}:{s % 4}" for s in range(16))),
    "arp8": _comp("0:2:1:0 2:2:0.7:1 4:2:0.8:2 6:2:0.7:1 8:2:0.9:0 10:2:0.7:1 12:2:0.8:2 14:2:0.7:3"),
    "alberti": _comp("0:2:1:0 2:2:0.6:2 4:2:0.8:1 6:2:0.6:2 8:2:0.9:0 10:2:0.6:2 12:2:0.8:1 14:2:0.6:2"),
    "broken": _comp("0:4:1:0 4:4:0.8:2 8:4:0.9:1 12:4:0.8:2"),
    "picking": _comp("0:2:1:0 2:2:0.7:2 4:2:0.8:1 6:2:0.7:3 8:2:0.9:0 10:2:0.7:2 12:2:0.8:1 14:2:0.7:3"),
    "roll": _comp("0:2:1:0 2:2:0.8:1 4:2:0.8:3 6:2:0.9:0 8:2:0.8:1 10:2:0.8:3 12:2:0.9:0 14:2:0.8:1"),
    "oompah": _comp("0:3:1:r 4:3:0.8:u 8:3:0.9:r 12:3:0.8:u"),
    "tango": _comp("0:2:1 4:2:0.9 8:2:1 12:2:0.9", "0:2:1 4:2:0.9 8:2:1 11:1:0.8 12:2:1"),
    "gate": _comp(" ".join(f"{s}:1:{0.95 if s % 4 == 0 else 0.7}" for s, m in enumerate("x.xx.xx.x.xx.xx.") if m == "x")),
    "synth8": _comp(" ".join(f"{s}:2:{0.9 if s % 4 == 0 else 0.7}" for s in range(0, 16, 2))),
    "chip": _comp(" ".join(f"{s}:1:0.8:{s % 3}" for s in range(16))),
    "soul": _comp("0:6:1 6:2:0.7:u 8:8:0.9"),
    "waltz": _comp("4:4:0.8:u 8:4:0.75:u"),
    "waltz_strum": _comp("0:4:1:*:24 4:4:0.75:*:18 8:4:0.75:*:18"),
    "waltz_arp": _comp("0:2:1:0 2:2:0.7:1 4:2:0.8:2 6:2:0.7:3 8:2:0.8:2 10:2:0.7:1"),
}

# Melody rhythm cells, (step, length) per bar, by character.
MELODY_CELLS: dict[str, dict[int, tuple[tuple[tuple[int, int], ...], ...]]] = {
    "song": {
        4: (((0, 4), (4, 2), (6, 2), (8, 4), (12, 4)), ((0, 6), (6, 2), (8, 8)),
            ((0, 2), (2, 2), (4, 4), (8, 2), (10, 2), (12, 4)), ((0, 4), (4, 4), (8, 8)),
            ((2, 2), (4, 2), (6, 4), (10, 2), (12, 4))),
        3: (((0, 4), (4, 4), (8, 4)), ((0, 8), (8, 4)), ((0, 6), (6, 2), (8, 4)), ((0, 4), (4, 2), (6, 2), (8, 4))),
    },
    "busy": {
        4: (((0, 2), (2, 2), (4, 2), (6, 2), (8, 2), (10, 2), (12, 4)), ((0, 2), (2, 1), (3, 1), (4, 2), (6, 2), (8, 4), (12, 2), (14, 2)),
            ((0, 3), (3, 3), (6, 2), (8, 2), (10, 2), (12, 2), (14, 2)), ((2, 2), (4, 2), (6, 2), (8, 2), (10, 6))),
        3: (((0, 2), (2, 2), (4, 2), (6, 2), (8, 4)), ((0, 4), (4, 2), (6, 2), (8, 2), (10, 2))),
    },
    "syncopated": {
        4: (((0, 3), (3, 3), (6, 2), (8, 2), (10, 4)), ((0, 2), (3, 3), (6, 4), (12, 4)),
            ((2, 2), (4, 2), (7, 3), (10, 2), (12, 4)), ((0, 3), (3, 5), (8, 3), (11, 5))),
        3: (((0, 3), (3, 3), (6, 6)), ((0, 2), (3, 3), (6, 2), (8, 4))),
    },
    "sparse": {
        4: (((0, 8), (8, 8)), ((0, 12), (12, 4)), ((0, 16),), ((4, 12),)),
        3: (((0, 12),), ((0, 8), (8, 4))),
    },
    "dotted": {
        4: (((0, 3), (3, 1), (4, 4), (8, 3), (11, 1), (12, 4)), ((0, 6), (6, 2), (8, 8)),
            ((0, 3), (3, 1), (4, 3), (7, 1), (8, 8)), ((0, 4), (4, 3), (7, 1), (8, 8))),
        3: (((0, 3), (3, 1), (4, 4), (8, 4)), ((0, 6), (6, 2), (8, 4))),
    },
}
END_CELLS = {4: (((0, 4), (4, 12)), ((0, 16),)), 3: (((0, 4), (4, 8)), ((0, 12),))}
