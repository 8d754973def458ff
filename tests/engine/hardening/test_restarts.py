"""The engine killed (SIGKILL, as in a power cut or the OOM killer) in the middle of its work, then
started again: no ffmpeg outlives it, what it held is byte for byte intact, a half-received upload
leaves nothing behind (not even in the quota), and an interrupted render is done at the next start
while a cancelled one stays cancelled. The engine runs in a process of its own, killed alone: its
children must die because it died, not because the test killed them too."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pathlib
import signal
import socket
import subprocess
import time
import uuid
from typing import Any, Callable, Iterator

import pytest

from musicmaker_nb import engine as engine_pkg

from ..conftest import ATTRIBUTION, Caller, ffmpeg, make_clip
from ..test_server_restart import free_port, serve_in_subprocess
from .test_processes import RENDER, cancel, ffmpegs, leftovers, status, upload, wait_gone, wait_status

pytestmark = pytest.mark.slow
MiB = 1 << 20


@pytest.fixture
def served(home: pathlib.Path) -> Iterator[Callable[[], tuple[subprocess.Popen[bytes], Caller]]]:
    """Start ``musicmaker serve`` (one render worker) on ``home``; a caller with a token and a session."""
    started: list[tuple[subprocess.Popen[bytes], Caller]] = []

    def serve() -> tuple[subprocess.Popen[bytes], Caller]:
        port = free_port()
        process = serve_in_subprocess(home, port)
        caller = Caller(f"http://127.0.0.1:{port}")
        started.append((process, caller))
        caller.new_token()
        caller.new_session()
        return process, caller

    yield serve
    for process, caller in started:
        caller.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever a failed test left of the engine's group
        process.wait()
        if process.stderr is not None:
            process.stderr.close()


def kill_engine(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the engine alone, not its process group."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def fingerprint(caller: Caller) -> dict[str, str]:
    """SHA-256 of the session's draft and of every file it holds."""
    state = caller.state()
    prints = {"draft": hashlib.sha256(json.dumps(state["draft"], sort_keys=True).encode()).hexdigest()}
    for item in state["video_infos"] + state["generated_media"]:
        answer = caller.http.get(item["url"])
        assert answer.status_code == 200, item
        prints[item["id"]] = hashlib.sha256(answer.content).hexdigest()
    return prints


def restarted(start_engine: Callable[..., engine_pkg.RunningEngine], caller: Caller, **settings: Any) -> None:
    """Start the engine again on the same home and point ``caller`` at it; it must serve."""
    again = start_engine(**settings)
    caller.http.base_url = again.base_url
    health = caller.http.get("/api/health")
    assert (health.status_code, health.json()["code"]) == (200, 0)


def hold(caller: Caller, *clips: pathlib.Path) -> str:
    """Data the kill must not touch: uploaded clips and a titled draft; the last clip's id."""
    media_ids = [upload(caller, clip) for clip in clips]
    events, _, answer = caller.say("add the title 'Survive' for 2 seconds")
    assert answer.status_code == 200 and events
    return media_ids[-1]


def titled_1080p(media_id: str, seconds: int) -> dict[str, Any]:
    ms = seconds * 1000
    return {"d": ms, "m": {"w": 1920, "h": 1080, "fps": 30}, "t": [
        {"tt": 0, "sg": [{"id": "v", "src": media_id, "s": 0, "d": ms, "o": 0, "v": 1.0}]},
        {"tt": 7, "sg": [{"id": "t", "s": 0, "d": ms, "m": {"text": "Killed"}}]}]}


def start(caller: Caller, render_id: str, draft: dict[str, Any]) -> dict[str, Any]:
    answer = caller.http.post(RENDER, json={"id": render_id, "sessionId": caller.session_id, "draft": draft,
                                            "output": {"format": "mp4", "quality": "high"}})
    assert (answer.status_code, answer.json()["code"]) == (200, 0), answer.text
    return answer.json()["data"]


@pytest.fixture(scope="module")
def four_s(media_dir: pathlib.Path) -> pathlib.Path:
    path = media_dir / "four_s.mp4"
    return path if path.exists() else make_clip(path, seconds=4)


def test_sigkill_during_a_render_leaves_no_ffmpeg(served, start_engine, home, clip, four_s) -> None:
    process, caller = served()
    media_id = hold(caller, clip, four_s)
    before = fingerprint(caller)
    start(caller, "render_1", titled_1080p(media_id, 4))
    frozen = freeze_a_render_ffmpeg(process.pid)
    try:
        kill_engine(process)
        assert wait_gone(frozen) == []  # only the kernel's parent-death signal can end a stopped ffmpeg
    finally:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    restarted(start_engine, caller)
    assert fingerprint(caller) == before


def freeze_a_render_ffmpeg(engine_pid: int) -> list[int]:
    """SIGSTOP the engine's render ffmpeg as soon as it runs, so that it cannot end by itself."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        stopped = []
        for pid in ffmpegs("-progress", parent=engine_pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
        if [pid for pid in ffmpegs(parent=engine_pid) if pid in stopped]:
            return stopped
        time.sleep(0.02)
    raise AssertionError("the engine started no render ffmpeg")


def test_a_killed_render_is_requeued_and_finishes_a_cancelled_one_is_not(served, start_engine, home, clip,
                                                                          four_s) -> None:
    process, caller = served()
    media_id = hold(caller, clip, four_s)
    before = fingerprint(caller)
    start(caller, "render_1", titled_1080p(media_id, 4))
    start(caller, "render_2", titled_1080p(media_id, 3))  # one worker: it waits behind render_1
    wait_status(caller, "render_1", ("rendering",))
    assert cancel(caller, "render_2")["status"] == "cancelled"
    kill_engine(process)
    assert wait_gone(ffmpegs(str(home))) == []
    restarted(start_engine, caller)
    done = wait_status(caller, "render_1", ("completed", "failed"), timeout=180)
    assert done["status"] == "completed", done["error"]
    assert caller.http.get(done["output"]["url"]).content[4:8] == b"ftyp"
    assert status(caller, "render_2")["status"] == "cancelled"
    assert leftovers(home, "render_2") == []
    assert fingerprint(caller) == before


def test_sigkill_during_an_upload_leaves_nothing(served, start_engine, home, clip, tmp_path) -> None:
    """16 MiB of a 24 MiB upload received when the engine dies. Started again with a quota 20 MiB
    over what it held, it takes an 8 MiB file: a partial file still counted would leave no room."""
    process, caller = served()
    hold(caller, clip)
    before = fingerprint(caller)
    held = sum(path.stat().st_size for path in home.rglob("*") if path.is_file())
    with send_part_of_an_upload(caller, total=24 * MiB, sent=16 * MiB):
        wait_for_a_temp_file(home / "tmp", at_least=14 * MiB)
        kill_engine(process)
    assert wait_gone(ffmpegs(str(home))) == []
    restarted(start_engine, caller, quota_bytes=held + 20 * MiB)
    assert list((home / "tmp").iterdir()) == []
    assert fingerprint(caller) == before
    wav = tmp_path / "eight_mib.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000:duration=44", "-ac", "2", str(wav))
    assert wav.stat().st_size > 8 * MiB
    answer = caller.upload(wav)
    assert (answer.status_code, answer.json()["code"]) == (200, 0), answer.text


@contextlib.contextmanager
def send_part_of_an_upload(caller: Caller, *, total: int, sent: int) -> Iterator[None]:
    """A multipart upload announcing ``total`` body bytes, of which only ``sent`` are sent."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"cut.mp4\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    headers = {**ATTRIBUTION, "Host": "127.0.0.1", "Authorization": caller.http.headers["Authorization"],
               "Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(total)}
    request = f"POST /api/upload-video/nemo_agent/me/{caller.session_id} HTTP/1.1\r\n" + \
        "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    with socket.create_connection((caller.http.base_url.host, caller.http.base_url.port), timeout=60) as sock:
        sock.sendall(request.encode() + head)
        sock.sendall(bytes(sent - len(head)))
        yield


def wait_for_a_temp_file(folder: pathlib.Path, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while not any(path.stat().st_size >= at_least for path in folder.iterdir() if path.is_file()):
        assert time.monotonic() < deadline, "the engine wrote no temporary file of the upload"
        time.sleep(0.05)
