"""The sync facade: the async core driven from a private event loop in a daemon thread.

Jupyter's kernel already runs an event loop, so ``asyncio.run`` fails there and patching that loop
(nest-asyncio) breaks on newer Pythons and ipykernel 7. Like ``jupyter_core.utils.run_sync``, we run
our own loop in a thread and wait for its results, which works the same in scripts, kernels and
widget callbacks.

``MusicMaker`` and ``Session`` are written out method by method, like httpx's ``Client`` beside
``AsyncClient``, so type checkers and editors see them; ``tests/test_typing.py`` fails when a
signature, return type or docstring here drifts from the async twin's.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from pathlib import Path
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Coroutine, Iterator, Mapping, TypeVar

import httpx

from ..protocol import Draft
from ._client import AsyncMusicMaker, ProgressCallback, Sleep
from ._constants import HEARTBEAT_NOTICE_S, HOSTED_BASE_URL, RATE_LIMIT_WAIT_S, RENDER_DEADLINE_S
from ._models import Credits, Media, RenderStatus, Reply, SessionInfo, State, TokenInfo, Turn
from ._batch import ResultListener
from ._session import AsyncSession, ChangeListener
from ._sse import StreamItem
from ._timeline import Timeline

if TYPE_CHECKING:
    import pandas

    from ..widgets import MusicMakerApp  # annotation only: at run time widgets import us, not the reverse

__all__ = ["LoopThread", "portal", "MusicMaker", "Session"]

T = TypeVar("T")


class LoopThread:
    """One asyncio loop in a daemon thread; coroutines are submitted to it from any other thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                ready = threading.Event()
                self._thread = threading.Thread(target=self._serve, args=(ready,), name="musicmaker-loop", daemon=True)
                self._thread.start()
                ready.wait()
            assert self._loop is not None
            return self._loop

    def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        ready.set()
        self._loop.run_forever()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start ``coroutine`` on the loop thread without waiting (for widgets and background work)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the loop thread and wait for its result."""
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError(
                "a blocking musicmaker_nb call was made from the client's own loop thread "
                "(e.g. inside an on_text callback); use the async API there (session.aio)"
            )
        future = self.submit(coroutine)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # Ctrl-C / kernel interrupt: stop the work too
            raise

    def iterate(self, iterator: AsyncIterator[T]) -> Iterator[T]:
        """Drive an async iterator from sync code, one item per round trip."""
        try:
            while True:
                try:
                    yield self.run(_next_item(iterator))
                except StopAsyncIteration:
                    return
        finally:
            closer = getattr(iterator, "aclose", None)
            if closer is not None:
                self.run(closer())


async def _next_item(iterator: AsyncIterator[T]) -> T:
    # ``__anext__()`` is only typed as an awaitable; the loop thread takes coroutines.
    return await iterator.__anext__()


_PORTAL = LoopThread()


def portal() -> LoopThread:
    """The process-wide loop thread every sync object uses."""
    return _PORTAL


class MusicMaker:
    """The Music Maker API, blocking. Same methods and signatures as ``AsyncMusicMaker``."""

    aio: AsyncMusicMaker

    def __init__(
        self,
        base_url: str = HOSTED_BASE_URL,
        *,
        token: str | None = None,
        client_id: str | None = None,
        platform: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limit_wait_s: float = RATE_LIMIT_WAIT_S,
        poll_interval_s: float | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.aio = AsyncMusicMaker(
            base_url, token=token, client_id=client_id, platform=platform, transport=transport,
            rate_limit_wait_s=rate_limit_wait_s, poll_interval_s=poll_interval_s, sleep=sleep,
        )

    @classmethod
    def _around(cls, async_client: AsyncMusicMaker) -> MusicMaker:
        """The blocking face of a client that already exists (a session's); both share it."""
        client = cls.__new__(cls)
        client.aio = async_client
        return client

    def __repr__(self) -> str:
        return f"<MusicMaker {self.aio.base_url}>"

    def __enter__(self) -> MusicMaker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        _PORTAL.run(self.aio.aclose())

    # -- the async client's attributes, read-only ------------------------------------------
    @property
    def base_url(self) -> str:
        """The backend's address, without a trailing slash."""
        return self.aio.base_url

    @property
    def client_id(self) -> str:
        """The ``X-Client-Id`` this client sends."""
        return self.aio.client_id

    @property
    def upload_formats(self) -> tuple[str, ...] | None:
        """The extensions checked before an upload is sent: the hosted service's list, or None
        once the backend has said it is the embedded engine, which decides by content."""
        return self.aio.upload_formats

    @property
    def is_engine(self) -> bool:
        """True once the backend has said it is the embedded engine (ours, local or shared)."""
        return self.aio.is_engine

    @property
    def token(self) -> str | None:
        """The bearer token in use, once one is known."""
        return self.aio.token

    @property
    def token_from_user(self) -> bool:
        """True when the token came from the caller or ``NEMO_TOKEN`` (then it is never replaced)."""
        return self.aio.token_from_user

    @property
    def poll_interval_s(self) -> float:
        """Seconds between render status polls."""
        return self.aio.poll_interval_s

    # -- the API ---------------------------------------------------------------------------
    def ensure_token(self) -> str:
        """The token in use: the caller's, ``NEMO_TOKEN``, or a fresh anonymous one."""
        return _PORTAL.run(self.aio.ensure_token())

    def acquire_anonymous_token(self) -> TokenInfo:
        return _PORTAL.run(self.aio.acquire_anonymous_token())

    def create_session(self, *, language: str = "en") -> SessionInfo:
        return _PORTAL.run(self.aio.create_session(language=language))

    def credits(self) -> Credits:
        return _PORTAL.run(self.aio.credits())

    def health(self) -> dict[str, Any]:
        """The backend's own account of itself (the engine's ``/api/health``: version, workers...)."""
        return _PORTAL.run(self.aio.health())

    def state(self, session_id: str) -> State:
        return _PORTAL.run(self.aio.state(session_id))

    def upload(
        self, session_id: str, source: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None
    ) -> list[Media]:
        """Upload a local file (streamed, never read whole) or an http(s) URL."""
        return _PORTAL.run(self.aio.upload(session_id, source, on_progress=on_progress))

    def stream(self, session_id: str, text: str) -> Iterator[StreamItem]:
        """Send a message; yield text parts, tool calls and results, and heartbeats as they come."""
        return _PORTAL.iterate(self.aio.stream(session_id, text))

    def start_render(
        self, session_id: str, draft: Draft | Mapping[str, Any], *, quality: str = "high", render_id: str | None = None
    ) -> str:
        """Queue an export of ``draft``; returns the render id to poll."""
        return _PORTAL.run(self.aio.start_render(session_id, draft, quality=quality, render_id=render_id))

    def render_status(self, render_id: str, *, wait_s: float | None = None) -> RenderStatus:
        """The render's state; with ``wait_s`` a backend that can waits until it changes (at most that long)."""
        return _PORTAL.run(self.aio.render_status(render_id, wait_s=wait_s))

    def cancel_render(self, render_id: str) -> RenderStatus:
        """Cancel a queued or running render: its status afterwards (``cancelled``, or how it
        ended if it had already finished). The embedded engine only: the hosted service has no
        way to cancel, so against it this raises ``RenderError`` without sending anything."""
        return _PORTAL.run(self.aio.cancel_render(render_id))

    def wait_render(
        self,
        render_id: str,
        *,
        on_progress: ProgressCallback | None = None,
        poll_interval_s: float | None = None,
        deadline_s: float = RENDER_DEADLINE_S,
    ) -> RenderStatus:
        """Poll until the render completes; ``RenderError`` if it fails or runs past the deadline."""
        return _PORTAL.run(self.aio.wait_render(
            render_id, on_progress=on_progress, poll_interval_s=poll_interval_s, deadline_s=deadline_s))

    def download(
        self, url: str, path: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None
    ) -> Path:
        """Stream ``url`` to ``path`` through a temporary file, renamed only once complete."""
        return _PORTAL.run(self.aio.download(url, path, on_progress=on_progress))

    def export(
        self,
        session_id: str,
        draft: Draft | Mapping[str, Any],
        path: str | os.PathLike[str],
        *,
        quality: str = "high",
        on_progress: ProgressCallback | None = None,
    ) -> Path:
        """Render ``draft`` and download the MP4 to ``path``: start, poll, download."""
        return _PORTAL.run(self.aio.export(session_id, draft, path, quality=quality, on_progress=on_progress))

    def fetch_render(
        self, render_id: str, path: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None
    ) -> Path:
        """Wait for a render (started now or before a restart) and download it."""
        return _PORTAL.run(self.aio.fetch_render(render_id, path, on_progress=on_progress))


class Session:
    """A Music Maker session for notebook cells and scripts. Same methods as ``AsyncSession``.

    ``session.aio`` is the async session (for ``await`` in Jupyter), and ``session.submit(coro)``
    runs one of its coroutines in the background, e.g. from a widget callback.
    """

    def __init__(self, async_session: AsyncSession, *, engine: Any = None) -> None:
        self.aio = async_session
        self.client = MusicMaker._around(async_session.client)
        self.engine = engine  # the embedded engine serving this session, if any

    @staticmethod
    def resume(
        session_id: str | None = None,
        *,
        base_url: str | None = None,
        token: str | None = None,
        home: str | os.PathLike[str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **client_options: Any,
    ) -> Session:
        """Reopen a saved session (blocking). See ``aresume``."""
        from ._connect import _blocking_session, aresume  # at call time: _connect imports this module

        async_session = _PORTAL.run(
            aresume(session_id, base_url=base_url, token=token, home=home, transport=transport, **client_options)
        )
        return _blocking_session(async_session, home)

    def __repr__(self) -> str:
        return repr(self.aio)

    def _repr_html_(self) -> str:
        return self.aio._repr_html_()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run a coroutine of ``session.aio`` on the client's loop thread; returns at once."""
        return _PORTAL.submit(coroutine)

    def app(self) -> MusicMakerApp:
        """The notebook app (upload, prompt, timeline, player, export) for this session."""
        from ..widgets import MusicMakerApp  # widgets (and ipywidgets) load only when asked for

        return MusicMakerApp(self)

    def close(self) -> None:
        _PORTAL.run(self.aio.aclose())

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the async session's attributes, read-only -----------------------------------------
    @property
    def session_id(self) -> str:
        """The backend's id for this session."""
        return self.aio.session_id

    @property
    def task_id(self) -> str | None:
        """The backend's task id, when it gives one."""
        return self.aio.task_id

    @property
    def backend(self) -> str:
        """Where the session lives: ``"embedded"`` or the backend's URL."""
        return self.aio.backend

    @property
    def media(self) -> tuple[Media, ...]:
        """The media uploaded in this session, oldest first."""
        return self.aio.media

    @property
    def draft(self) -> Draft | None:
        """The latest draft read from the backend, if any."""
        return self.aio.draft

    @property
    def generated_media(self) -> list[dict[str, Any]]:
        """What the backend generated for this session (music), as it describes it."""
        return self.aio.generated_media

    @property
    def video_infos(self) -> list[dict[str, Any]]:
        """The media as the backend lists them in the state (with their scene cuts, when it finds them)."""
        return self.aio.video_infos

    @property
    def conversation(self) -> list[Turn]:
        """What was said, in order."""
        return self.aio.conversation

    @property
    def render_ids(self) -> list[str]:
        """Every render started in this session."""
        return self.aio.render_ids

    # -- looking -----------------------------------------------------------------------------
    @property
    def timeline(self) -> Timeline:
        """The draft as a picture in the notebook (lanes, music sections and beats, the scene cuts on or
        off the beat, titles, the frame); ``timeline.frame`` is the table, one row per segment."""
        return self.aio.timeline

    def summary(self) -> str:
        return self.aio.summary()

    @property
    def pending_renders(self) -> dict[str, str]:
        """Renders started but not yet downloaded: render id -> target path."""
        return self.aio.pending_renders

    def state(self) -> State:
        """Read the session state from the backend and keep its draft."""
        return _PORTAL.run(self.aio.state())

    def on_change(self, listener: ChangeListener) -> Callable[[], None]:
        """Call ``listener(session)`` whenever what the backend says of the session (its draft,
        its media, the music generated for it) changes, whoever changed it; returns a function that stops the calls. Every
        view of a session (app, timeline, player, variants) follows it this way."""
        return self.aio.on_change(listener)

    def credits(self) -> Credits:
        return _PORTAL.run(self.aio.credits())

    # -- doing -------------------------------------------------------------------------------
    def upload(self, source: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None) -> Media:
        """Upload a file or URL to this session and refresh the draft."""
        return _PORTAL.run(self.aio.upload(source, on_progress=on_progress))

    def say(
        self,
        text: str,
        *,
        on_text: Callable[[str], None] | None = None,
        on_heartbeat: Callable[[], None] | None = None,
        heartbeat_notice_s: float = HEARTBEAT_NOTICE_S,
    ) -> Reply:
        """Say what you want. Export, credits, status and upload requests are done directly;
        everything else goes to the backend's agent, whose text streams to ``on_text``."""
        return _PORTAL.run(self.aio.say(
            text, on_text=on_text, on_heartbeat=on_heartbeat, heartbeat_notice_s=heartbeat_notice_s))

    def undo(self, *, on_text: Callable[[str], None] | None = None) -> Reply:
        """Take back the last change to the timeline (one message's edits, or an upload). The
        backend keeps the history of the session's draft; ``redo()`` puts the change back."""
        return _PORTAL.run(self.aio.undo(on_text=on_text))

    def redo(self, *, on_text: Callable[[str], None] | None = None) -> Reply:
        """Put back the change that ``undo()`` took back."""
        return _PORTAL.run(self.aio.redo(on_text=on_text))

    def batch(
        self, items: Iterable[Any], prompt: str | None = None, *, out_dir: str | os.PathLike[str] = "musicmaker_batch",
        quality: str = "high", progress: bool = True, on_result: ResultListener | None = None,
    ) -> pandas.DataFrame:
        """Give each clip its own music and its own render; one row per item, in order (source,
        prompt, output, description, seconds, error). ``items``: paths or URLs (with one
        ``prompt`` for all), ``(path, prompt)`` pairs, rows with ``path``/``prompt`` or a
        DataFrame. On the embedded engine items run side by side, one session each; on the
        hosted service one after another in this session. A failing item never stops the others."""
        return _PORTAL.run(self.aio.batch(items, prompt, out_dir=out_dir, quality=quality, progress=progress,
                                                   on_result=on_result))

    def start_render(self, *, quality: str = "high", path: str | os.PathLike[str] | None = None) -> str:
        """Start exporting the current draft; the id survives a kernel restart (see ``resume``)."""
        return _PORTAL.run(self.aio.start_render(quality=quality, path=path))

    def wait_render(
        self, render_id: str, path: str | os.PathLike[str] | None = None, *,
        on_progress: ProgressCallback | None = None,
    ) -> Path:
        """Wait for a render and download it (to ``path`` or where ``start_render`` was told)."""
        return _PORTAL.run(self.aio.wait_render(render_id, path, on_progress=on_progress))

    def cancel_render(self, render_id: str | None = None) -> RenderStatus:
        """Cancel a render of this session (default: the latest one still pending); the embedded
        engine only. It is forgotten, so ``resume`` will not wait for it again."""
        return _PORTAL.run(self.aio.cancel_render(render_id))

    def export(
        self, path: str | os.PathLike[str] | None = None, *, quality: str = "high",
        on_progress: ProgressCallback | None = None, warn_without_music: bool = True,
    ) -> Path:
        """Render the draft to a 1080p MP4 at ``path`` (default: a new file in the working directory).
        Warns (``NoMusicWarning``) when the timeline has no music: the video keeps only its own sound;
        ``warn_without_music=False`` for callers that say so themselves (or preview on purpose)."""
        return _PORTAL.run(self.aio.export(
            path, quality=quality, on_progress=on_progress, warn_without_music=warn_without_music))

    def restart(self, *, language: str = "en") -> None:
        """Begin a new session on the same backend (for 1002, or to start over)."""
        _PORTAL.run(self.aio.restart(language=language))
