"""Cancelling renders (``DELETE /api/render/proxy/lambda/<id>``) and the engine's ffmpeg children:
a cancel stops its ffmpeg and leaves no file behind, a failed render leaves no file behind, and
nobody cancels what is not theirs. The engine is the corpus's own (see ``conftest.py``)."""

from __future__ import annotations

import hashlib
import os
import pathlib
import threading
import time
from typing import Any, Iterator

import httpx
import pytest

from musicmaker_nb.engine.media._ffmpeg import run_ffmpeg_with_progress

from ..conftest import Caller, make_clip
from .conftest import ExpectCode, Witness

RENDER = "/api/render/proxy/lambda"


# -- what runs and what is on disk, seen from outside ----------------------------------------
def ffmpegs(*markers: str, parent: int | None = None) -> list[int]:
    """Live ffmpeg processes whose command line holds every one of ``markers`` (and whose parent
    is ``parent``, when given), read from /proc. A zombie is not alive."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state, ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except OSError:
            continue  # it ended while we looked
        line = b" ".join(argv)
        if state not in ("Z", "X") and b"ffmpeg" in argv[0] and all(m.encode() in line for m in markers) \
                and parent in (None, int(ppid)):
            found.append(int(entry.name))
    return found


def wait_gone(pids: list[int], timeout: float = 5.0) -> list[int]:
    """The ones of the ffmpeg ``pids`` still running after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while (alive := [pid for pid in ffmpegs() if pid in pids]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def leftovers(home: pathlib.Path, *render_ids: str) -> list[str]:
    """Work files of renders and uploads, and the outputs of ``render_ids``."""
    found = [*(home / "renders").glob(".render-*"), *(home / "tmp").iterdir()]
    found += [home / "renders" / f"{render_id}.mp4" for render_id in render_ids]
    return sorted(str(path.relative_to(home)) for path in found if path.exists())


# -- renders -----------------------------------------------------------------------------------
class Owner(Caller):
    """A caller with a session of its own; the renders it started are cancelled when the test
    ends, so that a failing test leaves nothing running into the next one."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.renders: list[str] = []
        self.new_token()
        self.new_session()

    def close(self) -> None:
        for render_id in self.renders:
            self.http.delete(f"{RENDER}/{render_id}")
        super().close()


@pytest.fixture
def owner(attacked: Witness) -> Iterator[Owner]:
    caller = Owner(attacked.base_url)
    yield caller
    caller.close()


@pytest.fixture(scope="module")
def long_clip(media_dir: pathlib.Path) -> pathlib.Path:
    """30 s of a small clip; rendered at 1080p with a title it keeps ffmpeg busy for a while."""
    path = media_dir / "long30.mp4"
    return path if path.exists() else make_clip(path, seconds=30)


def upload(caller: Caller, path: pathlib.Path) -> str:
    answer = caller.upload(path)
    assert (answer.status_code, answer.json()["code"]) == (200, 0), answer.text
    return answer.json()["data"]["media"][0]["id"]


def long_draft(media_id: str) -> dict[str, Any]:
    return {"d": 30000, "m": {"w": 1920, "h": 1080, "fps": 30}, "t": [
        {"tt": 0, "sg": [{"id": "v", "src": media_id, "s": 0, "d": 30000, "o": 0, "v": 1.0}]},
        {"tt": 7, "sg": [{"id": "t", "s": 0, "d": 30000, "m": {"text": "Cancel me"}}]}]}


def start(owner: Owner, draft: dict[str, Any] | None, quality: str = "high") -> str:
    """Export ``draft`` (None: the session's); the id the engine gave the job."""
    answer = owner.http.post(RENDER, json={"sessionId": owner.session_id, "draft": draft,
                                           "output": {"format": "mp4", "quality": quality}})
    assert (answer.status_code, answer.json()["code"]) == (200, 0), answer.text
    owner.renders.append(answer.json()["data"]["id"])
    return owner.renders[-1]


def status(caller: Caller, render_id: str) -> dict[str, Any]:
    answer = caller.http.get(f"{RENDER}/{render_id}")
    assert (answer.status_code, answer.json()["code"]) == (200, 0), answer.text
    return answer.json()["data"]


def wait_status(caller: Caller, render_id: str, wanted: tuple[str, ...], timeout: float = 120) -> dict[str, Any]:
    """Poll until the job is in one of the ``wanted`` states; an assertion once it cannot get there."""
    deadline = time.monotonic() + timeout
    while (data := status(caller, render_id))["status"] not in wanted:
        assert data["status"] in ("queued", "rendering"), data
        assert time.monotonic() < deadline, f"{render_id} still {data['status']}"
        time.sleep(0.1)
    return data


def cancel(caller: Caller, render_id: str) -> dict[str, Any]:
    """DELETE the render; the answer must be 200 with the job."""
    answer = caller.http.delete(f"{RENDER}/{render_id}")
    assert (answer.status_code, answer.json()["code"]) == (200, 0), answer.text
    return answer.json()["data"]


def rendering_ffmpegs(home: pathlib.Path, caller: Caller, render_id: str) -> list[int]:
    """Wait until the render runs an ffmpeg (``-progress``, files under ``home``); their pids."""
    deadline = time.monotonic() + 60
    while True:
        data = status(caller, render_id)
        assert data["status"] in ("queued", "rendering"), data
        running = ffmpegs(str(home), "-progress")
        if data["status"] == "rendering" and running:
            return running
        assert time.monotonic() < deadline, "the render started no ffmpeg"
        time.sleep(0.05)


def test_cancel_a_running_render(attacked: Witness, owner: Owner, long_clip: pathlib.Path) -> None:
    home = attacked.running.home
    render_id = start(owner, long_draft(upload(owner, long_clip)))
    running = rendering_ffmpegs(home, owner, render_id)
    data = cancel(owner, render_id)
    assert (data["id"], data["status"], data["output"]) == (render_id, "cancelled", None)
    assert wait_gone(running) == []
    assert leftovers(home, render_id) == []
    assert status(owner, render_id)["status"] == "cancelled"


def test_cancel_a_queued_render(attacked: Witness, owner: Owner, long_clip: pathlib.Path) -> None:
    """Every render worker busy, so the next job waits in the queue; cancelled there, it never runs."""
    home, media_id = attacked.running.home, upload(owner, long_clip)
    workers = httpx.get(attacked.base_url + "/api/health", timeout=30, trust_env=False).json()["data"]["render_workers"]
    busy = [start(owner, long_draft(media_id)) for _ in range(workers)]
    for render_id in busy:
        wait_status(owner, render_id, ("rendering",))
    queued = start(owner, long_draft(media_id))
    assert status(owner, queued)["status"] == "queued"
    data = cancel(owner, queued)
    assert (data["status"], data["progress"], data["output"]) == ("cancelled", 0, None)
    assert [cancel(owner, render_id)["status"] for render_id in busy] == ["cancelled"] * len(busy)
    time.sleep(1)  # the workers are free now: a job still in their queue would start
    assert status(owner, queued)["status"] == "cancelled"
    assert leftovers(home, queued, *busy) == []
    assert wait_gone(ffmpegs(str(home), "-progress")) == []


def test_cancel_a_finished_render_changes_nothing(attacked: Witness, owner: Owner, clip2: pathlib.Path) -> None:
    upload(owner, clip2)
    render_id = start(owner, None, quality="low")
    done = wait_status(owner, render_id, ("completed", "failed"))
    assert done["status"] == "completed", done["error"]
    assert cancel(owner, render_id) == done
    assert status(owner, render_id) == done
    assert owner.http.get(done["output"]["url"]).status_code == 200


def test_cancel_twice(attacked: Witness, owner: Owner, long_clip: pathlib.Path) -> None:
    render_id = start(owner, long_draft(upload(owner, long_clip)))
    first = cancel(owner, render_id)
    assert first["status"] == "cancelled"
    assert cancel(owner, render_id) == first
    assert leftovers(attacked.running.home, render_id) == []


@pytest.mark.parametrize("render_id", ["render_0000000000000000", "%2E%2E", "r" * 101])
def test_cancel_an_unknown_or_malformed_id(attacked: Witness, owner: Owner, expect: ExpectCode,
                                           render_id: str) -> None:
    expect(owner.http.delete(f"{RENDER}/{render_id}"), 404, 1002)


def test_cancel_another_tokens_render(attacked: Witness, owner: Owner, long_clip: pathlib.Path,
                                      expect: ExpectCode) -> None:
    render_id = start(owner, long_draft(upload(owner, long_clip)))
    wait_status(owner, render_id, ("rendering",))
    thief = attacked.caller_for()
    try:
        expect(thief.http.delete(f"{RENDER}/{render_id}"), 404, 1002)
    finally:
        thief.close()
    assert status(owner, render_id)["status"] == "rendering"


@pytest.mark.parametrize("authorization", [None, "Bearer mm_forged", "Basic b3duZXI6c2VjcmV0"])
def test_cancel_without_a_valid_token(attacked: Witness, owner: Owner, long_clip: pathlib.Path,
                                      expect: ExpectCode, authorization: str | None) -> None:
    render_id = start(owner, long_draft(upload(owner, long_clip)))
    wait_status(owner, render_id, ("rendering",))
    with attacked.http() as anonymous:
        if authorization:
            anonymous.headers["Authorization"] = authorization
        expect(anonymous.delete(f"{RENDER}/{render_id}"), 401, 1001)
    assert status(owner, render_id)["status"] == "rendering"


def test_cancel_without_attribution(attacked: Witness, owner: Owner, expect: ExpectCode) -> None:
    bare = {"Authorization": owner.http.headers["Authorization"]}
    with httpx.Client(base_url=attacked.base_url, headers=bare, timeout=60, trust_env=False) as plain:
        expect(plain.delete(f"{RENDER}/render_0000000000000000"), 402, 402)


def test_a_failing_ffmpeg_leaves_no_file(attacked: Witness, owner: Owner, tmp_path: pathlib.Path) -> None:
    """The stored source goes bad on disk after its upload: ffmpeg fails, the job says why, no file stays."""
    home, clip = attacked.running.home, make_clip(tmp_path / "rotting.mp4", seconds=1.3, size="160x90")
    upload(owner, clip)
    sha = hashlib.sha256(clip.read_bytes()).hexdigest()
    stored = home / "files" / sha[:2] / f"{sha}.mp4"
    assert stored.is_file()
    stored.write_bytes(b"no longer a video")
    render_id = start(owner, None, quality="low")
    failed = wait_status(owner, render_id, ("completed", "failed"))
    assert failed["status"] == "failed" and "failed" in failed["error"], failed
    assert cancel(owner, render_id) == failed  # a failed job is finished: a cancel changes nothing
    assert leftovers(home, render_id) == []


# -- ffmpeg's side: it never outlives the call that started it ---------------------------------
def test_a_progress_callback_that_raises_stops_ffmpeg() -> None:
    """What makes the parent-death signal safe with worker threads: a thread never returns
    (and may then end) while its ffmpeg still runs, whatever went wrong."""
    marker = f"outlive-{os.getpid()}-{threading.get_ident()}"

    def broken(fraction: float) -> None:
        raise RuntimeError("the progress could not be written")

    with pytest.raises(RuntimeError, match="could not be written"):
        run_ffmpeg_with_progress(["-re", "-f", "lavfi", "-i", "sine=duration=60", "-metadata", f"title={marker}",
                                  "-f", "null", "-"], duration_s=60, on_progress=broken)
    assert ffmpegs(marker) == []
