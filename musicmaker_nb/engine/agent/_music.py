"""How the agent reads changes to the music and to the history, as data: English and Chinese
phrases for relative edits ("faster", "darker", "change the guitar to a piano", "shorter intro",
撤销), and one pure reader that turns a clause into the ``edit_music`` arguments.

What a word *means* musically (styles, moods, instruments, keys, tempos, drop times) is the music
layer's vocabulary (``music.prompt_choices``); this module only knows the shapes of edits.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any

from ...music import EDITS, prompt_choices

__all__ = ["read_edit", "read_history", "is_new_music", "EDITS"]

# (pattern, edit key, value): relative changes with no music word of their own
_RELATIVE: tuple[tuple[re.Pattern[str], str, Any], ...] = tuple((re.compile(p), k, v) for p, k, v in (
    (r"\bmore (?:energetic|energy|intense|exciting|lively|powerful|punchy|dynamic|driving|upbeat|hype)\b"
     r"|\b(?:livelier|punchier|pump it up|amp it up|kick it up|bigger|higher energy|more oomph|more excitement|"
     r"more power|intensify|liven (?:it |this )?up|more punch|needs punch|too (?:sleepy|calm|boring|quiet and dull|"
     r"mellow|soft|slow and dull)|(?:boost|raise|increase|up) the energy|more drive)\b"
     r"|更有活力|更有激情|更激烈|更嗨|更燃|更带劲|更有力|更有劲|激烈一?点|活力.{0,2}一?点|激情一?点|带劲一?点|有劲一?点"
     r"|(?:能量|劲).{0,2}(?:高|大|足)一?点|太(?:平淡|无聊|沉闷)",
     "energy", "up"),
    (r"\b(?:calmer|gentler|mellower|softer feel|more (?:calm|gentle|relaxed|mellow|subdued|laid[ -]back|peaceful)"
     r"|less (?:intense|energetic|busy|energy|aggressive|dramatic|hectic)|tone it down|chill it out|calm it down|"
     r"take it down a notch|lower (?:the )?energy|not so intense|lower-energy|dial (?:it |this |the (?:energy|intensity|"
     r"vibe) )?(?:back|down)|dial back the (?:energy|intensity)|(?:take|bring|turn|tone) (?:it|this|the (?:energy|"
     r"intensity)) (?:back |down )a notch|ease off|rein it in|too (?:much|intense|busy|hectic|aggressive|energetic|loud and busy)|(?:reduce|lower|"
     r"decrease) the (?:energy|intensity)|bring (?:the )?(?:energy|intensity) down|(?:energy|intensity) down)\b"
     r"|更?平静一?点|柔和一?点|舒缓一?点|没那么激烈|(?:降低|减少).{0,2}(?:能量|强度)|温和一?点|缓和一?点|别那么激烈"
     r"|能量.{0,2}低一?点|太激烈|太吵闹",
     "energy", "down"),
    (r"\b(?:faster|speed (?:it |this |that )?up|quicker|pick up the pace|up the tempo|(?:increase|raise) the tempo|"
     r"higher tempo|more tempo|less slow|quicken|too slow|drags|dragging|sluggish|plodding|more (?:fast|quick|quickly|"
     r"speed|speedy|uptempo))\b|加快|快一?点|更快|节奏.{0,2}快|提速|速度.{0,2}快|太慢",
     "tempo", "faster"),
    (r"\b(?:slower|slow (?:it |this |that )?down|slow the tempo|(?:decrease|reduce|lower) the tempo|lower tempo|"
     r"less fast|not so fast|too fast|more (?:slow|slowly|slowed down)|less (?:quick|speedy|rushed)|too rushed)\b|放慢|慢一?点|更慢|节奏.{0,2}慢|降速|速度.{0,2}慢|太快",
     "tempo", "slower"),
    (r"\b(?:darker|more dark|gloomier|moodier|more sinister|more ominous|more somber|more sombre|darken)\b"
     r"|更暗|暗一?点|阴暗一?点|黑暗一?点|更阴郁", "brightness", "darker"),
    (r"\b(?:brighter|more bright|lighter|sunnier|brighten (?:it |this )?up|too dull|too dark)\b"
     r"|更明亮|明亮一?点|亮一?点|太暗", "brightness", "brighter"),
    (r"\b(?:shorter|short|less|cut|trim|shorten|quicker|reduce) (?:the )?intro\b|\bintro\b.{0,20}\b(?:shorter|short|"
     r"less long|too long|drags|takes forever|takes too long)\b|(?:前奏|开头|开场).{0,3}短|缩短.{0,2}(?:前奏|开头)"
     r"|(?:前奏|开头)太长", "intro", "shorter"),
    (r"\b(?:longer|long|extend|lengthen|more) (?:the )?intro\b|\bintro\b.{0,20}\b(?:longer|too short)\b"
     r"|\blonger (?:build-?up|start|beginning|opening)\b.{0,20}|\b(?:build-?up|start|beginning|opening)\b.{0,12}"
     r"\blonger\b|(?:前奏|开头|开场).{0,3}长|延长.{0,2}(?:前奏|开头)|(?:前奏|开头)太短", "intro", "longer"),
    (r"\b(?:longer|long|extend|lengthen|bigger) (?:the )?(?:ending|outro|end)\b|\b(?:ending|outro|end)\b.{0,20}"
     r"\b(?:longer|too short|too abrupt|too sudden)\b|\bring out\b|\blet it ring\b|\bends? too (?:abruptly|"
     r"suddenly|soon)\b|结尾.{0,3}长|延长.{0,2}结尾|尾奏.{0,3}长|结尾太短|结尾太突然", "ending", "longer"),
    (r"\b(?:shorter|short|shorten|cut|trim|quicker) (?:the )?(?:ending|outro|end)\b|\b(?:ending|outro|end)\b.{0,20}"
     r"\b(?:shorter|too long)\b|结尾.{0,3}短|缩短.{0,2}结尾|尾奏.{0,3}短|结尾太长", "ending", "shorter"),
))
# An instrument swapped, added or removed, read from one line of text. A pattern is a list of
# alternatives, each (its opening or None, the whole alternative). In one line an alternative with
# an opening ("change", "bring", 把) matches from the opening's first place or nowhere, since what
# follows that place holds every later one; it is tried there alone, so reading is linear in the
# text instead of one scan to the end per opening word.
_Alternatives = tuple[tuple[re.Pattern[str] | None, re.Pattern[str]], ...]


def _alternatives(*pairs: tuple[str, str]) -> _Alternatives:
    return tuple((re.compile(start) if start else None, re.compile(start + rest)) for start, rest in pairs)


_SWAPS = tuple(_alternatives(pair) for pair in (
    (r"\b(?:change|switch|swap|replace|turn|exchange)\s+",
     r"(?:out\s+)?(?:the\s+)?(?P<a>.+?)\s+(?:to|with|for|into|by)\s+(?P<b>.+)$"),
    (r"\bmake\s+", r"(?:the\s+|its\s+)?(?P<a>.+?)\s+(?:into\s+|a\s+|an\s+)+(?P<b>.+)$"),  # make the guitar a piano
    (r"\b(?:use|play|have|want)\s+", r"(?:a\s+|an\s+|some\s+|the\s+)?(?P<b>.+?)\s+instead of\s+(?:the\s+)?(?P<a>.+)$"),
    (r"\binstead of\s+", r"(?:the\s+)?(?P<a>.+?)[,\s]+(?:use|play|have)\s+(?P<b>.+)$"),
    ("把", r"(?P<a>.+?)(?:换成|改成|替换成|变成)(?P<b>.+)$"),
    ("用", r"(?P<b>.+?)(?:代替|替换|替代|换掉)(?P<a>.+)$"),
    ("", r"(?<![^把用])(?P<a>[^把用]+?)(?:换成|改成|替换成)(?P<b>.+)$"),  # from the start of a run without 把 or 用
))
# A part named instead of an instrument ("play the melody on a flute", 把旋律换成笛子): its word, and
# the swaps that name one. Tried before the instrument swaps, whose "from" must be an instrument.
_PART_WORDS = {"melody": "melody", "lead": "melody", "tune": "melody", "solo": "melody", "theme": "melody",
               "chords": "chords", "chord": "chords", "harmony": "chords", "pad": "pad", "arpeggio": "arp",
               "arpeggios": "arp", "arp": "arp", "主旋律": "melody", "旋律": "melody", "和弦": "chords",
               "琶音": "arp", "铺底": "pad"}
_PART = r"(?P<part>melody|lead|tune|solo|theme|chords|chord|harmony|pad|arpeggios|arpeggio|arp|主旋律|旋律|和弦|琶音|铺底)"
_PART_SWAPS = _alternatives(
    (r"\b(?:play|put|do|have|give)\s+", rf"(?:the\s+|its\s+|that\s+)?{_PART}\s+(?:on|with|by|to)\s+(?P<b>.+)$"),
    (r"\b(?:change|switch|swap|turn|make)\s+", rf"(?:the\s+|its\s+)?{_PART}\s+(?:to|into|with|for|a|an|on)\s+(?P<b>.+)$"),
    ("", rf"\b{_PART}\s+(?:on|played on|played by|by)\s+(?P<b>.+)$"),
    (r"\b(?:use|with|have|want|try)\s+", rf"(?P<b>.+?)\s+(?:for|on|as|playing)\s+(?:the\s+)?{_PART}\b"),
    ("", rf"把?{_PART}(?:换成|改成|变成|改用|用)(?P<b>.+)$"),
    ("用", rf"(?P<b>.+?)来?(?:演奏|弹|吹|拉|演绎)?{_PART}"),
)
_ADD = _alternatives(
    ("", r"\b(?:add|adding|bring in|include|layer(?: in)?|put in|throw|with more|more|plus|give it|"
         r"put|could use|needs?|use|feature|sprinkle)\s+(?P<x>.+)$"),
    (r"\bbring ", r"(?:the\s+)?(?P<z>.+?) back\b"),
    ("", r"(?:加(?:点|上|入|一些|一点)?|增加|加进|添加|再加)(?P<y>.+)$"),
)
_REMOVE = _alternatives(
    ("", r"\b(?:remove|drop|take out|take away|get rid of|lose|mute|without|no|cut|kill|delete|"
         r"ditch|less)\s+(?:the\s+|any\s+|all\s+)?(?P<x>.+)$"),
    (r"\btake ", r"(?:the\s+)?(?P<z>.+?) (?:out|away)\b"),
    ("", r"(?:去掉|不要|删掉|删除|拿掉|取消|去除|别要)(?P<y>.+)$"),
)
# a style or mood named in a clause that asks to change the music's character
_RESTYLE = re.compile(r"\b(?:make|turn|change|switch|convert|transform|go)\s+(?:it|this|that|the music|the track|"
                      r"the song|the style|the genre|the mood|the vibe|more)\b|\bmore\b|\b(?:sound|feel)s?\s+"
                      r"(?:more\s+)?(?:like\s+)?|\bless\b|\bstyle\b|\bgenre\b|\bmood\b|\bvibe\b|\bversion\b|"
                      r"\bgive it an? .{0,24}(?:feel|vibe|tone|touch|edge|flavou?r|sound|twist|spin)\b|"
                      r"\b(?:happ|sadd|dark|bright|calm|dream|jazz|funk|groov|mood|spook|creep|scar|sex|coz|chill|"
                      r"mellow|punch|liv|heav|soft|grand|warm|cool|sweet|gentl|rock|popp|danc|edg|gritt|dirt|smooth|"
                      r"light|epic|tens|rough|angr|peacefull?|relax|airi|jollier|happi)(?:ier|er)\b"
                      r"|\b(?:hear|play|do|redo|try) (?:it|this|that) as\b|\bas an?\b"
                      r"|(?:改成|变成|换成|改为|弄成)|更|风格|一点|一些|些")
# "too gloomy" asks for less of it: the mood it names is not the one wanted
_TOO = re.compile(r"\btoo\b|太")
_MODE_EDIT = re.compile(r"\b(?:to|it|into|is|be|in a|as a|go)\s+(major|minor)\b|(大调|小调)")
_NEW = re.compile(r"\b(?:new|another|different|instead|regenerate|replace|fresh|from scratch|try again|other|"
                  r"start over|start again)\b|再来|换一[首个段]|一首|重新|换个|另一")
_HISTORY = (
    (re.compile(r"\b(?:undo|unde|revert|roll (?:it |that )?back|take (?:that|it) back|step back|one step back|"
                r"go back(?! to (?:the )?(?:music|track|song|style))|put it back(?: how it was)?|ctrl\s*\+?\s*z|"
                r"cancel (?:that|the|my) last|liked it better before|(?:back )?(?:to )?how it was(?: before)?|"
                r"previous version|last version|earlier version)\b"
                r"|撤销|撤回|撤消|回退|退回|回到上一步|返回上一步|上一步|上一个版本|后退一步|还原|不要这个改动|恢复原样|改回去"
                r"|刚才的(?:好|更好|比较好)"), "undo"),
    (re.compile(r"\bredo\b(?!\s+(?:the\s+)?(?:music|track|song|soundtrack|bgm|tune))|\bundo (?:the|that|my) undo\b|"
                r"\bre-?apply\b|\bbring back what i undid\b|\bwant (?:that|the) change back\b|\bgo forward\b|"
                r"\bctrl\s*\+?\s*y\b|\b(?:what|the change) (?:you|i) (?:just )?undid\b|\bundid\b|重做|恢复刚才撤销"
                r"|恢复.{0,4}撤销|前进一步|做回来|再做回|撤销的.{0,6}(?:恢复|回来|做回)"), "redo"),
)
_SECTIONS = ("intro", "ending")
_TIMES = re.compile(r"\b(?:twice|two times|2 times|2x)\b|两次|二次|2次")
_THRICE = re.compile(r"\b(?:three times|thrice|3 times|3x)\b|三次|3次")
_NOISE = re.compile(r"\b(?:please|can you|could you|would you|just|a bit|a little|slightly|much|way|some|kind of|"
                    r"sort of)\b|请|一下|吧|呢|啊")


def read_history(clause: str) -> list[str]:
    """['undo'], ['undo', 'undo'] for "undo twice", ['redo'], or [] for anything else."""
    return list(_history(clause))


# The agent asks about the same words several times in one message (a clause, then the whole
# message): both readers keep their last answers.
@functools.lru_cache(maxsize=16)
def _history(clause: str) -> tuple[str, ...]:
    text = _TIMES.sub(" ", _THRICE.sub(" ", clause)).strip()
    text = re.sub(r"\s+", " ", text)
    count = 3 if _THRICE.search(clause) else 2 if _TIMES.search(clause) else 1
    for pattern, name in reversed(_HISTORY):  # "undo the undo" is a redo
        if pattern.search(text):
            return (name,) * count
    return ()


def read_edit(clause: str) -> dict[str, Any]:
    """The ``edit_music`` arguments a clause asks for (keys from ``music.EDITS``), ``{}`` if none.

    Relative words first (faster, darker, shorter intro), then instruments swapped, added or
    removed, then what the music vocabulary reads in the clause (an absolute tempo or key, a
    drop time, a style or a mood asked of the music as it is)."""
    return copy.deepcopy(_edit(clause))  # a copy: the caller may change it


@functools.lru_cache(maxsize=16)
def _edit(clause: str) -> dict[str, Any]:
    text = _NOISE.sub(" ", clause.lower()).strip()
    out: dict[str, Any] = {}
    for pattern, key, value in sorted(_RELATIVE, key=lambda rule: rule[1] not in _SECTIONS):
        if key not in out and pattern.search(text):
            out[key] = value
            if key in _SECTIONS:  # "the intro drags" is about the intro, not the tempo
                text = pattern.sub(" ", text)
    said = prompt_choices(clause)  # as written: "F major" is a key, "f major" could be English
    if said.get("drop_s") is None:  # "the beat hits at 0:18" is a time, not a request for drums
        _instruments(text, out)
    mode = _MODE_EDIT.search(text)
    if mode and not said.get("mode"):
        said["mode"] = "major" if (mode.group(1) or mode.group(2)) in ("major", "大调") else "minor"
    if said.get("tempo_bpm") is not None:
        out["tempo_bpm"] = said["tempo_bpm"]
    if said.get("key"):
        out["key"] = said["key"]
    if said.get("mode") and "brightness" not in out:
        out["mode"] = said["mode"]
    if said.get("drop_s") is not None:
        out["drop_ms"] = round(said["drop_s"] * 1000)
    if said.get("drums") is not None and "drums" not in out:
        out["drums"] = said["drums"]
    if _RESTYLE.search(text) and not _TOO.search(text) and not ({"swap", "add", "remove"} & set(out)):
        if said.get("style"):
            out["style"] = said["style"]
        elif said.get("mood") and "energy" not in out and "brightness" not in out:
            out["mood"] = said["mood"]
    return out


def _instruments(text: str, out: dict[str, Any]) -> None:
    line = " ".join(text.split())  # one line, as _alternatives needs (what it names is read the same)
    named_part = _search(_PART_SWAPS, line)
    if named_part:
        new = _instrument(named_part.group("b"))
        if new:
            out["swap"] = {"from": _PART_WORDS[named_part.group("part")], "to": new}
            return
    for swap in _SWAPS:
        match = _search(swap, line)
        if match:
            old, new = _instrument(match.group("a")), _instrument(match.group("b"))
            if old and new and old != new:
                out["swap"] = {"from": old, "to": new}
                return
    for pattern, key, drums in ((_REMOVE, "remove", False), (_ADD, "add", True)):
        found = _search(pattern, line)
        named = _instrument(next(g for g in found.groups() if g)) if found else None
        if named:
            out.update({"drums": drums} if named == "drums" else {key: named})
            return


def _search(alternatives: _Alternatives, line: str) -> re.Match[str] | None:
    """What one regex of the alternatives would find in ``line``: the leftmost match, the first
    alternative listed where two begin at the same place."""
    found = []
    for start, pattern in alternatives:
        if start is None:
            match = pattern.search(line)
        else:
            opening = start.search(line)
            match = pattern.match(line, opening.start()) if opening else None
        if match:
            found.append(match)
    return min(found, key=lambda match: match.start(), default=None)


def _instrument(words: str) -> str | None:
    names = prompt_choices(words).get("instrument", [])
    return names[0] if names else None


_CHARACTER = frozenset({"style", "mood"})
_ABSOLUTE = frozenset({"tempo_bpm", "key", "mode", "drop_ms"})


def is_new_music(clause: str, change: dict[str, Any]) -> bool:
    """Whether a clause asks for other music rather than ``change`` to this one: words of newness
    ("another", "instead") with nothing but a style or mood to change, or a description of music
    ("lo-fi hip hop, 84 bpm", "something sleepy") with no word of change and no relative edit."""
    if set(change) - _CHARACTER - _ABSOLUTE:
        return False  # faster, darker, add strings, swap the guitar: a change to this music
    if _NEW.search(clause) and not set(change) & _ABSOLUTE:
        return True
    said = prompt_choices(clause)
    return any(k in said for k in ("style", "mood", "occasion")) and not _RESTYLE.search(_NOISE.sub(" ", clause))
