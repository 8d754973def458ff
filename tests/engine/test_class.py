"""A class on one engine: renders wait their turn fairly and say how long, chat keeps a core,
one person cannot fill the line, and the engine reports its load."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from musicmaker_nb import engine as engine_pkg
from tests.engine.conftest import make_clip


def _long_draft(media_id: str, seconds: float) -> dict:
    # a title forces a re-encode: a render long enough to keep the worker busy
    ms = int(seconds * 1000)
    return {"d": ms, "m": {"w": 1920, "h": 1080, "fps": 30},
            "t": [{"tt": 0, "m": {"name": "Video"}, "sg": [{"src": media_id, "s": 0, "d": ms, "o": 0}]},
                  {"tt": 7, "m": {"name": "Title", "role": "title"}, "sg": [{"s": 0, "d": ms, "m": {"text": "Class"}}]}]}


def _export(caller, draft: dict) -> dict:
    answer = caller.http.post("/api/render/proxy/lambda", json={
        "id": "", "sessionId": caller.session_id, "draft": draft, "output": {"format": "mp4", "quality": "high"}})
    return answer.json()


@pytest.fixture(scope="module")
def class_clip(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("class") / "lesson.mp4", seconds=8.0, size="1280x720", rate=30)


def _student(running, new_caller, clip):
    student = new_caller(running)
    media_id = student.upload(clip).json()["data"]["media"][0]["id"]
    return student, media_id


def test_a_waiting_render_says_its_place_and_a_newcomer_goes_before_the_greedy(start_engine, new_caller,
                                                                              class_clip):
    running = start_engine(render_workers=1)
    greedy, greedy_clip = _student(running, new_caller, class_clip)
    late, late_clip = _student(running, new_caller, class_clip)
    mine = [_export(greedy, _long_draft(greedy_clip, 8.0))["data"]["id"] for _ in range(3)]
    theirs = _export(late, _long_draft(late_clip, 8.0))["data"]["id"]
    status = late.http.get(f"/api/render/proxy/lambda/{theirs}").json()["data"]
    assert status["status"] == "queued" and status["queue_position"] == 1, status  # next, before greedy's 2nd
    assert 0 <= status["starts_in_s"] < status["ends_in_s"]
    second = greedy.http.get(f"/api/render/proxy/lambda/{mine[1]}").json()["data"]
    assert second["queue_position"] == 2 and second["starts_in_s"] >= status["starts_in_s"]
    first = greedy.http.get(f"/api/render/proxy/lambda/{mine[0]}").json()["data"]
    assert first["status"] == "rendering" and first["ends_in_s"] >= 0
    load = greedy.http.get("/api/health").json()["data"]["load"]
    assert (load["queued"], load["running"], load["workers"]) == (3, 1, 1)
    for render_id in mine:
        greedy.http.delete(f"/api/render/proxy/lambda/{render_id}")
    late.http.delete(f"/api/render/proxy/lambda/{theirs}")


def test_one_person_cannot_fill_the_line(start_engine, new_caller, class_clip):
    running = start_engine(render_workers=1, max_queued_renders=2)
    student, media_id = _student(running, new_caller, class_clip)
    started = [_export(student, _long_draft(media_id, 8.0)) for _ in range(3)]  # one renders, two wait
    refused = student.http.post("/api/render/proxy/lambda", json={
        "id": "", "sessionId": student.session_id, "draft": _long_draft(media_id, 8.0),
        "output": {"format": "mp4", "quality": "high"}})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "you have 2 exports waiting already" in refused.json()["message"]
    other, other_clip = _student(running, new_caller, class_clip)
    assert _export(other, _long_draft(other_clip, 8.0))["data"]["status"] == "queued"  # the others still can
    for answer in started:
        student.http.delete(f"/api/render/proxy/lambda/{answer['data']['id']}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own niceness is Linux's")
def test_renders_run_at_a_lower_priority_and_leave_a_core(start_engine):
    running = start_engine()
    cores = os.cpu_count() or 1
    assert engine_pkg.EngineConfig.__dataclass_fields__["render_workers"].default == max(cores - 1, min(cores, 2))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        workers = [t for t in threading.enumerate() if t.name.startswith("musicmaker-render-")]
        if workers:
            break
        time.sleep(0.05)
    assert workers, "no render worker thread"
    assert all(os.getpriority(os.PRIO_PROCESS, t.native_id) >= 10 for t in workers)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < 10  # the rest of the engine is not niced
    running.stop()


def test_chat_times_are_counted_for_the_load(start_engine, new_caller, class_clip):
    running = start_engine()
    student, _ = _student(running, new_caller, class_clip)
    student.say("add calm piano music")
    load = student.http.get("/api/health").json()["data"]["load"]
    assert load["chats"] == 1 and 0 < load["chat_p95_s"] < 60


def test_a_chat_is_answered_while_slow_renders_hold_the_pool(start_engine, new_caller, class_clip):
    """Ordering, not absolute times: the chat's reply comes before the renders that were already
    running or waiting when it was sent have finished."""
    running = start_engine(render_workers=1)
    student, media_id = _student(running, new_caller, class_clip)
    renders = [_export(student, _long_draft(media_id, 8.0))["data"]["id"] for _ in range(2)]
    events, _, answer = student.say("add calm piano music")
    assert answer.status_code == 200 and any("text" in p for e in events for p in e["content"]["parts"])
    statuses = [student.http.get(f"/api/render/proxy/lambda/{r}").json()["data"]["status"] for r in renders]
    assert "completed" not in statuses[1:], statuses  # the waiting render had not even finished
    assert statuses[1] == "queued" or statuses[0] != "completed"
    for render_id in renders:
        student.http.delete(f"/api/render/proxy/lambda/{render_id}")
