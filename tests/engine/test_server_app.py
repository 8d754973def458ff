"""The engine package and its server: exports, start/stop, real streaming, the embedded default."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

import musicmaker_nb.engine as engine_pkg

from .conftest import Caller, make_clip, package_env


def test_exports_are_complete() -> None:
    public = {name for name in vars(engine_pkg) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(engine_pkg, name)).__name__ == "module"}
    assert set(engine_pkg.__all__) == public - modules


def test_start_picks_a_free_loopback_port_and_stops(home) -> None:
    with engine_pkg.start(home=home) as first, engine_pkg.start(home=home / "other") as second:
        assert first.base_url.startswith("http://127.0.0.1:") and first.base_url != second.base_url
        assert httpx.get(f"{first.base_url}/api/health").json()["data"]["status"] == "ok"
        assert "running" in repr(first)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{first.base_url}/api/health")
    first.stop()  # twice is fine


def test_health_says_when_the_composer_is_warm(caller: Caller, engine, clip) -> None:
    caller.upload(clip)  # the first upload starts the warm-up
    deadline = time.monotonic() + 30
    while not httpx.get(f"{engine.base_url}/api/health").json()["data"]["warm"]:
        assert time.monotonic() < deadline, "the warm-up never finished"
        time.sleep(0.05)


def test_a_taken_port_is_a_clear_error(engine) -> None:
    port = int(engine.base_url.rsplit(":", 1)[1])
    with pytest.raises(OSError, match="pick another --port"):
        engine_pkg.start(home=engine.home, port=port)


def test_the_stream_really_streams(caller: Caller, tmp_path) -> None:
    """Each event leaves the engine when it happens, not all at the end (no buffering)."""
    # Five minutes of music take the composer about a second: long enough to see events leave one by one.
    caller.upload(make_clip(tmp_path / "long.mp4", seconds=300, size="64x36", rate=1, audio=False))
    body = {"app_name": "nemo_agent", "user_id": "me", "session_id": caller.session_id,
            "new_message": {"parts": [{"text": "create an upbeat background track"}]}}
    arrivals: list[tuple[float, str, float | None]] = []  # (arrived, kind, made on the server)
    with caller.http.stream("POST", "/run_sse", json=body) as answer:
        for line in answer.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                arrivals.append((time.time(), next(iter(event["content"]["parts"][0])), event["timestamp"]))
            elif line.startswith(":"):
                arrivals.append((time.time(), "ping", None))
    kinds = [kind for _, kind, _ in arrivals]
    assert kinds[:2] == ["functionCall", "ping"] and kinds[-2:] == ["functionResponse", "text"]
    call_arrived = arrivals[0][0]
    response_made = next(made for _, kind, made in arrivals if kind == "functionResponse")
    assert call_arrived < response_made  # the call reached us before the music was finished


def test_connect_with_no_base_url_runs_the_engine_and_stops_it_at_exit(tmp_path, clip) -> None:
    script = textwrap.dedent(f"""
        import musicmaker_nb as mm
        session = mm.connect()
        print(session.upload({str(clip)!r}).kind, session.engine.base_url.startswith("http://127.0.0.1:"))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=package_env(MUSICMAKER_HOME=str(tmp_path / "home")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["video", "True"]
    assert (tmp_path / "home" / "engine.sqlite3").exists()
