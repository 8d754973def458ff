"""``connect()``: pick the backend (embedded engine, a shared engine, or the hosted service) and open a session."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from typing import Any

import httpx

from ._client import AsyncMusicMaker
from ._constants import BASE_URL_ENV
from ..protocol import MusicMakerError
from ._records import RecordBook
from ._session import AsyncSession
from ._sync import Session, portal

__all__ = ["connect", "aconnect", "resume", "aresume", "EMBEDDED"]

EMBEDDED = "embedded"

_engines: dict[str, Any] = {}
_engines_lock = threading.Lock()


def _embedded_engine(home: str | os.PathLike[str] | None) -> Any:
    """One embedded engine per data directory per process, started on first use."""
    try:
        from ..engine import start
    except ImportError as exc:  # pragma: no cover - the engine ships with the package
        raise MusicMakerError(f"the embedded engine is not available: {exc}") from exc
    key = _home_key(home)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = start(home=home)
        return engine


async def _backend(base_url: str | None, home: str | os.PathLike[str] | None) -> tuple[str, str, Any]:
    """(backend name for records, base URL, engine or None)."""
    base_url = base_url or os.environ.get(BASE_URL_ENV) or None
    if base_url:
        return base_url.rstrip("/"), base_url, None
    engine = await asyncio.to_thread(_embedded_engine, home)
    return EMBEDDED, engine.base_url, engine


async def aconnect(
    base_url: str | None = None,
    *,
    token: str | None = None,
    language: str = "en",
    home: str | os.PathLike[str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **client_options: Any,
) -> AsyncSession:
    """Open a new session. With no ``base_url`` (and no ``MUSICMAKER_BASE_URL``) the embedded
    engine is started on loopback; pass ``musicmaker_nb.HOSTED_BASE_URL`` for the hosted service."""
    backend, url, _ = await _backend(base_url, home)
    client = AsyncMusicMaker(url, token=token, transport=transport, **client_options)
    try:
        return await AsyncSession.create(client, language=language, backend=backend)
    except BaseException:
        await client.aclose()
        raise


async def aresume(
    session_id: str | None = None,
    *,
    base_url: str | None = None,
    token: str | None = None,
    home: str | os.PathLike[str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **client_options: Any,
) -> AsyncSession:
    """Reopen the latest (or the named) session of a backend, e.g. after a kernel restart.
    Renders that were running are in ``session.pending_renders``; ``wait_render(id)`` fetches them."""
    backend, url, _ = await _backend(base_url, home)
    book = RecordBook()
    record = book.find(backend, session_id)
    if record is None:
        raise MusicMakerError(f"no saved session for {backend}" + (f" with id {session_id}" if session_id else ""))
    client = AsyncMusicMaker(url, token=token or record.token, client_id=record.client_id, transport=transport,
                             **client_options)
    try:
        return await AsyncSession.resume(client, session_id=record.session_id, backend=backend, records=book)
    except BaseException:
        await client.aclose()
        raise


def connect(
    base_url: str | None = None,
    *,
    token: str | None = None,
    language: str = "en",
    home: str | os.PathLike[str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **client_options: Any,
) -> Session:
    """Open a new session (blocking). See ``aconnect`` for the arguments."""
    async_session = portal().run(
        aconnect(base_url, token=token, language=language, home=home, transport=transport, **client_options)
    )
    return _blocking_session(async_session, home)


# The blocking resume is written on ``Session`` (so editors see it there); one function, two names.
resume = Session.resume


def _blocking_session(async_session: AsyncSession, home: str | os.PathLike[str] | None) -> Session:
    """The sync face of a session, holding on to the embedded engine that serves it, if any."""
    engine = _engines.get(_home_key(home)) if async_session.backend == EMBEDDED else None
    return Session(async_session, engine=engine)


def _home_key(home: str | os.PathLike[str] | None) -> str:
    return str(Path(home).expanduser().resolve()) if home else ""
