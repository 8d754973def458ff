"""The instruments a plan can name: General MIDI program, the part each one plays by nature, and
the register it sounds best in. Instruments General MIDI lacks (ukulele, guzheng, erhu, dizi)
are named here by what they are and played by their nearest General MIDI timbre."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Instrument", "INSTRUMENTS", "DRUM_KIT", "KITS", "ROLES", "FAMILIES", "family_of"]

DRUM_KIT = "drums"
# the parts a plan can have, in the score's mixing order
ROLES = ("pad", "chords", "bass", "arp", "melody", "timpani", "drums")


@dataclass(frozen=True)
class Instrument:
    program: int  # General MIDI program, 0-based
    role: str  # the part it takes when a prompt names it: melody, chords, pad, bass, arp, timpani
    low: int  # the melody register it sounds best in (MIDI notes)
    high: int


def _lead(program: int, low: int = 62, high: int = 81) -> Instrument:
    return Instrument(program, "melody", low, high)


INSTRUMENTS: dict[str, Instrument] = {
    # keys
    "piano": Instrument(0, "chords", 60, 84),
    "bright piano": Instrument(1, "chords", 60, 84),
    "honky-tonk piano": Instrument(3, "chords", 60, 84),
    "electric piano": Instrument(4, "chords", 60, 81),
    "fm piano": Instrument(5, "chords", 60, 84),
    "harpsichord": Instrument(6, "chords", 60, 84),
    "clavinet": Instrument(7, "chords", 55, 76),
    "organ": Instrument(16, "pad", 55, 79),
    "rock organ": Instrument(18, "chords", 55, 79),
    "church organ": Instrument(19, "pad", 48, 79),
    "accordion": Instrument(21, "melody", 60, 81),
    "harmonica": _lead(22, 60, 84),
    "bandoneon": Instrument(23, "chords", 55, 79),
    # mallets and bells
    "celesta": _lead(8, 72, 96),
    "glockenspiel": _lead(9, 76, 96),
    "music box": _lead(10, 72, 96),
    "vibraphone": _lead(11, 62, 84),
    "marimba": _lead(12, 60, 84),
    "xylophone": _lead(13, 72, 96),
    "tubular bells": _lead(14, 60, 77),
    "kalimba": _lead(108, 64, 86),
    "steel drums": _lead(114, 62, 84),
    # guitars and plucked strings
    "nylon guitar": Instrument(24, "chords", 55, 79),
    "acoustic guitar": Instrument(25, "chords", 55, 79),
    "jazz guitar": Instrument(26, "chords", 55, 79),
    "clean guitar": Instrument(27, "melody", 60, 81),
    "muted guitar": Instrument(28, "chords", 52, 74),
    "overdriven guitar": Instrument(29, "chords", 52, 76),
    "distortion guitar": Instrument(30, "chords", 52, 76),
    "banjo": Instrument(105, "chords", 60, 81),
    "mandolin": _lead(105, 67, 88),
    "sitar": _lead(104, 60, 81),
    "koto": _lead(107, 62, 86),
    "shamisen": _lead(106, 60, 81),
    "harp": Instrument(46, "arp", 55, 86),
    "pizzicato strings": Instrument(45, "arp", 55, 79),
    # bass
    "acoustic bass": Instrument(32, "bass", 28, 52),
    "bass": Instrument(33, "bass", 28, 52),
    "picked bass": Instrument(34, "bass", 28, 52),
    "fretless bass": Instrument(35, "bass", 28, 52),
    "slap bass": Instrument(36, "bass", 28, 52),
    "synth bass": Instrument(38, "bass", 28, 52),
    "808 bass": Instrument(39, "bass", 24, 48),
    "contrabass": Instrument(43, "bass", 28, 52),
    "tuba": Instrument(58, "bass", 28, 52),
    # strings
    "violin": _lead(40, 64, 88),
    "viola": _lead(41, 55, 79),
    "cello": Instrument(42, "melody", 48, 72),
    "erhu": _lead(110, 62, 84),
    "fiddle": _lead(110, 62, 86),
    "strings": Instrument(48, "pad", 48, 79),
    "slow strings": Instrument(49, "pad", 48, 79),
    "synth strings": Instrument(50, "pad", 48, 79),
    "choir": Instrument(52, "pad", 52, 76),
    "voice": _lead(53, 55, 76),  # a singer's "ooh": named, it sings the melody
    "orchestra hit": Instrument(55, "chords", 55, 79),
    "timpani": Instrument(47, "timpani", 36, 55),
    # brass and winds
    "trumpet": _lead(56, 60, 81),
    "trombone": _lead(57, 48, 70),
    "french horn": Instrument(60, "melody", 53, 74),
    "brass": Instrument(61, "melody", 55, 77),
    "synth brass": Instrument(62, "chords", 55, 77),
    "saxophone": _lead(65, 56, 77),
    "tenor saxophone": _lead(66, 50, 72),
    "oboe": _lead(68, 62, 84),
    "clarinet": _lead(71, 55, 79),
    "flute": _lead(73, 67, 89),
    "piccolo": _lead(72, 74, 96),
    "dizi": _lead(72, 69, 91),
    "recorder": _lead(74, 67, 86),
    "pan flute": _lead(75, 62, 84),
    "tin whistle": _lead(78, 69, 91),
    "shakuhachi": _lead(77, 60, 81),
    "ocarina": _lead(79, 67, 86),
    "bagpipe": _lead(109, 67, 81),
    # synths
    "square lead": _lead(80, 67, 88),
    "synth lead": _lead(81, 62, 84),
    "saw synth": Instrument(81, "chords", 55, 79),
    "synth pad": Instrument(88, "pad", 48, 76),
    "warm pad": Instrument(89, "pad", 48, 76),
    "choir pad": Instrument(91, "pad", 48, 76),
    "bowed pad": Instrument(92, "pad", 48, 76),
    "halo pad": Instrument(94, "pad", 48, 76),
    "sweep pad": Instrument(95, "pad", 48, 76),
    "crystal": _lead(98, 72, 93),
    "atmosphere": Instrument(99, "pad", 55, 79),
    "brightness": Instrument(100, "pad", 55, 79),
}

# General MIDI drum kits (bank 128, by program): banks without a kit fall back to the standard one.
KITS: dict[str, int] = {"standard": 0, "room": 8, "power": 16, "electronic": 24, "808": 25, "jazz": 32,
                        "brush": 40, "orchestra": 48}

# Instruments a person names by their family: "the guitar" is whichever guitar the music has.
FAMILIES: dict[str, frozenset[str]] = {
    "guitar": frozenset({"nylon guitar", "acoustic guitar", "jazz guitar", "clean guitar", "muted guitar",
                         "overdriven guitar", "distortion guitar"}),
    "piano": frozenset({"piano", "bright piano", "honky-tonk piano", "electric piano", "fm piano"}),
    "synth": frozenset({"square lead", "synth lead", "saw synth", "synth brass", "crystal"}),
    "pad": frozenset({"synth pad", "warm pad", "choir pad", "bowed pad", "halo pad", "sweep pad", "atmosphere",
                      "brightness"}),
    "strings": frozenset({"strings", "slow strings", "synth strings", "violin", "viola", "cello",
                          "pizzicato strings", "fiddle", "erhu"}),
    "bass": frozenset({"bass", "acoustic bass", "picked bass", "fretless bass", "slap bass", "synth bass",
                       "808 bass", "contrabass", "tuba"}),
    "brass": frozenset({"trumpet", "trombone", "french horn", "brass", "synth brass"}),
    "organ": frozenset({"organ", "rock organ", "church organ"}),
    "voice": frozenset({"voice", "choir"}),
    "flute": frozenset({"flute", "piccolo", "dizi", "recorder", "pan flute", "tin whistle", "shakuhachi", "ocarina"}),
    "bells": frozenset({"celesta", "glockenspiel", "music box", "vibraphone", "marimba", "xylophone",
                        "tubular bells", "kalimba"}),
}


def family_of(instrument: str) -> frozenset[str]:
    """The instruments that answer to the same name as ``instrument`` (itself at least)."""
    return next((members for members in FAMILIES.values() if instrument in members), frozenset({instrument}))
