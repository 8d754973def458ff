"""Chord progressions per harmonic language, as data: Roman numerals, one chord per bar.

Each language has progressions for major and for minor keys, per section kind (a section
picks one of its options with the seed and repeats it), and the cadence that closes the piece
(the last two bars before the final tonic). Numerals are read by ``_theory.numeral``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Progressions", "PROGRESSIONS"]


@dataclass(frozen=True)
class Progressions:
    verse: tuple[str, ...]  # options, each "I V vi IV" (space-separated, one chord per bar)
    chorus: tuple[str, ...]
    bridge: tuple[str, ...]
    cadence: str = "IV V7"  # the last two bars before the final tonic chord


def _p(verse: str | tuple[str, ...], chorus: str | tuple[str, ...], bridge: str | tuple[str, ...],
       cadence: str = "IV V7") -> Progressions:
    as_tuple = lambda v: (v,) if isinstance(v, str) else v  # noqa: E731
    return Progressions(as_tuple(verse), as_tuple(chorus), as_tuple(bridge), cadence)


_MINOR_POP = _p(("i bVI bIII bVII", "i bVII bVI bVII", "i iv bVI bVII"),
                ("bVI bIII bVII i", "bVI bVII i i", "i bVI bIII bVII"),
                ("iv bVI i bVII", "bVI bVII bIII bVI"), "bVI V7")

PROGRESSIONS: dict[str, dict[str, Progressions]] = {
    "pop": {
        "major": _p(("I V vi IV", "I vi IV V", "vi IV I V", "I IV vi V"),
                    ("IV I V vi", "I V vi IV", "vi IV I V", "IV V iii vi"),
                    ("ii IV vi V", "IV V iii vi", "vi V IV V")),
        "minor": _MINOR_POP,
    },
    "ballad": {
        "major": _p(("I V vi iii IV I IV V", "I vi IV V", "I iii IV V"),
                    ("IV V iii vi", "IV I ii V", "I V vi IV"),
                    ("vi iii IV I", "ii V iii vi"), "ii V7"),
        "minor": _p(("i iv bVII bIII", "i bVI iv V", "i bVII bVI V"),
                    ("bVI bIII bVII i", "iv bVII bIII bVI"),
                    ("bVI iv V i",), "iv V7"),
    },
    "jazz": {
        "major": _p(("Imaj7 vi7 ii7 V7", "iii7 vi7 ii7 V7", "Imaj7 VI7 ii7 V7"),
                    ("IVmaj7 iii7 ii7 V7", "ii7 V7 Imaj7 VI7", "Imaj7 IV7 iii7 VI7"),
                    ("iii7 VI7 ii7 V7", "IVmaj7 iv7 iii7 VI7"), "ii7 V7"),
        "minor": _p(("i7 iv7 bVII7 bIIImaj7", "i7 i7 iim7b5 V7", "i7 bVImaj7 iim7b5 V7"),
                    ("iv7 bVII7 bIIImaj7 bVImaj7", "i7 iv7 iim7b5 V7"),
                    ("bVImaj7 iim7b5 V7 i7",), "iim7b5 V7"),
    },
    "bossa": {
        "major": _p(("Imaj7 Imaj7 II7 II7", "Imaj7 vi7 ii7 V7"),
                    ("ii7 bII7 Imaj7 Imaj7", "IVmaj7 iv7 iii7 VI7"),
                    ("bIIImaj7 bIIImaj7 ii7 V7",), "ii7 bII7"),
        "minor": _p(("i7 i7 iv7 iv7", "i7 iv7 bVII7 bIIImaj7"),
                    ("iim7b5 V7 i7 i7", "bVImaj7 bII7 i7 i7"),
                    ("iv7 bVII7 bIIImaj7 bVImaj7",), "iim7b5 V7"),
    },
    "blues": {
        "major": _p("I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7", "I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7",
                    "IV7 IV7 I7 I7", "IV7 V7"),
        "minor": _p("i7 i7 i7 i7 iv7 iv7 i7 i7 bVI7 V7 i7 V7", "i7 iv7 i7 i7 iv7 iv7 i7 i7 bVI7 V7 i7 V7",
                    "iv7 iv7 i7 i7", "bVI7 V7"),
    },
    "gospel": {
        "major": _p(("I I7 IV iv", "I vi ii V7", "I iii IV V"),
                    ("IV V iii vi", "IV I ii7 V7", "I VI7 ii7 V7"),
                    ("vi iii IV I",), "IV V7"),
        "minor": _p(("i7 iv7 bVII7 bIIImaj7", "i iv V7 i"), ("bVI bVII i i", "iv7 V7 i i"),
                    ("bVI iv V7 i",), "iv V7"),
    },
    "rock": {
        "major": _p(("I bVII IV I", "I IV V IV", "I V bVII IV", "I IV I V"),
                    ("IV I V vi", "I V vi IV", "IV V I I"),
                    ("vi IV V V", "bVI bVII I I"), "IV V"),
        "minor": _p(("i bVII bVI bVII", "i bIII bVII IV", "i bVI bIII bVII"),
                    ("bVI bVII i i", "bIII bVII iv bVI"),
                    ("iv bVI bVII bVII",), "bVI bVII"),
    },
    "metal": {
        "major": _p(("I bVII bVI bVII", "I bIII IV I"), ("bVI bVII I I",), ("bIII IV bVI bVII",), "bVI bVII"),
        "minor": _p(("i bVI bVII i", "i bII i bVII", "i i bVI bVII"),
                    ("bVI bVII i i", "i bVI bIII bVII"),
                    ("iv bVI V V", "bII bII i i"), "bVI V"),
    },
    "funk": {
        "major": _p(("I7 I7 IV7 IV7", "I7 bVII I7 bVII"), ("IV7 IV7 I7 I7", "ii7 V7 I7 I7"),
                    ("bVII7 IV7 bVII7 IV7",), "ii7 V7"),
        "minor": _p(("i7 i7 IV7 IV7", "i7 IV7 i7 IV7"), ("iv7 bVII7 i7 i7", "bVI7 bVII7 i7 i7"),
                    ("bIIImaj7 iv7 bVImaj7 V7",), "iv7 V7"),
    },
    "disco": {
        "major": _p(("Imaj7 ii7 iii7 ii7", "ii7 V7 Imaj7 vi7"), ("IVmaj7 V7 iii7 vi7", "ii7 iii7 IVmaj7 V7"),
                    ("vi7 ii7 V7 Imaj7",), "ii7 V7"),
        "minor": _p(("i7 iv7 i7 iv7", "i7 bVII bVI bVII"), ("bVImaj7 bVII7 i7 i7", "iv7 bVII7 bIIImaj7 bVImaj7"),
                    ("bVI bVII bIII bVI",), "bVI V7"),
    },
    "soul": {
        "major": _p(("Imaj7 iii7 IVmaj7 V7", "I vi ii7 V7", "IVmaj7 iii7 ii7 Imaj7"),
                    ("IVmaj7 V7 iii7 vi7", "ii7 V7 Imaj7 vi7"), ("iii7 VI7 ii7 V7",), "ii7 V7"),
        "minor": _p(("i7 iv7 bVII7 bIIImaj7", "i9 iv9 i9 iv9"), ("bVImaj7 bVII7 i7 i7", "iv7 bVII7 bIIImaj7 bVImaj7"),
                    ("bVImaj7 iim7b5 V7 i7",), "iim7b5 V7"),
    },
    "hiphop": {
        "major": _p(("Imaj7 vi7 ii7 V7", "IVmaj7 iii7 vi7 vi7"), ("ii7 V7 Imaj7 vi7", "IVmaj7 IVmaj7 iii7 vi7"),
                    ("vi7 ii7 iii7 IVmaj7",), "ii7 V7"),
        "minor": _p(("i7 bVImaj7 i7 bVImaj7", "i7 iv7 bVII7 bIIImaj7", "i7 i7 iv7 iv7"),
                    ("bVImaj7 bVII7 i7 i7", "iv7 bVII7 bIIImaj7 bVImaj7"),
                    ("bVImaj7 iim7b5 V7 i7",), "bVImaj7 V7"),
    },
    "lofi": {
        "major": _p(("ii7 V7 Imaj7 vi7", "IVmaj7 iii7 vi7 Imaj7", "Imaj7 vi7 ii7 V7"),
                    ("IVmaj7 iv7 iii7 VI7", "ii7 V7 iii7 vi7"), ("vi7 ii7 V7 Imaj7",), "ii7 V7"),
        "minor": _p(("i7 iv7 bVII7 bIIImaj7", "iv7 bVII7 bIIImaj7 bVImaj7", "i7 bVImaj7 iv7 V7"),
                    ("bVImaj7 bVII7 i7 i7", "iv7 V7 i7 bVImaj7"), ("bVImaj7 iim7b5 V7 i7",), "iv7 V7"),
    },
    "trap": {
        "major": _p(("vi IV I V", "I V vi IV"), ("IV V vi vi",), ("ii IV vi V",), "IV V"),
        "minor": _p(("i bVI bVII i", "i i bVI bVII", "i bII i bVII"), ("bVI bVII i i", "i bVI bIII bVII"),
                    ("iv bVI V V",), "bVI V"),
    },
    "dance": {
        "major": _p(("I V vi IV", "vi IV I V", "IV V vi vi"), ("IV V vi vi", "vi IV I V", "IV I V vi"),
                    ("ii IV vi V",), "IV V"),
        "minor": _p(("i bVI bIII bVII", "i bVII bVI bVII", "bVI bVII i i"),
                    ("bVI bIII bVII i", "bVI bVII i i", "i bVI bIII bVII"),
                    ("iv bVI bVII bVII",), "bVI bVII"),
    },
    "synthwave": {
        "major": _p(("I bVII IV I", "vi IV I V", "I iii IV IV"), ("IV V vi vi", "IV I V vi"),
                    ("bVI bVII I I",), "bVI bVII"),
        "minor": _p(("i bVI bIII bVII", "i bVI bVII bVII", "i iv bVI bVII"),
                    ("bVI bVII i i", "bVI bIII bVII i"), ("iv bVI bVII bVII",), "bVI bVII"),
    },
    "reggae": {
        "major": _p(("I IV I V", "I vi IV V", "I IV V IV"), ("IV I V I", "IV V I vi"),
                    ("vi V IV V",), "IV V"),
        "minor": _p(("i iv i bVII", "i bVII i bVII", "i iv bVII bIII"), ("bVI bVII i i", "iv bVII i i"),
                    ("bIII bVII iv iv",), "bVI bVII"),
    },
    "latin": {
        "major": _p(("I IV V7 IV", "ii7 V7 I I", "I vi ii V7"), ("IV V7 I I", "ii7 V7 iii7 VI7"),
                    ("vi ii V7 I",), "ii7 V7"),
        "minor": _p(("i iv V7 i", "i bVII bVI V7", "i7 iv7 bVII7 bIIImaj7"),
                    ("iv V7 i i", "bVI bVII i i"), ("iv i V7 i",), "iv V7"),
    },
    "tango": {
        "major": _p(("I V7 V7 I", "I IV V7 I"), ("IV I V7 I",), ("vi ii V7 I",), "ii V7"),
        "minor": _p(("i iv V7 i", "i bVII bVI V7", "i i V7 V7"), ("iv i V7 i", "bVI V7 i i"),
                    ("iv bVII bIII bVI",), "iv V7"),
    },
    "folk": {
        "major": _p(("I IV I V", "I I IV I", "I V IV I", "I vi IV V"), ("IV I V I", "IV V I I", "vi IV I V"),
                    ("vi IV I V", "ii V I I"), "IV V"),
        "minor": _p(("i bVII i bVII", "i bIII bVII i", "i iv bVII i"), ("bIII bVII i i", "bVI bVII i i"),
                    ("iv bVII bIII bIII",), "bVI bVII"),
    },
    "celtic": {
        "major": _p(("I bVII IV I", "I IV I bVII", "I V vi IV"), ("IV I bVII I", "I bVII I IV"),
                    ("vi IV bVII I",), "IV bVII"),
        "minor": _p(("i bVII bVI bVII", "i bVII i bVII", "i IV i bVII"), ("bIII bVII i i", "bVI bVII i i"),
                    ("iv bVII bIII bIII",), "bVI bVII"),
    },
    "pentatonic": {  # Chinese and other pentatonic traditions: open chords, few leading tones
        "major": _p(("Isus2 vi Isus2 V", "I vi iii IV", "vi Isus2 ii V"), ("IV I vi I", "vi iii IV I"),
                    ("ii V vi Isus2",), "ii V"),
        "minor": _p(("i bVII i bVII", "i bIII bVII i", "i iv i bVII"), ("bIII bVII i i", "bVI bIII i i"),
                    ("iv bVII bIII i",), "iv bVII"),
    },
    "japanese": {
        "major": _p(("I vi I IV", "Isus2 IV I bVII"), ("IV I vi I",), ("vi IV I V",), "ii V"),
        "minor": _p(("i bII i bVI", "i bVI bII i"), ("bVI bII i i", "iv bII i i"), ("bVI bVII i i",), "bVI bII"),
    },
    "drone": {  # Indian colour: the harmony stays on the tonic, the melody moves
        "major": _p(("I I bII I", "I I I bII"), ("I bII I I",), ("bII bII I I",), "bII bII"),
        "minor": _p(("i i bII i", "i i i bII"), ("i bII i i",), ("bII bII i i",), "bII bII"),
    },
    "classical": {
        "major": _p(("I IV V I", "I vi ii V", "I V vi iii IV I IV V"), ("IV V iii vi", "ii V I vi", "IV I ii V"),
                    ("vi ii V I", "iii vi ii V"), "ii V7"),
        "minor": _p(("i iv V i", "i bVI iv V", "i iv bVII bIII bVI iim7b5 V i"),
                    ("bVI iv V i", "iv V i bVI"), ("bIII bVI iim7b5 V",), "iv V7"),
    },
    "cinematic": {
        "major": _p(("I V vi IV", "I bVI bVII I", "I iii IV I"), ("IV V vi I", "bVI bVII I I", "I V vi IV"),
                    ("vi IV I V", "bVI IV bVII V"), "bVI bVII"),
        "minor": _p(("i bVI bIII bVII", "i bVI iv bVII", "i i bVI bVI"), ("bVI bVII i i", "bVI bIII bVII i"),
                    ("iv bVI bVII V", "bII bII i i"), "bVI V"),
    },
    "ambient": {
        "major": _p(("Imaj7 IVmaj7 Imaj7 IVmaj7", "Iadd9 vi7 IVmaj7 IVmaj7"), ("vi7 IVmaj7 Iadd9 V",),
                    ("IVmaj7 iii7 vi7 vi7",), "IVmaj7 V"),
        "minor": _p(("i7 bVImaj7 i7 bVImaj7", "iadd9 iv7 iadd9 iv7"), ("bVImaj7 bIIImaj7 bVII i7",),
                    ("iv7 bVImaj7 bVII bVII",), "bVImaj7 bVII"),
    },
    "lullaby": {
        "major": _p(("I IV I V", "I vi IV V", "I I IV I"), ("IV I V I", "IV I ii V"), ("vi IV I V",), "IV V7"),
        "minor": _p(("i iv i V", "i bVI iv V"), ("iv i V i",), ("bVI iv V i",), "iv V7"),
    },
    "kids": {
        "major": _p(("I IV V I", "I vi ii V", "I I IV V"), ("IV V I vi", "IV I V I"), ("ii V I I",), "IV V7"),
        "minor": _p(("i iv V i", "i bVII bVI V"), ("bVI bVII i i",), ("iv V i i",), "iv V7"),
    },
    "christmas": {
        "major": _p(("I vi ii V7", "I I7 IV iv", "I IV I V7"), ("IV I ii7 V7", "IV iv I VI7"),
                    ("ii7 V7 I VI7",), "ii7 V7"),
        "minor": _p(("i iv V7 i", "i bVI iv V7"), ("bVI bVII i i",), ("iv V7 i i",), "iv V7"),
    },
    "waltz": {
        "major": _p(("I I V7 V7", "I IV V7 I", "I vi ii V7"), ("IV I V7 I", "ii V7 I I"), ("vi ii V7 I",), "ii7 V7"),
        "minor": _p(("i i V7 V7", "i iv V7 i"), ("iv i V7 i", "bVI iv V7 i"), ("bIII bVI iv V7",), "iv V7"),
    },
}
