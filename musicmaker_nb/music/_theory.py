"""Pitch, scale and chord arithmetic, and voice leading: pure functions on MIDI numbers.

Chords are written as Roman numerals relative to the tonic of the key, measured on the major
scale whatever the mode ("i bVI bIII bVII" in minor, "I bVII IV" for a rock or Celtic
mixolydian turn): the case gives the triad's quality, a suffix its extension.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

__all__ = [
    "NOTE_NAMES",
    "SCALES",
    "pitch_class",
    "scale",
    "numeral",
    "voice",
    "nearest",
]

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# Scales as semitones above the tonic. The five- and six-note ones colour melodies; harmony
# always comes from the numerals.
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "harmonic minor": (0, 2, 3, 5, 7, 8, 11),
    "major pentatonic": (0, 2, 4, 7, 9),
    "minor pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "major blues": (0, 2, 3, 4, 7, 9),
    "in": (0, 1, 5, 7, 8),  # the Japanese miyako-bushi scale
    "bhairav": (0, 1, 4, 5, 7, 8, 11),  # a raga scale; double harmonic
}
_ROOTS = {"i": 0, "ii": 2, "iii": 4, "iv": 5, "v": 7, "vi": 9, "vii": 11}
# suffix -> intervals above the root, for a major (upper-case) and a minor (lower-case) numeral
_QUALITIES: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "": ((0, 4, 7), (0, 3, 7)),
    "7": ((0, 4, 7, 10), (0, 3, 7, 10)),
    "maj7": ((0, 4, 7, 11), (0, 3, 7, 11)),
    "6": ((0, 4, 7, 9), (0, 3, 7, 9)),
    "9": ((0, 4, 7, 10, 2), (0, 3, 7, 10, 2)),
    "add9": ((0, 4, 7, 2), (0, 3, 7, 2)),
    "sus4": ((0, 5, 7), (0, 5, 7)),
    "sus2": ((0, 2, 7), (0, 2, 7)),
    "dim": ((0, 3, 6), (0, 3, 6)),
    "dim7": ((0, 3, 6, 9), (0, 3, 6, 9)),
    "m7b5": ((0, 3, 6, 10), (0, 3, 6, 10)),
    "aug": ((0, 4, 8), (0, 4, 8)),
}
_NUMERAL = re.compile(r"^([b#]?)(VII|VI|V|IV|III|II|I|vii|vi|v|iv|iii|ii|i)(.*)$")


def pitch_class(name: str) -> int:
    """'A' -> 9, 'F#' -> 6, 'Bb' -> 10 (also '♯', '♭', 's' spellings). Raises ValueError."""
    text = name.strip().replace("♯", "#").replace("♭", "b")
    if not text or text[0].upper() not in _LETTERS:
        raise ValueError(f"key: {name!r} is not a note name (use C, C#, Db, ... B)")
    accidentals = text[1:].lower()
    for spelled, sign in (("-sharp", "#"), ("-flat", "b"), ("sharp", "#"), ("flat", "b"), ("s", "#")):
        accidentals = accidentals.replace(spelled, sign)  # "E-flat" as the prompt reader accepts it
    if any(ch not in "#b" for ch in accidentals.replace(" ", "")):
        raise ValueError(f"key: {name!r} is not a note name (use C, C#, Db, ... B)")
    return (_LETTERS[text[0].upper()] + accidentals.count("#") - accidentals.count("b")) % 12


def scale(tonic: int, name: str) -> tuple[int, ...]:
    """The pitch classes of a scale (see ``SCALES``), tonic first."""
    if name not in SCALES:
        raise ValueError(f"scale: {name!r} is not one of {sorted(SCALES)}")
    return tuple((tonic + step) % 12 for step in SCALES[name])


@lru_cache(maxsize=512)
def numeral(tonic: int, text: str) -> tuple[int, ...]:
    """Pitch classes of the chord a Roman numeral names in the key of ``tonic``, root first:
    ``numeral(0, "V7")`` -> (7, 11, 2, 5); ``numeral(9, "bVI")`` -> (5, 9, 0)."""
    match = _NUMERAL.match(text)
    if not match or match.group(3) not in _QUALITIES:
        raise ValueError(f"progression: {text!r} is not a chord numeral (e.g. I, vi, V7, bVII, iim7b5)")
    accidental, roman, suffix = match.groups()
    root = (tonic + _ROOTS[roman.lower()] + {"b": -1, "#": 1, "": 0}[accidental]) % 12
    intervals = _QUALITIES[suffix][roman.islower()]
    return tuple((root + step) % 12 for step in intervals)


def nearest(pc: int, around: int) -> int:
    """The MIDI note of pitch class ``pc`` closest to ``around``."""
    return around + ((pc - around + 6) % 12) - 6


@lru_cache(maxsize=4096)
def _candidates(pcs: tuple[int, ...], low: int, high: int, size: int) -> tuple[tuple[int, ...], ...]:
    notes = [n for n in range(low, high + 1) if n % 12 in pcs]
    out = []
    for combo in itertools.combinations(notes, size):
        if set(n % 12 for n in combo) >= set(pcs[:3]) and combo[-1] - combo[0] <= 14:
            out.append(combo)
    return tuple(out)


def voice(pcs: tuple[int, ...], previous: tuple[int, ...] | None, low: int = 52, high: int = 76) -> tuple[int, ...]:
    """A close voicing of the chord (root, third and fifth all present) that moves the least from
    ``previous``; the first chord sits in root position in the middle of the range."""
    size = 4 if len(pcs) >= 4 else 3
    options = _candidates(tuple(pcs[:4]), low, high, size)
    if previous is None:
        centre = (low + high) // 2
        rooted = [c for c in options if c[0] % 12 == pcs[0]] or options
        return min(rooted, key=lambda c: abs(sum(c) / len(c) - centre))
    return min(options, key=lambda c: (_motion(previous, c), c))


def _motion(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    if len(a) == len(b):
        return sum(abs(x - y) for x, y in zip(a, b))
    return sum(min(abs(x - y) for y in a) for x in b) + 2
