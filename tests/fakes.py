"""A fake of the hosted Music Maker service, for ``httpx.MockTransport`` (no network).

It keeps tokens, sessions, media, drafts, credits and renders like the real service, answers in
the envelope (or without it, ``enveloped=False``), streams ``/run_sse`` with heartbeats and split
lines, and can be told to fail the next call to a route with any error code.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable

import httpx

from musicmaker_nb import Draft

ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")
HTTP_STATUS = {1001: 401, 1002: 404, 2001: 402, 4001: 415, 4002: 413, 400: 400, 402: 402, 429: 429}


@dataclass
class Fault:
    code: int
    message: str = "injected"
    as_http_status: bool = True
    retry_after: str | None = None


@dataclass
class FakeService:
    enveloped: bool = True
    credits: int = 100
    sse_chunks: Callable[[str], list[str]] | None = None  # message -> raw SSE text chunks
    edit: Callable[[Draft, str], Draft] | None = None  # message -> new draft
    render_steps: int = 2
    append_clips: bool = False  # the draft holds every upload one after another (the first only, when False)
    calls: list[tuple[str, str]] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # token -> client id
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    renders: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploaded_bytes: int = 0

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def streaming_transport(self) -> httpx.AsyncBaseTransport:
        """Like ``transport()``, but request bodies reach the handler unread (MockTransport reads
        them whole first, which would hide an upload that is not streamed)."""
        return _UnbufferedTransport(self.handler)

    def fail_next(self, route: str, code: int, **kwargs: Any) -> None:
        self.faults.setdefault(route, []).append(Fault(code, **kwargs))

    def headers_of(self, route: str) -> list[httpx.Headers]:
        return [headers for name, headers in self.seen if name == route]

    # -- dispatch --------------------------------------------------------------------------
    async def handler(self, request: httpx.Request) -> httpx.Response:
        route = _route_name(request)
        self.calls.append((request.method, route))
        self.seen.append((route, request.headers))
        faults = self.faults.get(route)
        if faults:
            return self._error(faults.pop(0))
        missing = [h for h in ATTRIBUTION if h not in request.headers]
        if missing:
            return self._error(Fault(402, f"missing attribution header {missing[0]}"))
        if route == "token":
            return self._token(request)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens and route != "file":
            return self._error(Fault(1001, "token expired"))
        return await getattr(self, f"_{route}")(request)

    def __post_init__(self) -> None:
        self.seen: list[tuple[str, httpx.Headers]] = []

    def _ok(self, data: Any) -> httpx.Response:
        body = {"code": 0, "message": "ok", "data": data} if self.enveloped else data
        return httpx.Response(200, json=body)

    def _error(self, fault: Fault) -> httpx.Response:
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        body = {"code": fault.code, "message": fault.message, "data": None}
        if fault.as_http_status:
            return httpx.Response(HTTP_STATUS.get(fault.code, 500), json=body, headers=headers)
        return httpx.Response(200, json=body, headers=headers)

    # -- routes ----------------------------------------------------------------------------
    def _token(self, request: httpx.Request) -> httpx.Response:
        client_id = request.headers.get("x-client-id")
        if not client_id:
            return self._error(Fault(400, "missing X-Client-Id"))
        token = f"tok_{uuid.uuid4().hex[:8]}"
        self.tokens[token] = client_id
        return self._ok({"token": token, "credits": 100, "expires_at": "2026-12-06T00:00:00Z"})

    async def _session(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body == {"task_name": "project", "language": body["language"]}
        session_id = f"ses_{uuid.uuid4().hex[:8]}"
        self.sessions[session_id] = {"draft": None, "media": [], "generated": []}
        return self._ok({"task_id": f"task_{session_id}", "session_id": session_id})

    async def _credits(self, request: httpx.Request) -> httpx.Response:
        return self._ok({"available": self.credits, "frozen": 0, "total": 100})

    def _session_for(self, request: httpx.Request) -> dict[str, Any] | None:
        match = re.search(r"/me/(ses_\w+)", request.url.path)
        return self.sessions.get(match.group(1)) if match else None

    async def _state(self, request: httpx.Request) -> httpx.Response:
        session = self._session_for(request)
        if session is None:
            return self._error(Fault(1002, "session not found"))
        draft = session["draft"].to_dict() if session["draft"] else None
        return self._ok({"state": {"draft": draft, "video_infos": session["media"], "generated_media": session["generated"]}})

    async def _upload(self, request: httpx.Request) -> httpx.Response:
        session = self._session_for(request)
        if session is None:
            return self._error(Fault(1002, "session not found"))
        if request.headers.get("content-type", "").startswith("application/json"):
            urls = json.loads(request.content)["urls"]
            names = [url.rsplit("/", 1)[-1] for url in urls]
        else:
            size = 0
            head = b""
            async for chunk in request.stream:  # consumed as it comes, like the real service
                size += len(chunk)
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
            self.uploaded_bytes += size
            names = re.findall(rb'filename="([^"]+)"', head)
            names = [name.decode() for name in names]
        stored = []
        for name in names:
            medium = {"id": f"med_{len(session['media']) + 1}", "name": name, "kind": "video",
                      "duration_ms": 10000, "width": 1920, "height": 1080}
            session["media"].append(medium)
            stored.append(medium)
        shown = session["media"] if self.append_clips else session["media"][:1]
        segments = [{"id": f"sg{n}", "src": m["id"], "s": 10000 * (n - 1), "d": 10000, "o": 0, "v": 1.0,
                     "m": {"label": m["name"]}} for n, m in enumerate(shown, 1)]
        old_tracks = ([t.to_dict() for t in session["draft"].tracks[1:]] if self.append_clips and session["draft"]
                      else [])
        session["draft"] = Draft.from_dict({"d": 10000 * len(shown), "m": {"w": 1920, "h": 1080, "fps": 30},
                                            "t": [{"tt": 0, "m": {"name": "Video"}, "sg": segments}, *old_tracks]})
        return self._ok({"media": stored})

    async def _run_sse(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert request.headers["accept"] == "text/event-stream"
        session = self.sessions.get(body["session_id"])
        if session is None:
            return self._error(Fault(1002, "session not found"))
        message = body["new_message"]["parts"][0]["text"]
        if self.edit is not None and session["draft"] is not None:
            session["draft"] = self.edit(session["draft"], message)
        chunks = (self.sse_chunks or default_sse_chunks)(message)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=_stream(chunks))

    async def _render(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["output"] == {"format": "mp4", "quality": body["output"]["quality"]}
        Draft.from_dict(body["draft"])
        self.renders[body["id"]] = {"polls": 0, "session": body["sessionId"], "draft": body["draft"]}
        return self._ok({"id": body["id"], "status": "queued"})

    async def _render_status(self, request: httpx.Request) -> httpx.Response:
        render_id = request.url.path.rsplit("/", 1)[-1]
        job = self.renders[render_id]
        job["polls"] += 1
        if job["polls"] <= self.render_steps:
            return self._ok({"id": render_id, "status": "rendering", "progress": job["polls"] / (self.render_steps + 1)})
        return self._ok({"id": render_id, "status": "completed", "progress": 1,
                         "output": {"url": f"/files/{render_id}.mp4"}})

    async def _file(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42" + b"x" * 5000)


class _UnbufferedTransport(httpx.AsyncBaseTransport):
    def __init__(self, handler: Callable[[httpx.Request], Any]) -> None:
        self.handler = handler

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.handler(request)


def _route_name(request: httpx.Request) -> str:
    path = request.url.path
    for pattern, name in (
        (r"^/api/auth/anonymous-token$", "token"),
        (r"^/api/tasks/me/with-session/nemo_agent$", "session"),
        (r"^/run_sse$", "run_sse"),
        (r"^/api/upload-video/nemo_agent/me/[^/]+$", "upload"),
        (r"^/api/credits/balance/simple$", "credits"),
        (r"^/api/state/nemo_agent/me/[^/]+/latest$", "state"),
        (r"^/api/render/proxy/lambda$", "render"),
        (r"^/api/render/proxy/lambda/[^/]+$", "render_status"),
        (r"^/files/", "file"),
    ):
        if re.match(pattern, path):
            return name
    raise AssertionError(f"the client called an unknown route: {request.method} {path}")


def event(text: str | None = None, *, partial: bool = False, call: str | None = None, result: str | None = None) -> str:
    part: dict[str, Any]
    if call:
        part = {"functionCall": {"name": call, "args": {"prompt": "upbeat"}}}
    elif result:
        part = {"functionResponse": {"name": result, "response": {"ok": True}}}
    else:
        part = {"text": text}
    payload = {"id": uuid.uuid4().hex, "author": "nemo_agent", "invocationId": "inv1", "partial": partial,
               "content": {"role": "model", "parts": [part]}}
    return f"data: {json.dumps(payload)}\n\n"


def default_sse_chunks(message: str) -> list[str]:
    """Heartbeats, a tool call and its result, text in partial chunks, then the final whole text."""
    whole = event("Added an upbeat track. Click the Export button when ready.")
    return [
        ": ping\n\n",
        "data:\n\n",
        event(call="generate_music") + event(result="generate_music"),
        event("Added an upbeat track. ", partial=True),
        event("Click the Export button when ready.", partial=True),
        whole[:37],  # a line split across chunks
        whole[37:],
    ]


async def _stream(chunks: list[str]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        await asyncio.sleep(0)
        yield chunk.encode()


def add_bgm(draft: Draft, message: str) -> Draft:
    return draft.with_bgm("gen_1", label="Upbeat pop", volume=0.35)


def record_messages(service: FakeService) -> list[str]:
    """The messages the fake backend's agent gets from now on (each still adds the music)."""
    messages: list[str] = []

    def edit(draft: Draft, message: str) -> Draft:
        messages.append(message)
        return add_bgm(draft, message)

    service.edit = edit
    return messages
