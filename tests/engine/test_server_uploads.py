"""Uploads: streamed multipart and URLs, typed by probing, limited while streaming."""

from __future__ import annotations

import functools
import http.server
import threading
from typing import Iterator

import httpx
import pytest

from musicmaker_nb.engine._errors import EngineError
from musicmaker_nb.engine.store._downloads import address_refusal, check_url
from musicmaker_nb.engine.store._uploads import sanitize_filename

from .conftest import Caller


def media_files(home) -> list:
    return sorted(p for p in (home / "files").rglob("*") if p.is_file())


def test_upload_records_what_the_probe_found(caller: Caller, clip, home) -> None:
    answer = caller.upload(clip)
    assert answer.status_code == 200
    [medium] = answer.json()["data"]["media"]
    assert medium["id"].startswith("med_") and medium["name"] == "city.mp4" and medium["kind"] == "video"
    assert (medium["duration_ms"], medium["width"], medium["height"], medium["fps"]) == (2000, 320, 180, 15.0)
    assert medium["has_audio"] is True and medium["size_bytes"] == clip.stat().st_size
    [stored] = media_files(home)
    assert stored.read_bytes() == clip.read_bytes()  # stored by content hash, whole
    assert list((home / "tmp").iterdir()) == []
    assert caller.http.get(medium["url"]).content == clip.read_bytes()


def test_several_files_in_one_upload_go_on_the_timeline_in_order(caller: Caller, clip, clip2, tone) -> None:
    answer = caller.upload(clip, clip2, tone)
    assert [m["kind"] for m in answer.json()["data"]["media"]] == ["video", "video", "audio"]
    draft = caller.state()["draft"]
    video = draft["t"][0]["sg"]
    assert [(s["s"], s["d"]) for s in video] == [(0, 2000), (2000, 1500)]
    assert draft["d"] == 3500 and (draft["m"]["w"], draft["m"]["h"]) == (1920, 1080)


def test_portrait_clip_makes_a_portrait_draft(caller: Caller, portrait_clip) -> None:
    caller.upload(portrait_clip)
    draft = caller.state()["draft"]
    assert (draft["m"]["w"], draft["m"]["h"]) == (1080, 1920)


def _truncated(clip, tmp_path):
    path = tmp_path / "broken.mp4"
    path.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    return path


@pytest.mark.parametrize("make", [
    lambda clip, tmp: (tmp / "notes.mp4").write_text("just some text, renamed\n" * 50) and tmp / "notes.mp4",
    _truncated,
    lambda clip, tmp: (tmp / "empty.mp4").write_bytes(b"") or tmp / "empty.mp4",
], ids=["renamed-text", "truncated-mp4", "zero-length"])
def test_what_is_not_media_is_4001(caller: Caller, clip, tmp_path, home, make) -> None:
    answer = caller.upload(make(clip, tmp_path))
    assert answer.status_code == 415 and answer.json()["code"] == 4001
    assert media_files(home) == [] and list((home / "tmp").iterdir()) == []
    assert caller.state()["draft"] is None


def test_one_bad_file_refuses_the_whole_upload(caller: Caller, clip, tmp_path, home) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF" + b"\0" * 100)
    answer = caller.upload(clip, bad)
    assert answer.json()["code"] == 4001 and "bad.wav" in answer.json()["message"]
    assert media_files(home) == []


def test_an_upload_without_files_is_4001(caller: Caller) -> None:
    answer = caller.http.post(f"/api/upload-video/nemo_agent/me/{caller.session_id}", data={"note": "hi"},
                              files={"other": ("", b"")})
    assert answer.json()["code"] == 4001


def test_names_are_sanitized(caller: Caller, clip, home) -> None:
    answer = caller.upload(clip, names=("../../../etc/evil\x07name.mp4",))
    assert answer.json()["data"]["media"][0]["name"] == "evilname.mp4"
    assert all(home in p.parents for p in media_files(home))


@pytest.mark.parametrize("raw, clean", [
    ("../../a.mp4", "a.mp4"), ("C:\\Users\\me\\b.mov", "b.mov"), (".hidden.mp4", "hidden.mp4"),
    ("", "upload"), ("..", "upload"), ("a<b>:c.mp4", "a_b__c.mp4"), ("x" * 300 + ".mp4", "x" * 110 + ".mp4"),
])
def test_sanitize_filename(raw: str, clean: str) -> None:
    assert sanitize_filename(raw) == clean


def test_too_large_is_4002_while_streaming(start_engine, new_caller, home) -> None:
    caller = new_caller(start_engine(max_upload_bytes=256 * 1024))

    def body() -> Iterator[bytes]:  # chunked: no Content-Length to judge by, so the limit must act mid-stream
        boundary = b"--xyz"
        yield boundary + b'\r\nContent-Disposition: form-data; name="files"; filename="big.mp4"\r\n\r\n'
        for _ in range(64):
            yield b"\0" * 16384
        yield b"\r\n" + boundary + b"--\r\n"

    answer = caller.http.post(f"/api/upload-video/nemo_agent/me/{caller.session_id}", content=body(),
                              headers={"Content-Type": "multipart/form-data; boundary=xyz"})
    assert answer.status_code == 413 and answer.json()["code"] == 4002
    assert "big.mp4" in answer.json()["message"] and "256 KB" in answer.json()["message"]
    assert list((home / "tmp").iterdir()) == [] and media_files(home) == []


@pytest.mark.slow
def test_the_real_200_mb_limit(caller: Caller, home) -> None:
    def body() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="huge.mp4"\r\n\r\n'
        chunk = b"\0" * (1 << 20)
        for _ in range(201):
            yield chunk
        yield b"\r\n--b--\r\n"

    answer = caller.http.post(f"/api/upload-video/nemo_agent/me/{caller.session_id}", content=body(),
                              headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert answer.json()["code"] == 4002 and "200 MB" in answer.json()["message"]
    assert list((home / "tmp").iterdir()) == []


def test_a_full_disk_is_a_clear_error(start_engine, new_caller, clip, home) -> None:
    caller = new_caller(start_engine(quota_bytes=40 * 1024))
    answer = caller.upload(clip)
    assert answer.status_code == 507 and answer.json()["code"] == 507 and "storage is full" in answer.json()["message"]
    assert list((home / "tmp").iterdir()) == [] and media_files(home) == []


# -- URLs ---------------------------------------------------------------------------------------
@pytest.fixture
def file_server(media_dir) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(media_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def url_upload(caller: Caller, *urls: str) -> httpx.Response:
    return caller.http.post(f"/api/upload-video/nemo_agent/me/{caller.session_id}",
                            json={"urls": list(urls), "source_type": "url"})


def test_url_to_loopback_is_refused_by_default(caller: Caller, clip, file_server) -> None:
    answer = url_upload(caller, f"{file_server}/{clip.name}")
    assert answer.json()["code"] == 4001
    assert "loopback" in answer.json()["message"] and "--allow-private-urls" in answer.json()["message"]


def test_url_upload_when_private_urls_are_allowed(start_engine, new_caller, clip, file_server, tmp_path) -> None:
    caller = new_caller(start_engine(allow_private_urls=True))
    answer = url_upload(caller, f"{file_server}/{clip.name}")
    [medium] = answer.json()["data"]["media"]
    assert (medium["name"], medium["duration_ms"], medium["size_bytes"]) == ("city.mp4", 2000, clip.stat().st_size)
    missing = url_upload(caller, f"{file_server}/nothing.mp4")
    assert missing.json()["code"] == 4001 and "404" in missing.json()["message"]


def test_url_upload_limits_apply(start_engine, new_caller, clip, file_server) -> None:
    caller = new_caller(start_engine(allow_private_urls=True, max_upload_bytes=32 * 1024))
    assert url_upload(caller, f"{file_server}/{clip.name}").json()["code"] == 4002


@pytest.mark.parametrize("url", ["ftp://example.com/a.mp4", "file:///etc/passwd", "javascript:alert(1)", "http://"])
def test_only_http_urls(caller: Caller, url: str) -> None:
    assert url_upload(caller, url).json()["code"] == 4001


def test_url_checks_resolve_before_fetching() -> None:
    public = lambda host, port: ["93.184.216.34"]  # noqa: E731
    check_url("https://example.com/a.mp4", public, allow_private=False)
    for address in ("10.1.2.3", "192.168.0.7", "127.0.0.1", "169.254.169.254", "::1", "fd00::1", "::ffff:10.0.0.1"):
        with pytest.raises(EngineError, match="refusing"):
            check_url("https://sneaky.example/a.mp4", lambda host, port: [address], allow_private=False)
    check_url("http://10.0.0.5/a.mp4", lambda host, port: ["10.0.0.5"], allow_private=True)
    assert address_refusal("8.8.8.8") is None
