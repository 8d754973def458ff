"""``AsyncMusicMaker``: the async core that speaks the Music Maker API over one httpx client."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import os
import re
import uuid
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, BinaryIO, Callable, Mapping
from urllib.parse import urljoin, urlsplit

import httpx

from ..protocol import (
    ACCEPTED_FORMATS,
    CLIENT_ID_HEADER,
    ENGINE_HEADER,
    HOSTED_FORMATS,
    MAX_UPLOAD_BYTES,
    Draft,
    Routes,
    is_loopback_url,
)
from ._constants import (
    CONNECT_TIMEOUT_S,
    HOSTED_BASE_URL,
    HOSTED_RENDER_POLL_INTERVAL_S,
    RATE_LIMIT_WAIT_S,
    RENDER_DEADLINE_S,
    RENDER_POLL_INTERVAL_S,
    REQUEST_TIMEOUT_S,
    STREAM_TIMEOUT_S,
    TOKEN_ENV,
    UPLOAD_CHUNK_BYTES,
)
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    FileTooLargeError,
    RenderError,
    StreamError,
    UnsupportedFileTypeError,
)
from ._files import atomic_file, copy_atomically
from ._models import Credits, Media, RenderStatus, SessionInfo, State, TokenInfo, parse_media_list
from ._sse import SSEStreamDecoder, StreamItem, parse_event
from ._wire import (
    Retry,
    RetryStep,
    attribution_headers,
    decide_retry,
    decode_answer,
    new_render_id,
    render_body,
    run_sse_body,
)

__all__ = ["AsyncMusicMaker", "ProgressCallback", "check_upload_path"]

ProgressCallback = Callable[[float, str], None]
Sleep = Callable[[float], Awaitable[None]]


def check_upload_path(path: str | os.PathLike[str], formats: tuple[str, ...] | None = HOSTED_FORMATS) -> Path:
    """Refuse locally what the backend would refuse: a missing file, one over 200 MB, and one
    whose extension is not in ``formats`` (None: the backend decides by content, as the engine does)."""
    file = Path(path).expanduser()
    if file.is_dir():
        raise IsADirectoryError(f"{file} is a folder: upload the clips inside it (or Session.batch them)")
    if not file.is_file():
        raise FileNotFoundError(f"no such file to upload: {file}")
    extension = file.suffix.lower().lstrip(".")
    if formats is not None and extension not in formats:
        raise UnsupportedFileTypeError(f"{file.name!r} is a .{extension or '?'} file", code=4001, formats=formats)
    size = file.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise FileTooLargeError(f"{file.name!r} is {size / 1024 / 1024:.0f} MB", code=4002)
    return file


class _CountingReader:
    """A binary file that reports how much of it has been read (for upload progress)."""

    def __init__(self, file: BinaryIO, size: int, on_progress: ProgressCallback | None) -> None:
        self._file, self._size, self._on_progress = file, max(size, 1), on_progress

    def read(self, n: int = -1) -> bytes:
        chunk = self._file.read(n)
        if self._on_progress is not None:
            self._on_progress(min(self._file.tell() / self._size, 1.0), "uploading")
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def fileno(self) -> int:
        return self._file.fileno()


@dataclasses.dataclass
class _RetryBudget:
    used: int = 0


# The retries spent by the call in progress (per task: each call of the API has its own).
_RETRY_BUDGET: contextvars.ContextVar[_RetryBudget | None] = contextvars.ContextVar("musicmaker_retries",
                                                                                     default=None)


class AsyncMusicMaker:
    """The Music Maker API, async. One instance per backend; safe to share between sessions.

    ``transport`` and ``sleep`` are injectable so tests run without a network or real waits.
    """

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
        self.base_url = base_url.rstrip("/")
        self._token = token or os.environ.get(TOKEN_ENV) or None
        self.token_from_user = self._token is not None
        self.client_id = client_id or str(uuid.uuid4())
        self._attribution = attribution_headers(platform)
        self._rate_limit_wait_s = rate_limit_wait_s
        self._hosted = self.base_url == HOSTED_BASE_URL
        self._engine = False  # set once an answer carries the embedded engine's header
        self.poll_interval_s = poll_interval_s or (
            HOSTED_RENDER_POLL_INTERVAL_S if self._hosted else RENDER_POLL_INTERVAL_S)
        self._sleep: Sleep = sleep or asyncio.sleep
        self._token_lock: asyncio.Lock | None = None
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            # An HTTP(S)_PROXY from the environment must not capture calls to an engine on this machine.
            trust_env=not is_loopback_url(self.base_url),
            timeout=httpx.Timeout(REQUEST_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            follow_redirects=True,
        )

    def __repr__(self) -> str:
        return f"<AsyncMusicMaker {self.base_url}>"

    @property
    def upload_formats(self) -> tuple[str, ...] | None:
        """The extensions checked before an upload is sent: the hosted service's list, or None
        once the backend has said it is the embedded engine, which decides by content."""
        return None if self._engine else HOSTED_FORMATS

    @property
    def is_engine(self) -> bool:
        """True once the backend has said it is the embedded engine (ours, local or shared)."""
        return self._engine

    @property
    def _listed_formats(self) -> tuple[str, ...]:
        """The formats a 4001 names: the engine's, or the hosted service's list."""
        return ACCEPTED_FORMATS if self._engine else HOSTED_FORMATS

    @property
    def token(self) -> str | None:
        """The bearer token in use, once one is known."""
        return self._token

    async def __aenter__(self) -> AsyncMusicMaker:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- plumbing --------------------------------------------------------------------------
    def _headers(self, *, auth: bool = True) -> dict[str, str]:
        headers = {**self._attribution, CLIENT_ID_HEADER: self.client_id}
        if auth and self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    async def _send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        try:
            response = await self._http.send(request, stream=stream)
        except httpx.TimeoutException as exc:
            raise APITimeoutError(f"{self.base_url} did not answer in time ({exc.__class__.__name__})") from exc
        except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as exc:
            raise APIConnectionError(f"could not reach {self.base_url}: {exc}") from exc
        self._engine = self._engine or ENGINE_HEADER in response.headers
        return response

    def _decode(self, response: httpx.Response, body: bytes) -> Any:
        # Only an anonymous token can be bound to an account by its client id; a person's own
        # token is told to top up instead of getting a registration link their account never had.
        client_id = None if self.token_from_user else self.client_id
        return decode_answer(response.status_code, body, response.headers, client_id=client_id,
                             formats=self._listed_formats)

    async def _with_retries(self, attempt: Callable[[], Awaitable[Any]]) -> Any:
        """Run ``attempt``, retrying a recoverable error once per call *in all*: a token fetched
        inside the call (or inside its retry) spends the same retry, so a rate limit there never
        means two waits."""
        budget = _RETRY_BUDGET.get()
        outermost = budget is None
        if budget is None:
            budget = _RetryBudget()
            reset = _RETRY_BUDGET.set(budget)
        try:
            while True:
                try:
                    return await attempt()
                except APIError as error:
                    retry = decide_retry(error, budget.used, token_from_user=self.token_from_user,
                                         rate_limit_wait_s=self._rate_limit_wait_s)
                    if retry is None:
                        raise
                    budget.used += 1
                    await self._prepare_retry(retry)
        finally:
            if outermost:
                _RETRY_BUDGET.reset(reset)

    async def _prepare_retry(self, retry: Retry) -> None:
        if retry.step is RetryStep.NEW_TOKEN:
            self._token = None
            await self.ensure_token()
        elif retry.step is RetryStep.NEW_CLIENT_ID:
            self.client_id = str(uuid.uuid4())
        else:
            await self._sleep(retry.delay_s)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        auth: bool = True,
        files: Callable[[contextlib.ExitStack], Mapping[str, Any]] | None = None,
    ) -> Any:
        async def attempt() -> Any:
            if auth:
                await self.ensure_token()
            with contextlib.ExitStack() as opened:
                request = self._http.build_request(
                    method, path, json=json, headers=self._headers(auth=auth),
                    files=files(opened) if files else None,
                )
                response = await self._send(request)
            return self._decode(response, response.content)

        return await self._with_retries(attempt)

    # -- the API ---------------------------------------------------------------------------
    async def ensure_token(self) -> str:
        """The token in use: the caller's, ``NEMO_TOKEN``, or a fresh anonymous one."""
        if self._token_lock is None:
            self._token_lock = asyncio.Lock()
        async with self._token_lock:
            if not self._token:
                self._token = (await self.acquire_anonymous_token()).token
            return self._token

    async def acquire_anonymous_token(self) -> TokenInfo:
        data = await self._request("POST", Routes.anonymous_token, auth=False)
        token = data.get("token") if isinstance(data, Mapping) else None
        if not token:
            raise AuthenticationError("the backend answered without a token")
        return TokenInfo(token=str(token), credits=data.get("credits"), expires_at=data.get("expires_at"))

    async def create_session(self, *, language: str = "en") -> SessionInfo:
        data = await self._request("POST", Routes.create_session, json={"task_name": "project", "language": language})
        return SessionInfo.from_payload(data)

    async def credits(self) -> Credits:
        return Credits.from_payload(await self._request("GET", Routes.credits))

    async def health(self) -> dict[str, Any]:
        """The backend's own account of itself (the engine's ``/api/health``: version, workers...)."""
        data = await self._request("GET", Routes.health, auth=False)
        return dict(data) if isinstance(data, Mapping) else {}

    async def state(self, session_id: str) -> State:
        return State.from_payload(await self._request("GET", Routes.state(session_id)))

    async def upload(
        self, session_id: str, source: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None
    ) -> list[Media]:
        """Upload a local file (streamed, never read whole) or an http(s) URL."""
        if isinstance(source, str) and re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
            if urlsplit(source).scheme.lower() not in ("http", "https"):
                raise UnsupportedFileTypeError(f"only http(s) URLs can be uploaded, not {source!r}", code=4001,
                                               formats=self._listed_formats)
            data = await self._request("POST", Routes.upload(session_id), json={"urls": [source], "source_type": "url"})
            return [dataclasses.replace(media, source=source) for media in parse_media_list(data)]
        file = check_upload_path(source, self.upload_formats)
        size = file.stat().st_size

        def files(opened: contextlib.ExitStack) -> Mapping[str, Any]:
            handle = opened.enter_context(file.open("rb"))
            return {"files": (file.name, _CountingReader(handle, size, on_progress), "application/octet-stream")}

        stored = parse_media_list(await self._request("POST", Routes.upload(session_id), files=files))
        return [dataclasses.replace(media, source=str(file.resolve())) for media in stored]

    async def stream(self, session_id: str, text: str) -> AsyncIterator[StreamItem]:
        """Send a message; yield text parts, tool calls and results, and heartbeats as they come."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STREAM_TIMEOUT_S
        body = run_sse_body(session_id, text)
        timeout = httpx.Timeout(STREAM_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)

        async def attempt() -> tuple[httpx.Response | None, Any]:
            await self.ensure_token()
            headers = {**self._headers(), "Accept": "text/event-stream", "Cache-Control": "no-store"}
            request = self._http.build_request("POST", Routes.run_sse, json=body, headers=headers, timeout=timeout)
            response = await self._send(request, stream=True)
            if response.status_code < 400 and "text/event-stream" in response.headers.get("content-type", ""):
                return response, None
            try:
                raw = await response.aread()
            finally:
                await response.aclose()
            return None, self._decode(response, raw)

        response, payload = await self._with_retries(attempt)
        if response is None:
            for item in _events_from_json(payload):
                yield item
            return
        decoder = SSEStreamDecoder()
        try:
            async for chunk in response.aiter_text():
                for item in decoder.feed(chunk):
                    yield item
                if loop.time() > deadline:
                    raise APITimeoutError(f"the event stream ran past {STREAM_TIMEOUT_S / 60:.0f} minutes")
            for item in decoder.flush():
                yield item
        except httpx.TimeoutException as exc:
            raise APITimeoutError("the event stream went quiet for too long") from exc
        except (httpx.HTTPError, httpx.StreamError) as exc:
            raise StreamError(f"the event stream broke off: {exc}") from exc
        finally:
            await response.aclose()

    async def start_render(
        self, session_id: str, draft: Draft | Mapping[str, Any], *, quality: str = "high", render_id: str | None = None
    ) -> str:
        """Queue an export of ``draft``; returns the render id to poll."""
        draft_dict = draft.to_dict() if isinstance(draft, Draft) else dict(draft)
        render_id = render_id or new_render_id()
        data = await self._request("POST", Routes.render, json=render_body(render_id, session_id, draft_dict, quality))
        return str((data or {}).get("id") or render_id) if isinstance(data, Mapping) else render_id

    async def render_status(self, render_id: str, *, wait_s: float | None = None) -> RenderStatus:
        """The render's state; with ``wait_s`` a backend that can waits until it changes (at most that long)."""
        path = Routes.render_status(render_id) + (f"?wait={wait_s:g}" if wait_s else "")
        return RenderStatus.from_payload(await self._request("GET", path), render_id)

    async def cancel_render(self, render_id: str) -> RenderStatus:
        """Cancel a queued or running render: its status afterwards (``cancelled``, or how it
        ended if it had already finished). The embedded engine only: the hosted service has no
        way to cancel, so against it this raises ``RenderError`` without sending anything."""
        if not self._engine:
            await self.credits()  # a backend not heard from yet: its first answer says whether it is the engine
        if not self._engine:
            raise RenderError("cancelling a render is not available on the hosted Music Maker service "
                              "(only the embedded engine can cancel); the render goes on", render_id=render_id)
        return RenderStatus.from_payload(await self._request("DELETE", Routes.render_status(render_id)), render_id)

    async def wait_render(
        self,
        render_id: str,
        *,
        on_progress: ProgressCallback | None = None,
        poll_interval_s: float | None = None,
        deadline_s: float = RENDER_DEADLINE_S,
    ) -> RenderStatus:
        """Poll until the render completes; ``RenderError`` if it fails or runs past the deadline."""
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + deadline_s
        interval = poll_interval_s or self.poll_interval_s
        while True:
            # Our engine holds the request until the job moves (long poll); the hosted service is
            # asked every 30 s as it requests.
            status = await self.render_status(render_id, wait_s=None if self._hosted else interval)
            if on_progress is not None:  # "12th in line, starts in about 3 min" where a shared engine says so
                on_progress(status.progress, status.words)
            if status.status == "failed":
                raise RenderError(f"render {render_id} failed: {status.error or 'no reason given'}", render_id=render_id)
            if status.status == "cancelled":
                raise RenderError(f"render {render_id} was cancelled", render_id=render_id)
            if status.status == "completed":
                if not status.url:
                    raise RenderError(f"render {render_id} completed without a download URL", render_id=render_id)
                return status
            if loop.time() > give_up_at:
                raise RenderError(
                    f"render {render_id} did not finish within {deadline_s:.0f} s; resume later with its id",
                    render_id=render_id,
                )
            if not status.long_poll:
                await self._sleep(interval)

    async def download(
        self, url: str, path: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None
    ) -> Path:
        """Stream ``url`` to ``path`` through a temporary file, renamed only once complete."""
        absolute = urljoin(self.base_url + "/", url)
        same_origin = urlsplit(absolute).netloc == urlsplit(self.base_url).netloc
        headers = self._headers(auth=same_origin) if same_origin else {}
        target = Path(path).expanduser()
        with atomic_file(target) as out:
            await self._download_to(out, absolute, headers, on_progress)
        return target

    async def _download_to(
        self, out: BinaryIO, url: str, headers: Mapping[str, str], on_progress: ProgressCallback | None
    ) -> None:
        response = await self._send(self._http.build_request("GET", url, headers=headers), stream=True)
        try:
            if response.status_code >= 400:
                self._decode(response, await response.aread())
            total = int(response.headers.get("content-length") or 0)
            async for chunk in response.aiter_bytes(UPLOAD_CHUNK_BYTES):
                out.write(chunk)
                if on_progress is not None and total:
                    on_progress(min(response.num_bytes_downloaded / total, 1.0), "downloading")
        except (httpx.HTTPError, httpx.StreamError) as exc:
            raise APIConnectionError(f"the download from {url} broke off: {exc}") from exc
        finally:
            await response.aclose()

    async def export(
        self,
        session_id: str,
        draft: Draft | Mapping[str, Any],
        path: str | os.PathLike[str],
        *,
        quality: str = "high",
        on_progress: ProgressCallback | None = None,
    ) -> Path:
        """Render ``draft`` and download the MP4 to ``path``: start, poll, download."""
        render_id = await self.start_render(session_id, draft, quality=quality)
        return await self.fetch_render(render_id, path, on_progress=on_progress)

    async def fetch_render(
        self, render_id: str, path: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None
    ) -> Path:
        """Wait for a render (started now or before a restart) and download it."""
        overall = _phased(on_progress)
        rendering = overall(0.0, 0.9)
        if rendering is not None:  # the render's own "completed" is not the end: the file is still to be saved
            render_phase = rendering
            rendering = lambda fraction, status: render_phase(fraction, "saving" if status == "completed" else status)  # noqa: E731
        status = await self.wait_render(render_id, on_progress=rendering)
        if status.local_path and is_loopback_url(self.base_url) and os.path.isfile(status.local_path):
            # The engine runs on this machine: link (or copy) its file rather than stream it over a socket.
            result = await asyncio.to_thread(copy_atomically, Path(status.local_path), Path(path).expanduser(),
                                           UPLOAD_CHUNK_BYTES * 8)
        else:
            result = await self.download(status.url or "", path, on_progress=overall(0.9, 0.1))
        if on_progress is not None:
            on_progress(1.0, "completed")
        return result


def _phased(on_progress: ProgressCallback | None) -> Callable[[float, float], ProgressCallback | None]:
    """Map a phase's own 0..1 onto its share (from ``start``) of the whole job."""

    def phase(start: float, share: float) -> ProgressCallback | None:
        if on_progress is None:
            return None
        return lambda fraction, status: on_progress(start + share * fraction, status)

    return phase


def _events_from_json(payload: Any) -> list[StreamItem]:
    """A backend that answers ``/run_sse`` with plain JSON: a list of events or one event."""
    import json

    events = payload if isinstance(payload, list) else [payload]
    items: list[StreamItem] = []
    for event in events:
        if isinstance(event, Mapping) and "content" in event:
            items += parse_event(json.dumps(event))
        elif event:
            raise StreamError(f"expected an event stream, got {str(event)[:200]}")
    return items
