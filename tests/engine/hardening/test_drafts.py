"""Bad drafts sent with a render: too long, too large, negative, not finite, of the wrong type.
Each is refused with 422 naming the offending path before any job exists; the witness is unharmed."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest

from musicmaker_nb.protocol import Draft, DraftError
from musicmaker_nb.protocol._draft import MAX_DRAFT_MS, MAX_FRAME_PX

from ..conftest import Caller, make_tone
from .conftest import ExpectCode, Witness

RENDER = "/api/render/proxy/lambda"
HOUR = 3_600_000


def render(caller: Caller, draft: Any, render_id: str = "render_hardening_1") -> Any:
    return caller.http.post(RENDER, json={"id": render_id, "sessionId": caller.session_id, "draft": draft,
                                          "output": {"format": "mp4", "quality": "low"}})


def text_draft(**changes: Any) -> dict[str, Any]:
    """A draft that needs no media: a title over black."""
    segment = {"id": "sg1", "s": 0, "d": 3000, "m": {"text": "Hello"}, **changes.pop("segment", {})}
    return {"d": 3000, "m": {"w": 320, "h": 180, "fps": 15}, "t": [{"tt": 7, "sg": [segment]}], **changes}


def refused_before_start(caller: Caller, expect: ExpectCode, draft: Any, *words: str) -> str:
    """422, the message naming ``words``, and no job under the id the render asked for."""
    message = expect(render(caller, draft, "render_refused"), 422, 422)
    for word in words:
        assert word in message
    expect(caller.http.get(f"{RENDER}/render_refused"), 404, 1002)
    return message


# -- limits ---------------------------------------------------------------------------------------
def test_the_limits_are_an_hour_and_4096_pixels() -> None:
    assert (MAX_DRAFT_MS, MAX_FRAME_PX) == (HOUR, 4096)


def test_a_render_of_1e12_ms_is_refused_before_it_starts(attacked: Witness, attacker: Caller,
                                                         expect: ExpectCode) -> None:
    refused_before_start(attacker, expect, text_draft(d=1e12), "60 minutes", "invalid draft: d")


@pytest.mark.parametrize("length", [HOUR + 1, 10 * HOUR, 2**53])
def test_a_draft_over_an_hour_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode, length: int) -> None:
    refused_before_start(attacker, expect, text_draft(d=length), "60 minutes")


@pytest.mark.parametrize("segment, path", [
    ({"s": HOUR - 1000, "d": 2000}, "t[0].sg[0].d"),
    ({"s": 0, "d": HOUR + 1}, "t[0].sg[0].d"),
    ({"s": 1e15, "d": 1}, "t[0].sg[0].d"),
])
def test_a_segment_ending_after_an_hour_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                               segment: dict[str, Any], path: str) -> None:
    refused_before_start(attacker, expect, text_draft(segment=segment), path, "60 minutes")


@pytest.mark.parametrize("frame, path", [
    ({"w": 4097, "h": 180}, "m.w"),
    ({"w": 320, "h": 100_000}, "m.h"),
    ({"w": 1e9, "h": 1e9}, "m.w"),
])
def test_a_frame_over_4096_pixels_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                         frame: dict[str, Any], path: str) -> None:
    refused_before_start(attacker, expect, text_draft(m={**frame, "fps": 15}), path, "4096")


@pytest.mark.parametrize("frame, path", [({"w": 0, "h": 180}, "m.w"), ({"w": 320, "h": -180}, "m.h")])
def test_a_frame_without_pixels_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                       frame: dict[str, Any], path: str) -> None:
    refused_before_start(attacker, expect, text_draft(m=frame), path, "positive")


# -- numbers and types ----------------------------------------------------------------------------
@pytest.mark.parametrize("draft, path", [
    pytest.param(text_draft(d=-1), "d", id="negative-length"),
    pytest.param(text_draft(segment={"s": -5}), "t[0].sg[0].s", id="negative-start"),
    pytest.param(text_draft(segment={"o": -1}), "t[0].sg[0].o", id="negative-offset"),
    pytest.param(text_draft(d="3000"), "d", id="length-a-string"),
    pytest.param(text_draft(d=True), "d", id="length-a-bool"),
    pytest.param(text_draft(segment={"s": None}), "t[0].sg[0].s", id="start-null"),
    pytest.param(text_draft(segment={"v": 2}), "t[0].sg[0].v", id="volume-over-1"),
    pytest.param(text_draft(segment={"id": 7}), "t[0].sg[0].id", id="id-a-number"),
    pytest.param(text_draft(m={"w": "320", "h": 180}), "m.w", id="width-a-string"),
    pytest.param(text_draft(m=[320, 180]), "m", id="frame-a-list"),
    pytest.param({**text_draft(), "t": [{"tt": 3, "sg": []}]}, "t[0].tt", id="unknown-track-type"),
    pytest.param({**text_draft(), "t": {"tt": 7}}, "t", id="tracks-an-object"),
    pytest.param({**text_draft(), "t": [{"tt": 7, "sg": "s"}]}, "t[0].sg", id="segments-a-string"),
    pytest.param({**text_draft(), "t": [{"tt": 7, "sg": [{"s": 0, "d": 2000}, {"s": 1000, "d": 500}]}]},
                 "t[0].sg[1].s", id="overlapping-segments"),
    pytest.param([text_draft()], "a draft must be a JSON object", id="draft-a-list"),
    pytest.param('{"d": 3000}', "a draft must be a JSON object", id="draft-a-string"),
])
def test_a_draft_breaking_a_rule_is_422_naming_where(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                     draft: Any, path: str) -> None:
    refused_before_start(attacker, expect, draft, path)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e309"])
def test_a_draft_with_a_non_finite_number_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                 number: str) -> None:
    raw = ('{"id": "render_refused", "sessionId": "%s", "draft": {"d": 3000, "t": [{"tt": 7, "sg": '
           '[{"s": 0, "d": %s, "m": {"text": "x"}}]}]}}' % (attacker.session_id, number))
    answer = attacker.http.post(RENDER, content=raw, headers={"Content-Type": "application/json"})
    assert "JSON" in expect(answer, 422, 422)
    expect(attacker.http.get(f"{RENDER}/render_refused"), 404, 1002)


def test_the_stored_draft_is_checked_too(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    """With no draft in the body the session's own is rendered: a session without one is refused."""
    answer = attacker.http.post(RENDER, json={"id": "render_refused", "sessionId": attacker.session_id})
    assert "empty" in expect(answer, 422, 422)


@pytest.mark.parametrize("output", [["mp4"], "high", 5])
def test_an_output_that_is_not_an_object_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                output: Any) -> None:
    answer = attacker.http.post(RENDER, json={"sessionId": attacker.session_id, "draft": text_draft(), "output": output})
    assert "output" in expect(answer, 422, 422)


# -- uploads that would take the timeline past the limit --------------------------------------------
@pytest.mark.slow
def test_an_upload_longer_than_an_hour_is_refused_before_it_is_stored(
        attacked: Witness, attacker: Caller, expect: ExpectCode, tmp_path: pathlib.Path) -> None:
    from ..conftest import ffmpeg

    long_audio = tmp_path / "long.m4a"  # 61 minutes of near silence, a few hundred KB
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "3660", "-c:a", "aac", "-b:a", "8k", str(long_audio))
    assert "60 minutes" in expect(attacker.upload(long_audio), 422, 422)
    assert attacker.state()["video_infos"] == [] and attacker.state()["draft"] is None
    assert attacker.upload(make_tone(tmp_path / "short.wav", 1.0)).json()["code"] == 0


# -- the rules themselves (no engine) ----------------------------------------------------------------
@pytest.mark.parametrize("draft", [
    {"d": HOUR},
    {"d": HOUR, "t": [{"tt": 1, "sg": [{"s": 0, "d": HOUR}]}]},
    {"d": 1, "m": {"w": 4096, "h": 4096}},
])
def test_a_draft_at_the_limits_is_valid(draft: dict[str, Any]) -> None:
    assert Draft.from_dict(draft).to_dict()["d"] == draft["d"]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_the_draft_refuses_non_finite_numbers_alike(value: float) -> None:
    for data, path in (({"d": value}, "d"), ({"t": [{"tt": 1, "sg": [{"o": value}]}]}, "t[0].sg[0].o"),
                       ({"t": [{"tt": 1, "sg": [{"v": value}]}]}, "t[0].sg[0].v")):
        with pytest.raises(DraftError, match="finite") as info:
            Draft.from_dict(data)
        assert info.value.path == path


def test_canvas_edits_keep_to_the_frame_limit() -> None:
    with pytest.raises(DraftError, match="4096"):
        Draft.empty(1000).with_canvas(8192, 4320)
