"""Running the engine: uvicorn on a loopback socket in a background thread (``start``), or in
the foreground for ``musicmaker serve`` (``serve_forever``)."""

from __future__ import annotations

import atexit
import pathlib
import socket
import threading
import time
from typing import Any

import httpx
import uvicorn

from ...protocol import Routes
from .._config import EngineConfig, default_home, llm_from_env
from ._app import create_app, current_load
from ._load import load_line

__all__ = ["RunningEngine", "start", "make_config", "serve_forever"]

_START_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 15.0
LOAD_REPORT_S = 60.0  # how often `musicmaker serve` prints its load line


def make_config(home: str | pathlib.Path | None = None, *, allow_private_urls: bool = False,
                **settings: Any) -> EngineConfig:
    home_path = pathlib.Path(home).expanduser() if home is not None else default_home()
    home_path.mkdir(parents=True, exist_ok=True)
    settings.setdefault("llm", llm_from_env())
    return EngineConfig(home=home_path, allow_private_urls=allow_private_urls, **settings)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror}; pick another --port") from None
    return sock


def _uvicorn_config(app: Any, *, log_level: str = "warning") -> uvicorn.Config:
    return uvicorn.Config(app, log_level=log_level, lifespan="on", access_log=False,
                          timeout_graceful_shutdown=5, ws="none")


class RunningEngine:
    """An engine serving on ``base_url`` from a background thread; ``stop()`` ends it."""

    def __init__(self, config: EngineConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        self._socket = _bind(host, port)
        bound_host, bound_port = self._socket.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.base_url = f"http://{shown}:{bound_port}"
        self.port = bound_port
        self._server = uvicorn.Server(_uvicorn_config(create_app(config)))
        self._thread = threading.Thread(target=self._run, name=f"musicmaker-engine-{bound_port}", daemon=True)
        self._failure: BaseException | None = None
        self._stopped = False

    @property
    def home(self) -> pathlib.Path:
        return self.config.home

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._socket])
        except BaseException as exc:  # noqa: BLE001 - _start reports it to the caller of start()
            self._failure = exc

    def _start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the embedded engine did not start ({self._failure or 'timed out'})")
            time.sleep(0.02)
        answer = httpx.get(self.base_url + Routes.health, timeout=10, trust_env=False)
        answer.raise_for_status()

    def stop(self) -> None:
        """Stop serving (a running render is re-queued for the next start); safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(_STOP_TIMEOUT_S)
        self._socket.close()

    def __enter__(self) -> RunningEngine:
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<RunningEngine {self.base_url} home={str(self.config.home)!r} {state}>"


def start(*, home: str | pathlib.Path | None = None, host: str = "127.0.0.1", port: int = 0,
          allow_private_urls: bool = False, **settings: Any) -> RunningEngine:
    """Start an engine in a background thread and wait until it answers.

    ``port=0`` picks a free port. ``settings`` are :class:`EngineConfig` fields (``quota_bytes``,
    ``max_upload_bytes``, ``rate_per_s``, ``llm``, ...; ``llm`` defaults to the ``MUSICMAKER_LLM_*``
    variables). The engine stops at interpreter exit.
    """
    engine = RunningEngine(make_config(home, allow_private_urls=allow_private_urls, **settings), host, port)
    engine._start()
    atexit.register(engine.stop)
    return engine


def serve_forever(config: EngineConfig, host: str, port: int) -> None:
    """Serve in the foreground until Ctrl-C / SIGTERM (uvicorn's own signal handling)."""
    sock = _bind(host, port)
    app = create_app(config)
    server = uvicorn.Server(_uvicorn_config(app, log_level="info"))
    stop = threading.Event()
    threading.Thread(target=_report_load, args=(app, stop), name="musicmaker-load", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        stop.set()
        sock.close()


def _report_load(app: Any, stop: threading.Event, every_s: float = LOAD_REPORT_S) -> None:
    """Once a minute, one line a teacher can read: renders queued, running, done, and chat p95."""
    while not stop.wait(every_s):
        engine = getattr(app.state, "engine", None)
        if engine is not None:
            print(f"{time.strftime('%H:%M:%S')} {load_line(current_load(engine))}", flush=True)
