"""Render jobs over HTTP: queue, progress, the served MP4, bad drafts, a storage quota."""

from __future__ import annotations

import time
from typing import Any

import pytest

from musicmaker_nb.engine.media._probe import probe

from .conftest import Caller


def start_render(caller: Caller, draft: Any = "state", render_id: str = "render_1", quality: str = "low"):
    if draft == "state":
        draft = caller.state()["draft"]
    return caller.http.post("/api/render/proxy/lambda", json={
        "id": render_id, "sessionId": caller.session_id, "draft": draft,
        "output": {"format": "mp4", "quality": quality}})


def wait_render(caller: Caller, render_id: str, timeout: float = 120) -> tuple[dict, list[float]]:
    seen: list[float] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = caller.http.get(f"/api/render/proxy/lambda/{render_id}").json()["data"]
        seen.append(data["progress"])
        if data["status"] in ("completed", "failed"):
            return data, seen
        time.sleep(0.2)
    raise AssertionError(f"render {render_id} still {data['status']} after {timeout} s")


@pytest.mark.slow
def test_render_a_titled_portrait_draft(caller: Caller, clip, tmp_path) -> None:
    caller.upload(clip)
    events = caller.say("add the title 'Urban Dreams' for 1 second and make it 9:16")[0]
    assert events
    answer = start_render(caller)
    assert answer.json()["data"] == {"id": "render_1", "status": "queued"}
    data, progress = wait_render(caller, "render_1")
    assert data["status"] == "completed", data["error"]
    assert data["progress"] == 1.0 and progress == sorted(progress)
    out = tmp_path / "out.mp4"
    out.write_bytes(caller.http.get(data["output"]["url"]).content)
    info = probe(out)
    assert (info.video_codec, info.width, info.height) == ("h264", 1080, 1920)
    assert abs(info.duration_ms - 2000) <= 1000 / 15 + 1
    assert info.has_audio


def test_the_same_export_twice_is_one_job(caller: Caller, clip) -> None:
    caller.upload(clip)
    first = start_render(caller).json()["data"]
    second = start_render(caller).json()["data"]
    assert first["id"] == second["id"] == "render_1"
    draft = caller.state()["draft"]
    draft["m"]["w"] = 1280
    draft["m"]["h"] = 720
    third = start_render(caller, draft).json()["data"]  # same id, another draft: a new job with its own id
    assert third["id"] != "render_1" and third["status"] == "queued"


@pytest.mark.parametrize("draft, words", [
    ({"d": 1000, "t": [{"tt": 0, "sg": [{"src": "med_nope", "s": 0, "d": 1000}]}]}, "unknown medium"),
    ({"d": 1000, "t": [{"tt": 5, "sg": []}]}, "unknown track type"),
    ({"d": 0, "t": []}, "empty"),
    ("not a draft", "must be a JSON object"),
])
def test_bad_drafts_are_422(caller: Caller, clip, draft: Any, words: str) -> None:
    caller.upload(clip)
    answer = start_render(caller, draft)
    assert answer.status_code == 422 and words in answer.json()["message"]


def test_no_draft_in_the_body_renders_the_session_draft(caller: Caller, clip) -> None:
    caller.upload(clip)
    assert start_render(caller, None).json()["data"]["status"] == "queued"


def test_bad_quality_and_unknown_renders(caller: Caller, clip) -> None:
    caller.upload(clip)
    assert start_render(caller, quality="ultra").json()["code"] == 422
    answer = caller.http.get("/api/render/proxy/lambda/render_unknown")
    assert answer.status_code == 404 and answer.json()["code"] == 1002


def test_files_need_their_key(caller: Caller, clip) -> None:
    [medium] = caller.upload(clip).json()["data"]["media"]
    assert caller.http.get(medium["url"]).status_code == 200
    wrong = medium["url"].split("?")[0] + "?k=0000"
    assert caller.http.get(wrong).json()["code"] == 1002
    assert caller.http.get("/api/files/secrets/x?k=1").status_code == 404


@pytest.mark.slow
def test_a_render_that_fills_the_quota_fails_clearly(start_engine, new_caller, clip, home) -> None:
    engine = start_engine()
    caller = new_caller(engine)
    caller.upload(clip)
    engine.stop()
    used = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    engine = start_engine(quota_bytes=used + 8 * 1024)
    caller.http.base_url = engine.base_url
    start_render(caller, quality="high")
    data, _ = wait_render(caller, "render_1")
    assert data["status"] == "failed" and "storage is full" in data["error"]
    assert not list((home / "renders").glob("*.mp4"))
