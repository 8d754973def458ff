"""Messages built to be slow or strange: the agent reads every message in time linear in its length
(the bounds here are loose regression guards, not benchmarks: the quadratic readings these
messages found took minutes), and odd characters get an answer, never an error."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from musicmaker_nb.engine.agent import AgentContext, interpret
from musicmaker_nb.engine.agent._interpret import Clip


CONTEXT = AgentContext(clips=(Clip("med_1", "trip.mp4", "video", 30000.0),), has_music=True, music_segments=1,
                       last_prompt="upbeat pop")

LONG = [  # the old reading took minutes on each (40,000 "a" took 58 s, 20,000 “ took 12 s)
    pytest.param("add music, " * 2400, id="26KB-of-one-request"),
    pytest.param("calm, " * 4400, id="26KB-of-fragments"),
    pytest.param("".join(f"calm{i}, " for i in range(1500)), id="13KB-of-different-fragments"),
    pytest.param("a" * 100_000, id="one-word"),
    pytest.param("1" * 100_000, id="one-number"),
    pytest.param("“" * 50_000, id="unclosed-quotes"),
    pytest.param("a“" * 25_000, id="unclosed-quotes-between-words"),
    pytest.param("add" + " " * 100_000 + "music", id="a-run-of-spaces"),
    pytest.param("change " * 15_000, id="swap-openings"),
    pytest.param("replace " * 12_000, id="replace-openings"),
    pytest.param("title x\n" * 12_000, id="titles-on-lines"),
    pytest.param("a换成\n" * 25_000, id="chinese-swaps-on-lines"),
    pytest.param("把" * 100_000, id="chinese-openings"),
    pytest.param("在  " * 25_000, id="times-without-numbers"),
    pytest.param("seed  " * 15_000, id="seeds-without-numbers"),
]


@pytest.mark.parametrize("message", LONG)
def test_long_messages_are_read_in_linear_time(message: str) -> None:
    started = time.process_time()
    answer = interpret(message, CONTEXT)
    assert time.process_time() - started < 3.0
    assert answer.calls or answer.question


@pytest.mark.slow
def test_a_one_megabyte_word() -> None:
    started = time.process_time()
    answer = interpret("a" * 1_000_000, CONTEXT)
    assert time.process_time() - started < 20.0  # about 4 s here; the quadratic reading never ended
    assert answer.question and not answer.calls


def test_the_agents_own_markers_in_a_message() -> None:
    """NUL and \\x01 mark hidden quotes and "1,000" while a message is cut into clauses."""
    assert interpret("\x000\x00 add calm piano music", CONTEXT).calls[0].name == "generate_music"
    assert interpret('add the title "Trip" and \x001\x00 then \x01 fade out', CONTEXT).calls[0].args["text"] == "Trip"


def test_line_breaks_read_as_spaces() -> None:
    one_line = interpret("add calm piano music and fade it in", CONTEXT)
    assert interpret("add calm piano\nmusic and fade it in", CONTEXT).calls == one_line.calls


# -- through the engine ----------------------------------------------------------------------------------
STRANGE = [
    pytest.param("?!.,;:…—()[]{}<>/\\|" * 20, id="punctuation"),
    pytest.param("😀🎵🔥🎹" * 100, id="emoji"),
    pytest.param("\x01\x02\x07\x1b[31m\x7f\x1f", id="control-characters"),
    pytest.param("\x00" * 10 + "\x000\x00", id="nul"),
    pytest.param("添加 calm пианино música 🎹 موسيقى เพลง", id="mixed-scripts"),
    pytest.param("\u202eadd music\u202c\u200b\ufeff", id="bidi-and-zero-width"),
    pytest.param("\ud800 add music \udfff", id="lone-surrogates"),
    pytest.param("“" * 3000 + "a“" * 400, id="unclosed-quotes"),
]


def say(caller: Any, message: str) -> tuple[int, str, list[str]]:
    """(HTTP status, content type, text parts) of one message, sent as JSON with \\u escapes (so a
    lone surrogate can be sent at all)."""
    body = {"app_name": "nemo_agent", "user_id": "me", "session_id": caller.session_id,
            "new_message": {"parts": [{"text": message}]}}
    headers = {"Accept": "text/event-stream", "Content-Type": "application/json"}
    with caller.http.stream("POST", "/run_sse", content=json.dumps(body).encode("ascii"), headers=headers) as answer:
        lines = [line[5:] for line in answer.iter_lines() if line.startswith("data:") and line[5:].strip()]
    texts = [part["text"] for line in lines for part in json.loads(line)["content"]["parts"] if "text" in part]
    return answer.status_code, answer.headers.get("content-type", ""), texts


@pytest.mark.parametrize("message", STRANGE)
def test_strange_messages_get_an_answer(attacker: Any, message: str) -> None:
    status, content_type, texts = say(attacker, message)
    assert status == 200 and content_type.startswith("text/event-stream")
    assert texts and not any("Traceback" in text for text in texts)
