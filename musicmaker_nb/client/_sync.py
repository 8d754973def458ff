"""The sync facade: the async core driven from a private event loop in a daemon thread.

Jupyter's kernel already runs an event loop, so ``asyncio.run`` fails there and patching that loop
(nest-asyncio) breaks on newer Pythons and ipykernel 7. Like ``jupyter_core.utils.run_sync``, we run
our own loop in a thread and wait for its results, which works the same in scripts, kernels and
widget callbacks.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
import threading
from typing import Any, AsyncIterator, Callable, Coroutine, Iterator, TypeVar

from ._client import AsyncMusicMaker
from ._session import AsyncSession

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
                    yield self.run(iterator.__anext__())
                except StopAsyncIteration:
                    return
        finally:
            closer = getattr(iterator, "aclose", None)
            if closer is not None:
                self.run(closer())


_PORTAL = LoopThread()


def portal() -> LoopThread:
    """The process-wide loop thread every sync object uses."""
    return _PORTAL


def _blocking(name: str, async_function: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isasyncgenfunction(async_function):

        @functools.wraps(async_function)
        def iterate(self: Any, *args: Any, **kwargs: Any) -> Any:
            return _PORTAL.iterate(getattr(self.aio, name)(*args, **kwargs))

        return iterate

    @functools.wraps(async_function)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        return _PORTAL.run(getattr(self.aio, name)(*args, **kwargs))

    return call


def _forwarded(name: str) -> property:
    return property(lambda self: getattr(self.aio, name), doc=f"Same as the async object's ``{name}``.")


def _mirror(async_cls: type, *, attributes: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> Callable[[type], type]:
    """Give the decorated class a blocking twin of each public coroutine method of ``async_cls``,
    with the same name, signature and docstring, plus read-only views of ``attributes``."""

    def decorate(cls: type) -> type:
        for name, member in inspect.getmembers(async_cls):
            if name.startswith("_") or name in skip or name in cls.__dict__:
                continue
            if inspect.iscoroutinefunction(member) or inspect.isasyncgenfunction(member):
                method = _blocking(name, member)
                method.__qualname__ = f"{cls.__qualname__}.{name}"
                setattr(cls, name, method)
        for name in attributes:
            setattr(cls, name, _forwarded(name))
        return cls

    return decorate


@_mirror(
    AsyncMusicMaker, attributes=("base_url", "client_id", "token", "token_from_user", "poll_interval_s"), skip=("aclose",)
)
class MusicMaker:
    """The Music Maker API, blocking. Same methods and signatures as ``AsyncMusicMaker``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.aio = kwargs.pop("_async", None) or AsyncMusicMaker(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<MusicMaker {self.aio.base_url}>"

    def __enter__(self) -> MusicMaker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        _PORTAL.run(self.aio.aclose())


@_mirror(
    AsyncSession,
    attributes=("session_id", "task_id", "backend", "media", "draft", "generated_media", "conversation",
                "render_ids", "pending_renders", "timeline"),
    skip=("create", "resume", "aclose"),
)
class Session:
    """A Music Maker session for notebook cells and scripts. Same methods as ``AsyncSession``.

    ``session.aio`` is the async session (for ``await`` in Jupyter), and ``session.submit(coro)``
    runs one of its coroutines in the background, e.g. from a widget callback.
    """

    def __init__(self, async_session: AsyncSession, *, engine: Any = None) -> None:
        self.aio = async_session
        self.client = MusicMaker(_async=async_session.client)
        self.engine = engine  # the embedded engine serving this session, if any

    def __repr__(self) -> str:
        return repr(self.aio)

    def summary(self) -> str:
        return self.aio.summary()

    def _repr_html_(self) -> str:
        return self.aio._repr_html_()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run a coroutine of ``session.aio`` on the client's loop thread; returns at once."""
        return _PORTAL.submit(coroutine)

    def app(self) -> Any:
        """The notebook app (upload, prompt, timeline, player, export) for this session."""
        from ..widgets import MusicMakerApp

        return MusicMakerApp(self)

    def close(self) -> None:
        _PORTAL.run(self.aio.aclose())

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
