"""Everything survives an engine restart; a render cut short by a kill is done at the next start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from .conftest import Caller, make_clip, package_env
from .test_server_render import start_render, wait_render


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_in_subprocess(home, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "musicmaker_nb", "serve", "--home", str(home), "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=package_env())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
    process.kill()
    raise AssertionError("musicmaker serve did not answer")


def test_sessions_media_drafts_and_credits_survive_a_restart(start_engine, new_caller, clip) -> None:
    first = start_engine()
    caller = new_caller(first)
    caller.upload(clip)
    caller.say("add the title 'Again' for 1 second")
    deadline = time.monotonic() + 30
    while "scene_cuts_ms" not in caller.state()["video_infos"][0] and time.monotonic() < deadline:
        time.sleep(0.05)  # the clip's analysis, found in the background, is part of what must survive
    before = caller.state()
    assert "scene_cuts_ms" in before["video_infos"][0]
    first.stop()
    second = start_engine()
    caller.http.base_url = second.base_url
    assert caller.state() == before
    assert caller.http.get("/api/credits/balance/simple").json()["data"]["available"] == 100
    assert caller.http.get(before["video_infos"][0]["url"]).content == clip.read_bytes()


@pytest.mark.slow
def test_a_finished_render_is_still_served_after_a_restart(start_engine, new_caller, clip) -> None:
    first = start_engine()
    caller = new_caller(first)
    caller.upload(clip)
    start_render(caller)
    done, _ = wait_render(caller, "render_1")
    first.stop()
    caller.http.base_url = start_engine().base_url
    again = caller.http.get("/api/render/proxy/lambda/render_1").json()["data"]
    assert again == done
    assert caller.http.get(again["output"]["url"]).headers["content-type"] == "video/mp4"


def _kill_during_render(home, new_caller, media_dir):
    """Start a render in a served subprocess and kill -9 it while the job is rendering."""
    long_clip = make_clip(media_dir / "long.mp4", seconds=4) if not (media_dir / "long.mp4").exists() \
        else media_dir / "long.mp4"
    port = free_port()
    process = serve_in_subprocess(home, port)
    try:
        caller = Caller(f"http://127.0.0.1:{port}")
        caller.new_token()
        caller.new_session()
        caller.upload(long_clip)
        caller.say("add the title 'Killed' for 2 seconds")
        start_render(caller, quality="high")
        deadline = time.monotonic() + 60
        while caller.http.get("/api/render/proxy/lambda/render_1").json()["data"]["status"] != "rendering":
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the engine and its ffmpeg, as in a power cut
        process.wait()
        process.stderr.close()
    return caller


@pytest.mark.slow
def test_a_render_killed_midway_is_requeued_and_finishes(start_engine, new_caller, home, media_dir) -> None:
    caller = _kill_during_render(home, new_caller, media_dir)
    try:
        caller.http.base_url = start_engine().base_url
        data, _ = wait_render(caller, "render_1")
        assert data["status"] == "completed", data["error"]
        assert caller.http.get(data["output"]["url"]).content[4:8] == b"ftyp"
        assert not list((home / "renders").glob(".render-*"))  # the killed run's work files are gone
    finally:
        caller.close()


@pytest.mark.slow
def test_a_render_killed_too_often_fails_instead_of_hanging(start_engine, new_caller, home, media_dir) -> None:
    caller = _kill_during_render(home, new_caller, media_dir)
    try:
        caller.http.base_url = start_engine(max_render_attempts=1).base_url
        data = caller.http.get("/api/render/proxy/lambda/render_1").json()["data"]
        assert data["status"] == "failed" and "stopped during this render" in data["error"]
    finally:
        caller.close()
