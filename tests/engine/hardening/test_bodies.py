"""Bad bodies: malformed multipart, JSON too large, too deep or not JSON, non-finite numbers,
wrong content types, long chat messages, stalled and cut-off bodies, unknown routes and methods.
Each answer is the envelope with its exact status and code, and the engine serves on unharmed."""

from __future__ import annotations

import pathlib
import socket
import time
import urllib.parse
from typing import Iterator

import httpx
import pytest

import musicmaker_nb.engine as engine_pkg

from ..conftest import ATTRIBUTION, Caller
from .conftest import ExpectCode, Witness

MIB = 1 << 20
SESSION = "/api/tasks/me/with-session/nemo_agent"
MULTIPART = "multipart/form-data; boundary=xyz"
FILE_HEAD = b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.mp4"\r\n\r\n'


# -- helpers: plain sockets, for what httpx will not send --------------------------------------
def raw_request(base_url: str, head: str, body: bytes = b"", *, timeout: float = 30) -> httpx.Response:
    """Send ``head`` (request line and headers, without the blank line) and ``body`` as they are;
    the answer read to its end."""
    with _connect(base_url, timeout) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> httpx.Response:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before an answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
    length = int(dict((k.lower(), v) for k, v in headers).get("content-length", 0))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed inside the answer"
        body += chunk
    return httpx.Response(int(lines[0].split()[1]), headers=headers, content=body[:length])


def _connect(base_url: str, timeout: float) -> socket.socket:
    url = urllib.parse.urlsplit(base_url)
    assert url.hostname == "127.0.0.1"
    return socket.create_connection((url.hostname, url.port), timeout=timeout)


def head_of(caller: Caller, method: str, path: str, **headers: str) -> str:
    """A request head with the caller's attribution and token."""
    every = {**ATTRIBUTION, "Authorization": caller.http.headers["Authorization"], **headers}
    return f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "\r\n".join(f"{k}: {v}" for k, v in every.items())


def upload_path(caller: Caller) -> str:
    return f"/api/upload-video/nemo_agent/me/{caller.session_id}"


def temp_files(witness: Witness) -> list[pathlib.Path]:
    return list((witness.running.home / "tmp").iterdir())


def no_temp_files_left(witness: Witness, within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while temp_files(witness) and time.monotonic() < deadline:
        time.sleep(0.05)
    return temp_files(witness) == []


def post_json(caller: Caller, path: str, raw: bytes) -> httpx.Response:
    return caller.http.post(path, content=raw, headers={"Content-Type": "application/json"})


def say_body(caller: Caller, text: object) -> dict:
    return {"app_name": "nemo_agent", "user_id": "me", "session_id": caller.session_id,
            "new_message": {"parts": [{"text": text}]}}


# -- multipart ----------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    pytest.param(b"garbage before any boundary\r\n--xyz--\r\n", id="no-leading-boundary"),
    pytest.param(b'--xyz\r\nContent-Disposition form-data; name="files"\r\n\r\nx\r\n--xyz--\r\n', id="header-without-colon"),
    pytest.param(b"--abc\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.mp4\"\r\n\r\nx\r\n--abc--\r\n",
                 id="another-boundary"),
    pytest.param(FILE_HEAD + b"half a file", id="truncated-no-closing-boundary"),
    pytest.param(FILE_HEAD + b"one\r\n--xyz\r\n" + FILE_HEAD[7:] + b"two, cut", id="second-file-truncated"),
    pytest.param(b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.mp4"\r\nX-Pad: '
                 + b"p" * (20 * 1024) + b"\r\n\r\nx\r\n--xyz--\r\n", id="part-headers-over-16-kb"),
])
def test_malformed_multipart_is_422_and_leaves_no_file(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                       body: bytes) -> None:
    answer = attacker.http.post(upload_path(attacker), content=body, headers={"Content-Type": MULTIPART})
    assert "multipart" in expect(answer, 422, 422)
    assert no_temp_files_left(attacked)
    assert attacker.state()["video_infos"] == []


def test_multipart_without_a_boundary_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    answer = attacker.http.post(upload_path(attacker), content=FILE_HEAD,
                                headers={"Content-Type": "multipart/form-data"})
    assert "boundary" in expect(answer, 422, 422)


@pytest.mark.parametrize("body", [
    pytest.param(b"--xyz--\r\n", id="no-parts"),
    pytest.param(b'--xyz\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--xyz--\r\n', id="fields-only"),
])
def test_multipart_without_a_file_is_4001(attacked: Witness, attacker: Caller, expect: ExpectCode, body: bytes) -> None:
    answer = attacker.http.post(upload_path(attacker), content=body, headers={"Content-Type": MULTIPART})
    expect(answer, 415, 4001)


def test_form_fields_over_a_mebibyte_are_413(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    body = b'--xyz\r\nContent-Disposition: form-data; name="note"\r\n\r\n' + b"n" * (MIB + 10) + b"\r\n--xyz--\r\n"
    answer = attacker.http.post(upload_path(attacker), content=body, headers={"Content-Type": MULTIPART})
    expect(answer, 413, 413)


def test_a_body_cut_short_of_its_content_length_leaves_no_file(attacked: Witness, attacker: Caller) -> None:
    head = head_of(attacker, "POST", upload_path(attacker), **{"Content-Type": MULTIPART, "Content-Length": "100000"})
    with _connect(attacked.base_url, 30) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + FILE_HEAD + b"x" * 20000)
        time.sleep(0.3)  # the engine is writing the file now
    assert no_temp_files_left(attacked)
    assert attacker.state()["video_infos"] == []


# -- JSON: size ----------------------------------------------------------------------------------
def _padded(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes."""
    return b'{"pad":"' + b"x" * (size - 10) + b'"}'


def test_a_json_body_of_exactly_one_mebibyte_is_read(attacked: Witness, attacker: Caller) -> None:
    answer = post_json(attacker, SESSION, _padded(MIB))
    assert answer.status_code == 200 and answer.json()["code"] == 0


def test_a_declared_json_body_over_one_mebibyte_is_413(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    assert "1,024 KB" in expect(post_json(attacker, SESSION, _padded(MIB + 1)), 413, 413)


@pytest.mark.parametrize("path", [SESSION, "/run_sse", "/api/render/proxy/lambda"])
def test_a_chunked_json_body_is_counted_as_it_arrives(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                      path: str) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: only counting stops it
        body = _padded(3 * MIB)
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    answer = attacker.http.post(path, content=chunks(), headers={"Content-Type": "application/json"})
    assert answer.request.headers["transfer-encoding"] == "chunked" and "content-length" not in answer.request.headers
    expect(answer, 413, 413)


def test_a_json_url_upload_over_one_mebibyte_is_413(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    raw = b'{"urls":["https://example.invalid/' + b"a" * MIB + b'"],"source_type":"url"}'
    expect(post_json(attacker, upload_path(attacker), raw), 413, 413)


# -- JSON: shape ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [
    pytest.param(b"[" * 50_000 + b"]" * 50_000, id="list-50000-deep"),
    pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, id="object-100000-deep"),
    pytest.param(b'{"a":' * 65 + b"1" + b"}" * 65, id="object-65-deep"),
    pytest.param(b'{"x":' + b"[" * 900 + b"]" * 900 + b"}", id="list-900-deep-inside"),
])
def test_deep_json_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode, raw: bytes) -> None:
    assert "nested deeper than 64" in expect(post_json(attacker, SESSION, raw), 422, 422)


def test_json_64_deep_is_read(attacked: Witness, attacker: Caller) -> None:
    raw = b'{"a":' * 63 + b"{}" + b"}" * 63
    assert post_json(attacker, SESSION, raw).json()["code"] == 0


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e999"])
@pytest.mark.parametrize("path", [SESSION, "/api/render/proxy/lambda"])
def test_non_finite_numbers_are_not_json(attacked: Witness, attacker: Caller, expect: ExpectCode, number: bytes,
                                         path: str) -> None:
    raw = b'{"sessionId":"%s","draft":{"d":%s,"t":[]},"task_name":%s}' % (attacker.session_id.encode(), number, number)
    assert "JSON" in expect(post_json(attacker, path, raw), 422, 422)


@pytest.mark.parametrize("raw", [b"[]", b'"a string"', b"42", b"null", b"true"])
def test_json_that_is_not_an_object_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode, raw: bytes) -> None:
    assert "JSON object" in expect(post_json(attacker, SESSION, raw), 422, 422)


@pytest.mark.parametrize("raw", [
    pytest.param(b"", id="empty"),
    pytest.param(b"{", id="cut"),
    pytest.param(b'{"a": "\xff\xfe\xfa"}', id="not-utf8"),
    pytest.param(b'{"a": ' + b"7" * 5000 + b"}", id="5000-digit-integer"),
])
def test_what_is_not_json_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode, raw: bytes) -> None:
    assert "must be JSON" in expect(post_json(attacker, SESSION, raw), 422, 422)


# -- content types -------------------------------------------------------------------------------
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "video/mp4", ""])
def test_an_upload_of_another_content_type_is_4001(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                    content_type: str) -> None:
    answer = attacker.http.post(upload_path(attacker), content=b"\0\0\0 ftypisom",
                                headers={"Content-Type": content_type})
    expect(answer, 415, 4001)


def test_multipart_sent_to_a_json_route_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    answer = attacker.http.post("/run_sse", content=FILE_HEAD + b"x\r\n--xyz--\r\n", headers={"Content-Type": MULTIPART})
    assert "must be JSON" in expect(answer, 422, 422)


@pytest.mark.parametrize("body", [{"urls": "https://example.invalid/a.mp4"}, {"urls": []}, {"urls": [1]}, {}])
def test_a_url_upload_without_a_list_of_urls_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                    body: dict) -> None:
    expect(attacker.http.post(upload_path(attacker), json=body), 422, 422)


# -- the chat message ----------------------------------------------------------------------------
def test_a_chat_message_over_4000_characters_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    answer = attacker.http.post("/run_sse", json=say_body(attacker, "é" * 4001))
    assert "4,000" in expect(answer, 422, 422)


def test_the_parts_of_a_message_count_together(attacked: Witness, attacker: Caller, expect: ExpectCode) -> None:
    body = say_body(attacker, "")
    body["new_message"]["parts"] = [{"text": "a" * 2000}, {"text": "b" * 2000}]  # 4001 with the joining space
    assert "4,000" in expect(attacker.http.post("/run_sse", json=body), 422, 422)


def test_a_chat_message_of_4000_characters_is_read(attacked: Witness, attacker: Caller) -> None:
    _, _, answer = attacker.say("z" * 4000)
    assert answer.status_code == 200


@pytest.mark.parametrize("new_message", [
    pytest.param({"parts": 5}, id="parts-a-number"),
    pytest.param({"parts": "text"}, id="parts-a-string"),
    pytest.param({"parts": [{"text": 12}]}, id="text-a-number"),
    pytest.param({"parts": [{"text": ["a"]}]}, id="text-a-list"),
])
def test_a_malformed_message_is_422(attacked: Witness, attacker: Caller, expect: ExpectCode, new_message: dict) -> None:
    body = {**say_body(attacker, ""), "new_message": new_message}
    assert "new_message.parts" in expect(attacker.http.post("/run_sse", json=body), 422, 422)


# -- routes and methods the engine does not serve ------------------------------------------------
@pytest.mark.parametrize("method, path, status", [
    ("GET", "/nope", 404),
    ("POST", "/api/render/proxy/lambda/x/y", 404),
    ("GET", "/api/state/nemo_agent/me/a/b/latest", 404),
    ("GET", "/", 404),
    ("POST", "/api/health", 405),
    ("PUT", "/api/render/proxy/lambda", 405),
    ("GET", "/run_sse", 405),
    ("POST", "/api/files/media/x", 405),
    ("PATCH", "/api/credits/balance/simple", 405),
])
def test_unknown_routes_and_methods_answer_the_envelope(attacked: Witness, attacker: Caller, expect: ExpectCode,
                                                        method: str, path: str, status: int) -> None:
    answer = attacker.http.request(method, path)
    expect(answer, status, status)
    if status == 405:
        assert answer.headers["allow"]


def test_health_answers_the_envelope(attacked: Witness) -> None:
    answer = httpx.get(attacked.base_url + "/api/health", trust_env=False)
    assert answer.json()["code"] == 0 and set(answer.json()) == {"code", "message", "data"}


# -- stalled bodies: an engine of their own, dropping after 1 s -----------------------------------
@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[engine_pkg.RunningEngine]:
    running = engine_pkg.start(home=tmp_path_factory.mktemp("impatient"), body_stall_s=1.0)
    yield running
    running.stop()


@pytest.fixture
def impatient_caller(impatient: engine_pkg.RunningEngine) -> Iterator[Caller]:
    caller = Caller(impatient.base_url)
    caller.new_token()
    caller.new_session()
    yield caller
    caller.close()


def _stall(base_url: str, head: str, first_bytes: bytes) -> tuple[httpx.Response, float, bytes]:
    """Send a head and a few bytes, then nothing: the answer, when it came, what followed it."""
    with _connect(base_url, 20) as sock:
        started = time.monotonic()
        sock.sendall(head.encode() + b"\r\n\r\n" + first_bytes)
        answer = read_answer(sock)
        waited = time.monotonic() - started
        return answer, waited, sock.recv(1024)


@pytest.mark.slow
@pytest.mark.parametrize("path", [SESSION, "/run_sse", "/api/render/proxy/lambda"])
def test_a_stalled_json_body_is_dropped(impatient: engine_pkg.RunningEngine, impatient_caller: Caller,
                                        expect: ExpectCode, path: str) -> None:
    head = head_of(impatient_caller, "POST", path, **{"Content-Type": "application/json", "Content-Length": "200"})
    answer, waited, after = _stall(impatient.base_url, head, b'{"task_name": "pro')
    assert "stalled" in expect(answer, 408, 408)
    assert 0.9 < waited < 5 and after == b""  # answered after the stall, then the connection closed


@pytest.mark.slow
def test_a_stalled_upload_is_dropped_and_its_file_removed(impatient: engine_pkg.RunningEngine,
                                                          impatient_caller: Caller, expect: ExpectCode) -> None:
    head = head_of(impatient_caller, "POST", upload_path(impatient_caller),
                   **{"Content-Type": MULTIPART, "Content-Length": "1000000"})
    answer, waited, after = _stall(impatient.base_url, head, FILE_HEAD + b"x" * 50_000)
    expect(answer, 408, 408)
    assert 0.9 < waited < 5 and after == b""
    assert list((impatient.home / "tmp").iterdir()) == []


@pytest.mark.slow
def test_a_slow_body_that_keeps_coming_is_read(impatient: engine_pkg.RunningEngine, impatient_caller: Caller) -> None:
    def trickle() -> Iterator[bytes]:  # 2.4 s in all, never 1 s without a byte
        for piece in (b'{"task_name":', b' "slow",', b' "language":', b' "en"}'):
            yield piece
            time.sleep(0.6)

    answer = impatient_caller.http.post(SESSION, content=trickle(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 200 and answer.json()["code"] == 0


# -- storage full ----------------------------------------------------------------------------------
def test_a_full_quota_is_507(tmp_path: pathlib.Path, clip: pathlib.Path, expect: ExpectCode) -> None:
    running = engine_pkg.start(home=tmp_path / "small", quota_bytes=40 * 1024)
    caller = Caller(running.base_url)
    try:
        caller.new_token()
        caller.new_session()
        assert "storage is full" in expect(caller.upload(clip), 507, 507)
        assert list((running.home / "tmp").iterdir()) == []
    finally:
        caller.close()
        running.stop()
