"""The routes of PROTOCOL.md as a Starlette app: ``create_app(config)``.

Each JSON route answers the envelope ``{"code": 0, "message": "ok", "data": ...}``; errors are
:class:`EngineError` s turned into ``{"code": N, "message": ..., "data": null}`` with the HTTP
status of the brief's table. Every route but the health check and the keyed file downloads
checks the attribution headers (402), the bearer token (1001) and the per-token rate limit (429).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import math
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable

import anyio.to_thread
from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ...protocol import CLIENT_ID_HEADER, Code, Draft, DraftError, Routes, __version__, is_loopback_host
from .._config import EngineConfig
from .._errors import EngineError, error_body, http_status
from ..agent._edits import add_clip
from ..agent._interpret import AgentContext
from ..agent._llm import understand
from ..agent._run import AgentRunner, agent_context
from ..media._graph import QUALITY
from ..store._downloads import fetch_url
from ..store._store import Store, is_disk_full, new_id, storage_full_error, valid_id
from ..store._uploads import Received, media_record, receive_multipart, suffix_for
from ._auth import RateLimiter, attribution_problem, bearer_token, check_token
from ._bodies import BodyStream, chat_message, drain, read_json
from ._identity import IdentifyEngine
from ._cluster import connect_cluster
from ._jobs import RenderQueue, draft_sources
from ._load import ChatTimes

__all__ = ["create_app", "current_load", "Engine"]

log = logging.getLogger(__name__)
_GENERATED_BYTES_PER_S = 44100 * 2 * 2  # a generated track: 16-bit stereo WAV at 44.1 kHz


@dataclass
class Engine:
    """What the routes share: the config, the store, the render queue, the agent, the limiter."""

    config: EngineConfig
    store: Store
    queue: RenderQueue
    agent: AgentRunner
    limiter: RateLimiter
    chat_times: ChatTimes = field(default_factory=ChatTimes)


# -- plumbing --------------------------------------------------------------------------------
def _ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "ok", "data": data})


def _error(exc: EngineError) -> JSONResponse:
    headers = {"Retry-After": RateLimiter.retry_after_header(exc.retry_after)} if exc.retry_after else {}
    if exc.code == Code.REQUEST_TIMEOUT:  # a stalled body: answer, then drop the connection at once
        headers["Connection"] = "close"
    return JSONResponse(error_body(exc.code, exc.message), status_code=http_status(exc.code), headers=headers)


def _endpoint(handler: Callable[[Request, Engine], Awaitable[Any]]) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler: its return value in the envelope, its errors as wire errors."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request, request.app.state.engine)
        except EngineError as exc:
            return _error(exc)
        except DraftError as exc:
            return _error(EngineError(Code.INVALID_REQUEST, f"invalid draft: {exc}"))
        except OSError as exc:
            if is_disk_full(exc):
                return _error(storage_full_error(str(exc)))
            log.exception("engine route %s failed", request.url.path)
            return _error(EngineError(Code.SERVER_ERROR, f"internal error: {exc}"))
        except Exception as exc:  # the client must always get an envelope, never a stack trace
            log.exception("engine route %s failed", request.url.path)
            return _error(EngineError(Code.SERVER_ERROR, f"internal error: {type(exc).__name__}: {exc}"))
        return result if isinstance(result, Response) else _ok(result)

    return endpoint


async def _json(request: Request) -> dict[str, Any]:
    return await read_json(request, request.app.state.engine.config.body_stall_s)


def _named(what: str, item_id: object) -> str:
    """``what 'id'`` for a message; an id that breaks the id rule is not echoed back."""
    return f"{what} {item_id!r}" if valid_id(item_id) else f"{what} (not a valid id)"


def _attribution(request: Request) -> None:
    if problem := attribution_problem(request.headers):
        raise EngineError(Code.PLAN_RESTRICTED, problem)


def _limit(engine: Engine, key: str) -> None:
    wait = engine.limiter.acquire(key)
    if wait > 0:
        raise EngineError(Code.RATE_LIMITED, f"too many requests: wait {wait:.1f} s and try again", retry_after=wait)


async def _caller(request: Request, engine: Engine) -> dict[str, Any]:
    """The token row of the request: attribution, token and rate limit checked in that order."""
    _attribution(request)
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise EngineError(Code.TOKEN_INVALID, "missing bearer token: ask POST /api/auth/anonymous-token for one")
    row = await anyio.to_thread.run_sync(engine.store.token, token)
    row = dict(check_token(row, engine.store.clock()))
    _limit(engine, token)
    return row


async def _own_session(engine: Engine, caller: dict[str, Any], session_id: str) -> dict[str, Any]:
    session = await anyio.to_thread.run_sync(engine.store.session, session_id)  # None for a malformed id
    if session is None or session["token"] != caller["token"]:
        raise EngineError(Code.SESSION_NOT_FOUND, f"{_named('session', session_id)} not found; create a new one")
    return session


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


# -- routes ------------------------------------------------------------------------------------
@_endpoint
async def health(request: Request, engine: Engine) -> dict[str, Any]:
    warm = getattr(request.app.state, "warm", None)
    load = current_load(engine)
    return {"status": "ok", "version": __version__, "engine": "musicmaker_nb",
            "warm": bool(warm is not None and warm.is_set()), "render_workers": load["workers"], "load": load}


def current_load(engine: Engine) -> dict[str, Any]:
    """Renders queued, running and done, and chat reply times over the last 10 minutes."""
    return {**asdict(engine.queue.load()), **engine.chat_times.summary()}


@_endpoint
async def anonymous_token(request: Request, engine: Engine) -> dict[str, Any]:
    _attribution(request)
    client_id = request.headers.get(CLIENT_ID_HEADER, "").strip()
    if not client_id:
        raise EngineError(Code.MISSING_CLIENT_ID, f"missing {CLIENT_ID_HEADER} header: send a random UUID as {CLIENT_ID_HEADER}")
    _limit(engine, f"client:{client_id}")
    row = await anyio.to_thread.run_sync(engine.store.create_token, client_id, engine.config.initial_credits,
                                         engine.config.token_ttl_s)
    return {"token": row["token"], "credits": row["credits"], "expires_at": _iso(row["expires_at"])}


@_endpoint
async def create_session(request: Request, engine: Engine) -> dict[str, Any]:
    caller = await _caller(request, engine)
    body = await _json(request)
    task_name = str(body.get("task_name") or "project")
    language = str(body.get("language") or "en")
    row = await anyio.to_thread.run_sync(engine.store.create_session, caller["token"], task_name, language)
    return {"task_id": row["task_id"], "session_id": row["id"]}


@_endpoint
async def credits(request: Request, engine: Engine) -> dict[str, Any]:
    caller = await _caller(request, engine)
    return {"available": caller["credits"], "frozen": caller["frozen"], "total": caller["credits"] + caller["frozen"]}


def _media_item(engine: Engine, row: dict[str, Any]) -> dict[str, Any]:
    item = {
        "id": row["id"], "name": row["name"], "kind": row["kind"], "duration_ms": row["duration_ms"],
        "width": row["width"], "height": row["height"], "fps": row["fps"], "has_audio": bool(row["has_audio"]),
        "size_bytes": row["size_bytes"],
        "url": f"/api/files/media/{row['id']}?k={engine.store.file_key('media', row['id'])}",
    }
    cuts = engine.agent.known_cuts(row) if row["kind"] == "video" else None
    if cuts is not None:  # an engine extension: only once the analysis is done, never a guess
        item["scene_cuts_ms"] = [round(time_s * 1000) for time_s, _ in cuts]
    return item


def _generated_item(engine: Engine, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"], "kind": "audio", "prompt": row["prompt"], "duration_ms": row["duration_ms"],
        "description": row["description"], "tempo_bpm": row["tempo_bpm"], "key": row["key"], "lufs": row["lufs"],
        "url": f"/api/files/gen/{row['id']}.wav?k={engine.store.file_key('gen', row['id'])}",
        "plan": json.loads(row["plan"]) if row["plan"] else None,
    }


@_endpoint
async def state(request: Request, engine: Engine) -> dict[str, Any]:
    caller = await _caller(request, engine)
    session = await _own_session(engine, caller, request.path_params["session_id"])
    store = engine.store

    def read() -> dict[str, Any]:
        return {"draft": store.draft(session["id"]),
                "video_infos": [_media_item(engine, m) for m in store.session_media(session["id"])],
                "generated_media": [_generated_item(engine, g) for g in store.session_generated(session["id"])]}

    return {"state": await anyio.to_thread.run_sync(read)}


# -- uploads -----------------------------------------------------------------------------------
@_endpoint
async def upload(request: Request, engine: Engine) -> dict[str, Any]:
    caller = await _caller(request, engine)
    session = await _own_session(engine, caller, request.path_params["session_id"])
    content_type = request.headers.get("content-type", "")
    limit = engine.config.max_upload_bytes
    if content_type.startswith("multipart/form-data"):
        body = BodyStream(request, engine.config.body_stall_s)
        try:
            received = await receive_multipart(content_type, body, engine.store, limit)
        except EngineError:
            await drain(body)  # read on a little, so that a client still sending hears the refusal
            raise
    elif content_type.startswith("application/json"):
        received = await _download_all(await _json(request), engine)
    else:
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, "send the files as multipart field 'files', or JSON {\"urls\": [...]}")
    rows = await anyio.to_thread.run_sync(_accept_all, engine, session["id"], received)
    for row in rows:  # find the scene cuts now, while the person types what music they want
        engine.agent.prefetch_cuts(row)
    _start_warm_up(request.app.state)
    return {"media": [_media_item(engine, row) for row in rows]}


async def _download_all(body: dict[str, Any], engine: Engine) -> list[Received]:
    urls = body.get("urls")
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise EngineError(Code.INVALID_REQUEST, "a URL upload needs {\"urls\": [\"https://...\"], \"source_type\": \"url\"}")
    received: list[Received] = []
    try:
        for url in urls:
            received.append(await fetch_url(url, engine.store, engine.config.max_upload_bytes,
                                            engine.config.allow_private_urls, deadline_s=engine.config.url_deadline_s))
    except BaseException:
        for item in received:
            item.temp.unlink(missing_ok=True)
        raise
    return received


def _accept_all(engine: Engine, session_id: str, received: list[Received]) -> list[dict[str, Any]]:
    """Probe every file (4001 if one is not media), then store them all and put them on the timeline."""
    from ..media._probe import NotMediaError, probe

    store = engine.store
    try:
        infos = []
        for item in received:
            try:
                infos.append(probe(item.temp))
            except NotMediaError as exc:
                raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"{item.name!r} is not a video, audio or image file we can read "
                                        f"({exc})") from None
        _check_fit(store.draft(session_id), received, infos)
        rows = [_store_medium(store, session_id, item, info) for item, info in zip(received, infos)]
    finally:
        for item in received:
            item.temp.unlink(missing_ok=True)
    with store.draft_lock(session_id):
        draft = store.draft(session_id)
        current = Draft.from_dict(draft) if draft else None
        for row in rows:
            current = add_clip(current, row)
        store.set_draft(session_id, current.to_dict())
        if draft is not None:  # adding a clip to a timeline is a step "undo" takes back
            store.record_step(session_id, draft, "upload " + ", ".join(row["name"] for row in rows))
    return rows


def _check_fit(draft: dict[str, Any] | None, received: list[Received], infos: list[Any]) -> None:
    """Put the new media on a copy of the timeline first: media that would take it past the
    draft's limits (60 minutes) are refused (422) before anything is stored."""
    current = Draft.from_dict(draft) if draft else None
    for number, (item, info) in enumerate(zip(received, infos)):
        try:
            current = add_clip(current, {**media_record(info), "id": f"med_new{number}", "name": item.name})
        except DraftError as exc:
            raise EngineError(Code.INVALID_REQUEST, f"{item.name!r} does not fit on the timeline: {exc}") from None


def _store_medium(store: Store, session_id: str, item: Received, info: Any) -> dict[str, Any]:
    record = media_record(info)
    relative = store.adopt_file(item.temp, item.sha256, suffix_for(record.get("format_name"), item.name))
    return store.add_media(
        session_id, name=item.name, kind=record["kind"], sha256=item.sha256, path=relative,
        size_bytes=item.size_bytes, duration_ms=record.get("duration_ms"), width=record.get("width"),
        height=record.get("height"), fps=record.get("fps"), has_audio=bool(record.get("has_audio")), info=record)


# -- the agent ---------------------------------------------------------------------------------
@_endpoint
async def run_sse(request: Request, engine: Engine) -> Response:
    started = time.monotonic()
    caller = await _caller(request, engine)
    body = await _json(request)
    message = chat_message(body)
    session = await _own_session(engine, caller, str(body.get("session_id") or ""))

    def project() -> tuple[AgentContext, float]:
        """What the agent needs to know of the session, and the timeline's length in ms."""
        store = engine.store
        raw = store.draft(session["id"])
        context = agent_context(store.session_media(session["id"]), Draft.from_dict(raw) if raw else None,
                                store.session_generated(session["id"]))
        return context, float((raw or {}).get("d") or 0)

    context, draft_ms = await anyio.to_thread.run_sync(project)
    # the language model when one is configured (its whole exchange within its timeout), else the tables
    interpretation = await understand(message, context, engine.config.llm)
    cost = interpretation.cost_units * engine.config.generation_credits
    if cost > caller["credits"]:
        raise EngineError(Code.INSUFFICIENT_CREDITS, f"out of credits: this request needs {cost} credits "
                                f"({engine.config.generation_credits} per generated track), {caller['credits']} left")
    if interpretation.cost_units:
        _check_room_for_music(engine.store, interpretation.cost_units, draft_ms)
    return EventSourceResponse(
        _timed_chat(engine, started, engine.agent.stream(session, message, interpretation)), ping=0, sep="\n",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _timed_chat(engine: Engine, started: float, events: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """The agent's events, as they come; once they are all sent, the reply's time is counted."""
    async for event in events:
        yield event
    engine.chat_times.add(time.monotonic() - started)


def _check_room_for_music(store: Store, tracks: int, draft_ms: float) -> None:
    """507 before the stream starts (as 2001 is) when the quota cannot hold the tracks asked for."""
    room = store.room_bytes()
    need = tracks * _GENERATED_BYTES_PER_S * draft_ms / 1000
    if room is not None and need > room:
        raise storage_full_error(f"the music asked for needs about {need / 1e6:.1f} MB and "
                                 f"{max(room, 0) / 1e6:.1f} MB are left")


# -- rendering ---------------------------------------------------------------------------------
def _render_item(engine: Engine, row: dict[str, Any], *, local: bool = False) -> dict[str, Any]:
    output = None
    if row["status"] == "completed":
        output = {"url": f"/api/files/render/{row['id']}.mp4?k={engine.store.file_key('render', row['id'])}",
                  "format": "mp4"}
        if local:  # a client on this machine may copy the file instead of downloading it
            output["path"] = str(engine.store.path(row["output_path"]))
    item = {"id": row["id"], "status": row["status"], "progress": row["progress"], "output": output,
            "error": row["error"], "sessionId": row["session_id"]}
    return {**item, **_render_wait(engine, row)}


def _render_wait(engine: Engine, row: dict[str, Any]) -> dict[str, Any]:
    """Where a queued job is in line and when it should start and end; when a running one should
    end. Estimates from the engine's measured render speed (engine extension, see docs/protocol.md)."""
    if row["status"] == "queued":
        wait = engine.queue.waits().get(row["id"])
        if wait is not None:
            return {"queue_position": wait.position, "starts_in_s": round(wait.starts_in_s, 1),
                    "ends_in_s": round(wait.ends_in_s, 1)}
    elif row["status"] == "rendering":
        left = engine.queue.ends_in(row["id"])
        if left is not None:
            return {"ends_in_s": round(left, 1)}
    return {}


@_endpoint
async def start_render(request: Request, engine: Engine) -> dict[str, Any]:
    caller = await _caller(request, engine)
    body = await _json(request)
    session = await _own_session(engine, caller, str(body.get("sessionId") or body.get("session_id") or ""))
    output, render_id = body.get("output") or {}, body.get("id") or ""
    if not isinstance(output, dict):
        raise EngineError(Code.INVALID_REQUEST, 'output must be an object like {"format": "mp4", "quality": "high"}')
    if render_id and not valid_id(render_id):
        raise EngineError(Code.INVALID_REQUEST, "id must be 1 to 100 letters, digits, '_', '.' or '-', not starting "
                                                "with '.' or '-' (or left out: the engine picks one)")
    quality = str(output.get("quality") or "high")
    if quality not in QUALITY:
        raise EngineError(Code.INVALID_REQUEST, f"output.quality must be one of {', '.join(QUALITY)}, got {quality!r}")
    raw = body.get("draft")
    store = engine.store

    def create() -> dict[str, Any]:
        stored = raw if raw is not None else store.draft(session["id"])
        draft = Draft.from_dict(stored) if stored is not None else Draft()
        if draft.duration_ms <= 0:
            raise EngineError(Code.INVALID_REQUEST, "the draft is empty: upload a clip before exporting")
        draft_sources(store, session["id"], draft)
        existing = store.render(render_id) if render_id else None
        if existing is not None and existing["session_id"] == session["id"] and \
                json.loads(existing["draft"]) == draft.to_dict():
            return existing  # the same export sent twice: one job
        _check_room_in_line(engine, caller["token"])
        chosen = render_id if render_id and existing is None else new_id("render")
        return store.add_render(chosen, session["id"], caller["token"], draft.to_dict(), quality)

    row = await anyio.to_thread.run_sync(create)
    if row["status"] == "queued":
        await anyio.to_thread.run_sync(engine.queue.submit, row["id"])
    return {"id": row["id"], "status": row["status"]}


def _check_room_in_line(engine: Engine, token: str) -> None:
    """429 past the exports one token may have waiting; Retry-After is when its first one should start."""
    waiting = engine.queue.waiting_for(token)
    if waiting < engine.config.max_queued_renders:
        return
    first = engine.queue.next_start_for(token)
    raise EngineError(Code.RATE_LIMITED, (
        f"you have {waiting} exports waiting already, the most one person may queue on this shared engine: "
        "wait for one to start (or cancel one), then export again"),
        retry_after=max(1.0, min(first if first is not None else 30.0, 60.0)))


@_endpoint
async def render_status(request: Request, engine: Engine) -> dict[str, Any]:
    """The job's state. With ``?wait=S`` (at most 10 s) the answer waits until the status or the
    progress changes, so a client learns of progress and completion at once without polling fast."""
    caller = await _caller(request, engine)
    render_id = request.path_params["render_id"]
    row = await anyio.to_thread.run_sync(engine.store.render, render_id)  # None for a malformed id
    if row is None or row["token"] != caller["token"]:
        raise EngineError(Code.SESSION_NOT_FOUND, f"{_named('render', render_id)} not found")
    deadline = anyio.current_time() + _wait_seconds(request)
    seen = (row["status"], row["progress"])
    while row["status"] not in ("completed", "failed", "cancelled") and anyio.current_time() < deadline:
        await anyio.sleep(_LONG_POLL_STEP_S)
        row = await anyio.to_thread.run_sync(engine.store.render, render_id)
        if (row["status"], row["progress"]) != seen:
            break
    item = _render_item(engine, row, local=_is_local(request))
    return {**item, "long_poll": True} if "wait" in request.query_params else item


@_endpoint
async def cancel_render(request: Request, engine: Engine) -> dict[str, Any]:
    """Cancel a queued or rendering job (its ffmpeg stopped, its files removed): the answer is the
    job as the GET route gives it, ``cancelled``; a finished job is answered as it is, unchanged."""
    caller = await _caller(request, engine)
    render_id = request.path_params["render_id"]
    row = await anyio.to_thread.run_sync(engine.store.render, render_id)
    if row is None or row["token"] != caller["token"]:
        raise EngineError(Code.SESSION_NOT_FOUND, f"{_named('render', render_id)} not found")
    await anyio.to_thread.run_sync(engine.queue.cancel, render_id)
    row = await anyio.to_thread.run_sync(engine.store.render, render_id) or row  # a job is never deleted
    return _render_item(engine, row, local=_is_local(request))


_LONG_POLL_STEP_S = 0.05
_MAX_WAIT_S = 10.0


def _wait_seconds(request: Request) -> float:
    try:
        wait = float(request.query_params.get("wait", 0))
    except ValueError:
        wait = math.nan
    if not math.isfinite(wait):  # NaN and the infinities are refused, as in a JSON body
        raise EngineError(Code.INVALID_REQUEST, f"wait must be a number of seconds, got {request.query_params['wait'][:40]!r}")
    return min(max(wait, 0.0), _MAX_WAIT_S)


def _is_local(request: Request) -> bool:
    return is_loopback_host(request.client.host if request.client else "")


# -- files ---------------------------------------------------------------------------------------
_FILE_KINDS = {"render": ("video/mp4", ".mp4"), "gen": ("audio/wav", ".wav"), "media": (None, "")}


@_endpoint
async def files(request: Request, engine: Engine) -> Response:
    """A stored file, fetched with the key its URL carries (no headers needed: players use it).
    The name is the item's id and the kind's suffix; anything else is not found."""
    kind, name = request.path_params["kind"], request.path_params["name"]
    media_type, suffix = _FILE_KINDS.get(kind, (None, None))
    item_id = name[: len(name) - len(suffix)] if suffix is not None and name.endswith(suffix) else ""
    if not valid_id(item_id) or not engine.store.check_file_key(kind, item_id, request.query_params.get("k", "")):
        raise EngineError(Code.SESSION_NOT_FOUND, "file not found")
    row = await anyio.to_thread.run_sync(_file_row, engine.store, kind, item_id)
    relative = row and (row["output_path"] if kind == "render" else row["path"])
    if not relative or not engine.store.path(relative).exists():
        raise EngineError(Code.SESSION_NOT_FOUND, "file not found")
    filename = f"{item_id}.mp4" if kind == "render" else (row.get("name") or name)
    return FileResponse(engine.store.path(relative), media_type=media_type, filename=filename,
                        content_disposition_type="inline")


def _file_row(store: Store, kind: str, item_id: str) -> dict[str, Any] | None:
    return {"render": store.render, "gen": store.generated, "media": store.media}[kind](item_id)


# -- the app -------------------------------------------------------------------------------------
def _warm_up(done: threading.Event) -> None:
    """Import the composer and the mastering code and load the SoundFont while the person types
    what music they want: cold, they cost about 1.5 s (scipy.signal alone ~0.9 s), which the first
    request for music would otherwise wait for. Started by the first upload rather than at start-up,
    where it would slow the start and the upload (one GIL). ``/api/health`` says ``warm`` after."""
    try:
        from ...music import generate, plan
        from ..media import _loudness  # noqa: F401 - imported for its side effect: warm

        generate(plan("warm up", 0.5, seed=1))
    except Exception:  # a broken SoundFont is reported when music is asked for, in plain words
        log.debug("warm-up failed", exc_info=True)
    finally:
        done.set()


_warm_up_lock = threading.Lock()


def _start_warm_up(state: Any) -> None:
    with _warm_up_lock:
        if getattr(state, "warm_up_started", False):
            return
        state.warm_up_started = True
    threading.Thread(target=_warm_up, args=(state.warm,), name="musicmaker-warm-up", daemon=True).start()


def _lifespan(config: EngineConfig):
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = Store(config.home, quota_bytes=config.quota_bytes)
        store.clean_tmp()
        # compose and render on a Dask cluster when one is named; the jobs' records stay here
        cluster = await anyio.to_thread.run_sync(connect_cluster, config.dask_scheduler) \
            if config.dask_scheduler else None
        queue = RenderQueue(store, config, cluster=cluster)
        agent = AgentRunner(store, config, cluster=cluster)
        app.state.engine = Engine(config, store, queue, agent, RateLimiter(config.rate_per_s, config.rate_burst))
        queue.resume()
        app.state.warm = threading.Event()
        try:
            yield
        finally:
            agent.close()
            await anyio.to_thread.run_sync(queue.stop)
            store.close()
            if cluster is not None:
                await anyio.to_thread.run_sync(cluster.close)

    return lifespan


_ROUTING_CODES = {404: Code.ROUTE_NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED, 413: Code.BODY_TOO_LARGE}


async def _routing_error(request: Request, exc: Exception) -> Response:
    """Starlette's own answers (no such path, another method) in the envelope."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code = _ROUTING_CODES.get(status, Code.INVALID_REQUEST if status < 500 else Code.SERVER_ERROR)
    where = f"{request.method} {request.url.path[:200]}"
    allowed = (getattr(exc, "headers", None) or {}).get("Allow", "")
    message = {Code.ROUTE_NOT_FOUND: f"no such route: {where}",
               Code.METHOD_NOT_ALLOWED: f"{where}: this path takes {allowed or 'another method'}"}.get(
                   code, f"{where}: {getattr(exc, 'detail', '')}")
    headers = {"Allow": allowed} if allowed else None
    return JSONResponse(error_body(code, message), status_code=http_status(code), headers=headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """The last net (outside the routes' own): an envelope, never a stack trace."""
    return _error(EngineError(Code.SERVER_ERROR, f"internal error: {type(exc).__name__}"))


def create_app(config: EngineConfig) -> Starlette:
    """The engine as an ASGI app; its store opens and its workers start with the app's lifespan."""
    routes = [
        Route(Routes.health, health, methods=["GET"]),
        Route(Routes.anonymous_token, anonymous_token, methods=["POST"]),
        Route(Routes.create_session, create_session, methods=["POST"]),
        Route(Routes.run_sse, run_sse, methods=["POST"]),
        Route(Routes.upload("{session_id}"), upload, methods=["POST"]),
        Route(Routes.credits, credits, methods=["GET"]),
        Route(Routes.state("{session_id}"), state, methods=["GET"]),
        Route(Routes.render, start_render, methods=["POST"]),
        Route(Routes.render_status("{render_id}"), render_status, methods=["GET"]),
        Route(Routes.render_status("{render_id}"), cancel_render, methods=["DELETE"]),
        Route(Routes.file("{kind}", "{name}"), files, methods=["GET", "HEAD"]),
    ]
    return Starlette(routes=routes, lifespan=_lifespan(config), middleware=[Middleware(IdentifyEngine)],
                     exception_handlers={HTTPException: _routing_error, Exception: _unexpected})
