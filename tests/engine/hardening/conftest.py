"""The bad-input corpus's engine: one real engine per test module on loopback, holding a witness
session (a token, a session, an uploaded clip, a music track on its timeline). After every test
the engine must still answer and the witness's data must be byte for byte what it was."""

from __future__ import annotations

import hashlib
import json
import pathlib
from typing import Any, Callable, Iterator

import httpx
import pytest

import musicmaker_nb.engine as engine_pkg

from ..conftest import ATTRIBUTION, Caller


class Witness:
    """An engine under attack and the data that must survive it."""

    def __init__(self, running: engine_pkg.RunningEngine, clip: pathlib.Path) -> None:
        self.running = running
        self.base_url = running.base_url
        self.caller = Caller(running.base_url)
        self.caller.new_token()
        self.caller.new_session()
        assert self.caller.upload(clip).status_code == 200
        events, _, answer = self.caller.say("add calm piano music")
        assert answer.status_code == 200 and events
        self.baseline = self.fingerprint()

    def fingerprint(self) -> dict[str, str]:
        """SHA-256 of the witness's draft and of every file it refers to."""
        state = self.caller.state()
        prints = {"draft": _sha(json.dumps(state["draft"], sort_keys=True).encode())}
        for item in state["video_infos"] + state["generated_media"]:
            answer = self.caller.http.get(item["url"])
            assert answer.status_code == 200, item
            prints[item["id"]] = _sha(answer.content)
        return prints

    def caller_for(self, *, session: bool = True) -> Caller:
        """A fresh token (and session) of its own: the attacker."""
        other = Caller(self.base_url)
        other.new_token()
        if session:
            other.new_session()
        return other

    def http(self, **kwargs: Any) -> httpx.Client:
        """Plain httpx with the attribution headers and nothing else."""
        return httpx.Client(base_url=self.base_url, headers=ATTRIBUTION, timeout=60, trust_env=False, **kwargs)

    def check(self) -> None:
        """The engine still serves (health, a new token, the witness's state) and lost nothing."""
        health = httpx.get(self.base_url + "/api/health", timeout=30, trust_env=False)
        assert health.status_code == 200 and health.json()["code"] == 0
        fresh = Caller(self.base_url)
        try:
            assert fresh.new_token()
        finally:
            fresh.close()
        assert self.fingerprint() == self.baseline

    def close(self) -> None:
        self.caller.close()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def witness_engine(tmp_path_factory: pytest.TempPathFactory, clip: pathlib.Path) -> Iterator[Witness]:
    running = engine_pkg.start(home=tmp_path_factory.mktemp("hardening_home"))
    witness = Witness(running, clip)
    yield witness
    witness.close()
    running.stop()


@pytest.fixture
def attacked(witness_engine: Witness) -> Iterator[Witness]:
    """The module's engine; after the test, it must still serve with the witness's data intact."""
    yield witness_engine
    witness_engine.check()


@pytest.fixture
def attacker(attacked: Witness) -> Iterator[Caller]:
    """A caller of its own (token and session) against the module's engine; closed afterwards."""
    caller = attacked.caller_for()
    yield caller
    caller.close()


def envelope(answer: httpx.Response) -> tuple[int, int, str]:
    """(HTTP status, code, message) of an answer that must be the JSON envelope, never a traceback."""
    assert answer.headers.get("content-type", "").startswith("application/json"), answer.text[:300]
    body = answer.json()
    assert set(body) == {"code", "message", "data"}, body
    assert "Traceback" not in body["message"], body["message"]
    return answer.status_code, body["code"], body["message"]


ExpectCode = Callable[[httpx.Response, int, int], str]


@pytest.fixture
def expect() -> ExpectCode:
    """``expect(answer, http_status, code)``: the answer is that error in the envelope; its message."""

    def check(answer: httpx.Response, status: int, code: int) -> str:
        got_status, got_code, message = envelope(answer)
        assert (got_status, got_code) == (status, code), message
        return message

    return check
