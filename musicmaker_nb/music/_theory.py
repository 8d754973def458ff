"""Pitch, scale and chord arithmetic, and voice leading: pure functions on MIDI numbers."""

from __future__ import annotations

import itertools

__all__ = [
    "NOTE_NAMES",
    "pitch_class",
    "scale",
    "chord",
    "voice",
    "nearest",
]

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_STEPS = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}


def pitch_class(name: str) -> int:
    """'A' -> 9, 'F#' -> 6, 'Bb' -> 10 (also '♯', '♭', 's' spellings). Raises ValueError."""
    text = name.strip().replace("♯", "#").replace("♭", "b")
    if not text or text[0].upper() not in _LETTERS:
        raise ValueError(f"key: {name!r} is not a note name (use C, C#, Db, ... B)")
    accidentals = text[1:].lower().replace("sharp", "#").replace("flat", "b").replace("s", "#")
    if any(ch not in "#b" for ch in accidentals.replace(" ", "")):
        raise ValueError(f"key: {name!r} is not a note name (use C, C#, Db, ... B)")
    return (_LETTERS[text[0].upper()] + accidentals.count("#") - accidentals.count("b")) % 12


def scale(tonic: int, mode: str) -> tuple[int, ...]:
    """The seven pitch classes of the key, tonic first."""
    if mode not in _STEPS:
        raise ValueError(f"mode: {mode!r} must be 'major' or 'minor'")
    return tuple((tonic + step) % 12 for step in _STEPS[mode])


def chord(tonic: int, mode: str, degree: int, seventh: bool = False) -> tuple[int, ...]:
    """Pitch classes of the diatonic triad (or seventh chord) on a 0-based scale degree, root first.

    In minor the dominant (degree 4) takes the raised leading tone, so cadences pull home.
    """
    pcs = scale(tonic, mode)
    tones = [pcs[(degree + step) % 7] for step in ((0, 2, 4, 6) if seventh else (0, 2, 4))]
    if mode == "minor" and degree == 4:
        tones[1] = (tones[1] + 1) % 12
    return tuple(tones)


def nearest(pc: int, around: int) -> int:
    """The MIDI note of pitch class ``pc`` closest to ``around``."""
    return around + ((pc - around + 6) % 12) - 6


def _candidates(pcs: tuple[int, ...], low: int, high: int, size: int) -> list[tuple[int, ...]]:
    notes = [n for n in range(low, high + 1) if n % 12 in pcs]
    out = []
    for combo in itertools.combinations(notes, size):
        if set(n % 12 for n in combo) >= set(pcs[:3]) and combo[-1] - combo[0] <= 14:
            out.append(combo)
    return out


def voice(pcs: tuple[int, ...], previous: tuple[int, ...] | None, low: int = 52, high: int = 76) -> tuple[int, ...]:
    """A close voicing of the chord (root, third and fifth all present) that moves the least from
    ``previous``; the first chord sits in root position in the middle of the range."""
    size = 4 if len(pcs) == 4 else 3
    options = _candidates(pcs, low, high, size)
    if previous is None:
        centre = (low + high) // 2
        rooted = [c for c in options if c[0] % 12 == pcs[0]] or options
        return min(rooted, key=lambda c: abs(sum(c) / len(c) - centre))
    return min(options, key=lambda c: (_motion(previous, c), c))


def _motion(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    if len(a) == len(b):
        return sum(abs(x - y) for x, y in zip(a, b))
    return sum(min(abs(x - y) for y in a) for x in b) + 2
