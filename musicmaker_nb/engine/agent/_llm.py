"""The optional language model: a message -> the same :class:`Interpretation` the tables give,
asked of an OpenAI-compatible chat-completions server (Ollama, llama.cpp's server, a hosted one).

The pure parts build the request (a system prompt naming the tools, their arguments, the music
names and the project; ``response_format`` carrying the answer's JSON schema) and read the answer:
JSON, then the schema (:mod:`._llm_schema`), then the project (music to change must be
there; one of volume or factor; a fade or a place names a time). The shell posts the request with
one deadline for the whole exchange. :func:`understand` asks the model when one is configured and
falls back to :func:`._interpret.interpret` on any failure, with a one-sentence note for the reply.

Errors (never leave this module but as that note and a log line)::

    LLMError
    ├── LLMUnavailable   the server cannot be reached or answers with an HTTP error
    ├── LLMTimeout       no whole answer within the deadline
    └── LLMInvalid       not a chat completion, not JSON, against the schema or the project
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from typing import Any, Iterable

import anyio
import anyio.to_thread
import httpx

from ...music._instruments import INSTRUMENTS
from ...music._reading import MAX_BPM, MIN_BPM
from ...music._styles import STYLES
from ...music._vocabulary import MOODS
from ...protocol import ToolCall, is_loopback_url
from .._config import LLMConfig
from ._interpret import (
    ASPECT_SIZES,
    AgentContext,
    Interpretation,
    interpret,
    language_of,
    split_seed,
    well_formed,
)
from ._llm_schema import NOTE_SPELLINGS, answer_schema, schema_errors

__all__ = [
    "LLMError",
    "LLMUnavailable",
    "LLMTimeout",
    "LLMInvalid",
    "request_body",
    "system_prompt",
    "completion_text",
    "read_answer",
    "fallback_note",
    "ask",
    "understand",
]

log = logging.getLogger(__name__)
_SCHEMA_NAME = "musicmaker_tool_calls"


class LLMError(Exception):
    """The language model gave no usable answer; ``reason`` picks the note said in the reply."""

    reason = "invalid"


class LLMUnavailable(LLMError):
    reason = "unavailable"


class LLMTimeout(LLMError):
    reason = "timeout"


class LLMInvalid(LLMError):
    reason = "invalid"


# -- the request ----------------------------------------------------------------------------------
_TOOLS_TEXT = """\
- generate_music(prompt, clip): new background music from a description; it replaces any music
  there is. prompt: the person's description of the music in their words (style, mood,
  instruments, tempo, occasion); clip: a clip id to score that clip only, else null (the whole video).
- edit_music(energy, tempo, tempo_bpm, mode, key, brightness, style, mood, swap, add, remove, drums,
  intro, ending, drop_ms): change the music there is and keep the rest; set only what changes,
  null for the others, several changes in one call. energy "up" | "down"; tempo "faster" |
  "slower"; tempo_bpm {min_bpm:g}-{max_bpm:g}; mode "major" | "minor"; key a note name (with mode:
  "in D minor" is key "D", mode "minor"); brightness "darker" | "brighter"; style a style name;
  mood a mood name; swap {{"from": instrument, "to": instrument}}; add / remove an instrument name
  or "drums"; drums true | false; intro / ending "shorter" | "longer"; drop_ms when the drop hits.
  Only when there is music already: for new music use generate_music and describe it in the prompt.
- set_volume(target, volume, factor): target "music", "original" (the clips' own sound) or a clip
  id; volume 0-1 ("35%" is 0.35, "mute" 0, "unmute" 1) or, instead, factor ("quieter" 0.6,
  "louder" 1.5); exactly one of volume and factor, the other null.
- fade_music(fade_in_ms, fade_out_ms): null leaves that side as it is, 0 removes a fade; a fade
  with no length given is 2000.
- place_music(start_ms, end_ms): where the music plays ("from 0:05 to 0:20" is 5000 and 20000);
  null leaves that end as it is.
- add_title(text, start_ms, duration_ms): the title (start 0 and 3000 long unless said).
- add_text(text, start_ms, duration_ms): a caption (3000 long unless said).
- remove_title()
- set_aspect(name): "16:9" (landscape, YouTube), "9:16" (portrait, TikTok, Reels), "1:1" (square).
- set_fit(fit, focus, clip): how a picture of another shape than the frame fills it: "fill" (cropped
  to fill the frame: "fill the frame", "crop", "no black bars"), "blur" (fitted over a blurred copy
  of itself: "blurred background") or "letterbox" (fitted, black bars); focus "motion" when a crop
  should follow the action, else null; clip a clip id when one clip is named, else null (all).
- duck_music(enabled): lower the music while people speak in the original sound.
- remove_music()
- undo(), redo(): a step back or forward in the edit history ("undo twice" is two undo calls)."""

_RULES_TEXT = """\
You turn one chat message about a short video into tool calls for Music Maker, which scores and
edits the video. Answer with JSON only: {"calls": [{"name": ..., "args": {...}}, ...],
"question": null}, the calls in the order to run them. When the message is unclear, or asks for
something these tools cannot do, answer {"calls": [], "question": "..."} with one short question
back in the language of the message; never guess. Every argument is present: null when unset.
Times are milliseconds from the start of the video. edit_music, fade_music, place_music,
duck_music and set_volume of the music need music: there is none until generate_music adds it.
Copy names exactly from the lists below."""


def _project_text(context: AgentContext) -> str:
    lines = ["The project now:"]
    if context.clips:
        lines.append("- clips, in upload order:")
        lines += [f"  {number}. id {json.dumps(clip.id)}, {json.dumps(clip.name, ensure_ascii=False)}, "
                  f"{clip.kind}, {clip.duration_ms / 1000:.1f} s, at {clip.start_ms / 1000:.1f} s on the timeline"
                  for number, clip in enumerate(context.clips, 1)]
    else:
        lines.append("- no clips yet")
    music = f"yes, {context.music_segments} piece(s)" if context.has_music else "none yet"
    lines.append(f"- background music: {music}")
    if context.last_prompt:
        lines.append(f"- the last music asked for: {json.dumps(context.last_prompt, ensure_ascii=False)}")
    return "\n".join(lines)


def system_prompt(context: AgentContext) -> str:
    """The rules, the tools with their arguments, the names they accept, and the project."""
    names: list[tuple[str, Iterable[str]]] = [("Style names", STYLES), ("Mood names", MOODS),
                                              ("Instrument names", INSTRUMENTS), ("Note names", NOTE_SPELLINGS)]
    return "\n\n".join([
        _RULES_TEXT,
        "Tools:\n" + _TOOLS_TEXT.format(min_bpm=MIN_BPM, max_bpm=MAX_BPM),
        *(f"{title}: {', '.join(values)}." for title, values in names),
        _project_text(context),
    ])


def request_body(message: str, context: AgentContext, model: str) -> dict[str, Any]:
    """The chat-completions request: the system prompt, the message (without its "(seed N)"), and
    the answer's schema as a strict ``json_schema`` response format."""
    _, words = split_seed(message)
    schema = answer_schema([clip.id for clip in context.clips])
    return {
        "model": model,
        "messages": [{"role": "system", "content": system_prompt(context)},
                     {"role": "user", "content": re.sub(r"\s+", " ", words).strip()}],
        "response_format": {"type": "json_schema",
                            "json_schema": {"name": _SCHEMA_NAME, "schema": schema, "strict": True}},
        "stream": False,
    }


# -- the answer -----------------------------------------------------------------------------------
def completion_text(body: bytes) -> str:
    """``choices[0].message.content`` of a chat completion."""
    try:
        completion = json.loads(body)
        content = completion["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMInvalid(f"the server's answer is not a chat completion: {body[:200]!r}") from None
    if not isinstance(content, str):
        raise LLMInvalid("the chat completion has no text (a refusal, or tool calls instead)")
    return content


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json(content: str) -> Any:
    """The answer's JSON; one surrounding Markdown code fence is tolerated (from a server that
    ignores ``response_format``), NaN and Infinity are not JSON."""
    fenced = _FENCE.match(content)
    try:
        return json.loads(fenced.group(1) if fenced else content, parse_constant=_reject_constant)
    except ValueError as exc:
        raise LLMInvalid(f"the answer is not JSON ({exc}): {content[:200]!r}") from None


def read_answer(content: str, message: str, context: AgentContext) -> Interpretation:
    """The model's answer as the tables would have written it; :class:`LLMInvalid` if it is not
    JSON, breaks the schema, or does not fit the project."""
    answer = _json(content)
    errors = schema_errors(answer, answer_schema([clip.id for clip in context.clips]))
    if errors:
        raise LLMInvalid("the answer breaks the schema: " + "; ".join(errors[:3]))
    language = language_of(message)
    if not answer["calls"]:
        question = (answer["question"] or "").strip()
        if not question:
            raise LLMInvalid("the answer has neither calls nor a question")
        return Interpretation(question=question, language=language)
    seed, _ = split_seed(message)
    calls: list[ToolCall] = []
    for number, call in enumerate(answer["calls"], 1):
        try:
            calls.append(_checked(call["name"], call["args"], context, calls, seed))
        except ValueError as exc:
            raise LLMInvalid(f"call {number} ({call['name']}): {exc}") from None
    return Interpretation(calls=tuple(calls), language=language)


_NEEDS_MUSIC = ("set_volume", "fade_music", "place_music", "duck_music", "edit_music")


def _checked(name: str, args: dict[str, Any], context: AgentContext, before: list[ToolCall],
             seed: int | None) -> ToolCall:
    """One call of a schema-valid answer, checked against the project, with the arguments the
    runner takes (as :func:`._interpret.interpret` writes them)."""
    given = {key: value for key, value in args.items() if value is not None}
    music = context.has_music or any(call.name == "generate_music" for call in before)
    if name in _NEEDS_MUSIC and not music and _touches_music(name, given):
        raise ValueError("there is no music to change yet")
    return ToolCall(name, _ARGUMENTS.get(name, _no_arguments)(given, context, seed))


def _touches_music(name: str, given: dict[str, Any]) -> bool:
    if name == "set_volume":
        return given["target"] == "music"
    if name == "duck_music":
        return given["enabled"]
    return True


def _generate(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    clip = given.get("clip") if len(context.clips) > 1 else None  # the one clip is the whole video
    return {"prompt": re.sub(r"\s+", " ", given["prompt"]).strip(), "clip": clip, "replace": context.has_music,
            "seed": seed}


def _edit(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    if not context.has_music:
        raise ValueError("there is no music to change yet: new music is generate_music")
    change = dict(given)
    for side, drums in (("add", True), ("remove", False)):
        if change.get(side) == "drums":  # as the tables read "add drums" / "no drums"
            del change[side]
            if change.setdefault("drums", drums) is not drums:
                raise ValueError("drums both added and removed")
    if not change:
        raise ValueError("no change named")
    if "swap" in change and (change["swap"]["from"] == change["swap"]["to"]):
        raise ValueError("swap names the same instrument twice")
    for key in ("tempo_bpm", "drop_ms"):
        if key in change:
            change[key] = float(change[key])
    return change


def _volume(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    if ("volume" in given) == ("factor" in given):
        raise ValueError("give exactly one of volume and factor")
    level: dict[str, float] = {key: float(given[key]) for key in ("volume", "factor") if key in given}
    return {**level, "target": given["target"]}


def _fade(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    if not given:
        raise ValueError("neither a fade-in nor a fade-out")
    return {key: float(value) for key, value in given.items()}


def _place(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    start, end = given.get("start_ms"), given.get("end_ms")
    if start is None and end is None:
        raise ValueError("neither a start nor an end")
    if start is not None and end is not None and end <= start:
        raise ValueError("the music would end before it starts")
    return {"start_ms": None if start is None else float(start), "end_ms": None if end is None else float(end)}


def _words(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    text = given["text"].strip()
    if not text:
        raise ValueError("no text")
    return {"text": text, "start_ms": float(given["start_ms"]), "duration_ms": float(given["duration_ms"])}


def _no_arguments(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    return {}  # remove_title, remove_music, undo, redo


def _aspect(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    width, height = ASPECT_SIZES[given["name"]]
    return {"width": width, "height": height, "name": given["name"]}


def _fit(given: dict[str, Any], context: AgentContext, seed: int | None) -> dict[str, Any]:
    clip = given.get("clip") if len(context.clips) > 1 else None  # the one clip is the whole video
    return {"fit": given["fit"], "focus": given.get("focus") if given["fit"] == "fill" else None, "clip": clip}


_ARGUMENTS = {"generate_music": _generate, "edit_music": _edit, "set_volume": _volume, "fade_music": _fade,
              "place_music": _place, "add_title": _words, "add_text": _words, "set_aspect": _aspect, "set_fit": _fit,
              "duck_music": lambda given, context, seed: {"enabled": given["enabled"]}}


# -- the note -------------------------------------------------------------------------------------
_NOTES = {
    "timeout": ("(The language model did not answer in time, so I read your words with my own tables.)",
                "（语言模型没有及时回答，所以我用自己的规则表理解了你的话。）"),
    "unavailable": ("(The language model was not available, so I read your words with my own tables.)",
                    "（语言模型暂时不可用，所以我用自己的规则表理解了你的话。）"),
    "invalid": ("(The language model's answer was not usable, so I read your words with my own tables.)",
                "（语言模型的回答无法使用，所以我用自己的规则表理解了你的话。）"),
}


def fallback_note(reason: str, language: str) -> str:
    return _NOTES.get(reason, _NOTES["invalid"])[language == "zh"]


# -- the shell ------------------------------------------------------------------------------------
async def ask(config: LLMConfig, body: dict[str, Any]) -> str:
    """POST ``body`` to ``{base_url}/chat/completions``; the answer's text. One deadline,
    ``config.timeout_s``, covers connecting, sending and reading (httpx's own timeouts are per
    step, so a server that trickles its answer could hold them far longer)."""
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    # A local server is reached directly; a hosted one through the proxies the environment names.
    trust_env = not is_loopback_url(config.base_url)
    try:
        with anyio.fail_after(config.timeout_s):
            async with httpx.AsyncClient(timeout=config.timeout_s, trust_env=trust_env) as client:
                response = await client.post(f"{config.base_url}/chat/completions", json=body, headers=headers)
    except (TimeoutError, httpx.TimeoutException):
        raise LLMTimeout(f"no answer within {config.timeout_s:g} s") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise LLMUnavailable(f"{type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        raise LLMUnavailable(f"HTTP {response.status_code}: {response.text[:200]}")
    return completion_text(response.content)


async def understand(message: str, context: AgentContext, config: LLMConfig | None) -> Interpretation:
    """The model's reading of ``message`` when one is configured and answers well; else the
    tables', with a note saying why when the model was asked. With no clip or no words there is
    nothing for a model to read: the tables answer (upload first; what I can do)."""
    message = well_formed(message)
    if config is None or not message.strip() or not context.clips:
        return await anyio.to_thread.run_sync(interpret, message, context)
    try:
        return read_answer(await ask(config, request_body(message, context, config.model)), message, context)
    except LLMError as exc:
        log.warning("language model %s at %s: %s; the tables answer instead", config.model, config.base_url, exc)
        reason = exc.reason
    except Exception:  # a fault in reading the answer must not cost the person their reply
        log.exception("reading the language model's answer failed; the tables answer instead")
        reason = "invalid"
    tables = await anyio.to_thread.run_sync(interpret, message, context)
    return dataclasses.replace(tables, note=fallback_note(reason, tables.language))
