"""Fixtures for the engine's tests: tiny generated media, a real engine on loopback, an HTTP caller."""

from __future__ import annotations

import pathlib
import subprocess
import uuid
from typing import Any, Callable, Iterator

import httpx
import imageio_ffmpeg
import pytest

from musicmaker_nb import engine as engine_pkg
from musicmaker_nb.protocol._version import __version__

ATTRIBUTION = {"X-Skill-Source": "music-maker", "X-Skill-Version": __version__, "X-Skill-Platform": "unknown"}


def package_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python that must import this checkout (installed or not)."""
    import os

    root = str(pathlib.Path(engine_pkg.__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
                   check=True, capture_output=True)


def make_clip(path: pathlib.Path, *, seconds: float = 2.0, size: str = "320x180", rate: int = 15,
              audio: bool = True) -> pathlib.Path:
    """A testsrc2 clip (with a 440 Hz tone when ``audio``), H.264 + AAC in MP4."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-b:a", "64k", "-shortest"] if audio else []
    ffmpeg(*args, str(path))
    return path


def make_tone(path: pathlib.Path, seconds: float = 2.0) -> pathlib.Path:
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=44100:duration={seconds}", str(path))
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip(media_dir: pathlib.Path) -> pathlib.Path:
    return make_clip(media_dir / "city.mp4")


@pytest.fixture(scope="session")
def clip2(media_dir: pathlib.Path) -> pathlib.Path:
    return make_clip(media_dir / "beach.mp4", seconds=1.5)


@pytest.fixture(scope="session")
def portrait_clip(media_dir: pathlib.Path) -> pathlib.Path:
    return make_clip(media_dir / "portrait.mp4", size="180x320", seconds=1.0)


@pytest.fixture(scope="session")
def tone(media_dir: pathlib.Path) -> pathlib.Path:
    return make_tone(media_dir / "tone.wav")


@pytest.fixture
def home(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "home"


@pytest.fixture
def start_engine(home: pathlib.Path) -> Iterator[Callable[..., engine_pkg.RunningEngine]]:
    """Start engines on ``home`` (settings as keyword arguments); all are stopped afterwards."""
    started: list[engine_pkg.RunningEngine] = []

    def start(**settings: Any) -> engine_pkg.RunningEngine:
        settings.setdefault("home", home)
        running = engine_pkg.start(**settings)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def engine(start_engine: Callable[..., engine_pkg.RunningEngine]) -> engine_pkg.RunningEngine:
    return start_engine()


class Caller:
    """Plain httpx against the engine, with the attribution headers and (once asked for) a token."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, headers=ATTRIBUTION, timeout=60, trust_env=False)
        self.session_id = ""

    def new_token(self) -> str:
        answer = self.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())})
        token = answer.json()["data"]["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        return token

    def new_session(self) -> str:
        answer = self.http.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "project", "language": "en"})
        self.session_id = answer.json()["data"]["session_id"]
        return self.session_id

    def upload(self, *paths: pathlib.Path, names: tuple[str, ...] = ()) -> httpx.Response:
        files = [("files", (names[i] if i < len(names) else p.name, p.read_bytes(), "application/octet-stream"))
                 for i, p in enumerate(paths)]
        return self.http.post(f"/api/upload-video/nemo_agent/me/{self.session_id}", files=files)

    def say(self, text: str) -> tuple[list[dict[str, Any]], list[str], httpx.Response]:
        """Events and comment lines of one /run_sse call."""
        import json

        body = {"app_name": "nemo_agent", "user_id": "me", "session_id": self.session_id,
                "new_message": {"parts": [{"text": text}]}}
        events, comments = [], []
        with self.http.stream("POST", "/run_sse", json=body, headers={"Accept": "text/event-stream"}) as answer:
            if answer.status_code != 200:
                answer.read()
                return events, comments, answer
            for line in answer.iter_lines():
                if line.startswith("data:") and line[5:].strip():
                    events.append(json.loads(line[5:]))
                elif line.startswith(":"):
                    comments.append(line)
        return events, comments, answer

    def state(self) -> dict[str, Any]:
        return self.http.get(f"/api/state/nemo_agent/me/{self.session_id}/latest").json()["data"]["state"]

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def new_caller() -> Iterator[Callable[..., Caller]]:
    """Make callers of an engine (with a token, and a session unless ``session=False``); closed afterwards."""
    made: list[Caller] = []

    def make(running: engine_pkg.RunningEngine, *, session: bool = True) -> Caller:
        made.append(Caller(running.base_url))
        made[-1].new_token()
        if session:
            made[-1].new_session()
        return made[-1]

    yield make
    for item in made:
        item.close()


@pytest.fixture
def caller(engine: engine_pkg.RunningEngine, new_caller: Callable[..., Caller]) -> Caller:
    return new_caller(engine)


# How set_aspect ends its sentence when the clip's shape differs from the new frame and nothing said how to frame it.
BLURRED_SAID = ", with a blurred background where the picture's shape differs (or say 'fill the frame', 'letterbox it')."


def reply_text(events: list[dict[str, Any]]) -> str:
    return " ".join(part["text"] for event in events for part in event["content"]["parts"] if "text" in part)


def tool_names(events: list[dict[str, Any]]) -> list[str]:
    return [part["functionCall"]["name"] for event in events for part in event["content"]["parts"]
            if "functionCall" in part]
