"""Reading a prompt: the words -> what they ask of the music. Pure, and linear in the prompt's length.

English is cut into words and matched against the vocabulary's phrases of up to four words,
longest first; Chinese (no spaces) is matched at every character, longest first. A word that
matches nothing is tried again as its stem ("jazzy" -> "jazz", "drums" -> "drum") and then as a
misspelling of a known word (one edit, or two in long words, same first letter). English words
are never bent into music words: the common ones are listed here, and ``_confusables.txt`` holds
every dictionary word a repair would otherwise turn into one ("banking" is not "baking").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ._theory import NOTE_NAMES, pitch_class
from ._vocabulary import (ENERGY_WORDS, FLAG_WORDS, INSTRUMENT_WORDS, MOODS, OCCASIONS, ONLY_WORDS, PACE_WORDS,
                          STYLE_WORDS)

__all__ = ["Match", "Reading", "read", "PromptError", "MIN_BPM", "MAX_BPM"]

MIN_BPM, MAX_BPM = 40.0, 240.0


class PromptError(ValueError):
    """A prompt asks for what no music here can be: a tempo (``bpm``) outside 40-240 BPM."""

    def __init__(self, message: str, *, bpm: float) -> None:
        super().__init__(message)
        self.bpm = bpm
_MAX_PHRASE = 4
_WORD = re.compile(r"[a-z0-9][a-z0-9'&+#/.-]*[a-z0-9+#&]|[a-z0-9]|[\u3400-\u9fff]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_BPM = re.compile(r"(\d{1,4}(?:\.\d+)?)\s*(?:bpm|beats per minute|beats a minute|拍每分钟|拍/分)"
                  r"|(?:每分钟|速度|节奏)\D{0,4}?(\d{2,3})\s*拍?|\b(?:bpm|tempo)\s*(?:of|to|at|=|:|is)?\s*(\d{2,3})\b")
_ACCIDENTAL = r"(?:#|♯|♭|b(?![a-z])|-sharp|-flat| sharp| flat)?"
_KEYS = (
    re.compile(rf"(?i:\bin|\bkey of)\s+(?!a (?:major|minor) key)([a-gA-G]{_ACCIDENTAL})[ -]?(?i:(major|minor))"
               rf"|([a-gA-G]{_ACCIDENTAL})[ -]?(大调|小调)"),
    re.compile(rf"(?<![A-Za-z])([A-G]{_ACCIDENTAL})[ -]?((?i:major|minor)|大调|小调)(?![a-z])"),
)
_TONIC = re.compile(rf"(?<![A-Za-z])(?i:in|key of)\s+([A-G]{_ACCIDENTAL})(?![A-Za-z#♯♭])")  # "slow blues in E"
_MODE = re.compile(r"(?<![a-z])(major|minor)(?: key| mode| scale)(?![a-z])|(?<![a-z])in (major|minor)(?![a-z])"
                   r"|(大调|小调)")
_DROP = re.compile(r"\b(?:drop|climax)\b.{0,24}?\b(?:at|around|by|near|to|on)\s+(?:the\s+)?"
                   r"(\d{1,2}:\d{2}|\d+(?:\.\d+)?\s*(?:s|sec|secs|seconds)?\b)"
                   r"|\b(?:beat|bass|music) (?:to )?(?:hit|kick in|come in|drop)s?\b.{0,30}?\b(?:at|around|by)\s+(?:the\s+)?"
                   r"(\d{1,2}:\d{2}|\d+(?:\.\d+)?\s*(?:s|sec|secs|seconds)?\b)"
                   r"|在?\s*第?\s*(?<!\d)(\d+(?:\.\d+)?)\s*秒\s*(?:处|时)?\s*(?:进入高潮|高潮|drop)"
                   r"|(?:drop|高潮).{0,6}?第?\s*(\d+(?:\.\d+)?)\s*秒")
# phrases that contain music words without asking for them
_IGNORED = re.compile(r"\b(?:i'?d love|i would love|would love|love to|i love|no vocals?|without vocals?|"
                      r"instrumental only|for my channel|subscribe)\b")
_MEDIA = ("video", "videos", "vlog", "reel", "reels", "clip", "clips", "montage", "footage", "film", "slideshow",
          "tiktok", "short", "shorts", "story", "视频", "短片")
# frequent English words: never read as a misspelling of a music word
_COMMON = frozenset("""
a about above across after again against all almost along already also although always am among an and another
any anything are around as at away back be because been before being below between both but by can could
did do does doing done down during each either else enough even ever every everything few first for from
get give go going good got great had has have having he her here him his how however i if in into is it its
just keep kind know last least less let like little long look lot made make making many may me might more
most much must my near need never new next nice no nor not nothing now of off often on once one only or
other our out over own part people perhaps place please put quite rather really right same second see seem
several she should show since so some something somewhat soon still such sure take than that the their them
then there these they thing think this those though through time to together too toward try turn under
until up upon us use used using very want was way we well were what when where whether which while who
whole why will with within without would yet you your video clip footage music track song tune background
add added adding class classes wobbly
minute minutes second seconds start end beginning ending part parts piece version make sound sounds feel
feeling feels vibe vibes style something someone somewhere around across before behind beside maybe also
""".split())


@dataclass(frozen=True)
class Match:
    text: str  # as written in the prompt (with its media noun: "cat video")
    field: str  # style, mood, occasion, instrument, pace, energy, only, or a flag
    value: Any
    how: str = "exact"  # exact, stem or spelling


@dataclass(frozen=True)
class Reading:
    """What a prompt says, in the order it says it."""

    matches: tuple[Match, ...] = ()
    tempo_bpm: float | None = None
    key: str | None = None
    mode: str | None = None
    drop_s: float | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def first(self, name: str) -> Match | None:
        return next((m for m in self.matches if m.field == name), None)

    def all(self, name: str) -> list[Match]:
        return [m for m in self.matches if m.field == name]

    @property
    def pace(self) -> float:
        return max(-0.6, min(0.6, sum(m.value for m in self.all("pace"))))

    @property
    def energy(self) -> float:
        return max(-0.3, min(0.3, sum(m.value for m in self.all("energy"))))

    def flag(self, name: str, default: Any = None) -> Any:
        found = self.all(name)
        return found[-1].value if found else default

    def is_empty(self) -> bool:
        return not self.matches and self.tempo_bpm is None and self.key is None and self.mode is None


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[tuple[str, ...], tuple[str, Any]], dict[str, tuple[str, Any]], int, dict[str, list[str]]]:
    """(English phrases as word tuples, Chinese phrases, longest Chinese phrase, one-word
    English phrases by first letter for spelling repair)."""
    entries: list[tuple[str, str, Any]] = []
    entries += [(w, "style", name) for name, words in STYLE_WORDS.items() for w in words]
    entries += [(w, "mood", name) for name, mood in MOODS.items() for w in mood.words]
    entries += [(w, "occasion", name) for name, occasion in OCCASIONS.items() for w in occasion.words]
    entries += [(w, "instrument", name) for name, words in INSTRUMENT_WORDS.items() for w in words]
    entries += [(w, "pace", v) for w, v in PACE_WORDS.items()]
    entries += [(w, "energy", v) for w, v in ENERGY_WORDS.items()]
    entries += [(w, name, value) for w, (name, value) in FLAG_WORDS.items()]
    entries += [(w, "only", True) for w in ONLY_WORDS]
    english: dict[tuple[str, ...], tuple[str, Any]] = {}
    chinese: dict[str, tuple[str, Any]] = {}
    for word, name, value in entries:
        meaning = (name, value)
        if _CJK.search(word):
            known = chinese.setdefault(word, meaning)
        else:
            known = english.setdefault(tuple(_WORD.findall(word.lower())), meaning)
        if known != meaning:
            raise ValueError(f"vocabulary: {word!r} means both {known} and {meaning}")
    by_letter: dict[str, list[str]] = {}
    for key in english:
        if len(key) == 1 and len(key[0]) >= 4 and key[0].isalpha():
            by_letter.setdefault(key[0][0], []).append(key[0])
    return english, chinese, max(map(len, chinese)), by_letter


def read(prompt: str) -> Reading:
    """What ``prompt`` asks of the music. Raises ValueError for a tempo outside 40-240 BPM."""
    return _read(" ".join(str(prompt).replace("’", "'").split()))


@lru_cache(maxsize=16)  # a reading is immutable, and the agent reads the same words several times
def _read(text: str) -> Reading:
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    tempo = _tempo(lowered, spans)
    key, mode = _key(text, lowered, spans)
    drop = _drop(lowered, spans)
    for match in _IGNORED.finditer(lowered):
        spans.append(match.span())
    words = [(m.group(0), m.start()) for m in _outside(_WORD.finditer(lowered), spans)]
    return Reading(tuple(_matches(words)), tempo, key, mode, drop)


def _outside(matches: Iterator[re.Match[str]], spans: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """The matches (in the text's order) that begin in none of ``spans``: one sweep through both,
    not a look at every span for every word."""
    ordered, index, reach = sorted(spans), 0, -1
    for match in matches:
        while index < len(ordered) and ordered[index][0] <= match.start():
            reach = max(reach, ordered[index][1])
            index += 1
        if match.start() >= reach:
            yield match


def _tempo(text: str, spans: list[tuple[int, int]]) -> float | None:
    match = _BPM.search(text)
    if not match:
        return None
    value = float(next(g for g in match.groups() if g))
    if not (MIN_BPM <= value <= MAX_BPM):
        raise PromptError(f"prompt: asks for {value:g} BPM, but tempo_bpm must be {MIN_BPM:.0f}-{MAX_BPM:.0f} BPM",
                          bpm=value)
    spans.append(match.span())
    return value


def _key(text: str, lowered: str, spans: list[tuple[int, int]]) -> tuple[str | None, str | None]:
    for pattern in _KEYS:
        match = pattern.search(text)
        if match:
            tonic, mode = [g for g in match.groups() if g is not None][:2]
            spans.append(match.span())
            return NOTE_NAMES[pitch_class(tonic)], "major" if mode.lower() in ("major", "大调") else "minor"
    tonic = _TONIC.search(text)
    if tonic:
        spans.append(tonic.span())
    match = _MODE.search(lowered)
    mode = None
    if match:
        spans.append(match.span())
        word = next(g for g in match.groups() if g)
        mode = "major" if word in ("major", "大调") else "minor"
    return (NOTE_NAMES[pitch_class(tonic.group(1))] if tonic else None), mode


def _drop(text: str, spans: list[tuple[int, int]]) -> float | None:
    match = _DROP.search(text)
    if not match:
        return None
    spans.append(match.span())
    value = next(g for g in match.groups() if g)
    if ":" in value:
        minutes, seconds = value.split(":")
        return int(minutes) * 60 + float(seconds)
    return float(re.findall(r"\d+(?:\.\d+)?", value)[0])


def _matches(words: list[tuple[str, int]]) -> list[Match]:
    english, chinese, longest, _ = _lexicon()
    out: list[Match] = []
    i = 0
    while i < len(words):
        word = words[i][0]
        if _CJK.match(word):
            out += _chinese(word, chinese, longest)
            i += 1
            continue
        if i + 1 < len(words) and _CJK.match(words[i + 1][0]) and words[i + 1][1] == words[i][1] + len(word):
            run = word + words[i + 1][0]  # "8位", "house舞曲": a table word that mixes the scripts
            size = next((n for n in range(min(len(run), longest), len(word), -1) if run[:n] in chinese), 0)
            if size:
                out.append(Match(run[:size], *chinese[run[:size]]))
                out += _chinese(run[size:], chinese, longest)
                i += 2
                continue
        for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
            phrase = tuple(w for w, _ in words[i:i + n])
            if n > 1 and phrase not in english and phrase[-1].endswith("s"):
                phrase = phrase[:-1] + (phrase[-1][:-1],)  # "afro beats" is "afro beat"
            if phrase in english:
                name, value = english[phrase]
                noun = _media_noun(words, i + n, name)
                out.append(Match(" ".join(phrase) + (" " + noun if noun else ""), name, value))
                i += n + bool(noun)
                break
        else:
            if "-" in word and tuple(word.split("-")) in english:  # "honky-tonk" is "honky tonk"
                name, value = english[tuple(word.split("-"))]
                out.append(Match(word, name, value))
                i += 1
                continue
            repaired = _repair(word)
            if repaired is not None:
                (name, value), how, known = repaired
                out.append(Match(f"{word} ({known})" if how == "spelling" else word, name, value, how))
            i += 1
    return out


def _media_noun(words: list[tuple[str, int]], index: int, name: str) -> str:
    """'cat' followed by 'video' reads 'cat video' in the reply."""
    if name == "occasion" and index < len(words) and words[index][0] in _MEDIA:
        return words[index][0]
    return ""


def _chinese(run: str, table: dict[str, tuple[str, Any]], longest: int) -> list[Match]:
    out, i = [], 0
    while i < len(run):
        for n in range(min(longest, len(run) - i), 0, -1):
            if run[i:i + n] in table:
                name, value = table[run[i:i + n]]
                out.append(Match(run[i:i + n], name, value))
                i += n
                break
        else:
            i += 1
    return out


def _stems(word: str) -> list[str]:
    word = re.sub(r"(.)\1{2,}", r"\1\1", word)  # "chilll" -> "chill"
    options = [word]
    for suffix, replacement in (("-y", ""), ("-ish", ""), ("-esque", ""), ("-ey", ""), ("'s", ""), ("iest", "y"),
                                ("ier", "y"), ("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"),
                                ("ed", ""), ("ed", "e"), ("er", ""), ("est", ""), ("ly", ""), ("y", ""),
                                ("ish", ""), ("-style", ""), ("-like", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            options.append(word[: len(word) - len(suffix)] + replacement)
    if len(options) > 1 and re.search(r"(.)\1$", options[-1]):
        options.append(options[-1][:-1])  # "running" -> "runn" -> "run"
    return options


@lru_cache(maxsize=1)
def _confusables() -> frozenset[str]:
    """English words that look like a misspelt music word ("banking", "bridge"): see
    tools/make_confusables.py, which writes the list from SCOWL's word list."""
    text = Path(__file__).with_name("_confusables.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=4096)
def _repair(word: str) -> tuple[tuple[str, Any], str, str] | None:
    """(meaning, how, the known word) for a word the lexicon does not hold as written."""
    english, _, _, by_letter = _lexicon()
    if word in _COMMON or not word[0].isalpha() or word in _confusables():
        return None
    for stem in _stems(word)[1:]:
        if (stem,) in english:
            return english[(stem,)], "stem", stem
    if len(word) < 4:
        return None
    limit = 1 if len(word) < 9 else 2  # edits, a swap of two letters counting as one ("reggea")
    match = process.extractOne(word, by_letter.get(word[0], ()), scorer=OSA.distance, score_cutoff=limit)
    if match is None:
        return None
    return english[(match[0],)], "spelling", match[0]
