import json

import pytest

from musicmaker_nb import Heartbeat, StreamError, TextPart, ToolCall, ToolResult
from musicmaker_nb.client._sse import SSEStreamDecoder, parse_event
from tests.fakes import default_sse_chunks, event


def decode(chunks):
    decoder = SSEStreamDecoder()
    items = [item for chunk in chunks for item in decoder.feed(chunk)]
    return items + decoder.flush()


def test_heartbeats_tool_calls_and_partial_text():
    items = decode(default_sse_chunks("hi"))
    assert items[:2] == [Heartbeat(), Heartbeat()]
    assert items[2] == ToolCall("generate_music", {"prompt": "upbeat"})
    assert items[3] == ToolResult("generate_music", {"ok": True})
    texts = [item.text for item in items if isinstance(item, TextPart)]
    # the final whole text repeats the partial chunks and is dropped
    assert "".join(texts) == "Added an upbeat track. Click the Export button when ready."


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_lines_split_anywhere_decode_the_same(size):
    raw = "".join(default_sse_chunks("hi")).replace("\n", "\r\n")
    pieces = [raw[i : i + size] for i in range(0, len(raw), size)]
    assert decode(pieces) == decode([raw])


def test_multi_line_data_is_joined():
    payload = json.dumps({"content": {"parts": [{"text": "a\nb"}]}}, indent=1)
    raw = "".join(f"data: {line}\n" for line in payload.split("\n")) + "\n"
    assert decode([raw]) == [TextPart("a\nb")]


def test_a_stream_that_ends_without_a_blank_line_still_dispatches():
    assert decode([event("done").rstrip("\n")]) == [TextPart("done")]


def test_other_fields_and_comment_heartbeats():
    assert decode(["event: message\nid: 3\nretry: 10\n: keep-alive\n\n"]) == [Heartbeat()]


def test_bad_payloads_raise_stream_errors():
    with pytest.raises(StreamError, match="not JSON"):
        parse_event("{oops")
    with pytest.raises(StreamError, match="expected an event object"):
        parse_event("[1, 2]")
    with pytest.raises(StreamError, match="quota"):
        parse_event(json.dumps({"errorMessage": "quota exceeded"}))


def test_event_without_parts_is_a_heartbeat():
    assert parse_event(json.dumps({"content": {"parts": []}})) == [Heartbeat()]
