"""What the words of a prompt mean, as data: moods, genres, instruments and their keywords.

Everything the planner decides from a word lives in these tables (English and Chinese side by
side), so adding a word or retuning a genre is an edit here, not a new branch in the code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Mood",
    "Genre",
    "MOODS",
    "GENRES",
    "INSTRUMENTS",
    "DRUM_KIT",
    "ROLES",
    "KEYWORDS",
    "PROGRESSIONS",
    "DRUM_PATTERNS",
    "SECTION_ENERGY",
    "DEFAULT_MOOD",
    "GENRE_MOOD",
    "PAD_LIKE",
    "KEY_CHOICES",
    "MIN_BPM",
    "MAX_BPM",
    "MAX_DURATION_S",
]

MIN_BPM, MAX_BPM = 40.0, 240.0
MAX_DURATION_S = 20 * 60.0


@dataclass(frozen=True)
class Mood:
    mode: str  # "major" | "minor"
    tempo: tuple[float, float]  # the BPM range a listener expects of this mood
    energy: float  # 0..1, the loudness/density of the busiest section
    genre: str  # the genre used when the prompt names none
    progressions: str  # key into PROGRESSIONS


@dataclass(frozen=True)
class Genre:
    tempo: tuple[float, float]
    drums: str  # key into DRUM_PATTERNS, "" for none
    parts: tuple[tuple[str, str], ...]  # (role, instrument) in mixing order
    swing: float  # 0.5 = straight; 0.6 = the off-beat lands 60 % through the beat pair
    swing_unit: int  # steps per beat that swing applies to: 2 (8ths) or 4 (16ths)
    bass: str  # bass rhythm style
    comp: str  # chord rhythm style
    label: str  # how describe() names it


MOODS: dict[str, Mood] = {
    "happy": Mood("major", (100, 128), 0.8, "pop", "bright"),
    "calm": Mood("major", (66, 92), 0.35, "ambient", "gentle"),
    "chill": Mood("minor", (70, 94), 0.5, "lofi", "jazzy"),
    "sad": Mood("minor", (60, 84), 0.35, "piano", "sad"),
    "romantic": Mood("major", (64, 90), 0.45, "piano", "gentle"),
    "epic": Mood("minor", (84, 132), 0.95, "orchestral", "epic"),
    "dramatic": Mood("minor", (70, 110), 0.8, "orchestral", "epic"),
    "suspense": Mood("minor", (70, 100), 0.55, "orchestral", "dark"),
    "inspiring": Mood("major", (96, 124), 0.7, "corporate", "bright"),
    "energetic": Mood("major", (118, 140), 0.95, "edm", "bright"),
}
DEFAULT_MOOD = "happy"

GENRES: dict[str, Genre] = {
    "pop": Genre((96, 128), "pop", (("chords", "bright piano"), ("bass", "bass"),
                 ("melody", "clean guitar"), ("drums", "drums")), 0.5, 2, "pop", "pop", "Pop"),
    "rock": Genre((100, 150), "rock", (("chords", "overdriven guitar"), ("bass", "picked bass"),
                  ("melody", "distortion guitar"), ("drums", "drums")), 0.5, 2, "eighths", "power", "Rock"),
    "edm": Genre((118, 132), "edm", (("chords", "saw synth"), ("bass", "synth bass"),
                 ("arp", "square lead"), ("drums", "drums")), 0.5, 2, "offbeat", "stabs", "EDM"),
    "hiphop": Genre((80, 98), "boombap", (("chords", "electric piano"), ("bass", "bass"),
                    ("melody", "vibraphone"), ("drums", "drums")), 0.6, 2, "hiphop", "lazy", "Hip hop"),
    "lofi": Genre((70, 92), "boombap", (("chords", "electric piano"), ("bass", "bass"),
                  ("melody", "vibraphone"), ("drums", "drums")), 0.6, 2, "hiphop", "lazy", "Lo-fi hip hop"),
    "jazz": Genre((90, 150), "jazz", (("chords", "piano"), ("bass", "acoustic bass"),
                  ("melody", "vibraphone"), ("drums", "drums")), 0.64, 2, "walking", "jazz", "Jazz"),
    "ambient": Genre((60, 84), "", (("pad", "warm pad"), ("bass", "cello"), ("arp", "piano")),
                     0.5, 2, "whole", "sustain", "Ambient"),
    "orchestral": Genre((70, 120), "orchestral", (("chords", "violin"), ("bass", "contrabass"),
                        ("melody", "brass"), ("timpani", "timpani")), 0.5, 2, "eighths", "ostinato",
                        "Orchestral"),
    "acoustic": Genre((84, 120), "folk", (("chords", "acoustic guitar"), ("bass", "acoustic bass"),
                      ("melody", "flute"), ("drums", "drums")), 0.5, 2, "rootfifth", "strum", "Acoustic"),
    "piano": Genre((60, 110), "", (("chords", "piano"), ("bass", "piano"), ("melody", "piano")),
                   0.5, 2, "rootfifth", "broken", "Solo piano"),
    "corporate": Genre((96, 124), "pop", (("chords", "bright piano"), ("bass", "bass"),
                       ("arp", "clean guitar"), ("drums", "drums")), 0.5, 2, "pop", "pop", "Corporate"),
}

# the mood a genre implies when the prompt names no mood
GENRE_MOOD: dict[str, str] = {
    "pop": "happy", "rock": "energetic", "edm": "energetic", "hiphop": "chill", "lofi": "chill",
    "jazz": "chill", "ambient": "calm", "orchestral": "epic", "acoustic": "happy", "piano": "calm",
    "corporate": "inspiring",
}

# sustained instruments: a prompt naming one gets it as the pad, not the tune
PAD_LIKE = frozenset({"strings", "slow strings", "choir", "organ", "warm pad"})

# tonics the seed picks from when the prompt names no key (keys that sit well on these instruments)
KEY_CHOICES: dict[str, tuple[str, ...]] = {
    "major": ("C", "D", "Eb", "F", "G", "A", "Bb"),
    "minor": ("A", "C", "D", "E", "F", "G", "B"),
}

# instrument name -> General MIDI program (0-based)
INSTRUMENTS: dict[str, int] = {
    "piano": 0, "bright piano": 1, "electric piano": 4, "celesta": 8, "glockenspiel": 9,
    "vibraphone": 11, "marimba": 12, "organ": 19, "acoustic guitar": 25, "clean guitar": 27,
    "overdriven guitar": 29, "distortion guitar": 30, "acoustic bass": 32, "bass": 33,
    "picked bass": 34, "synth bass": 38, "violin": 40, "cello": 42, "contrabass": 43,
    "harp": 46, "timpani": 47, "strings": 48, "slow strings": 49, "choir": 52, "trumpet": 56,
    "french horn": 60, "brass": 61, "saxophone": 65, "flute": 73, "square lead": 80,
    "saw synth": 81, "warm pad": 89,
}
DRUM_KIT = "drums"
# the parts a plan can have, in the score's mixing order
ROLES = ("pad", "chords", "bass", "arp", "melody", "timpani", "drums")

# keyword -> (field, value). Longer keywords win over the shorter ones they contain.
KEYWORDS: dict[str, tuple[str, str]] = {
    # moods
    **dict.fromkeys(("upbeat", "happy", "cheerful", "joyful", "fun", "bright", "positive", "playful",
                     "sunny", "summer", "travel", "vlog", "欢快", "快乐", "开心", "活泼", "愉快", "阳光"),
                    ("mood", "happy")),
    **dict.fromkeys(("calm", "relaxing", "relaxed", "peaceful", "gentle", "soft", "soothing", "serene",
                     "meditation", "轻松", "平静", "放松", "舒缓", "安静", "冥想"), ("mood", "calm")),
    **dict.fromkeys(("chill", "chilled", "laid back", "laid-back", "mellow", "study", "cozy", "惬意", "慵懒"),
                    ("mood", "chill")),
    **dict.fromkeys(("sad", "melancholy", "melancholic", "sorrow", "sorrowful", "emotional", "nostalgic",
                     "lonely", "heartbreak", "悲伤", "伤感", "忧郁", "难过", "怀旧"), ("mood", "sad")),
    **dict.fromkeys(("romantic", "love", "wedding", "tender", "浪漫", "爱情", "温柔", "婚礼"),
                    ("mood", "romantic")),
    **dict.fromkeys(("epic", "heroic", "triumphant", "powerful", "majestic", "trailer", "史诗", "宏大",
                     "激昂", "壮丽"), ("mood", "epic")),
    **dict.fromkeys(("dramatic", "intense", "戏剧", "激烈"), ("mood", "dramatic")),
    **dict.fromkeys(("suspense", "suspenseful", "tense", "mysterious", "thriller", "dark", "horror", "eerie",
                     "紧张", "悬疑", "神秘", "恐怖"), ("mood", "suspense")),
    **dict.fromkeys(("inspiring", "inspirational", "motivational", "uplifting", "励志", "鼓舞", "企业宣传"),
                    ("mood", "inspiring")),
    **dict.fromkeys(("energetic", "party", "workout", "hype", "动感", "激情"), ("mood", "energetic")),
    # genres
    **dict.fromkeys(("pop", "流行"), ("genre", "pop")),
    **dict.fromkeys(("rock", "punk", "摇滚"), ("genre", "rock")),
    **dict.fromkeys(("edm", "electronic", "electro", "dance", "house", "techno", "club", "synthwave",
                     "电子", "舞曲"), ("genre", "edm")),
    **dict.fromkeys(("hip hop", "hip-hop", "hiphop", "rap", "boom bap", "trap", "嘻哈", "说唱"),
                    ("genre", "hiphop")),
    **dict.fromkeys(("lo-fi", "lofi", "lo fi", "低保真"), ("genre", "lofi")),
    **dict.fromkeys(("jazz", "jazzy", "swing", "bossa", "爵士"), ("genre", "jazz")),
    **dict.fromkeys(("ambient", "atmospheric", "drone", "氛围"), ("genre", "ambient")),
    **dict.fromkeys(("orchestral", "orchestra", "cinematic", "symphonic",
                     "管弦", "交响", "电影"), ("genre", "orchestral")),
    **dict.fromkeys(("acoustic", "folk", "country", "原声", "民谣"), ("genre", "acoustic")),
    **dict.fromkeys(("corporate", "business", "presentation", "commercial", "企业", "商务", "广告"),
                    ("genre", "corporate")),
    # instruments (a named instrument takes the lead voice)
    **dict.fromkeys(("piano", "钢琴"), ("instrument", "piano")),
    **dict.fromkeys(("guitar", "吉他"), ("instrument", "acoustic guitar")),
    **dict.fromkeys(("electric guitar", "电吉他"), ("instrument", "overdriven guitar")),
    **dict.fromkeys(("strings", "string", "弦乐"), ("instrument", "strings")),
    **dict.fromkeys(("violin", "小提琴"), ("instrument", "violin")),
    **dict.fromkeys(("cello", "大提琴"), ("instrument", "cello")),
    **dict.fromkeys(("flute", "长笛"), ("instrument", "flute")),
    **dict.fromkeys(("saxophone", "sax", "萨克斯"), ("instrument", "saxophone")),
    **dict.fromkeys(("synth", "synthesizer", "合成器"), ("instrument", "square lead")),
    **dict.fromkeys(("harp", "竖琴"), ("instrument", "harp")),
    **dict.fromkeys(("organ", "风琴"), ("instrument", "organ")),
    **dict.fromkeys(("brass", "trumpet", "铜管", "小号"), ("instrument", "brass")),
    **dict.fromkeys(("choir", "合唱"), ("instrument", "choir")),
    **dict.fromkeys(("marimba", "马林巴"), ("instrument", "marimba")),
    # tempo words
    **dict.fromkeys(("slow", "slowly", "慢", "缓慢", "慢速"), ("pace", "slow")),
    **dict.fromkeys(("fast", "quick", "rapid", "快速", "快节奏", "快"), ("pace", "fast")),
    # arrangement
    **dict.fromkeys(("no drums", "without drums", "drumless", "no percussion", "不要鼓", "没有鼓", "无鼓"),
                    ("drums", "off")),
    **dict.fromkeys(("fade in", "淡入"), ("fade_in", "on")),
    **dict.fromkeys(("fade out", "淡出"), ("fade_out", "on")),
    **dict.fromkeys(("waltz", "3/4", "华尔兹"), ("meter", "3/4")),
}

# Chord progressions as (scale degree 0-6, seventh?) per bar, per section kind. Degrees are
# in the plan's mode; "V" in minor is raised to a major (harmonic minor) dominant by the theory.
PROGRESSIONS: dict[str, dict[str, tuple[tuple[tuple[int, bool], ...], ...]]] = {
    "bright": {
        "verse": (((0, False), (4, False), (5, False), (3, False)), ((0, False), (5, False), (3, False), (4, False))),
        "chorus": (((3, False), (0, False), (4, False), (5, False)), ((0, False), (4, False), (5, False), (3, False))),
        "bridge": (((5, False), (3, False), (0, False), (4, False)), ((1, False), (4, False), (0, False), (5, False))),
    },
    "gentle": {
        "verse": (((0, False), (5, False), (3, False), (4, False)), ((0, True), (3, True), (5, False), (4, False))),
        "chorus": (((3, True), (0, False), (1, True), (4, False)), ((0, False), (2, False), (3, False), (4, False))),
        "bridge": (((5, False), (2, False), (3, False), (4, False)),),
    },
    "jazzy": {
        "verse": (((1, True), (4, True), (0, True), (5, True)), ((0, True), (5, True), (1, True), (4, True))),
        "chorus": (((3, True), (2, True), (5, True), (1, True)), ((1, True), (4, True), (0, True), (0, True))),
        "bridge": (((3, True), (4, True), (2, True), (5, True)),),
    },
    "sad": {
        "verse": (((0, False), (5, False), (2, False), (6, False)), ((0, False), (3, False), (5, False), (4, False))),
        "chorus": (((5, False), (6, False), (0, False), (0, False)), ((3, False), (5, False), (0, False), (4, False))),
        "bridge": (((3, False), (0, False), (5, False), (4, True)),),
    },
    "epic": {
        "verse": (((0, False), (5, False), (2, False), (6, False)), ((0, False), (6, False), (5, False), (6, False))),
        "chorus": (((5, False), (2, False), (6, False), (0, False)), ((0, False), (5, False), (3, False), (4, False))),
        "bridge": (((3, False), (5, False), (6, False), (4, False)),),
    },
    "dark": {
        "verse": (((0, False), (0, False), (5, False), (4, False)), ((0, False), (3, False), (0, False), (4, True))),
        "chorus": (((0, False), (5, False), (3, False), (4, False)), ((5, False), (3, False), (0, False), (4, True))),
        "bridge": (((3, False), (3, False), (0, False), (4, True)),),
    },
}

# Drum grids, 16 steps per 4/4 bar (12 per 3/4 bar): GM drum note -> step string, where
# 'X' is an accent, 'x' a normal hit and 'o' a ghost note. Each pattern has a "low" variant
# for quiet sections and a "fill" row that replaces the last beat before a new section.
DRUM_PATTERNS: dict[str, dict[str, dict[int, str]]] = {
    "pop": {
        "full": {36: "X.....x.X.x.....", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        "low": {36: "X.......X.......", 37: "....x.......x...", 42: "x.x.x.x.x.x.x.x."},
        "fill": {38: "............xxXx", 36: "X..............."},
    },
    "rock": {
        "full": {36: "X.x.....X.x.....", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        "low": {36: "X.......X.......", 42: "x.x.x.x.x.x.x.x.", 38: "....x.......x..."},
        "fill": {38: "........xxxx....", 45: "............xx..", 41: "..............xX"},
    },
    "edm": {
        "full": {36: "X...X...X...X...", 39: "....X.......X...", 42: "x.x.x.x.x.x.x.x.", 46: "..x...x...x...x."},
        "low": {36: "X...X...X...X...", 42: "..x...x...x...x."},
        "fill": {36: "X...X...X...X...", 38: "........xxxxxxxX"},
    },
    "boombap": {
        "full": {36: "X.........x.....", 38: "....X.......X...", 42: "x.x.x.x.x.x.x.x."},
        "low": {36: "X.........x.....", 37: "....x.......x...", 42: "x.x.x.x.x.x.x.x."},
        "fill": {36: "X.........x..x..", 38: "....X.......X..o"},
    },
    "jazz": {
        # the ride keeps four to the bar: its swung skip note makes the beat read as half time
        "full": {51: "x...x...x...x...", 44: "....o.......o...", 36: "o...o...o...o...", 38: "......o.......o."},
        "low": {51: "x...x...x...x...", 44: "....o.......o..."},
        "fill": {51: "X...x.x.........", 38: "........o.x.x.xX"},
    },
    "folk": {
        "full": {36: "X.......X.......", 38: "....X.......X...", 70: "x.x.x.x.x.x.x.x."},
        "low": {36: "X.......X.......", 37: "....x.......x...", 70: "x.x.x.x.x.x.x.x."},
        "fill": {38: "............x.xX"},
    },
    "orchestral": {
        "full": {36: "X.......X.......", 49: "................"},
        "low": {},
        "fill": {38: "........xxxxxxxX"},
    },
    "waltz": {
        "full": {36: "X...........", 38: "....x...x...", 42: "x.x.x.x.x.x."},
        "low": {36: "X...........", 42: "....x...x..."},
        "fill": {38: "....x.x.xxxX"},
    },
}

# (section, energy relative to the mood's peak)
SECTION_ENERGY: dict[str, float] = {
    "intro": 0.45, "verse": 0.7, "chorus": 1.0, "bridge": 0.6, "outro": 0.55,
}
