"""The optional language model: the request, the reading of its answer, and the fall back to the
tables, against a fake OpenAI-compatible server on 127.0.0.1 and through the real engine."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import jsonschema
import pytest

from musicmaker_nb.engine import LLMConfig
from musicmaker_nb.engine._config import llm_from_env
from musicmaker_nb.engine.agent._interpret import AgentContext, Clip, Interpretation, interpret
from musicmaker_nb.engine.agent._llm import (
    LLMInvalid,
    completion_text,
    fallback_note,
    read_answer,
    request_body,
    understand,
)
from musicmaker_nb.engine.agent._llm_schema import KEYWORDS, answer_schema, schema_errors, tool_arguments
from musicmaker_nb.music import EDITS
from musicmaker_nb.protocol import ToolCall

from .conftest import BLURRED_SAID, reply_text, tool_names

CLIPS = (Clip("m_city", "city.mp4", "video", 30000.0), Clip("m_beach", "beach.mp4", "video", 15000.0, 30000.0))
ONE_CLIP = AgentContext(clips=CLIPS[:1])
WITH_MUSIC = AgentContext(clips=CLIPS, has_music=True, music_segments=1, last_prompt="calm piano")


def call(tool: str, /, **given: Any) -> dict[str, Any]:
    """A call as a strict answer writes it: every argument present, null when not given."""
    properties = tool_arguments([c.id for c in CLIPS]).get(tool, {"properties": given})["properties"]
    return {"name": tool, "args": {key: given.get(key) for key in properties}}


def answer(*calls: dict[str, Any], question: str | None = None) -> str:
    return json.dumps({"calls": list(calls), "question": question})


def completion(content: str) -> bytes:
    return json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "fake",
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content}}]}).encode()


# -- a fake OpenAI-compatible server ----------------------------------------------------------------
class FakeLLM:
    """``POST /v1/chat/completions`` on 127.0.0.1 answering ``status`` and ``body`` after
    ``delay_s``; every request is kept (path, headers, JSON body)."""

    def __init__(self) -> None:
        self.status, self.body, self.delay_s = 200, completion(answer(question="What music?")), 0.0
        self.requests: list[dict[str, Any]] = []
        self.released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                fake.requests.append({"path": self.path, "headers": dict(self.headers),
                                      "body": json.loads(self.rfile.read(length))})
                fake.released.wait(fake.delay_s)
                try:
                    self.send_response(fake.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(fake.body)))
                    self.end_headers()
                    self.wfile.write(fake.body)
                except OSError:  # the engine gave up waiting and closed the connection
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-llm", daemon=True)
        self.thread.start()

    def answers(self, content: str) -> None:
        self.status, self.body = 200, completion(content)

    def config(self, **settings: Any) -> LLMConfig:
        return LLMConfig(self.base_url, "fake-model", **settings)

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    fake = FakeLLM()
    yield fake
    fake.close()


@pytest.fixture
def down_url() -> str:
    """The address of a server that is not there: a port just free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


# -- the schema -----------------------------------------------------------------------------------------
def _subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        yield schema
        for key in ("items",):
            if key in schema:
                yield from _subschemas(schema[key])
        for sub in [*schema.get("properties", {}).values(), *schema.get("anyOf", [])]:
            yield from _subschemas(sub)


def test_the_schema_is_json_schema_in_the_strict_subset() -> None:
    schema = answer_schema([c.id for c in CLIPS])
    jsonschema.Draft202012Validator.check_schema(schema)
    for sub in _subschemas(schema):
        assert set(sub) <= KEYWORDS, set(sub) - KEYWORDS
        if sub.get("type") == "object":  # what OpenAI's strict mode asks of every object
            assert sub["additionalProperties"] is False and sub["required"] == list(sub["properties"])


def test_edit_music_takes_exactly_the_music_edits() -> None:
    assert list(tool_arguments([])["edit_music"]["properties"]) == list(EDITS)


_ANSWERS = [
    answer(call("set_volume", target="music", volume=0.35)),
    answer(call("generate_music", prompt="calm piano", clip="m_beach"), call("undo")),
    answer(question="Which clip?"),
    answer(call("edit_music", tempo="faster", swap={"from": "piano", "to": "violin"})),
    answer(call("set_volume", target="m_nowhere", volume=0.5)),
    answer(call("set_volume", target="music", volume=1.5)),
    answer(call("set_volume", target="music", volume=True)),
    answer(call("add_title", text="Hi", start_ms=-1, duration_ms=3000)),
    answer(call("add_title", text="", start_ms=0, duration_ms=3000)),
    answer(call("add_text", text="Hi", start_ms=0, duration_ms=0)),
    answer(call("edit_music", style="polka")),
    answer(call("edit_music", swap={"from": "piano"})),
    answer(call("set_aspect", name="4:3")),
    answer(call("fly_away")),
    json.dumps({"calls": [{"name": "undo", "args": {}, "why": "asked"}], "question": None}),
    json.dumps({"calls": [{"name": "undo", "args": {}}]}),
    json.dumps({"calls": [call("undo")] * 13, "question": None}),
    json.dumps({"calls": "undo", "question": None}),
    json.dumps([]),
    json.dumps({"calls": [call("set_volume", target="music", volume=1)], "question": None}),
]


@pytest.mark.parametrize("text", _ANSWERS)
def test_the_validator_agrees_with_jsonschema(text: str) -> None:
    schema = answer_schema([c.id for c in CLIPS])
    value = json.loads(text)
    assert (schema_errors(value, schema) == []) == jsonschema.Draft202012Validator(schema).is_valid(value)


def test_a_schema_error_names_the_argument_of_the_tool_called() -> None:
    errors = schema_errors(json.loads(_ANSWERS[5]), answer_schema([c.id for c in CLIPS]))
    assert errors == ["$.calls[0].args.volume: 1.5 is above 1"]


# -- reading answers -------------------------------------------------------------------------------------
@pytest.mark.parametrize("message, context, calls", [
    ("set the volume to 35%", WITH_MUSIC, [call("set_volume", target="music", volume=0.35)]),
    ("add the title 'Urban Dreams' for 3 seconds", ONE_CLIP,
     [call("add_title", text="Urban Dreams", start_ms=0, duration_ms=3000)]),
    ("make it 9:16", ONE_CLIP, [call("set_aspect", name="9:16")]),
    ("undo twice", WITH_MUSIC, [call("undo"), call("undo")]),
    ("make it 9:16 with a blurred background", ONE_CLIP, [call("set_aspect", name="9:16"), call("set_fit", fit="blur")]),
    ("fill the frame and follow the action", ONE_CLIP, [call("set_fit", fit="fill", focus="motion")]),
    ("letterbox beach.mp4", WITH_MUSIC, [call("set_fit", fit="letterbox", clip="m_beach")]),
    ("裁剪", ONE_CLIP, [call("set_fit", fit="fill")]),
])
def test_a_valid_answer_is_what_the_tables_would_say(message: str, context: AgentContext,
                                                      calls: list[dict[str, Any]]) -> None:
    assert read_answer(answer(*calls), message, context) == interpret(message, context)


@pytest.mark.parametrize("message, context, calls, expected", [
    ("calm piano (seed 7)", ONE_CLIP, [call("generate_music", prompt=" calm  piano ", clip="m_city")],
     [ToolCall("generate_music", {"prompt": "calm piano", "clip": None, "replace": False, "seed": 7})]),
    ("jazz for beach.mp4", WITH_MUSIC, [call("generate_music", prompt="jazz", clip="m_beach")],
     [ToolCall("generate_music", {"prompt": "jazz", "clip": "m_beach", "replace": True, "seed": None})]),
    ("quieter", WITH_MUSIC, [call("set_volume", target="music", factor=0.6)],
     [ToolCall("set_volume", {"factor": 0.6, "target": "music"})]),
    ("mute beach.mp4", WITH_MUSIC, [call("set_volume", target="m_beach", volume=0)],
     [ToolCall("set_volume", {"volume": 0.0, "target": "m_beach"})]),
    ("fade in over 2 seconds", WITH_MUSIC, [call("fade_music", fade_in_ms=2000)],
     [ToolCall("fade_music", {"fade_in_ms": 2000.0})]),
    ("play the music from 0:05 to 0:20", WITH_MUSIC, [call("place_music", start_ms=5000, end_ms=20000)],
     [ToolCall("place_music", {"start_ms": 5000.0, "end_ms": 20000.0})]),
    ("end the music at 0:20", WITH_MUSIC, [call("place_music", end_ms=20000)],
     [ToolCall("place_music", {"start_ms": None, "end_ms": 20000.0})]),
    ("add the text 'Day 1' at 0:05", ONE_CLIP, [call("add_text", text="Day 1", start_ms=5000, duration_ms=3000)],
     [ToolCall("add_text", {"text": "Day 1", "start_ms": 5000.0, "duration_ms": 3000.0})]),
    ("duck the music under speech", WITH_MUSIC, [call("duck_music", enabled=True)],
     [ToolCall("duck_music", {"enabled": True})]),
    ("add drums", WITH_MUSIC, [call("edit_music", add="drums")], [ToolCall("edit_music", {"drums": True})]),
    ("no drums", WITH_MUSIC, [call("edit_music", remove="drums")], [ToolCall("edit_music", {"drums": False})]),
    ("remove the music and the title", WITH_MUSIC, [call("remove_music"), call("remove_title")],
     [ToolCall("remove_music"), ToolCall("remove_title")]),
    ("redo", WITH_MUSIC, [call("redo")], [ToolCall("redo")]),
    ("blurred background", ONE_CLIP, [call("set_fit", fit="blur", focus="motion", clip="m_city")],
     [ToolCall("set_fit", {"fit": "blur", "focus": None, "clip": None})]),  # a focus only for a crop
])
def test_a_valid_answer_becomes_the_runners_calls(message: str, context: AgentContext, calls: list[dict[str, Any]],
                                                  expected: list[ToolCall]) -> None:
    """As the tables write them: the seed of the message, ``replace`` from the project, the one
    clip as the whole video, times in float milliseconds, a frame's size, drums as ``drums``."""
    assert read_answer(answer(*calls), message, context) == Interpretation(calls=tuple(expected))


def test_an_edit_keeps_only_the_keys_that_change() -> None:
    read = read_answer(answer(call("edit_music", tempo="faster", brightness="darker", tempo_bpm=100,
                                   swap={"from": "acoustic guitar", "to": "piano"})), "x", WITH_MUSIC)
    assert read.calls == (ToolCall("edit_music", {"tempo": "faster", "tempo_bpm": 100.0, "brightness": "darker",
                                                  "swap": {"from": "acoustic guitar", "to": "piano"}}),)


def test_a_question_back_is_a_question_in_the_message_language() -> None:
    assert read_answer(answer(question="想要什么样的音乐？"), "弄好一点", ONE_CLIP) == \
        Interpretation(question="想要什么样的音乐？", language="zh")


def test_a_fenced_answer_is_read() -> None:
    fenced = "```json\n" + answer(call("remove_title")) + "\n```"
    assert read_answer(fenced, "remove the title", ONE_CLIP).calls == (ToolCall("remove_title"),)


@pytest.mark.parametrize("content, context, problem", [
    ("this is not json {", ONE_CLIP, "not JSON"),
    ('{"calls": [], "question": NaN}', ONE_CLIP, "not JSON"),
    (json.dumps({"calls": [{"name": "undo"}], "question": None}), ONE_CLIP, "schema"),
    (answer(call("edit_music", style="polka")), WITH_MUSIC, "schema"),
    (answer(call("edit_music", mood="grumpy")), WITH_MUSIC, "schema"),
    (answer(call("edit_music", add="theremin")), WITH_MUSIC, "schema"),
    (answer(call("set_volume", target="m_nowhere", volume=0.5)), WITH_MUSIC, "schema"),
    (answer(call("generate_music", prompt="jazz", clip="m_nowhere")), ONE_CLIP, "schema"),
    (answer(call("set_volume", target="music", volume=1.2)), WITH_MUSIC, "schema"),
    (answer(call("set_volume", target="music", volume=-0.1)), WITH_MUSIC, "schema"),
    (answer(call("add_text", text="Hi", start_ms=-500, duration_ms=1000)), ONE_CLIP, "schema"),
    (answer(call("place_music", start_ms=-1)), WITH_MUSIC, "schema"),
    (answer(call("set_volume", target="music", volume=0.5, factor=0.6)), WITH_MUSIC, "exactly one"),
    (answer(call("set_volume", target="music")), WITH_MUSIC, "exactly one"),
    (answer(call("set_volume", target="music", volume=0.5)), ONE_CLIP, "no music"),
    (answer(call("fade_music", fade_out_ms=2000)), ONE_CLIP, "no music"),
    (answer(call("edit_music", tempo="faster")), ONE_CLIP, "no music"),
    (answer(call("fade_music")), WITH_MUSIC, "neither"),
    (answer(call("place_music", start_ms=9000, end_ms=4000)), WITH_MUSIC, "before it starts"),
    (answer(call("edit_music")), WITH_MUSIC, "no change"),
    (answer(call("edit_music", add="drums", drums=False)), WITH_MUSIC, "drums"),
    (answer(call("add_title", text="   ", start_ms=0, duration_ms=1000)), ONE_CLIP, "no text"),
    (answer(), ONE_CLIP, "neither calls nor a question"),
])
def test_an_answer_that_does_not_fit_is_invalid(content: str, context: AgentContext, problem: str) -> None:
    with pytest.raises(LLMInvalid, match=problem):
        read_answer(content, "do it", context)


def test_music_asked_for_earlier_in_the_answer_can_be_set() -> None:
    read = read_answer(answer(call("generate_music", prompt="jazz"), call("fade_music", fade_out_ms=2000)),
                       "jazz, fading out", ONE_CLIP)
    assert [c.name for c in read.calls] == ["generate_music", "fade_music"]
    assert read.calls[0].args == {"prompt": "jazz", "clip": None, "replace": False, "seed": None}


@pytest.mark.parametrize("body", [b"<html>", b'{"choices": []}', json.dumps(
    {"choices": [{"message": {"role": "assistant", "content": None, "refusal": "no"}}]}).encode()])
def test_a_body_that_is_no_chat_completion_is_invalid(body: bytes) -> None:
    with pytest.raises(LLMInvalid):
        completion_text(body)


def test_the_request_names_the_tools_the_tables_and_the_project() -> None:
    body = request_body("add jazz to beach.mp4 (seed 3)", WITH_MUSIC, "qwen2.5:7b")
    system, user = body["messages"]
    assert body["model"] == "qwen2.5:7b" and body["stream"] is False
    assert (system["role"], user) == ("system", {"role": "user", "content": "add jazz to beach.mp4"})
    for word in ("generate_music", "edit_music", "undo", "bossa_nova", "melancholic", "french horn", '"m_beach"',
                 "beach.mp4", "15.0 s", "calm piano", "background music: yes"):
        assert word in system["content"], word
    response_format = body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    assert response_format["json_schema"]["schema"] == answer_schema(["m_city", "m_beach"])


def test_the_environment_names_the_model() -> None:
    assert llm_from_env({}) is None
    assert llm_from_env({"MUSICMAKER_LLM_BASE_URL": "http://localhost:11434/v1"}) is None
    config = llm_from_env({"MUSICMAKER_LLM_BASE_URL": "http://localhost:11434/v1/",
                           "MUSICMAKER_LLM_MODEL": "qwen2.5:7b"})
    assert config == LLMConfig("http://localhost:11434/v1", "qwen2.5:7b", None, 10.0)
    keyed = llm_from_env({"MUSICMAKER_LLM_BASE_URL": "https://api.example.com/v1", "MUSICMAKER_LLM_MODEL": "m",
                          "MUSICMAKER_LLM_API_KEY": "sk-secret"})
    assert keyed.api_key == "sk-secret" and "sk-secret" not in repr(keyed)


# -- against the fake server ---------------------------------------------------------------------------
@pytest.mark.anyio
async def test_a_valid_answer_is_used_and_the_request_is_a_chat_completion(fake_llm: FakeLLM) -> None:
    fake_llm.answers(answer(call("set_volume", target="music", volume=0.35), call("set_aspect", name="1:1")))
    read = await understand("music at 35% please, and square", WITH_MUSIC, fake_llm.config())
    assert read == Interpretation(calls=(ToolCall("set_volume", {"volume": 0.35, "target": "music"}),
                                         ToolCall("set_aspect", {"width": 1080, "height": 1080, "name": "1:1"})))
    (request,) = fake_llm.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Content-Type"] == "application/json"
    assert "Authorization" not in request["headers"]
    assert request["body"] == request_body("music at 35% please, and square", WITH_MUSIC, "fake-model")


@pytest.mark.anyio
async def test_the_key_travels_as_a_bearer_token(fake_llm: FakeLLM) -> None:
    fake_llm.answers(answer(call("remove_title")))
    await understand("remove the title", ONE_CLIP, fake_llm.config(api_key="sk-test"))
    assert fake_llm.requests[0]["headers"]["Authorization"] == "Bearer sk-test"


@pytest.mark.anyio
@pytest.mark.parametrize("failure, reason", [
    ("invalid json", "invalid"),
    ("against the schema", "invalid"),
    ("unknown style", "invalid"),
    ("not a chat completion", "invalid"),
    ("http 500", "unavailable"),
    ("slow", "timeout"),
    ("down", "unavailable"),
])
async def test_any_failure_falls_back_to_the_tables_with_a_note(fake_llm: FakeLLM, down_url: str, failure: str,
                                                                reason: str) -> None:
    message = "make it jazz and fade out"
    # only the slow case may run into the timeout: a busy machine must not turn the others into one
    config = fake_llm.config(timeout_s=0.5 if failure == "slow" else 10.0)
    if failure == "invalid json":
        fake_llm.answers('{"calls": [')
    elif failure == "against the schema":
        fake_llm.answers(json.dumps({"calls": [{"name": "edit_music", "args": {"style": "jazz"}}], "question": None}))
    elif failure == "unknown style":
        fake_llm.answers(answer(call("edit_music", style="smooth_jazz")))
    elif failure == "not a chat completion":
        fake_llm.body = b'{"error": "overloaded"}'
    elif failure == "http 500":
        fake_llm.status, fake_llm.body = 500, b'{"error": {"message": "model crashed"}}'
    elif failure == "slow":
        fake_llm.answers(answer(call("remove_music")))
        fake_llm.delay_s = 5.0
    else:
        config = LLMConfig(down_url, "fake-model", timeout_s=0.5)
    started = time.monotonic()
    read = await understand(message, WITH_MUSIC, config)
    assert time.monotonic() - started < 3.0
    tables = interpret(message, WITH_MUSIC)
    assert tables.calls  # the tables understood it: the fall back is worth something
    assert read == Interpretation(calls=tables.calls, language="en", note=fallback_note(reason, "en"))
    assert len(fake_llm.requests) == (0 if failure == "down" else 1)


@pytest.mark.anyio
async def test_the_note_is_in_the_language_of_the_message(fake_llm: FakeLLM) -> None:
    fake_llm.status, fake_llm.body = 503, b"busy"
    read = await understand("小声一点", WITH_MUSIC, fake_llm.config())
    assert read.calls == interpret("小声一点", WITH_MUSIC).calls
    assert read.note == "（语言模型暂时不可用，所以我用自己的规则表理解了你的话。）"


@pytest.mark.anyio
async def test_with_no_clip_or_no_words_the_model_is_not_asked(fake_llm: FakeLLM) -> None:
    assert await understand("add calm piano music", AgentContext(), fake_llm.config()) == \
        interpret("add calm piano music", AgentContext())
    assert await understand("  ", ONE_CLIP, fake_llm.config()) == interpret("  ", ONE_CLIP)
    assert fake_llm.requests == []


def test_the_notes_are_one_sentence() -> None:
    for reason in ("timeout", "unavailable", "invalid"):
        english = fallback_note(reason, "en")
        assert english.startswith("(The language model") and english.count(".") == 1 and "tables" in english
        assert fallback_note(reason, "zh").startswith("（语言模型")


# -- through the engine --------------------------------------------------------------------------------
def test_the_engine_runs_the_models_calls(start_engine, new_caller, fake_llm: FakeLLM, clip) -> None:
    caller = new_caller(start_engine(llm=fake_llm.config()))
    media_id = caller.upload(clip).json()["data"]["media"][0]["id"]
    fake_llm.answers(answer(call("set_aspect", name="9:16"),
                            call("add_title", text="Day one", start_ms=0, duration_ms=1000)))
    events, _, _ = caller.say("get it ready for tiktok with a little heading, Day one")
    assert tool_names(events) == ["set_aspect", "add_title"]
    assert reply_text(events) == ("Changed the frame to 9:16 (1080x1920)" + BLURRED_SAID + " "
                                  'Added the title "Day one" from 0:00 to 0:01.')
    system = fake_llm.requests[0]["body"]["messages"][0]["content"]
    assert json.dumps(media_id) in system and "city.mp4" in system
    draft = caller.state()["draft"]
    assert (draft["m"]["w"], draft["m"]["h"]) == (1080, 1920)


def test_the_engine_falls_back_and_says_so(start_engine, new_caller, fake_llm: FakeLLM, clip) -> None:
    caller = new_caller(start_engine(llm=fake_llm.config()))
    caller.upload(clip)
    fake_llm.answers(answer(call("set_aspect", name="widescreen")))
    events, _, _ = caller.say("make it square")
    assert tool_names(events) == ["set_aspect"]
    assert reply_text(events) == ("Changed the frame to 1:1 (1080x1080)" + BLURRED_SAID + " (The language model's "
                                  "answer was not usable, so I read your words with my own tables.)")


def test_the_engine_reads_the_model_from_the_environment(start_engine, new_caller, fake_llm: FakeLLM, clip,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSICMAKER_LLM_BASE_URL", fake_llm.base_url)
    monkeypatch.setenv("MUSICMAKER_LLM_MODEL", "from-env")
    monkeypatch.setenv("MUSICMAKER_LLM_API_KEY", "sk-env")
    caller = new_caller(start_engine())
    caller.upload(clip)
    fake_llm.answers(answer(question="Which part should the music cover?"))
    events, _, _ = caller.say("music, but only for a bit")
    assert tool_names(events) == [] and reply_text(events) == "Which part should the music cover?"
    request = fake_llm.requests[0]
    assert request["body"]["model"] == "from-env" and request["headers"]["Authorization"] == "Bearer sk-env"


def test_no_model_is_asked_when_none_is_named(engine, caller, clip) -> None:
    assert engine.config.llm is None
    caller.upload(clip)
    events, _, _ = caller.say("make it square")
    assert reply_text(events) == "Changed the frame to 1:1 (1080x1080)" + BLURRED_SAID
