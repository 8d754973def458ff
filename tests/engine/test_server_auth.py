"""Tokens, sessions, credits, attribution headers and the rate limit, over real loopback HTTP."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import httpx
import pytest

from musicmaker_nb.engine.server._auth import RateLimiter, attribution_problem, bearer_token

from .conftest import ATTRIBUTION, Caller


def test_anonymous_token_has_100_credits_for_7_days(engine) -> None:
    answer = httpx.post(f"{engine.base_url}/api/auth/anonymous-token",
                        headers={**ATTRIBUTION, "X-Client-Id": str(uuid.uuid4())})
    body = answer.json()
    assert answer.status_code == 200 and body["code"] == 0
    assert body["data"]["credits"] == 100
    expires = dt.datetime.fromisoformat(body["data"]["expires_at"].replace("Z", "+00:00"))
    days = (expires - dt.datetime.now(dt.timezone.utc)).total_seconds() / 86400
    assert 6.99 < days <= 7.0


def test_missing_client_id_is_400(engine) -> None:
    answer = httpx.post(f"{engine.base_url}/api/auth/anonymous-token", headers=ATTRIBUTION)
    assert answer.status_code == 400 and answer.json()["code"] == 400
    assert "X-Client-Id" in answer.json()["message"]


@pytest.mark.parametrize("method, path", [
    ("POST", "/api/auth/anonymous-token"), ("POST", "/api/tasks/me/with-session/nemo_agent"),
    ("GET", "/api/credits/balance/simple"), ("POST", "/run_sse"), ("POST", "/api/render/proxy/lambda"),
    ("GET", "/api/render/proxy/lambda/render_1"), ("GET", "/api/state/nemo_agent/me/ses_x/latest"),
    ("POST", "/api/upload-video/nemo_agent/me/ses_x"),
])
def test_every_route_wants_the_attribution_headers(caller: Caller, method: str, path: str) -> None:
    headers = dict(caller.http.headers)
    del headers["x-skill-platform"]
    answer = httpx.request(method, f"{caller.http.base_url}{path}", headers=headers, json={})
    assert answer.status_code == 402
    assert answer.json() == {"code": 402, "message": answer.json()["message"], "data": None}
    assert "X-Skill-Platform" in answer.json()["message"]


def test_wrong_attribution_values_are_refused(caller: Caller) -> None:
    answer = caller.http.get("/api/credits/balance/simple", headers={"X-Skill-Source": "someone-else"})
    assert answer.status_code == 402 and "music-maker" in answer.json()["message"]
    assert attribution_problem({**ATTRIBUTION, "X-Skill-Platform": "vscode"}) is not None
    assert attribution_problem(ATTRIBUTION) is None


def test_bad_or_missing_token_is_1001(caller: Caller) -> None:
    for authorization in ("Bearer nope", "Basic abc", ""):
        answer = caller.http.get("/api/credits/balance/simple", headers={"Authorization": authorization})
        assert answer.status_code == 401 and answer.json()["code"] == 1001
    assert bearer_token("Bearer  abc ") == "abc" and bearer_token("bearer") is None


def test_expired_token_is_1001(start_engine, new_caller) -> None:
    caller = new_caller(start_engine(token_ttl_s=0.3), session=False)
    assert caller.http.get("/api/credits/balance/simple").status_code == 200
    time.sleep(0.4)
    answer = caller.http.get("/api/credits/balance/simple")
    assert answer.status_code == 401 and "expired" in answer.json()["message"]


def test_credits_balance(caller: Caller) -> None:
    data = caller.http.get("/api/credits/balance/simple").json()["data"]
    assert data == {"available": 100, "frozen": 0, "total": 100}


def test_sessions_belong_to_their_token(engine, caller: Caller, new_caller, clip) -> None:
    assert caller.upload(clip).status_code == 200
    other = new_caller(engine, session=False)
    other.session_id = caller.session_id
    for answer in (other.http.get(f"/api/state/nemo_agent/me/{caller.session_id}/latest"),
                   other.upload(clip), other.say("add calm music")[2],
                   other.http.post("/api/render/proxy/lambda", json={"sessionId": caller.session_id, "draft": None})):
        assert answer.status_code == 404 and answer.json()["code"] == 1002
        assert answer.json()["data"] is None
    assert caller.state()["video_infos"][0]["name"] == clip.name


def test_rate_limit_answers_429_with_retry_after(start_engine, new_caller) -> None:
    caller = new_caller(start_engine(rate_per_s=0.5, rate_burst=3), session=False)
    answers = [caller.http.get("/api/credits/balance/simple") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["code"] == 429
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_rate_limiter_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2, burst=2, clock=lambda: now[0])
    assert [limiter.acquire("a") for _ in range(3)] == [0, 0, 0.5]
    assert limiter.acquire("b") == 0  # buckets are per token
    now[0] = 0.5
    assert limiter.acquire("a") == 0


def test_unknown_json_body_shapes_are_422(caller: Caller) -> None:
    answer = caller.http.post("/api/tasks/me/with-session/nemo_agent", content=b"[1, 2]",
                              headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["code"] == 422
