"""Bad input, quota: a full data directory answers 507 (HTTP 507) naming the fix, leaves no partial
file behind, and loses nothing that was stored before."""

from __future__ import annotations

import functools
import hashlib
import http.server
import pathlib
import threading
from typing import Iterator

import pytest

import musicmaker_nb as mm
import musicmaker_nb.engine as engine_pkg

from ..conftest import Caller, make_tone
from .conftest import ExpectCode


def _stored(home: pathlib.Path) -> dict[str, str]:
    """SHA-256 of every stored medium (tmp/ excluded: it must be empty anyway)."""
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*")) if p.is_file() and "tmp" not in p.relative_to(home).parts
            and p.suffix not in (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", ".db", ".db-wal", ".db-shm")}


@pytest.fixture
def full_engine(tmp_path: pathlib.Path) -> Iterator[tuple[engine_pkg.RunningEngine, Caller, pathlib.Path]]:
    """An engine whose quota holds one short tone and little more, with that tone stored."""
    home = tmp_path / "home"
    tone = make_tone(tmp_path / "tone.wav", seconds=0.5)
    running = engine_pkg.start(home=home, quota_bytes=512 * 1024, allow_private_urls=True)
    caller = Caller(running.base_url)
    caller.new_token()
    caller.new_session()
    assert caller.upload(tone).status_code == 200
    yield running, caller, home
    caller.close()
    running.stop()


def _assert_nothing_left(home: pathlib.Path, before: dict[str, str]) -> None:
    assert list((home / "tmp").iterdir()) == []
    assert _stored(home) == before


def test_an_upload_past_the_quota(full_engine, expect: ExpectCode) -> None:
    running, caller, home = full_engine
    before = _stored(home)
    big = bytes(2 << 20)  # past the quota, whatever it holds: refused while it streams
    answer = caller.http.post(f"/api/upload-video/nemo_agent/me/{caller.session_id}",
                              files=[("files", ("big.mp4", big, "video/mp4"))])
    assert "storage is full" in expect(answer, 507, 507)
    _assert_nothing_left(home, before)
    assert caller.state()["video_infos"][0]["name"] == "tone.wav"


def test_a_url_upload_past_the_quota(full_engine, expect: ExpectCode, tmp_path) -> None:
    running, caller, home = full_engine
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "big.mp4").write_bytes(bytes(2 << 20))
    handler = functools.partial(_Quiet, directory=str(tmp_path / "served"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    before = _stored(home)
    try:
        answer = caller.http.post(f"/api/upload-video/nemo_agent/me/{caller.session_id}",
                                  json={"urls": [f"http://127.0.0.1:{server.server_address[1]}/big.mp4"],
                                        "source_type": "url"})
    finally:
        server.shutdown()
        server.server_close()
    expect(answer, 507, 507)
    _assert_nothing_left(home, before)


def test_the_client_raises_storage_full_with_the_way_out(full_engine, tmp_path) -> None:
    running, _, home = full_engine
    big = tmp_path / "big.mp4"
    big.write_bytes(bytes(2 << 20))
    with mm.connect(base_url=running.base_url) as session:
        with pytest.raises(mm.StorageFullError) as full:
            session.upload(big)
    assert full.value.code == 507 and "quota" in str(full.value)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_music_that_would_not_fit_is_refused_before_the_stream(tmp_path, expect: ExpectCode) -> None:
    home = tmp_path / "home"
    running = engine_pkg.start(home=home, quota_bytes=600 * 1024)
    caller = Caller(running.base_url)
    try:
        caller.new_token()
        caller.new_session()
        assert caller.upload(make_tone(tmp_path / "tone.wav", seconds=3.0)).status_code == 200
        credits = caller.http.get("/api/credits/balance/simple").json()["data"]["available"]
        before = _stored(home)
        events, _, answer = caller.say("add calm piano music")  # 3 s of 16-bit stereo: about 530 KB
        assert events == [] and "needs about" in expect(answer, 507, 507)
        _assert_nothing_left(home, before)
        assert caller.http.get("/api/credits/balance/simple").json()["data"]["available"] == credits
        assert caller.state()["generated_media"] == []
    finally:
        caller.close()
        running.stop()
