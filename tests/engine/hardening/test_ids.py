"""Ids and file names: one rule for all (1 to 100 of ``A-Za-z0-9_.-``, not starting with ``.`` or
``-``). An id a request proposes for a new render that breaks it is 422; an id a request looks up
that breaks it names nothing: 1002 (HTTP 404), never the id echoed back. A path the engine has no
route for (a slash inside an id) is 404 with code 404."""

from __future__ import annotations

import urllib.parse
from typing import Any

import httpx
import pytest

from ..conftest import Caller
from .conftest import ExpectCode, Witness
from .test_bodies import head_of, raw_request

RENDER = "/api/render/proxy/lambda"
LONG = "r" * 5000


def raw_get(witness: Witness, caller: Caller, path: str) -> httpx.Response:
    """GET ``path`` exactly as written: no client normalises its dots or its escapes."""
    return raw_request(witness.base_url, head_of(caller, "GET", path, Connection="close"))


def title_draft() -> dict[str, Any]:
    return {"d": 1000, "m": {"w": 160, "h": 90, "fps": 10},
            "t": [{"tt": 7, "sg": [{"id": "sg1", "s": 0, "d": 1000, "m": {"text": "id"}}]}]}


# -- proposing a render id --------------------------------------------------------------------------
@pytest.mark.parametrize("render_id", ["..", ".", ".hidden", "-rf", "a/b", "../../x", "x" * 101, "render_é",
                                       "with space", "line\n", "nul\0", 123, ["render_1"], {"id": "x"}])
def test_a_proposed_render_id_breaking_the_rule_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                       render_id: Any) -> None:
    answer = attacker.http.post(RENDER, json={"id": render_id, "sessionId": attacker.session_id, "draft": title_draft()})
    assert "id must be" in expect(answer, 422, 422)


def test_a_proposed_render_id_keeping_the_rule_is_kept_and_can_be_polled(attacked: Witness, attacker: Caller) -> None:
    render_id = "render_hardening.ok-1"
    answer = attacker.http.post(RENDER, json={"id": render_id, "sessionId": attacker.session_id, "draft": title_draft(),
                                              "output": {"quality": "low"}})
    assert answer.json()["code"] == 0 and answer.json()["data"]["id"] == render_id
    polled = attacker.http.get(f"{RENDER}/{render_id}")
    assert polled.json()["code"] == 0 and polled.json()["data"]["id"] == render_id


# -- looking an id up ----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw_id", ["..", "%2e%2e", "%2E%2E", ".", LONG, "r%C3%A9nder", "%00", "-x", "a%20b"])
def test_polling_a_malformed_render_id_is_1002(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                               raw_id: str) -> None:
    message = expect(raw_get(attacked, attacker, f"{RENDER}/{raw_id}"), 404, 1002)
    assert LONG not in message and "not a valid id" in message


@pytest.mark.parametrize("raw_id", ["..", "%2e%2e", LONG, "s%C3%A9ssion", ".ses", "%0a"])
def test_reading_the_state_of_a_malformed_session_id_is_1002(attacked: Witness, attacker: Caller,
                                                             expect: ExpectCode, raw_id: str) -> None:
    message = expect(raw_get(attacked, attacker, f"/api/state/nemo_agent/me/{raw_id}/latest"), 404, 1002)
    assert LONG not in message


@pytest.mark.parametrize("session_id", ["..", "../" + "x", LONG, 12345, {"id": "x"}, ["ses_1"], "ses_é"])
def test_a_malformed_session_id_in_a_body_is_1002(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                  session_id: Any) -> None:
    say = {"session_id": session_id, "new_message": {"parts": [{"text": "hello"}]}}
    expect(attacker.http.post("/run_sse", json=say), 404, 1002)
    expect(attacker.http.post(RENDER, json={"sessionId": session_id, "draft": title_draft()}), 404, 1002)


def test_an_upload_to_a_malformed_session_id_is_1002(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    for raw_id in ("..", "%2e%2e", "x" * 101):
        answer = raw_request(attacked.base_url, head_of(attacker, "POST", f"/api/upload-video/nemo_agent/me/{raw_id}",
                                                        **{"Content-Type": "application/json", "Content-Length": "2",
                                                           "Connection": "close"}), b"{}")
        expect(answer, 404, 1002)


@pytest.mark.parametrize("path", [
    f"{RENDER}/..%2F..%2Fengine.sqlite3",
    f"{RENDER}/a/b",
    "/api/state/nemo_agent/me/a%2Fb/latest",
    "/api/files/media/..%2F..%2Fsecret.key",
    "/api/files/render/x/y.mp4",
])
def test_an_id_with_a_slash_has_no_route(attacked: Witness, attacker: Caller, expect: ExpectCode, path: str) -> None:
    expect(raw_get(attacked, attacker, path), 404, 404)


# -- file names -------------------------------------------------------------------------------------------
def _witness_urls(witness: Witness) -> tuple[str, str]:
    state = witness.caller.state()
    return state["video_infos"][0]["url"], state["generated_media"][0]["url"]


def _swap(url: str, *, path: str | None = None, key: str | None = None) -> str:
    parts = urllib.parse.urlsplit(url)
    query = parts.query if key is None else urllib.parse.urlencode({"k": key}) if key else ""
    return urllib.parse.urlunsplit(("", "", path or parts.path, query, ""))


def test_the_witness_files_are_served_by_their_urls(attacked: Witness) -> None:
    for url in _witness_urls(attacked):
        assert httpx.get(attacked.base_url + url, trust_env=False).status_code == 200


@pytest.mark.parametrize("change", ["suffix-added", "suffix-dropped", "suffix-swapped", "kind-swapped",
                                    "unknown-kind", "key-wrong", "key-missing", "dots", "escaped-dots"])
def test_a_file_name_that_is_not_the_items_is_1002(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                   change: str) -> None:
    media_url, gen_url = _witness_urls(attacked)
    media_path, gen_path = urllib.parse.urlsplit(media_url).path, urllib.parse.urlsplit(gen_url).path
    gen_id = gen_path.rsplit("/", 1)[1].removesuffix(".wav")
    url = {
        "suffix-added": _swap(media_url, path=media_path + ".mp4"),
        "suffix-dropped": _swap(gen_url, path=gen_path.removesuffix(".wav")),
        "suffix-swapped": _swap(gen_url, path=gen_path.removesuffix(".wav") + ".mp4"),
        "kind-swapped": _swap(gen_url, path=f"/api/files/media/{gen_id}"),
        "unknown-kind": _swap(gen_url, path=f"/api/files/secret/{gen_id}.wav"),
        "key-wrong": _swap(media_url, key="0" * 32),
        "key-missing": _swap(media_url, key=""),
        "dots": _swap(media_url, path="/api/files/media/.."),
        "escaped-dots": _swap(media_url, path="/api/files/gen/%2e%2e.wav"),
    }[change]
    assert expect(raw_get(attacked, attacker, url), 404, 1002) == "file not found"


@pytest.mark.parametrize("kind, name", [("etc", "passwd"), ("tmp", "x"), ("render", ".mp4"), ("gen", "..wav"),
                                        ("media", "x" * 300), ("render", "r%C3%A9.mp4")])
def test_unknown_kinds_and_names_in_files_are_1002(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                   kind: str, name: str) -> None:
    expect(raw_get(attacked, attacker, f"/api/files/{kind}/{name}?k=abc"), 404, 1002)
