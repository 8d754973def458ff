"""The agent's understanding: a message -> tool calls, or a question back. Pure, no I/O.

A message is cut into clauses ("add calm piano music and fade it out" -> two), each clause
is matched against tables of English and Chinese phrases, and the matches become
:class:`ToolCall` s that :mod:`._run` applies to the draft. When a request is unclear
(nothing matched, a clip that does not exist, a title without words, music edits with no
music) the answer is a question, never a guess.

Tools: ``generate_music(prompt, clip, replace)``, ``set_volume(volume | factor, target)``,
``fade_music(fade_in_ms, fade_out_ms)``, ``place_music(start_ms, end_ms)``,
``add_title(text, start_ms, duration_ms)``, ``remove_title()``,
``add_text(text, start_ms, duration_ms)``, ``set_aspect(width, height, name)``,
``set_fit(fit, focus, clip)`` (how a picture of another shape fills the frame),
``duck_music(enabled)``, ``remove_music()``, ``edit_music(**change)`` (a change to the music as it
is: faster, darker, another instrument; see ``_music``), ``undo()``, ``redo()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ...music import SWAPPABLE_PARTS, PromptError, prompt_choices
from ...music._reading import MAX_BPM, MIN_BPM
from ...protocol import QUOTED, ToolCall
from ._music import is_new_music, read_edit, read_history

__all__ = [
    "Clip",
    "AgentContext",
    "Interpretation",
    "interpret",
    "language_of",
    "parse_time_ms",
    "split_seed",
    "well_formed",
    "ASPECT_SIZES",
    "COSTLY_TOOLS",
]

COSTLY_TOOLS = ("generate_music", "edit_music")


@dataclass(frozen=True)
class Clip:
    """An uploaded medium as the agent sees it (in upload order)."""

    id: str
    name: str
    kind: str
    duration_ms: float
    start_ms: float = 0  # where it sits on the timeline (0 for media not on it)


@dataclass(frozen=True)
class AgentContext:
    clips: tuple[Clip, ...] = ()
    has_music: bool = False
    music_segments: int = 0
    last_prompt: str | None = None


@dataclass(frozen=True)
class Interpretation:
    """Either tool calls to run or a question to ask; ``language`` is ``en`` or ``zh``. ``note`` is
    a sentence the reply ends with (why the language model's reading was not used)."""

    calls: tuple[ToolCall, ...] = ()
    question: str | None = None
    language: str = "en"
    note: str | None = None

    @property
    def cost_units(self) -> int:
        return sum(call.name in COSTLY_TOOLS for call in self.calls)


class _Question(Exception):
    def __init__(self, en: str, zh: str) -> None:
        self.en, self.zh = en, zh


_CJK = re.compile(r"[\u3400-\u9fff]")


def language_of(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


# -- times ----------------------------------------------------------------------------------
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
# A number is read from the start of its digits: (?<!\d) gives the same matches, found once instead
# of once per digit (a long run of digits was quadratic).
_SECONDS = r"(?<!\d)\d+(?:\.\d+)?\s*(?:s|sec|secs|second|seconds|秒钟?)(?![a-z])"
_TIME = rf"(?:{_CLOCK}|{_SECONDS}|(?<!\d)\d+(?:\.\d+)?)"


def parse_time_ms(text: str) -> float:
    """``0:05`` -> 5000, ``1:02.5`` -> 62500, ``5s`` / ``5 seconds`` / ``5秒`` / ``5`` -> 5000."""
    text = text.strip()
    if ":" in text:
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + float(part)
        return seconds * 1000
    return float(re.match(r"\d+(?:\.\d+)?", text).group(0)) * 1000


def _duration_ms(clause: str, default: float | None) -> float | None:
    """'for 5 seconds', '持续3秒', or a bare length; never the start time of 'at 10 seconds'."""
    match = re.search(rf"(?:for|over|lasting|持续|时长|显示)\s*({_SECONDS})", clause)
    if match is None:
        match = re.search(rf"({_SECONDS})", _AT_TIME.sub(" ", clause))
    return parse_time_ms(match.group(1)) if match else default


def _span_ms(clause: str) -> tuple[float | None, float | None] | None:
    """``from 0:05 to 0:20`` / ``between 5s and 20s`` / ``从5秒到20秒`` / ``start at 0:05`` / ``end at 0:20``."""
    both = re.search(rf"(?:from|between|从)\s*(?:第\s*)?({_TIME})\s*(?:to|and|until|till|-|–|到|至)\s*(?:第\s*)?({_TIME})",
                     clause)
    if both:
        return parse_time_ms(both.group(1)), parse_time_ms(both.group(2))
    start = re.search(rf"(?:start(?:s|ing)?|begin(?:s|ning)?|come in)\s*(?:at|from)\s*({_TIME})|从\s*({_TIME})\s*开始", clause)
    end = re.search(rf"(?:end(?:s|ing)?|stop(?:s|ping)?)\s*(?:at|by)\s*({_TIME})|(?:到|在)\s*({_TIME})\s*(?:结束|停止)", clause)
    if not (start or end):
        return None
    pick = lambda m: parse_time_ms(next(g for g in m.groups() if g)) if m else None  # noqa: E731
    return pick(start), pick(end)


# -- clip references ------------------------------------------------------------------------------
_ORDINALS_EN = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
                "fifth": 5, "5th": 5, "sixth": 6, "6th": 6}
_ORDINALS_ZH = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CLIP_NOUN = r"(?:clip|video|file|upload|medium|track|song|one)"


def _clip_index(clause: str, clips: tuple[Clip, ...]) -> int | None:
    """1-based clip number named in the clause; -1 for "the last"; None when none is named."""
    for clip_no, clip in enumerate(clips, 1):
        stem = clip.name.rsplit(".", 1)[0].lower()
        # A bare stem ("travel") is a name only among several clips: "my travel video" is not a reference.
        by_stem = len(clips) > 1 and len(stem) >= 3 and re.search(rf"\b{re.escape(stem)}\b", clause)
        if clip.name.lower() in clause or by_stem:
            return clip_no
    match = re.search(rf"\b(?:the\s+)?({'|'.join(_ORDINALS_EN)}|last)\s+{_CLIP_NOUN}\b", clause)
    if match:
        return -1 if match.group(1) == "last" else _ORDINALS_EN[match.group(1)]
    match = re.search(rf"\b{_CLIP_NOUN}\s*(?:(?:#|no\.?|number)\s*)?(\d+)\b", clause)
    if match:
        return int(match.group(1))
    match = re.search(r"第\s*([一二两三四五六\d])\s*[个段条部]?\s*(?:视频|片段|素材|文件|段)?|最后一[个段条]", clause)
    if match:
        if match.group(0).startswith("最后"):
            return -1
        digit = match.group(1)
        return int(digit) if digit.isdigit() else _ORDINALS_ZH[digit]
    return None


def _resolve_clip(clause: str, context: AgentContext) -> Clip | None:
    number = _clip_index(clause, context.clips)
    if number is None:
        return None
    clips = context.clips
    if number == -1 and clips:
        return clips[-1]
    if 1 <= number <= len(clips):
        return clips[number - 1]
    names = ", ".join(f"{n}. {c.name}" for n, c in enumerate(clips, 1)) or "none yet"
    raise _Question(f"There is no clip number {number}; the clips are: {names}. Which one do you mean?",
                    f"没有第 {number} 个片段；现有片段：{names}。你指的是哪一个？")


# -- the phrase tables --------------------------------------------------------------------------
_MUSIC_NOUN = r"(?:music|track|song|soundtrack|bgm|tune|beat|melody|score|background)"
_GENERATE = re.compile(
    r"\b(?:generate|create|compose|produce|write|add|give me|make|put|need|want|use|play)\b"
    r"(?:\s+(?!the\b|this\b|that\b|it\b|its\b|to\b|fade|title|text|volume|caption)[\w'&-]+){0,6}?"
    rf"\s+{_MUSIC_NOUN}s?\b"
)
_GENERATE_ZH = re.compile(r"(?:生成|创建|制作|添加|加上?|来一?[段首个]?|配上?|做一?[段首个]?|写一?[段首个]?|需要|想要)"
                          r".{0,12}?(?:音乐|配乐|背景乐|曲子|bgm|歌|旋律|曲)")
# "calm piano music for city.mp4": a description alone, tried only when nothing else matched.
_BARE = re.compile(r"^(?:(?!(?:the|this|that|my|it|its|no|any)\b)[\w'&-]+\s+){1,5}"
                   r"(?:music|track|song|soundtrack|beat|tune|melody)s?\b")
# "replace ... music": in one line, the first replace-word decides (what follows it holds the later
# ones), so it is looked at alone; a pattern with ".*" between the two was one scan per such word.
_REPLACE_VERB = re.compile(r"\b(?:replace|change|swap|switch|regenerate|redo)\b")
_MUSIC_OR_IT = re.compile(rf"\b(?:{_MUSIC_NOUN}|it)\b")
_REPLACE = re.compile(r"\bregenerate\b|\btry (?:it |that )?again\b|\b(?:another|different|new|other) (?:take|try)\b"
                      rf"|\b(?:different|another|new|other)\s+(?:{_MUSIC_NOUN}|one|version|take)\b"
                      r"|\btry\s+(?:again|another|something)\b")
_REPLACE_ZH = re.compile(r"换一[首个段]|换成|换个|换掉|替换|重新生成|再来一[首个段]|换.{0,6}(?:音乐|配乐)")
_AGAIN = re.compile(r"\b(?:another|different|again|other|new|regenerate)\b|再来|重新生成|换一[首个段]|换个")
_FILLER = re.compile(
    r"\b(?:please|replace|change|swap|switch|regenerate|redo|try|the|a|an|it|its|with|to|into|for|me|my|"
    r"some|something|instead|music|track|song|soundtrack|bgm|tune|one|version|take|different|another|new|"
    r"other|again|can|you|could|would|i|want|background|generate|make|add|of|this|that|video|clip)\b"
    r"|请|把|换成|换个|换一[首个段]|换掉|替换|重新生成|再来一[首个段]|音乐|配乐|背景|一下|吧|的|成|一个|一首|"
    r"[\s,.!?;:，。！？；：]"
)
_REMOVE_MUSIC = re.compile(rf"\b(?:don'?t want|do not want|no longer want)\b.{{0,6}}\b(?:any\s+)?(?:{_MUSIC_NOUN})s?\b"
                           rf"|\b(?:remove|delete|drop|get rid of|take out|take away|no|without|kill)\b.{{0,30}}"
                           rf"\b{_MUSIC_NOUN}s?\b|(?:删除|去掉|移除|不要|取消|删掉).{{0,6}}(?:音乐|配乐|背景乐|bgm)")
_REMOVE_TITLE = re.compile(r"\b(?:remove|delete|drop|get rid of)\b.{0,20}\btitle\b|(?:删除|去掉|移除|删掉).{0,4}标题"
                           r"|标题.{0,4}(?:删除|去掉|移除|删掉|拿掉|不要了)")
_DUCK_OFF = re.compile(r"\b(?:don'?t|do not|stop|no|without|turn off|disable)\b\s+(?:the\s+)?(?:auto(?:matic)?\s+)?duck|不要.{0,4}(?:闪避|压低)|取消.{0,4}闪避")
_DUCK_ON = re.compile(
    r"\bduck|\b(?:under|beneath|below|behind)\s+(?:the\s+)?(?:speech|voice|voices|talking|dialog(?:ue)?|narration|speaker)"
    r"|\b(?:lower|quieter|softer|drop|dip)\b.{0,30}\bwhen(?:ever)?\b.{0,20}\b(?:speak|talk|says?|voice|speech)"
    r"|闪避|(?:说话|讲话|人声|对白|旁白).{0,8}(?:压低|降低|小|让路)"
)
_FADE_IN = re.compile(r"\bfade[\s-]*in\b|\bfade\s+(?:the\s+)?(?:music\s+|it\s+)?in\b|淡入|渐入")
_FADE_OUT = re.compile(r"\bfade[\s-]*out\b|\bfade\s+(?:the\s+)?(?:music\s+|it\s+)?out\b|淡出|渐出")
_FADE_ANY = re.compile(r"\bfades?\b|淡入淡出|渐变")
_NO_FADE = re.compile(r"\b(?:no|remove|without|delete)\b.{0,12}\bfades?\b|(?:去掉|取消|不要).{0,4}(?:淡入|淡出)")
_ASPECTS = (
    (re.compile(r"\b9\s*[:/x×]\s*16\b|\bportrait\b|\bvertical\b|\btiktok\b|\b(?:instagram|ig|facebook) reels?\b"
                r"|\breels? format\b|\b(?:as|into|for) (?:a |an instagram )?reels?\b|\b(?:youtube )?shorts format\b"
                r"|竖屏|竖版|竖向"),
     1080, 1920, "9:16"),
    (re.compile(r"\b16\s*[:/x×]\s*9\b|\blandscape\b|\bhorizontal\b|\bwidescreen\b|\byoutube\b|横屏|横版|横向|宽屏"),
     1920, 1080, "16:9"),
    (re.compile(r"\b1\s*[:/x×]\s*1\b|\bsquare\b|\binstagram post\b|方形|正方形|方屏"), 1080, 1080, "1:1"),
)
ASPECT_SIZES = {name: (width, height) for _, width, height, name in _ASPECTS}  # "9:16" -> (1080, 1920)
# How a picture of another shape is framed (protocol FITS). "no black bars" is a fill, "black bars" a letterbox.
_FITS = (
    (re.compile(r"\bblur(?:red|ry)?\s+(?:copy|version|background|backdrop|sides|bars|borders|edges|fill)\b"
                r"|\bbackground\s+blur(?:red)?\b|\bblur\s+(?:behind|the\s+(?:background|sides|bars))\b"
                r"|模糊(?:[^，,。；]{0,8}的)?背景(?!音乐|乐)|背景模糊|虚化背景|背景虚化|模糊填充", re.I), "blur"),
    (re.compile(r"\bfill\s+(?:up\s+)?(?:the\s+)?(?:whole\s+|entire\s+)?(?:frame|screen)\b|\bcrop(?:ped|ping)?\b"
                r"|\bno\s+(?:black\s+)?(?:bars|bands|borders)\b|\bwithout\s+(?:black\s+)?(?:bars|bands|borders)\b"
                r"|\bfull[\s-]*(?:screen|frame)\b|\bzoom(?:ed)?\s+in\s+to\s+fill\b"
                r"|裁剪|裁切|剪裁|铺满|填满|充满画面|全屏|不要黑边|去掉黑边|去黑边", re.I), "fill"),
    (re.compile(r"\bletter[\s-]*box(?:ed|ing)?\b|\bpillar[\s-]*box(?:ed|ing)?\b"
                r"|\bblack\s+(?:bars|bands|borders)\b|\bfit\s+(?:it\s+|the\s+(?:picture|video)\s+)?inside\b"
                r"|加黑边|留黑边|黑边|黑条", re.I), "letterbox"),
)
_MOTION = re.compile(r"\bfollow(?:s|ing)?\s+(?:the\s+)?(?:motion|action|movement|subject)\b"
                     r"|\btrack(?:s|ing)?\s+(?:the\s+)?(?:motion|action|movement|subject)\b"
                     r"|\bwhere\s+(?:it|the\s+(?:action|picture|video))\s+moves\b|跟随(?:运动|动作|主体|画面)|跟踪")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)|百分之\s*(\d{1,3})")
_VOLUME_FRACTION = re.compile(r"\bvolume\b\D{0,12}?\b(0?\.\d+|1\.0|0|1)\b(?!\s*%)|(?<![\d.])(0?\.\d+)\s+volume\b")
_QUIETER = re.compile(r"\b(?:quieter|softer|lower|less loud|too loud|turn (?:it |the music |that )?down|"
                      r"down a bit|decrease|reduce)\b|小声|轻一点|调低|降低|小一点|太吵|太响|安静一点|弱一点")
_LOUDER = re.compile(r"\b(?:louder|turn (?:it |the music |that )?up|more volume|too quiet|too soft|increase|raise|"
                     r"boost|higher)\b|大声|响一点|调高|提高|大一点|太小声|太轻|强一点")
_MUTE = re.compile(r"\bmute\b|静音")
_NOT_VOLUME = re.compile(r"\b(?:tempo|speed|bpm|pace|energy|intensity|key|pitch)\b|节奏|速度|能量|强度")
_VOLUME_WORD = re.compile(r"\bvolume\b|\bloud|\bquiet|音量|声音")
_ORIGINAL_AUDIO = re.compile(r"\b(?:original|video'?s?|clip'?s?|camera)\s+(?:sound|audio|voice)|\b(?:voice|voices|speech|"
                             r"dialog(?:ue)?|narration)\b|原声|原音|原始声音|人声|视频声音|视频的声音")
_TITLE = re.compile(r"\btitle\b|标题")
_TEXT = re.compile(r"\b(?:text|caption|overlay|subtitle|words?|label|lower third)\b|文字|字幕|文本|一行字")
_UNQUOTED_TITLE = re.compile(
    rf"\btitle\b\s*(?:called|saying|that says|reading|named|as|to|of|:)?\s*(.+?)(?<!\s)\s*"
    rf"(?=\bfor\s+{_TIME}|\bat\s+{_TIME}|\bfrom\s+{_TIME}|\bstarting\b|$)"
    r"|标题\s*(?:为|是|叫|：|:)\s*(.+?)(?<!\s)\s*(?=持续|\d|$)"
)
_UNQUOTED_TEXT = re.compile(
    rf"\b(?:text|caption|subtitle|words?|label)\b\s*(?:saying|that says|reading|:)\s*(.+?)(?<!\s)\s*"
    rf"(?=\bfor\s+{_TIME}|\bat\s+{_TIME}|\bfrom\s+{_TIME}|$)"
    r"|(?:文字|字幕|文本|一行字)\s*(?:为|是|写|：|:)\s*(.+?)(?<!\s)\s*(?=持续|$)"
)
_AT_TIME = re.compile(rf"\b(?:at|starting at|from)\s+({_TIME})|在\s*(?:第\s*)?({_TIME})")


@dataclass
class _Decided:
    """What interpreting the clauses so far has decided (music may be planned by an earlier clause)."""

    context: AgentContext
    calls: list[ToolCall] = field(default_factory=list)
    music_planned: bool = False  # a generate_music among the calls: kept, not looked for in all of them each time

    @property
    def music_expected(self) -> bool:
        return self.context.has_music or self.music_planned

    def add(self, calls: list[ToolCall]) -> None:
        self.calls += calls
        self.music_planned = self.music_planned or any(c.name == "generate_music" for c in calls)

    def planning(self, generated: list[ToolCall]) -> _Decided:
        """What a clause's rules see once ``generated`` is planned: the same calls (not a copy), music expected."""
        planned = self.music_planned or any(c.name == "generate_music" for c in generated)
        return _Decided(self.context, self.calls, planned)


def _no_music_question() -> _Question:
    return _Question("There is no background music yet. What should I add first? For example: "
                     "'add calm piano music' or 'create an upbeat background track'.",
                     "还没有背景音乐。要先加什么样的音乐？例如：“添加舒缓的钢琴音乐”或“生成欢快的背景音乐”。")


# -- one rule per intent: (clause, original clause, decided so far) -> calls -----------------------
def _rule_remove(clause: str, _raw: str, decided: _Decided) -> list[ToolCall]:
    calls = []
    if _REMOVE_TITLE.search(clause):
        calls.append(ToolCall("remove_title"))
    if _REMOVE_MUSIC.search(clause) and not _FADE_ANY.search(clause) and "fade" not in clause:
        calls.append(ToolCall("remove_music"))
    return calls


def _rule_duck(clause: str, _raw: str, decided: _Decided) -> list[ToolCall]:
    if _DUCK_OFF.search(clause):
        return [ToolCall("duck_music", {"enabled": False})]
    if _DUCK_ON.search(clause):
        if not decided.music_expected:
            raise _no_music_question()
        return [ToolCall("duck_music", {"enabled": True})]
    return []


def _rule_fade(clause: str, _raw: str, decided: _Decided) -> list[ToolCall]:
    if _NO_FADE.search(clause):
        return [ToolCall("fade_music", {"fade_in_ms": 0, "fade_out_ms": 0})]
    fade_in, fade_out = bool(_FADE_IN.search(clause)), bool(_FADE_OUT.search(clause))
    if "in_and_out" in clause or not (fade_in or fade_out) and _FADE_ANY.search(clause):
        fade_in = fade_out = True
    if not (fade_in or fade_out):
        return []
    if not decided.music_expected:
        raise _no_music_question()
    length = _duration_ms(clause, 2000.0)
    args = {**({"fade_in_ms": length} if fade_in else {}), **({"fade_out_ms": length} if fade_out else {})}
    return [ToolCall("fade_music", args)]


def _rule_aspect(clause: str, _raw: str, decided: _Decided) -> list[ToolCall]:
    for pattern, width, height, name in _ASPECTS:
        if pattern.search(clause):
            return [ToolCall("set_aspect", {"width": width, "height": height, "name": name})]
    return []


def _rule_fit(clause: str, _raw: str, decided: _Decided) -> list[ToolCall]:
    """"fill the frame", "blurred background", "letterbox the second clip": a fit, for a clip when
    one is named among several (with one clip, the whole video is that clip)."""
    fit = next((fit for pattern, fit in _FITS if pattern.search(clause)), None)
    motion = bool(_MOTION.search(clause))
    if fit is None and not motion:
        return []
    fit = fit or "fill"  # "follow the action": only a crop can follow it
    clip = _resolve_clip(clause, decided.context) if len(decided.context.clips) > 1 else None
    focus = "motion" if fit == "fill" and motion else None
    return [ToolCall("set_fit", {"fit": fit, "focus": focus, "clip": clip.id if clip else None})]


def _without_fit_words(clause: str) -> str:
    """The clause without its framing words: a "blurred background" asks for no background music."""
    for pattern, _ in _FITS:
        clause = pattern.sub(" ", clause)
    return _MOTION.sub(" ", clause)


def _quoted(raw: str) -> str | None:
    match = QUOTED.search(raw)
    return next(g for g in match.groups() if g) if match else None


def _rule_title(clause: str, raw: str, decided: _Decided) -> list[ToolCall]:
    if not _TITLE.search(clause) or _REMOVE_TITLE.search(clause):
        return []
    text = _quoted(raw)
    if text is None:
        match = _UNQUOTED_TITLE.search(raw) or _UNQUOTED_TITLE.search(clause)
        text = next((g for g in match.groups() if g), "").strip(" .!,:") if match else ""
        text = re.sub(r"^(?:the|a)\s+", "", text) if text.lower() in ("the", "a") else text
    if not text:
        raise _Question("What should the title say? For example: add the title 'Urban Dreams' for 3 seconds.",
                        "标题要写什么？例如：添加标题“城市之梦”，持续 3 秒。")
    start = _start_ms(clause)
    return [ToolCall("add_title", {"text": text, "start_ms": start, "duration_ms": _duration_ms(clause, 3000.0)})]


def _rule_text(clause: str, raw: str, decided: _Decided) -> list[ToolCall]:
    if _TITLE.search(clause) or not _TEXT.search(clause):
        return []
    text = _quoted(raw)
    if text is None:
        match = _UNQUOTED_TEXT.search(raw)
        text = next((g for g in match.groups() if g), "").strip(" .!,:：") or None if match else None
    if text is None:
        raise _Question("What should the text say, and when? For example: add the text 'See you soon' at 0:05 "
                        "for 2 seconds.", "要显示什么文字、在什么时候？例如：在 0:05 添加文字“下次见”，持续 2 秒。")
    span = _span_ms(clause)
    if span and span[0] is not None and span[1] is not None:
        start, duration = span[0], max(span[1] - span[0], 0)
    else:
        start, duration = _start_ms(clause), _duration_ms(clause, 3000.0)
    return [ToolCall("add_text", {"text": text, "start_ms": start, "duration_ms": duration})]


def _start_ms(clause: str) -> float:
    match = _AT_TIME.search(clause)
    return parse_time_ms(next(g for g in match.groups() if g)) if match else 0.0


def _volume_target(clause: str, decided: _Decided) -> str:
    clip = _resolve_clip(clause, decided.context)
    if _ORIGINAL_AUDIO.search(clause) or (clip is not None and not re.search(_MUSIC_NOUN, clause)
                                          and not re.search(r"音乐|配乐", clause)):
        return clip.id if clip else "original"
    return "music"


def _rule_volume(clause: str, _raw: str, decided: _Decided) -> list[ToolCall]:
    if _NOT_VOLUME.search(clause) and not _VOLUME_WORD.search(clause):
        return []  # "increase the tempo", "lower the energy": changes to the music, not its level
    percent, fraction = _PERCENT.search(clause), _VOLUME_FRACTION.search(clause)
    args: dict[str, Any] = {}
    if percent:
        args["volume"] = min(float(next(g for g in percent.groups() if g)) / 100, 1.0)
    elif fraction:
        args["volume"] = min(float(next(g for g in fraction.groups() if g)), 1.0)
    elif _MUTE.search(clause) and not re.search(r"\bunmute\b", clause):
        args["volume"] = 0.0
    elif _QUIETER.search(clause) and not _DUCK_ON.search(clause):
        args["factor"] = 0.6
    elif _LOUDER.search(clause):
        args["factor"] = 1.5
    elif re.search(r"\bunmute\b|取消静音", clause):
        args["volume"] = 1.0
    else:
        return []
    args["target"] = _volume_target(clause, decided)
    if args["target"] == "music" and not decided.music_expected:
        raise _no_music_question()
    return [ToolCall("set_volume", args)]


# "(seed 7)": the variant compare asks for a reproducible take of a prompt.
_SEED = re.compile(r"\(?\bseed\s*(?:[:=#]\s*)?(\d{1,9})\)?|[（(]?种子\s*(?:[:：]\s*)?(\d{1,9})[）)]?", re.IGNORECASE)


def _music_prompt(raw: str) -> str:
    return re.sub(r"\s+", " ", QUOTED.sub(lambda m: next(g for g in m.groups() if g), raw)).strip(" .!?。！？")


def _seed(raw: str) -> int | None:
    match = _SEED.search(raw)
    return int(next(g for g in match.groups() if g)) if match else None


def split_seed(message: str) -> tuple[int | None, str]:
    """``"calm piano (seed 7)"`` -> ``(7, "calm piano  ")``: the seed asked for, and the words without it."""
    return _seed(message), _SEED.sub(" ", message)


def _replaces(clause: str) -> bool:
    """Other music asked for: "replace/change/swap ... music (or it)" in one line, "try again", "another one"."""
    for line in clause.split("\n"):
        verb = _REPLACE_VERB.search(line)
        if verb and _MUSIC_OR_IT.search(line, verb.end()):
            return True
    return _REPLACE.search(clause) is not None


def _rule_generate(clause: str, raw: str, decided: _Decided) -> list[ToolCall]:
    fresh = _GENERATE.search(clause) or _GENERATE_ZH.search(clause) or _BARE.search(clause)
    replace = _replaces(clause) or _REPLACE_ZH.search(clause)
    if not (fresh or replace):
        return []
    clip = _resolve_clip(clause, decided.context)
    prompt = _music_prompt(raw)
    described = bool(_FILLER.sub("", clause.lower()).strip()) and _names_music(clause)
    if replace and not fresh and not described:
        if _AGAIN.search(clause) and decided.context.last_prompt:
            prompt = decided.context.last_prompt
        else:
            raise _Question("What kind of music would you like instead? For example: 'calm piano', "
                            "'upbeat pop' or 'epic orchestral'.",
                            "想换成什么样的音乐？例如：“舒缓的钢琴”、“欢快的流行乐”或“史诗管弦乐”。")
    if len(decided.context.clips) == 1:
        clip = None  # the one clip is the whole video
    return [ToolCall("generate_music", {"prompt": prompt, "clip": clip.id if clip else None,
                                        "replace": decided.context.has_music})]


def _rule_place(clause: str, _raw: str, decided: _Decided) -> list[ToolCall]:
    if _TITLE.search(clause) or _TEXT.search(clause):
        return []  # times in a title or text clause belong to the text
    span = _span_ms(clause)
    if span is None:
        return []
    if not decided.music_expected:
        raise _no_music_question()
    start, end = span
    return [ToolCall("place_music", {"start_ms": start, "end_ms": end})]


# Adjustments first: a clause like "make the music quieter" is a volume change, not a new track.
_ADJUSTMENTS: tuple[Callable[[str, str, _Decided], list[ToolCall]], ...] = (
    _rule_remove, _rule_duck, _rule_fade, _rule_aspect, _rule_title, _rule_text, _rule_volume,
)


def _names_music(text: str) -> bool:
    """A style, a mood, an instrument or an occasion ("for my cat video") says what music to make."""
    choices = prompt_choices(QUOTED.sub(" ", text))
    return any(key in choices for key in ("mood", "style", "instrument", "occasion"))


def _asks_for_music(clause: str) -> bool:
    """"add some jazz", "give it some music": a style, an instrument, an occasion or music itself,
    and not the music there is ("play the music from 0:05"); a mood alone ("add calm") waits for
    the words that follow it."""
    if _THE_MUSIC.search(clause):
        return False
    choices = prompt_choices(QUOTED.sub(" ", clause))
    return bool(_MUSIC_WORD.search(clause)) or any(k in choices for k in ("style", "instrument", "occasion"))


def _interpret_clause(raw: str, decided: _Decided) -> list[ToolCall]:
    clause = QUOTED.sub(' "…" ', raw).lower()
    history = read_history(clause)
    if history:
        return [ToolCall(name) for name in history]
    if _off_topic(QUOTED.sub(" ", raw)):
        return []
    fits = _rule_fit(clause, raw, decided)
    if fits:
        clause = _without_fit_words(clause)
        raw = _without_fit_words(raw)
    if decided.context.has_music and not decided.calls:
        # "change the melody to a trumpet", "use a music box for the melody": a part of this music
        # played on another instrument, though "melody" and "music" read as a request for new
        # music; with a style, mood or occasion said beside it, it is new music that is described
        change = read_edit(raw)
        if change.get("swap", {}).get("from") in SWAPPABLE_PARTS and not (
                {"style", "mood", "occasion"} & set(prompt_choices(QUOTED.sub(" ", raw)))):
            return [ToolCall("edit_music", change)] + fits
    fresh = _GENERATE.search(clause) or _GENERATE_ZH.search(clause)
    generated = _rule_generate(clause, raw, decided) if fresh else []
    decided = decided.planning(generated)
    calls = [call for rule in _ADJUSTMENTS for call in rule(clause, raw, decided)]
    if any(call.name in ("remove_music", "remove_title") for call in calls):
        return calls + fits
    calls += fits
    if not generated and not calls:
        edited = _rule_edit(clause, raw, decided)
        if edited is not None:
            return edited
        generated = _rule_generate(clause, raw, decided)
        if not generated and _ASKS.search(clause) and _asks_for_music(clause):
            # "add some jazz", "give the video some music": a request, though no rule's noun is there
            generated = [ToolCall("generate_music", {"prompt": _music_prompt(raw), "clip": None,
                                                     "replace": decided.context.has_music})]
        decided = decided.planning(generated)
    return generated + calls + _rule_place(clause, raw, decided)


def _rule_edit(clause: str, raw: str, decided: _Decided) -> list[ToolCall] | None:
    """A change to the music there is ("faster", "add strings"); music asked for earlier in the same
    message takes the words into its description instead. None when the clause is no edit."""
    if not (decided.context.has_music or decided.calls) or _REPLACES_MUSIC.search(clause):
        return None
    change = read_edit(raw)
    if not change or is_new_music(clause, change):
        return None
    if decided.music_planned:
        return []  # the words wait as a fragment, which interpret() then adds to that description
    if not decided.context.has_music:
        return None
    return [ToolCall("edit_music", change)]


# Messages about neither the video nor the music: occasions in them ("homework", "cats") are not requests.
_OFF_TOPIC = re.compile(
    r"^(?:what|when|where|who|why|which)\b|\bhow (?:are|is|do|does|much|many|old|far)\b|\bwhat'?s the (?:time|weather)\b"
    r"|\b(?:weather|homework|poem|essay|joke|jokes|translate|recommend (?:a|me)|capital of|stock price|news today|"
    r"tell me (?:a|about)|help me with my|write me a|hello|hi there|good morning|thank you|thanks)\b"
    r"|天气|几点|作业|(?<!史)诗|作文|翻译|讲个笑话|你好|谢谢|推荐(?:一部|一本)")
_BARE_REQUEST = re.compile(rf"^(?:(?:some|a|an|the)\s+)?{_MUSIC_NOUN}s?\s*(?:please|pls)?[.!?]*$"
                           r"|^(?:配乐|配个乐|背景音乐|来点音乐|加点音乐|bgm)[。！!]*$")
_REPLACES_MUSIC = re.compile(rf"\b(?:replace|change|swap|switch)\s+(?:the\s+|this\s+|my\s+)?(?:{_MUSIC_NOUN})s?\b")
_THE_MUSIC = re.compile(rf"\b(?:the|this|that|my|our)\s+{_MUSIC_NOUN}")  # the music there is, not new music
_MUSIC_WORD = re.compile(rf"\b{_MUSIC_NOUN}s?\b|\bbgm\b|音乐|配乐|背景乐|曲子|旋律")
_ASKS = re.compile(r"\b(?:add|give|make|put|want|need|play|use|get|have|score|set|lay|throw|could i get|"
                   r"i'?d like|let'?s (?:have|get|hear))\b|^(?:some|a|an)\b|(?:加|配|来|要|给|用|放)|^(?:配乐|背景音乐|bgm)$")


_LENGTH_ONLY = re.compile(rf"^\s*(?:(?:for|lasting|持续|显示|时长|停留|各)\s*)?{_SECONDS}"
                          r"\s*(?:(?:each|apiece|both|各)\s*)?$|^\s*(?:for|持续|显示)\s*\d+(?:\.\d+)?\s*$")
_TIMED = ("add_title", "add_text", "fade_music")  # a length said on its own belongs to these
# "undo, I didn't mean to remove the music": beside an undo, what was done by mistake is no request
_MISTAKE = re.compile(r"\b(?:didn'?t|did not|never) (?:mean|want|intend|ask) (?:to|for)\b|\bby (?:mistake|accident)\b"
                      r"|\b(?:accidentally|mistakenly)\b|不小心|误(?:删|操作|点|触)|手滑")
_YES_NO = re.compile(r"^(?:is|are|do|does|did|can|could|should|will|would|have|has)\s+(?:it|you|i|we|they|this|that|"
                     r"there)\b.*\?\s*$|[吗呢]\s*(?:[？?]\s*)?$")


def _off_topic(message: str) -> bool:
    """About neither the video nor the music: small talk, questions about other things. A question
    that names music ("can you make it jazzier?") or a change to it is not."""
    text = message.lower()
    if _MUSIC_WORD.search(text) or read_edit(message) or read_history(text):
        return False
    if _TITLE.search(text) or _TEXT.search(text):
        return False  # "add the text: thanks for watching" is no small talk
    if _OFF_TOPIC.search(text):
        return True
    said = prompt_choices(message)
    return bool(_YES_NO.search(text)) and not any(k in said for k in ("style", "mood", "instrument"))


# -- clauses --------------------------------------------------------------------------------------------
# (?!(?<=\s)\s): a cut never begins inside a run of spaces (the run's first space finds the same cut)
_SPLIT = re.compile(r"(?!(?<=\s)\s)\s*(?:[;；。!！?？]|,\s*(?:and\s+|then\s+)?|，|\band then\b|\bthen\b|\band\b|\balso\b"
                    r"|然后|并且|再(?!来)|并|同时)\s*")
_BETWEEN = re.compile(rf"\bbetween\s+({_TIME})\s+and\s+({_TIME})")
_IN_AND_OUT = re.compile(r"\bin\s+and\s+(?:fade\s+)?out\b", re.IGNORECASE)


_UNMARKED = str.maketrans({"\x00": " ", "\x01": " "})


def _clauses(message: str) -> list[str]:
    """Cut at separators, outside quotes; "between 5s and 20s" stays whole."""
    quotes: list[str] = []

    def hide(match: re.Match[str]) -> str:
        quotes.append(match.group(0))
        return f"\x00{len(quotes) - 1}\x00"

    # The markers below must not be in the message; a line break outside quotes reads as a space
    # (the tables' "." stops at one, which made some of them slow on long messages).
    plain = message.strip().translate(_UNMARKED)
    text = _BETWEEN.sub(r"from \1 to \2", QUOTED.sub(hide, plain).replace("\n", " "))
    text = _IN_AND_OUT.sub("in_and_out", text)  # "fade in and out" is one request, not two
    text = re.sub(r"(\d),(\d)", "\\1\x01\\2", text)
    parts = [p for p in _SPLIT.split(text) if p and p.strip()]
    restore = lambda p: re.sub(r"\x00(\d+)\x00", lambda m: quotes[int(m.group(1))], p).replace("\x01", ",")  # noqa: E731
    return [restore(part).strip() for part in parts]


_HELP_EN = ("I can add or replace background music from a description, change its volume ('35%', 'quieter'), "
            "fade it in or out, place it ('from 0:05 to 0:20'), duck it under speech, remove it, add a title "
            "or text ('add the title \"Urban Dreams\" for 3 seconds'), change the aspect ratio (16:9, 9:16, 1:1) and "
            "frame a clip of another shape ('fill the frame', 'blurred background', 'letterbox it'). "
            "What would you like to do?")
_HELP_ZH = ("我可以根据描述添加或更换背景音乐、调整音量（“35%”“小声一点”）、淡入淡出、放置音乐（“从0:05到0:20”）、"
            "在说话时压低音乐、删除音乐、添加标题或文字（“添加标题‘城市之梦’持续3秒”）、更改画面比例（16:9、9:16、1:1）、"
            "设置画面填充方式（“裁剪铺满”“模糊背景”“加黑边”）。"
            "你想做什么？")


# A clause that asks for nothing waits for the clause it describes ("calm", "dreamy" + "piano
# music") and is read with it. Reading each clause with all the waiting ones is quadratic in a
# message of many such clauses, so reading has a budget of a few times the message's length; past
# it (a run of more than a dozen fragments or so) a clause is read with the last few only. Every
# fragment still joins the description at the end. A message is understood in linear time.
_READ_BUDGET = 6  # times the message's length
_FRAGMENT_WINDOW = 4


def _read_clauses(clauses: list[str], decided: _Decided) -> str:
    """Interpret ``clauses`` in order into ``decided``; the fragment still waiting at the end."""
    budget = _READ_BUDGET * sum(len(clause) + 1 for clause in clauses)
    pending: list[str] = []
    waiting = 0  # the length of the pending fragments, each with a space after it
    for clause in clauses:
        if waiting + len(clause) <= budget:
            budget -= waiting + len(clause)
            calls = _interpret_clause(" ".join([*pending, clause]), decided)
        else:
            calls = _interpret_clause(" ".join([*pending[-_FRAGMENT_WINDOW:], clause]), decided)
        if calls and calls == decided.calls[-len(calls):]:
            pending, waiting = [], 0  # "go back, I liked the previous version better": one request said twice
        elif calls:
            decided.add(calls)
            pending, waiting = [], 0
        elif decided.calls and decided.calls[-1].name in _TIMED and _LENGTH_ONLY.search(clause):
            # '标题写“我们的旅行”，显示5秒', "fade in and out, 3 seconds each": the length said on its own
            decided.calls[-1] = _with_length(decided.calls[-1], _duration_ms(clause, 3000.0))
        else:
            pending.append(clause)  # "calm" + "dreamy piano music": it joins the next clause
            waiting += len(clause) + 1
    return " ".join(pending)


def well_formed(text: str) -> str:
    """``text`` with each lone surrogate (JSON can carry "\\ud800"; UTF-8, and so the store, cannot)
    replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def interpret(message: str, context: AgentContext) -> Interpretation:
    """The tool calls a message asks for, in order, or the question to ask back."""
    message = well_formed(message)
    language = language_of(message)
    if not message.strip():
        return Interpretation(question=_HELP_ZH if language == "zh" else _HELP_EN, language=language)
    decided = _Decided(context)
    seed, message = split_seed(message)
    try:
        clauses = _clauses(message)
        if any(read_history(c.lower()) for c in clauses):
            clauses = [c for c in clauses if not _MISTAKE.search(c.lower())]
        pending = _read_clauses(clauses, decided)
        if pending and decided.calls and decided.calls[-1].name == "generate_music":
            last = decided.calls[-1]
            if context.last_prompt and last.args.get("prompt") == context.last_prompt:
                # "start over with a new track, something dark": the fragment is the whole description
                decided.calls[-1] = ToolCall(last.name, {**last.args, "prompt": _music_prompt(pending)})
            else:
                decided.calls[-1] = _merge_fragment(last, pending)
        if not decided.calls and not _off_topic(QUOTED.sub(" ", message)) and (
                _names_music(message) or _BARE_REQUEST.search(message.strip().lower())):
            # "upbeat pop for a summer video": no verb, but plainly a description of music.
            decided.calls.append(ToolCall("generate_music", {"prompt": _music_prompt(message), "clip": None,
                                                          "replace": context.has_music}))
        if not decided.calls:
            raise _Question(_HELP_EN, _HELP_ZH)
        if not context.clips:
            raise _Question("Upload a video (or audio) file first, then tell me what music you would like.",
                            "请先上传一个视频（或音频）文件，然后告诉我想要什么样的音乐。")
    except _Question as question:
        return Interpretation(question=question.zh if language == "zh" else question.en, language=language)
    except PromptError as error:  # "make it 300 bpm": a clear answer, not a failed request
        low, high = f"{MIN_BPM:g}", f"{MAX_BPM:g}"
        return Interpretation(question=f"音乐的速度可以是 {low}–{high} BPM，{error.bpm:g} BPM 做不到。想要多快？"
                              if language == "zh" else f"The music can play at {low} to {high} BPM, not at "
                              f"{error.bpm:g} BPM. How fast would you like it?", language=language)
    calls = tuple(ToolCall(c.name, {**c.args, "seed": seed}) if c.name == "generate_music" else c
                  for c in _merge_edits(decided.calls))
    return Interpretation(calls=calls, language=language)


def _with_length(call: ToolCall, length_ms: float | None) -> ToolCall:
    if call.name == "fade_music":  # both fades, or the one asked for
        return ToolCall(call.name, {key: length_ms for key in call.args})
    return ToolCall(call.name, {**call.args, "duration_ms": length_ms})


def _merge_edits(calls: list[ToolCall]) -> list[ToolCall]:
    """"faster and darker": one edit with both changes, one new piece of music; "crop it and follow
    the action": one fit."""
    out: list[ToolCall] = []
    for call in calls:
        if call.name == "edit_music" and out and out[-1].name == "edit_music":
            out[-1] = ToolCall("edit_music", {**out[-1].args, **call.args})
        elif call.name == "set_fit" and out and out[-1].name == "set_fit" and out[-1].args["fit"] == call.args["fit"]:
            said = {key: value for key, value in call.args.items() if value is not None}
            out[-1] = ToolCall("set_fit", {**out[-1].args, **said})
        else:
            out.append(call)
    return out




def _merge_fragment(call: ToolCall, fragment: str) -> ToolCall:
    """A trailing fragment with no intent ("... and dreamy") describes the music before it."""
    return ToolCall(call.name, {**call.args, "prompt": f"{call.args['prompt']} and {_music_prompt(fragment)}"})
