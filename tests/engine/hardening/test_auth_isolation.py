"""Bad input, auth and isolation: who may call what. Each case: the exact answer, and (through
``attacked``) the engine still serving with the witness's data intact."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

import musicmaker_nb.engine as engine_pkg

from ..conftest import ATTRIBUTION, Caller
from .conftest import ExpectCode, Witness

TOKEN_ROUTE = "/api/auth/anonymous-token"
SESSION_ROUTE = "/api/tasks/me/with-session/nemo_agent"


@pytest.mark.parametrize("headers", [
    {},  # none at all
    {"X-Skill-Source": "music-maker", "X-Skill-Version": "0.1.0"},  # no platform
    {**ATTRIBUTION, "X-Skill-Source": "someone-else"},
    {**ATTRIBUTION, "X-Skill-Platform": "windows"},
    {**ATTRIBUTION, "X-Skill-Version": ""},
], ids=["none", "no-platform", "wrong-source", "unknown-platform", "empty-version"])
def test_attribution_headers_are_required(attacked: Witness, expect: ExpectCode, headers: dict[str, str]) -> None:
    answer = httpx.post(attacked.base_url + TOKEN_ROUTE, headers={**headers, "X-Client-Id": str(uuid.uuid4())},
                        trust_env=False)
    assert "X-Skill" in expect(answer, 402, 402)


def test_a_token_needs_a_client_id(attacked: Witness, expect: ExpectCode) -> None:
    with attacked.http() as http:
        assert "X-Client-Id" in expect(http.post(TOKEN_ROUTE), 400, 400)


@pytest.mark.parametrize("authorization", [None, "Bearer", "bearer", "Basic dXNlcjpwYXNz", "Token abc",
                                           "Bearer mm_not-a-token", "Bearer " + "x" * 5000])
def test_bad_bearer_tokens(attacked: Witness, expect: ExpectCode, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    with attacked.http() as http:
        expect(http.get("/api/credits/balance/simple", headers=headers), 401, 1001)


def test_another_tokens_session_is_invisible_on_every_route(attacked: Witness, expect: ExpectCode, clip) -> None:
    victim = attacked.caller.session_id
    stranger = attacked.caller_for(session=False)
    try:
        http = stranger.http
        expect(http.get(f"/api/state/nemo_agent/me/{victim}/latest"), 404, 1002)
        files = [("files", (clip.name, clip.read_bytes(), "video/mp4"))]
        expect(http.post(f"/api/upload-video/nemo_agent/me/{victim}", files=files), 404, 1002)
        body = {"app_name": "nemo_agent", "user_id": "me", "session_id": victim,
                "new_message": {"parts": [{"text": "remove the music"}]}}
        expect(http.post("/run_sse", json=body), 404, 1002)
        draft = attacked.caller.state()["draft"]
        render = {"id": f"render_{int(time.time() * 1000)}_x", "sessionId": victim, "draft": draft,
                  "output": {"format": "mp4", "quality": "low"}}
        expect(http.post("/api/render/proxy/lambda", json=render), 404, 1002)
    finally:
        stranger.close()


def test_a_session_that_never_existed(attacked: Witness, expect: ExpectCode) -> None:
    expect(attacked.caller.http.get(f"/api/state/nemo_agent/me/{uuid.uuid4().hex}/latest"), 404, 1002)


def test_files_need_the_key_of_that_very_file(attacked: Witness, expect: ExpectCode) -> None:
    state = attacked.caller.state()
    medium, music = state["video_infos"][0], state["generated_media"][0]
    path, key = medium["url"].split("?k=")
    music_key = music["url"].split("?k=")[1]
    with attacked.http() as http:
        expect(http.get(f"{path}?k=0000"), 404, 1002)
        expect(http.get(path), 404, 1002)
        expect(http.get(f"{path}?k={music_key}"), 404, 1002)  # another file's key
        expect(http.get(medium["url"].replace("/media/", "/render/")), 404, 1002)  # the right key, the wrong kind
        assert http.get(medium["url"]).status_code == 200


def test_a_render_of_another_token_cannot_be_polled(attacked: Witness, expect: ExpectCode) -> None:
    stranger = attacked.caller_for()
    try:
        expect(stranger.http.get("/api/render/proxy/lambda/render_1_abcdef"), 404, 1002)
    finally:
        stranger.close()


def test_a_burst_past_the_rate_limit_waits(tmp_path, expect: ExpectCode) -> None:
    running = engine_pkg.start(home=tmp_path / "home", rate_per_s=0.5, rate_burst=3)
    caller = Caller(running.base_url)
    try:
        caller.new_token()
        answers = [caller.http.get("/api/credits/balance/simple") for _ in range(5)]
        assert [a.status_code for a in answers[:3]] == [200, 200, 200]
        assert "wait" in expect(answers[-1], 429, 429)
        assert float(answers[-1].headers["Retry-After"]) >= 1
    finally:
        caller.close()
        running.stop()


def test_an_expired_token_is_refused(tmp_path, expect: ExpectCode) -> None:
    running = engine_pkg.start(home=tmp_path / "home", token_ttl_s=0.5)
    caller = Caller(running.base_url)
    try:
        caller.new_token()
        assert caller.http.get("/api/credits/balance/simple").status_code == 200
        time.sleep(0.8)
        assert "expired" in expect(caller.http.get("/api/credits/balance/simple"), 401, 1001)
    finally:
        caller.close()
        running.stop()
