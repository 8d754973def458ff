"""Drum grooves per style, as data: General MIDI drum note -> a string of steps.

A bar of 4/4 has 16 steps (sixteenths), a bar of 3/4 has 12; a string twice as long is a
two-bar pattern that alternates. Marks: ``X`` accent, ``x`` normal, ``o`` ghost note, ``r`` a
roll (two thirty-seconds), ``t`` a triplet roll (three hits in the step). ``full`` plays in busy
sections, ``low`` in quiet ones, and one of the ``fills`` replaces the end of the last bar of
each section (from its first marked step on; the hats and the ride keep time through it).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Groove", "GROOVES", "TIMEKEEPERS", "KICKS", "SNARES", "CRASH"]

KICKS = (35, 36)
SNARES = (38, 40, 39, 37)
TIMEKEEPERS = (42, 44, 46, 51, 53, 54, 69, 70, 82)  # keep playing through a fill
CRASH = 49


@dataclass(frozen=True)
class Groove:
    full: dict[int, str]
    low: dict[int, str]
    fills: tuple[dict[int, str], ...]
    kit: str = "standard"  # see _instruments.KITS
    open_hat: bool = True  # open the last off-beat hat every fourth bar
    crash: bool = True  # a crash on the first beat of a busy section


_TOM_FILL = {38: "........x.x.....", 48: "............xx..", 45: "..............xX"}
_SNARE_FILL = {38: "............xxXx"}
_ROLL_FILL = {38: "........xxxxrrrX"}
_KICK_SNARE_FILL = {36: "........X.....X.", 38: "..........x.xxX."}

GROOVES: dict[str, Groove] = {
    "pop": Groove(
        full={36: "X.....x.X.x.....", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X.......X.......", 37: "....x.......x...", 42: "x.x.x.x.x.x.x.x."},
        fills=(_SNARE_FILL, _TOM_FILL, _KICK_SNARE_FILL)),
    "pop_electronic": Groove(  # today's pop: the pop pattern on a drum machine, clap on the backbeat
        full={36: "X.....x.X.x.....", 39: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X.......X.......", 42: "x.x.x.x.x.x.x.x."},
        fills=(_SNARE_FILL, _KICK_SNARE_FILL), kit="electronic"),
    "indie": Groove(
        full={36: "X.......X.x.....", 38: "....X.......X...", 42: "x.xxx.x.x.xxx.x.", 54: "....x.......x..."},
        low={36: "X.......X.......", 42: "x.x.x.x.x.x.x.x."},
        fills=(_SNARE_FILL, _TOM_FILL)),
    "rock": Groove(
        full={36: "X.x.....X.x.....", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X.......X.......", 42: "x.x.x.x.x.x.x.x.", 38: "....x.......x..."},
        fills=({38: "........xxxx....", 45: "............xx..", 41: "..............xX"}, _TOM_FILL), kit="room"),
    "punk": Groove(
        full={36: "X.x.X.x.X.x.X.x.", 38: "..X...X...X...X.", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X...X...X...X...", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        fills=({38: "........xxxxxxxX"}, _TOM_FILL), kit="power"),
    "metal": Groove(
        full={36: "xxxxxxxxxxxxxxxx", 38: "....X.......X...", 51: "x...x...x...x..."},
        low={36: "X.x.....X.x.....", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        fills=({38: "........xxxx....", 45: "............xx..", 41: "..............XX"},), kit="power"),
    "funk": Groove(
        full={36: "X.........X..x..", 38: "....X..o.o..X..o", 42: "xxxxxxxxxxxxxxxx"},
        low={36: "X.........X.....", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        fills=({38: "..........o.x.xX"}, _SNARE_FILL)),
    "disco": Groove(  # as it is danced to now: a drum machine's four on the floor, claps, sixteenth hats
        full={36: "X...X...X...X...", 39: "....X.......X...", 46: "..x...x...x...x.", 42: "xx.xxx.xxx.xxx.x"},
        low={36: "X...X...X...X...", 42: "..x...x...x...x."},
        fills=({38: "........x.x.xxxX"},), kit="electronic"),
    "soul": Groove(
        full={36: "X......x..X.....", 38: "....X.......X..o", 42: "x.x.x.x.x.x.x.x.", 54: "....x.......x..."},
        low={36: "X.......X.......", 37: "....x.......x...", 42: "x.x.x.x.x.x.x.x."},
        fills=(_SNARE_FILL,)),
    "gospel": Groove(
        full={36: "X.....x.X.....x.", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x.", 54: "....x.......x..."},
        low={36: "X.......X.......", 54: "....x.......x..."},
        fills=(_ROLL_FILL, _TOM_FILL)),
    "boombap": Groove(  # on a drum machine's kick and snare, as the records it samples were
        full={36: "X.........x..x..X.x.......x.....", 38: "....X.......X.......X.......X..o",
              42: "x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x."},
        low={36: "X.........x.....", 37: "....x.......x...", 42: "x.x.x.x.x.x.x.x."},
        fills=({38: "............X.o."}, {36: "........X.x.....", 38: "............X..."}), kit="808"),
    "lofi": Groove(
        full={36: "X......x..x.....", 37: "....X.......X...", 42: "x.x.x.x.x.x.x.x.", 70: "..o...o...o...o."},
        low={36: "X.........x.....", 42: "x...x...x...x..."},
        fills=({37: "............X.o."},)),
    "trap": Groove(  # written at full tempo, felt in half time: the snare on three
        full={36: "X.....X...X.....X.........X.....", 39: "........X...............X.......",
              42: "x.x.x.x.x.xrx.x.x.x.x.x.t.x.x.x."},
        low={36: "X.....X.........", 42: "x...x...x...x..."},
        fills=({42: "........rrrrtttt", 38: "............x.xX"},), kit="808"),
    "house": Groove(
        full={36: "X...X...X...X...", 39: "....X.......X...", 46: "..x...x...x...x.", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X...X...X...X...", 46: "..x...x...x...x."},
        fills=({39: "........x.x.xxxx"}, {38: "........xxxxrrrr"}), kit="electronic", open_hat=False),
    "deep_house": Groove(
        full={36: "X...X...X...X...", 39: "....x.......x...", 46: "..x...x...x...x.", 82: "xxxxxxxxxxxxxxxx"},
        low={36: "X...X...X...X...", 82: "x.x.x.x.x.x.x.x."},
        fills=({39: "............x.x."},), kit="electronic", open_hat=False),
    "tropical": Groove(
        full={36: "X...X...X...X...", 39: "....X.......X...", 42: "..x...x...x...x.", 82: "x.xx.xx.x.xx.xx."},
        low={36: "X.......X.......", 39: "....x.......x..."},
        fills=({39: "........x.x.xxxX"},), kit="electronic", open_hat=False),
    "techno": Groove(
        full={36: "X...X...X...X...", 37: "......x.......x.", 42: "xxxxxxxxxxxxxxxx", 46: "..x...x...x...x."},
        low={36: "X...X...X...X...", 42: "..x...x...x...x."},
        fills=({37: "........x.x.xxxx"},), kit="electronic", open_hat=False, crash=False),
    "trance": Groove(
        full={36: "X...X...X...X...", 39: "....X.......X...", 46: "..x...x...x...x.", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X...X...X...X...", 46: "..x...x...x...x."},
        fills=({38: "x.x.x.x.xxxxrrrr"},), kit="electronic", open_hat=False),
    "dnb": Groove(
        full={36: "X.........X.....", 38: "....X..o.o..X...", 42: "x.x.x.x.x.x.x.x.", 51: "x...x...x...x..."},
        low={36: "X.........X.....", 42: "x.x.x.x.x.x.x.x."},
        fills=({38: "........x.xxx.xX"},), kit="electronic", open_hat=False),
    "dubstep": Groove(  # half time: the snare on three
        full={36: "X.........X.....X.....x.........", 38: "........X...............X.......",
              42: "x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x."},
        low={36: "X...............", 42: "x...x...x...x..."},
        fills=({38: "........xxxxrrrr"},), kit="electronic", open_hat=False),
    "synthwave": Groove(
        full={36: "X.......X.......", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X.......X.......", 42: "x.x.x.x.x.x.x.x."},
        fills=({45: "........x.x.....", 41: "............x.xX"},), kit="electronic"),
    "chiptune": Groove(
        full={36: "X.......X.x.....", 40: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X.......X.......", 42: "x...x...x...x..."},
        fills=({40: "........x.x.xxxX"},), kit="electronic", open_hat=False, crash=False),
    "jazz": Groove(  # ride in swung quarters with the skip note, hi-hat on two and four, feathered kick
        full={51: "x...x...x...x.x.", 44: "....x.......x...", 36: "o...o...o...o...", 38: "......o.......o."},
        low={51: "x...x...x...x...", 44: "....o.......o..."},
        fills=({38: "........o.x.x.xX"},), kit="jazz", open_hat=False),
    "swing": Groove(
        full={51: "x...x.x.x...x.x.", 44: "....x.......x...", 36: "x...x...x...x...", 38: "..o....o..o....x"},
        low={51: "x...x.x.x...x.x.", 44: "....x.......x..."},
        fills=({38: "........x.x.x.xX", 36: "..............X."},), kit="jazz", open_hat=False),
    "brush": Groove(
        full={38: "x.o.x.o.x.o.x.o.", 36: "o.......o.......", 44: "....x.......x..."},
        low={38: "x...x...x...x...", 44: "....x.......x..."},
        fills=({38: "........x.x.xxxx"},), kit="brush", open_hat=False, crash=False),
    "blues": Groove(  # a shuffle: swing makes the eighths long-short
        full={36: "X.......X.......", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X.......X.......", 37: "....x.......x...", 42: "x.x.x.x.x.x.x.x."},
        fills=({38: "........x.x.x.xX"},)),
    "bossa": Groove(  # brushes: cross-stick on the bossa clave, the surdo figure on the kick, ride eighths
        full={37: "x..x..x...x..x..", 36: "x..xx..xx..xx..x", 51: "x.x.x.x.x.x.x.x."},
        low={37: "x..x..x...x..x..", 51: "x...x...x...x..."},
        fills=({37: "........x.x.x.x."},), kit="brush", open_hat=False, crash=False),
    "latin": Groove(  # the bongo bell on the beat, congas' tumbao, clave and a timbale accent
        full={56: "x...x...x...x...", 64: "......xx......xx", 63: "..x.......x.....", 36: "......x.......x.",
              75: "x..x..x...x.x...", 66: "..........x....."},
        low={75: "x..x..x...x.x...", 64: "......xx......xx"},
        fills=({65: "........x.x.xx..", 66: "............xxxX"},), kit="jazz", open_hat=False),
    "reggae": Groove(  # one drop: kick and snare together on three
        full={36: "........X.......", 37: "........X.......", 42: "x.x.x.x.x.x.x.x."},
        low={37: "........x.......", 42: "x...x...x...x..."},
        fills=({38: "........x..x.xxX"},), open_hat=False, crash=False),
    "reggaeton": Groove(  # dembow
        full={36: "X...X...X...X...", 38: "...x..x....x..x.", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X...X...X...X...", 38: "...x..x....x..x."},
        fills=({38: "........x.x.xxxx"},), kit="electronic"),
    "afrobeat": Groove(
        full={36: "X.....x...X.....", 38: "....X.......X...", 42: "x.xxx.xxx.xxx.xx", 70: "x.x.x.x.x.x.x.x.",
              64: "......x.x.....x."},
        low={36: "X.........X.....", 42: "x.x.x.x.x.x.x.x.", 70: "x.x.x.x.x.x.x.x."},
        fills=({63: "........x.x.xxxX"},)),
    "country": Groove(  # the train beat
        full={36: "X.......X.......", 38: "o.x.o.X.o.x.o.X.", 42: "x.x.x.x.x.x.x.x."},
        low={36: "X.......X.......", 37: "....x.......x..."},
        fills=({38: "........xxxxxxxX"},), kit="brush"),
    "folk": Groove(
        full={36: "X.......X.......", 38: "....X.......X...", 54: "x.x.x.x.x.x.x.x."},
        low={36: "X.......X.......", 54: "....x.......x..."},
        fills=({38: "............x.xX"},), open_hat=False, crash=False),
    "bluegrass": Groove(
        full={38: "o.x.o.x.o.x.o.x.", 36: "X.......X......."},
        low={38: "..x...x...x...x."},
        fills=({38: "........x.x.xxxX"},), kit="brush", open_hat=False, crash=False),
    "celtic": Groove(  # a bodhran on the low toms
        full={41: "X..x..X.x..x..x.", 43: "..x..x....x..x.x", 54: "....x.......x..."},
        low={41: "X.......X.......", 43: "....x.......x..."},
        fills=({43: "........xxxx", 41: "............xxxX"},), open_hat=False, crash=False),
    "tango": Groove(
        full={36: "X...X...X...X...", 75: "x..x..x.x..x..x."},
        low={75: "x...x...x...x..."},
        fills=({38: "............xxxX"},), open_hat=False, crash=False),
    "asian": Groove(  # woodblocks, a small cymbal and a low drum
        full={77: "x...x...x...x...", 76: "..x...x...x...x.", 41: "X.......X.......", 52: "........x......."},
        low={77: "x.......x.......", 41: "X..............."},
        fills=({76: "........x.x.xxxx"},), open_hat=False, crash=False),
    "taiko": Groove(
        full={41: "X.....x.X.......", 43: "....x.....x.x.x.", 36: "X.......X......."},
        low={41: "X.......X......."},
        fills=({41: "........xxxxxxxX", 43: "........x.x.x.x."},), open_hat=False, crash=False),
    "tabla": Groove(  # tabla-like bols on bongos and congas
        full={60: "x.xx..x.x.xx..x.", 61: "X.....x.X.....x.", 64: "x.......x......."},
        low={60: "x...x...x...x...", 61: "X.......X......."},
        fills=({60: "........xxxxxxxx"},), open_hat=False, crash=False),
    "orchestral": Groove(  # big drums and cymbals, with the timpani part beside them
        full={35: "X.......X.......", 38: "............x.x.", 57: "................"},
        low={35: "X..............."},
        fills=({38: "........xxxxrrrX"}, {45: "........X.X.X.XX", 41: "............XXXX"}),
        kit="orchestra", open_hat=False),
    "trailer": Groove(  # hits and boom on the downbeats, toms driving into each new section
        full={35: "X.....X.X.......", 41: "X.....X.X.x.x...", 45: "....x.......x.x.", 38: "....X.......X..."},
        low={35: "X.......X.......", 41: "X..............."},
        fills=({41: "........XXXXXXXX", 45: "........x.x.x.x."}, {38: "x.x.x.x.xxxxrrrr"}), kit="orchestra"),
    "kids": Groove(
        full={36: "X.......X.......", 39: "....X.......X...", 42: "x.x.x.x.x.x.x.x.", 76: "..x.......x....."},
        low={36: "X.......X.......", 76: "....x.......x..."},
        fills=({39: "............xxXx"},)),
    "christmas": Groove(  # sleigh bells (tambourine and jingle) over a light backbeat
        full={36: "X.......X.......", 38: "....X.......X...", 54: "xxxxxxxxxxxxxxxx"},
        low={54: "x.x.x.x.x.x.x.x."},
        fills=({38: "............xxXx"},), kit="brush"),
    "waltz": Groove(
        full={36: "X...........", 38: "....x...x...", 42: "x.x.x.x.x.x."},
        low={36: "X...........", 42: "....x...x..."},
        fills=({38: "....x.x.xxxX"},), kit="brush"),
}
