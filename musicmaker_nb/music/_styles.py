"""The style library, as data: what each style people ask for sounds like.

A style names its tempo range, meter and swing, its harmonic language (``_harmony``), its
drum groove (``_grooves``), its bass and comping figures and melody character (``_figures``),
the instrument of each part (``_instruments``), how loosely it is played, its production
(``_mix``) and the mood it takes when the prompt names none. Adding a style is a row here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Style", "STYLES", "FAMILIES", "DEFAULT_STYLE"]


@dataclass(frozen=True)
class Style:
    label: str
    family: str
    tempo: tuple[float, float]
    parts: tuple[tuple[str, str], ...]  # (role, instrument) in mixing order
    harmony: str  # key into _harmony.PROGRESSIONS
    groove: str = ""  # key into _grooves.GROOVES; "" for no drums
    bass: str = "pop"  # key into _figures.BASS
    comp: str = "pop"  # key into _figures.COMP
    lead: str = "song"  # key into _figures.MELODY_CELLS
    mode: str = ""  # "major" or "minor" when the style has one; "" lets the mood decide
    scales: tuple[str, str] = ("", "")  # melodic colour over major and over minor keys ("" = the mode's own)
    meter: str = "4/4"
    swing: float = 0.5  # 0.5 straight; 0.62 the off-beat lands 62 % through the pair
    swing_unit: int = 2  # steps per beat that swing applies to: 2 (eighths) or 4 (sixteenths)
    feel: tuple[float, float] = (6.0, 5.0)  # timing spread (ms) and velocity spread of the players
    mix: str = "pop"  # key into _mix.MIXES
    mood: str = "happy"  # the mood when the prompt names none
    mood_intrinsic: bool = False  # its mood is what it is (a lullaby is sleepy whatever the occasion)
    keys: tuple[str, ...] = ()  # tonics that sit well on its instruments; () for any


def _s(label: str, family: str, tempo: tuple[float, float], parts: str, harmony: str, **kw) -> Style:
    """``parts`` as 'role=instrument, ...'."""
    pairs = tuple(tuple(item.strip().split("=")) for item in parts.split(","))
    return Style(label, family, tempo, pairs, harmony, **kw)  # type: ignore[arg-type]


_GUITAR_KEYS = ("E", "A", "D", "G", "C")
_BRASS_KEYS = ("Bb", "Eb", "F", "C", "Ab")

STYLES: dict[str, Style] = {
    # pop
    # the hook on a voice, as a pop record's is sung (a synth lead over a warm pad was heard as jazz, electronic)
    "pop": _s("Pop", "pop", (96, 126), "pad=synth strings, chords=bright piano, bass=synth bass, melody=voice, drums=drums",
              "pop", groove="pop_electronic", bass="kick", comp="pop_piano", lead="syncopated", mix="pop", mood="happy"),
    "indie_pop": _s("Indie pop", "pop", (100, 132), "chords=clean guitar, bass=bass, arp=glockenspiel, drums=drums",
                    "pop", groove="indie", bass="eighths", comp="strum", lead="song", mix="indie", mood="happy",
                    feel=(9, 7)),
    "corporate": _s("Corporate", "pop", (96, 122), "pad=warm pad, chords=piano, bass=bass, arp=clean guitar, drums=drums",
                    "pop", groove="pop", bass="kick", comp="pop_piano", lead="song", mix="pop", mood="inspiring",
                    mode="major"),
    # rock
    "rock": _s("Rock", "rock", (100, 144), "chords=overdriven guitar, bass=picked bass, melody=distortion guitar, drums=drums",
               "rock", groove="rock", bass="eighths", comp="power", lead="song", mix="rock", mood="energetic",
               keys=_GUITAR_KEYS),
    "indie_rock": _s("Indie rock", "rock", (110, 150), "chords=clean guitar, bass=picked bass, melody=overdriven guitar, drums=drums",
                     "rock", groove="indie", bass="eighths", comp="strum", lead="song", mix="rock", mood="cool",
                     feel=(10, 7), keys=_GUITAR_KEYS),
    "punk": _s("Punk", "rock", (150, 195), "chords=distortion guitar, bass=picked bass, drums=drums",
               "rock", groove="punk", bass="eighths", comp="punk", mix="rock", mood="aggressive", mode="major",
               keys=_GUITAR_KEYS, feel=(5, 6)),
    "metal": _s("Metal", "rock", (150, 180), "chords=overdriven guitar, bass=picked bass, drums=drums",
                "metal", groove="metal", bass="eighths", comp="power", mode="minor", mix="metal", mood="aggressive",
                keys=("E", "D", "C"), feel=(3, 4)),
    # electronic
    "edm": _s("EDM", "electronic", (120, 130), "pad=synth pad, chords=saw synth, bass=synth bass, arp=square lead, drums=drums",
              "dance", groove="house", bass="offbeat", comp="stabs", lead="syncopated", mix="edm", mood="energetic",
              feel=(1, 3)),
    "house": _s("House", "electronic", (118, 128), "chords=piano, bass=synth bass, pad=warm pad, drums=drums",
                "soul", groove="house", bass="offbeat", comp="house", mix="house", mood="groovy", feel=(1, 3)),
    "deep_house": _s("Deep house", "electronic", (118, 124), "chords=electric piano, bass=synth bass, pad=halo pad, drums=drums",
                     "soul", groove="deep_house", bass="offbeat", comp="stabs", mix="house", mood="cool", mode="minor",
                     feel=(1, 3)),
    "tropical_house": _s("Tropical house", "electronic", (100, 115),
                         "chords=marimba, bass=synth bass, melody=pan flute, pad=warm pad, drums=drums",
                         "dance", groove="tropical", bass="offbeat", comp="strum", lead="syncopated",
                         scales=("major pentatonic", "minor pentatonic"), mix="house", mood="happy", feel=(2, 4)),
    "techno": _s("Techno", "electronic", (124, 138), "bass=synth bass, arp=saw synth, pad=sweep pad, drums=drums",
                 "dance", groove="techno", bass="rolling", comp="ostinato16", mode="minor", mix="techno", mood="dark",
                 feel=(0.5, 2)),
    "trance": _s("Trance", "electronic", (132, 140), "pad=synth strings, chords=saw synth, bass=synth bass, melody=synth lead, drums=drums",
                 "dance", groove="trance", bass="rolling", comp="gate", lead="busy", mode="minor", mix="edm",
                 mood="hopeful", feel=(0.5, 2)),
    "drum_and_bass": _s("Drum and bass", "electronic", (164, 176), "pad=sweep pad, bass=synth bass, arp=electric piano, drums=drums",
                        "dance", groove="dnb", bass="halves", comp="stabs", mode="minor", mix="edm", mood="energetic",
                        feel=(1, 4)),
    "dubstep": _s("Dubstep", "electronic", (138, 144), "pad=synth pad, bass=synth bass, chords=saw synth, drums=drums",
                  "trap", groove="dubstep", bass="kick", comp="stabs", mode="minor",
                  mix="edm", mood="aggressive", feel=(0.5, 3)),
    "synthwave": _s("Synthwave", "electronic", (84, 118), "pad=synth pad, chords=synth brass, bass=synth bass, melody=synth lead, drums=drums",
                    "synthwave", groove="synthwave", bass="synth", comp="synth8", lead="song", mode="minor",
                    mix="synthwave", mood="nostalgic", feel=(1, 3)),
    "chiptune": _s("Chiptune", "electronic", (120, 160), "chords=square lead, bass=synth bass, melody=square lead, drums=drums",
                   "pop", groove="chiptune", bass="octaves", comp="chip", lead="busy", mix="chiptune", mood="playful",
                   feel=(0, 0)),
    # hip hop
    "hiphop": _s("Hip hop", "hiphop", (84, 98), "chords=piano, bass=acoustic bass, melody=strings, drums=drums",
                 "hiphop", groove="boombap", bass="hiphop", comp="lazy", lead="sparse", swing=0.58, swing_unit=2,
                 mix="hiphop", mood="cool", feel=(10, 8)),
    "trap": _s("Trap", "hiphop", (130, 160), "bass=808 bass, melody=piano, drums=drums",
               "trap", groove="trap", bass="kick", comp="sustain", lead="sparse", mode="minor",
               scales=("", "harmonic minor"), mix="trap", mood="dark", feel=(1, 4)),
    "lofi": _s("Lo-fi hip hop", "hiphop", (70, 90), "chords=electric piano, bass=acoustic bass, melody=piano, drums=drums",
               "lofi", groove="lofi", bass="hiphop", comp="lazy", lead="sparse", swing=0.6, swing_unit=2,
               mix="lofi", mood="chill", feel=(14, 9)),
    # groove
    # a vamp of organ, guitar, slap bass and drums, as the Meters played it; horns when asked for
    "funk": _s("Funk", "groove", (96, 118), "pad=organ, chords=muted guitar, bass=slap bass, drums=drums",
               "funk", groove="funk", bass="funk", comp="funk", lead="syncopated", swing=0.54, swing_unit=4,
               scales=("mixolydian", "dorian"), mix="funk", mood="groovy", keys=("E", "A", "D", "G"), feel=(5, 8)),
    "disco": _s("Disco", "groove", (112, 126), "pad=strings, chords=strings, bass=synth bass, melody=synth brass, drums=drums",
                "disco", groove="disco", bass="disco", comp="disco", lead="syncopated", mix="disco", mood="groovy",
                feel=(3, 5)),
    "soul": _s("Soul", "groove", (68, 96), "pad=organ, chords=electric piano, bass=acoustic bass, melody=voice, drums=drums",
               "soul", groove="soul", bass="soul", comp="soul", lead="song", swing=0.56, swing_unit=4,
               mix="soul", mood="sensual", feel=(9, 7)),
    "gospel": _s("Gospel", "groove", (70, 110), "pad=church organ, chords=piano, bass=bass, melody=choir, drums=drums",
                 "gospel", groove="gospel", bass="gospel", comp="gospel", lead="sparse", swing=0.6, mode="major",
                 mix="soul", mood="inspiring", feel=(8, 7)),
    # jazz and blues
    "jazz": _s("Jazz", "jazz_blues", (60, 160), "chords=piano, bass=acoustic bass, melody=saxophone, drums=drums",
               "jazz", groove="jazz", bass="walking", comp="jazz", lead="busy", swing=0.64, mix="jazz", mood="cool",
               keys=_BRASS_KEYS, feel=(12, 8)),
    "swing": _s("Big band swing", "jazz_blues", (140, 190),
                "pad=brass, chords=piano, bass=acoustic bass, melody=trumpet, drums=drums",
                "jazz", groove="swing", bass="walking", comp="jazz", lead="dotted", swing=0.66, mode="major",
                mix="jazz", mood="happy", keys=_BRASS_KEYS, feel=(8, 8)),
    "blues": _s("Blues", "jazz_blues", (66, 100), "chords=piano, bass=acoustic bass, melody=overdriven guitar, arp=harmonica, drums=drums",
                "blues", groove="blues", bass="boogie", comp="halves", lead="song", swing=0.66,
                scales=("major blues", "blues"), mix="jazz", mood="melancholic", keys=("E", "A", "G", "Bb"), feel=(12, 9)),
    # latin and world
    "latin": _s("Latin", "latin_world", (90, 155), "chords=piano, bass=bass, melody=trumpet, drums=drums",
                "latin", groove="latin", bass="tumbao", comp="montuno", lead="syncopated", mix="latin", mood="festive",
                keys=_BRASS_KEYS, feel=(4, 6)),
    "bossa_nova": _s("Bossa nova", "latin_world", (120, 145), "chords=nylon guitar, bass=acoustic bass, melody=flute, drums=drums",
                     "bossa", groove="bossa", bass="bossa", comp="bossa", lead="song", mix="latin", mood="chill",
                     feel=(6, 5)),
    "reggae": _s("Reggae", "latin_world", (66, 90), "pad=organ, chords=clean guitar, bass=bass, melody=harmonica, drums=drums",
                 "reggae", groove="reggae", bass="reggae", comp="skank", lead="sparse", swing=0.56, swing_unit=4,
                 mix="reggae", mood="chill", feel=(8, 6)),
    "reggaeton": _s("Reggaeton", "latin_world", (88, 100), "pad=synth pad, chords=nylon guitar, bass=synth bass, melody=synth lead, drums=drums",
                    "trap", groove="reggaeton", bass="dembow", comp="stabs", lead="syncopated", mode="minor",
                    mix="trap", mood="sensual", feel=(1, 4)),
    "afrobeat": _s("Afrobeat", "latin_world", (96, 118), "chords=clean guitar, bass=bass, melody=brass, drums=drums",
                   "funk", groove="afrobeat", bass="afro", comp="funk", lead="syncopated", swing=0.55, swing_unit=4,
                   scales=("mixolydian", "dorian"), mix="funk", mood="groovy", feel=(5, 7)),
    "tango": _s("Tango", "latin_world", (110, 130), "chords=bandoneon, bass=contrabass, melody=violin, arp=piano",
                "tango", groove="", bass="tango", comp="tango", lead="dotted", mode="minor",
                scales=("", "harmonic minor"), mix="chamber", mood="dramatic", feel=(6, 8)),
    "celtic": _s("Celtic", "latin_world", (96, 132), "chords=acoustic guitar, bass=acoustic bass, melody=fiddle, arp=tin whistle",
                 "celtic", bass="boomchick", comp="strum", lead="busy", swing=0.6,
                 scales=("mixolydian", "dorian"), mix="folk", mood="happy", keys=("D", "G", "A", "E"), feel=(7, 7)),
    "chinese": _s("Chinese traditional", "latin_world", (56, 132), "pad=strings, chords=koto, melody=erhu, bass=cello, drums=drums",
                  "pentatonic", groove="asian", bass="whole", comp="picking", lead="song",
                  scales=("major pentatonic", "minor pentatonic"), mix="world", mood="elegant", feel=(12, 7)),
    "japanese": _s("Japanese", "latin_world", (56, 140), "pad=warm pad, chords=koto, melody=shakuhachi, bass=cello, drums=drums",
                   "japanese", groove="taiko", bass="whole", comp="picking", lead="sparse", mode="minor",
                   scales=("major pentatonic", "in"), mix="world", mood="calm", feel=(14, 7)),
    "indian": _s("Indian", "latin_world", (70, 140), "pad=strings, chords=harp, melody=sitar, bass=cello, drums=drums",
                 "drone", groove="tabla", bass="whole", comp="picking", lead="busy",
                 scales=("bhairav", "bhairav"), mix="world", mood="mysterious", feel=(8, 7)),
    # folk and country
    "folk": _s("Folk", "folk_country", (86, 118), "chords=acoustic guitar, bass=acoustic bass, melody=harmonica",
               "folk", bass="boomchick", comp="strum", lead="song", mix="folk", mood="nostalgic",
               keys=_GUITAR_KEYS, feel=(10, 8)),
    "country": _s("Country", "folk_country", (96, 132), "chords=acoustic guitar, bass=bass, melody=fiddle, arp=banjo, drums=drums",
                  "folk", groove="country", bass="boomchick", comp="strum", lead="song", mode="major", mix="folk",
                  mood="happy", keys=_GUITAR_KEYS, feel=(7, 7)),
    "bluegrass": _s("Bluegrass", "folk_country", (120, 170), "chords=acoustic guitar, arp=banjo, bass=acoustic bass, melody=fiddle",
                    "folk", groove="", bass="boomchick", comp="strum", lead="busy", mode="major", mix="folk",
                    mood="happy", keys=("G", "A", "D", "C"), feel=(5, 7)),
    "acoustic": _s("Acoustic", "folk_country", (84, 120), "chords=acoustic guitar, bass=acoustic bass, arp=nylon guitar",
                   "pop", bass="boomchick", comp="strum", lead="song", mix="folk", mood="happy",
                   keys=_GUITAR_KEYS, feel=(9, 7)),
    # classical
    "classical_piano": _s("Classical piano", "classical", (60, 140), "chords=piano, melody=piano",
                          "classical", bass="whole", comp="alberti", lead="song", mix="piano", mood="elegant",
                          feel=(12, 9)),
    "classical_strings": _s("Classical strings", "classical", (64, 108),
                            "pad=strings, chords=pizzicato strings, bass=cello, melody=violin",
                            "classical", bass="halves", comp="broken", lead="song", mix="chamber", mood="elegant",
                            feel=(10, 7)),
    "waltz": _s("Waltz", "classical", (88, 176), "chords=strings, bass=contrabass, melody=violin, arp=harp",
                "waltz", bass="waltz", comp="waltz", lead="song", meter="3/4", mix="chamber", mood="elegant",
                feel=(9, 7)),
    "piano": _s("Solo piano", "classical", (60, 100), "chords=piano, melody=piano", "ballad", bass="whole",
                comp="broken", lead="song", mix="piano", mood="calm", feel=(12, 9)),
    # cinematic
    "orchestral": _s("Cinematic orchestral", "cinematic", (60, 150),
                     "pad=strings, chords=strings, bass=contrabass, melody=french horn, timpani=timpani, drums=drums",
                     "cinematic", groove="orchestral", bass="halves", comp="ostinato", lead="sparse", mix="orchestral",
                     mood="epic", feel=(6, 6)),
    "trailer": _s("Epic trailer", "cinematic", (80, 140),
                  "pad=choir, chords=strings, bass=contrabass, melody=brass, timpani=timpani, drums=drums",
                  "cinematic", groove="trailer", bass="eighths", comp="ostinato16", lead="sparse", mode="minor",
                  mix="trailer", mood="epic", mood_intrinsic=True, feel=(3, 5)),
    # calm
    "ambient": _s("Ambient", "calm", (60, 84), "pad=warm pad, bass=synth bass, arp=piano, melody=crystal",
                  "ambient", bass="whole", comp="sustain", lead="sparse", mix="ambient", mood="calm", feel=(14, 6)),
    "new_age": _s("New age", "calm", (56, 80), "pad=halo pad, chords=harp, melody=flute, bass=warm pad",
                  "ambient", bass="whole", comp="arp8", lead="sparse", mode="major", mix="ambient", mood="meditative", mood_intrinsic=True,
                  feel=(14, 6)),
    "lullaby": _s("Lullaby", "calm", (56, 80), "pad=strings, chords=harp, melody=music box",
                  "lullaby", bass="whole", comp="waltz_arp", lead="song", meter="3/4", mode="major", mix="lullaby",
                  mood="sleepy", mood_intrinsic=True, keys=("F", "C", "G", "D", "Bb"), feel=(10, 5)),
    # kids and holiday
    "kids": _s("Children's music", "kids_holiday", (104, 132), "chords=piano, bass=tuba, melody=xylophone, arp=pizzicato strings, drums=drums",
               "kids", groove="kids", bass="bounce", comp="oompah", lead="song", mode="major",
               scales=("major pentatonic", ""), mix="kids", mood="playful", keys=("C", "F", "G", "D"), feel=(6, 6)),
    "christmas": _s("Christmas", "kids_holiday", (70, 140),
                    "pad=strings, chords=piano, bass=acoustic bass, melody=glockenspiel, arp=celesta, drums=drums",
                    "christmas", groove="christmas", bass="walking", comp="pop_piano", lead="song", swing=0.6,
                    mode="major", mix="christmas", mood="festive", mood_intrinsic=True, keys=("C", "F", "G", "Bb", "Eb"), feel=(7, 6)),
}

FAMILIES: dict[str, tuple[str, ...]] = {}
for _name, _style in STYLES.items():
    FAMILIES.setdefault(_style.family, ())
    FAMILIES[_style.family] += (_name,)
DEFAULT_STYLE = "pop"
