"""The async client against a fake of the hosted service (httpx.MockTransport): every route,
every error code, the retry rules, envelopes, the event stream and exports."""

import httpx
import pytest

from musicmaker_nb import (
    APIConnectionError,
    APITimeoutError,
    AsyncMusicMaker,
    AuthenticationError,
    FileTooLargeError,
    Heartbeat,
    InsufficientCreditsError,
    PlanRestrictedError,
    RateLimitError,
    RenderError,
    SessionNotFoundError,
    StreamError,
    TextPart,
    ToolCall,
    UnsupportedFileTypeError,
    __version__,
)
from musicmaker_nb.protocol import HOSTED_FORMATS
from tests.fakes import FakeService

pytestmark = pytest.mark.anyio


@pytest.fixture
def service():
    return FakeService()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
async def client(service, sleeps):
    async def sleep(seconds):
        sleeps.append(seconds)

    async with AsyncMusicMaker("https://api.test", transport=service.transport(), sleep=sleep, platform="cursor") as c:
        yield c


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048)
    return path


async def test_anonymous_token_then_session(client, service):
    info = await client.create_session(language="zh")
    assert info.session_id in service.sessions
    assert info.task_id == f"task_{info.session_id}"
    assert [route for _, route in service.calls] == ["token", "session"]
    token_headers = service.headers_of("token")[0]
    assert "authorization" not in token_headers
    assert token_headers["x-client-id"] == client.client_id


async def test_every_request_carries_attribution_and_auth(client, service, clip):
    session = await client.create_session()
    await client.upload(session.session_id, clip)
    await client.credits()
    await client.state(session.session_id)
    [item async for item in client.stream(session.session_id, "add music")]
    await client.export(session.session_id, (await client.state(session.session_id)).draft, clip.parent / "o.mp4")
    for route, headers in service.seen:
        assert headers["x-skill-source"] == "music-maker"
        assert headers["x-skill-version"] == __version__
        assert headers["x-skill-platform"] == "cursor"
        if route not in ("token",):
            assert headers["authorization"] == f"Bearer {client.token}"
    assert {route for route, _ in service.seen} == {
        "token", "session", "upload", "credits", "state", "run_sse", "render", "render_status", "file"}


async def test_token_from_environment_is_used_as_is(service, monkeypatch):
    service.tokens["tok_env"] = "someone"
    monkeypatch.setenv("NEMO_TOKEN", "tok_env")
    async with AsyncMusicMaker("https://api.test", transport=service.transport()) as client:
        await client.credits()
        assert client.token == "tok_env" and client.token_from_user
    assert [route for _, route in service.calls] == ["credits"]


@pytest.mark.parametrize("enveloped", [True, False])
async def test_answers_with_and_without_envelope(enveloped, sleeps):
    service = FakeService(enveloped=enveloped)
    async with AsyncMusicMaker("https://api.test", transport=service.transport()) as client:
        credits = await client.credits()
        assert (credits.available, credits.frozen, credits.total) == (100, 0, 100)
        session = await client.create_session()
        state = await client.state(session.session_id)
        assert state.draft is None and state.video_infos == []


async def test_upload_file_and_url(client, service, clip):
    session = await client.create_session()
    progress = []
    [media] = await client.upload(session.session_id, clip, on_progress=lambda f, s: progress.append(f))
    assert (media.id, media.name, media.duration_ms, media.width) == ("med_1", "clip.mp4", 10000, 1920)
    assert progress and progress[-1] == 1.0
    [from_url] = await client.upload(session.session_id, "https://cdn.test/beach.mov")
    assert from_url.name == "beach.mov"
    assert (media.source, from_url.source) == (str(clip.resolve()), "https://cdn.test/beach.mov")
    state = await client.state(session.session_id)
    assert state.draft.summary() == "Timeline (1 track, 1920x1080 16:9): 1. Video: clip.mp4 (0-10s)"


async def test_uploads_refused_before_sending(client, service, tmp_path):
    session = await client.create_session()
    calls = len(service.calls)
    with pytest.raises(FileNotFoundError, match="no such file"):
        await client.upload(session.session_id, tmp_path / "missing.mp4")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(UnsupportedFileTypeError, match="mp4, mov, avi"):
        await client.upload(session.session_id, notes)
    with pytest.raises(UnsupportedFileTypeError, match="http"):
        await client.upload(session.session_id, "ftp://example.test/a.mp4")
    huge = tmp_path / "huge.mp4"
    with huge.open("wb") as out:
        out.truncate(200 * 1024 * 1024 + 1)
    with pytest.raises(FileTooLargeError, match="trim"):
        await client.upload(session.session_id, huge)
    assert len(service.calls) == calls


# -- every error code, provoked through the transport -------------------------------------
@pytest.mark.parametrize("as_http_status", [True, False])
@pytest.mark.parametrize(
    "route, code, error, call",
    [
        ("state", 1002, SessionNotFoundError, lambda c, s: c.state(s)),
        ("run_sse", 2001, InsufficientCreditsError, lambda c, s: _drain(c.stream(s, "add music"))),
        ("upload", 4001, UnsupportedFileTypeError, lambda c, s: c.upload(s, "https://cdn.test/a.mp4")),
        ("upload", 4002, FileTooLargeError, lambda c, s: c.upload(s, "https://cdn.test/a.mp4")),
        ("render", 402, PlanRestrictedError, lambda c, s: c.start_render(s, {"d": 1, "t": []})),
    ],
)
async def test_errors_that_are_not_retried(client, service, route, code, error, call, as_http_status):
    session = await client.create_session()
    service.fail_next(route, code, message="from the service", as_http_status=as_http_status)
    with pytest.raises(error) as info:
        await call(client, session.session_id)
    assert info.value.code == code
    assert "from the service" in str(info.value)
    assert [r for _, r in service.calls].count(route) == 1


async def test_out_of_credits_links_registration_for_this_client(client, service):
    service.fail_next("credits", 2001)
    with pytest.raises(InsufficientCreditsError) as info:
        await client.credits()
    assert info.value.registration_url.endswith(f"?bind={client.client_id}")


async def test_expired_token_is_replaced_and_the_call_retried_once(client, service):
    await client.credits()
    old = client.token
    service.fail_next("credits", 1001)
    assert (await client.credits()).available == 100
    assert client.token != old
    assert [r for _, r in service.calls] == ["token", "credits", "credits", "token", "credits"]


async def test_expired_token_twice_gives_up(client, service):
    service.fail_next("credits", 1001)
    service.fail_next("credits", 1001)
    with pytest.raises(AuthenticationError, match="NEMO_TOKEN"):
        await client.credits()


async def test_the_persons_own_token_is_never_swapped(service, monkeypatch):
    monkeypatch.setenv("NEMO_TOKEN", "tok_revoked")
    async with AsyncMusicMaker("https://api.test", transport=service.transport()) as client:
        with pytest.raises(AuthenticationError):
            await client.credits()
    assert "token" not in [r for _, r in service.calls]


async def test_missing_client_id_gets_a_new_one_and_retries(client, service):
    first = client.client_id
    service.fail_next("token", 400)
    await client.credits()
    assert client.client_id != first
    assert service.headers_of("token")[-1]["x-client-id"] == client.client_id


@pytest.mark.parametrize("retry_after, waited", [("3", 3.0), (None, 30.0)])
async def test_rate_limit_waits_then_retries_once(client, service, sleeps, retry_after, waited):
    service.fail_next("credits", 429, retry_after=retry_after)
    assert (await client.credits()).available == 100
    assert sleeps == [waited]


async def test_rate_limit_twice_raises(client, service, sleeps):
    service.fail_next("credits", 429)
    service.fail_next("credits", 429)
    with pytest.raises(RateLimitError, match="wait"):
        await client.credits()
    assert sleeps == [30.0]


async def test_rate_limit_wait_is_configurable(service):
    waits = []

    async def sleep(seconds):
        waits.append(seconds)

    async with AsyncMusicMaker("https://api.test", transport=service.transport(), sleep=sleep,
                               rate_limit_wait_s=0.25) as client:
        service.fail_next("token", 429)
        await client.credits()
    assert waits == [0.25]


async def test_network_failures_are_wrapped():
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request):
        raise httpx.ReadTimeout("timed out", request=request)

    async with AsyncMusicMaker("https://api.test", transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(APIConnectionError, match="could not reach https://api.test"):
            await client.credits()
    async with AsyncMusicMaker("https://api.test", transport=httpx.MockTransport(slow)) as client:
        with pytest.raises(APITimeoutError):
            await client.credits()


# -- the event stream ----------------------------------------------------------------------
async def _drain(iterator):
    return [item async for item in iterator]


async def test_stream_yields_text_tool_calls_and_heartbeats(client, service):
    session = await client.create_session()
    items = await _drain(client.stream(session.session_id, "create an upbeat track"))
    assert items[0] == Heartbeat()
    assert ToolCall("generate_music", {"prompt": "upbeat"}) in items
    text = "".join(item.text for item in items if isinstance(item, TextPart))
    assert text == "Added an upbeat track. Click the Export button when ready."


async def test_stream_retries_after_token_expiry(client, service):
    session = await client.create_session()
    service.fail_next("run_sse", 1001)
    items = await _drain(client.stream(session.session_id, "hi"))
    assert any(isinstance(item, TextPart) for item in items)


async def test_stream_that_is_not_an_event_stream(client, service):
    session = await client.create_session()
    service.sse_chunks = lambda message: ["data: {not json}\n\n"]
    with pytest.raises(StreamError, match="not JSON"):
        await _drain(client.stream(session.session_id, "hi"))


async def test_stream_answered_with_plain_json_events():
    def handler(request):
        if request.url.path == "/run_sse":
            return httpx.Response(200, json=[{"content": {"parts": [{"text": "ok"}]}}])
        return httpx.Response(200, json={"token": "t"})

    async with AsyncMusicMaker("https://api.test", transport=httpx.MockTransport(handler)) as client:
        assert await _drain(client.stream("s", "hi")) == [TextPart("ok")]


# -- export --------------------------------------------------------------------------------
async def test_export_polls_with_progress_and_downloads_atomically(client, service, sleeps, clip, tmp_path):
    session = await client.create_session()
    await client.upload(session.session_id, clip)
    draft = (await client.state(session.session_id)).draft
    progress = []
    target = tmp_path / "out" / "final.mp4"
    result = await client.export(session.session_id, draft, target, on_progress=lambda f, s: progress.append((f, s)))
    assert result == target and target.read_bytes().startswith(b"\x00\x00\x00\x18ftyp")
    assert list(target.parent.iterdir()) == [target]  # no temporary file left behind
    fractions = [f for f, _ in progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {status for _, status in progress} >= {"rendering", "saving", "downloading"}
    # "completed" only at the very end: the render's own end is 90 %, and the file is still to be saved
    assert [fraction for fraction, status in progress if status == "completed"] == [1.0]
    assert sleeps == [client.poll_interval_s] * service.render_steps
    assert client.poll_interval_s == 0.5  # not the hosted service: poll fast


async def test_hosted_service_is_polled_every_30_seconds(service):
    async with AsyncMusicMaker(transport=service.transport()) as client:
        assert client.poll_interval_s == 30


async def test_failed_render_raises_with_the_reason(client, service):
    def failing(request):
        return httpx.Response(200, json={"code": 0, "data": {"token": "t", "status": "failed", "error": "codec exploded"}})

    async with AsyncMusicMaker("https://api.test", transport=httpx.MockTransport(failing)) as client:
        with pytest.raises(RenderError, match="codec exploded") as info:
            await client.wait_render("render_1")
        assert info.value.render_id == "render_1"


async def test_render_deadline(sleeps):
    def forever(request):
        return httpx.Response(200, json={"token": "t", "status": "rendering", "progress": 40})

    async def sleep(seconds):
        sleeps.append(seconds)

    async with AsyncMusicMaker("https://api.test", transport=httpx.MockTransport(forever), sleep=sleep) as client:
        with pytest.raises(RenderError, match="did not finish"):
            await client.wait_render("render_2", deadline_s=0)
        status = await client.render_status("render_2")
        assert (status.status, status.progress) == ("rendering", 0.4)


async def test_broken_download_leaves_no_partial_file(tmp_path):
    def handler(request):
        if request.url.path.startswith("/files"):
            return httpx.Response(500, json={"code": 500, "message": "disk gone"})
        return httpx.Response(200, json={"token": "t", "status": "completed", "output": {"url": "/files/x.mp4"}})

    async with AsyncMusicMaker("https://api.test", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(Exception, match="disk gone"):
            await client.fetch_render("render_3", tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == []


async def test_foreign_download_urls_get_no_token(tmp_path):
    seen = {}

    def handler(request):
        if request.url.host == "cdn.test":
            seen["auth"] = request.headers.get("authorization")
            return httpx.Response(200, content=b"video")
        return httpx.Response(200, json={"token": "t"})

    async with AsyncMusicMaker("https://api.test", transport=httpx.MockTransport(handler)) as client:
        await client.ensure_token()
        await client.download("https://cdn.test/out.mp4", tmp_path / "o.mp4")
    assert seen == {"auth": None}


async def test_a_long_polling_backend_is_not_slept_on(sleeps):
    polls = []

    def handler(request):
        if request.url.path.startswith("/api/render"):
            polls.append(request.url.params.get("wait"))
            done = len(polls) > 2
            return httpx.Response(200, json={"token": "t", "status": "completed" if done else "rendering",
                                             "progress": len(polls) / 3, "long_poll": True,
                                             "output": {"url": "/f.mp4"} if done else None})
        return httpx.Response(200, json={"token": "t"})

    async def sleep(seconds):
        sleeps.append(seconds)

    async with AsyncMusicMaker("http://127.0.0.1:9", transport=httpx.MockTransport(handler), sleep=sleep) as client:
        status = await client.wait_render("render_4")
    assert status.status == "completed" and sleeps == []
    assert polls == ["0.5"] * 3  # the engine is asked to hold each poll up to the interval


async def test_a_render_on_this_machine_is_copied_not_downloaded(tmp_path):
    made = tmp_path / "engine" / "render.mp4"
    made.parent.mkdir()
    made.write_bytes(b"\x00\x00\x00\x18ftypmp42 local")

    def handler(request):
        assert not request.url.path.startswith("/files"), "downloaded over HTTP"
        return httpx.Response(200, json={"token": "t", "status": "completed",
                                         "output": {"url": "/files/r.mp4", "path": str(made)}})

    async with AsyncMusicMaker("http://127.0.0.1:9", transport=httpx.MockTransport(handler)) as client:
        out = await client.fetch_render("render_5", tmp_path / "out" / "mine.mp4")
    assert out.read_bytes() == made.read_bytes()
    assert sorted(p.name for p in out.parent.iterdir()) == ["mine.mp4"]


async def test_a_token_call_inside_a_call_spends_the_calls_one_retry(client, service, sleeps):
    # The token call is rate limited twice: one wait in all, then the error, never a second wait.
    service.fail_next("token", 429)
    service.fail_next("token", 429)
    with pytest.raises(RateLimitError):
        await client.credits()
    assert sleeps == [30.0]
    assert [r for _, r in service.calls] == ["token", "token"]


async def test_each_call_has_its_own_retry(client, service, sleeps):
    service.fail_next("credits", 429)
    await client.credits()
    service.fail_next("credits", 429)
    await client.credits()
    assert sleeps == [30.0, 30.0]


async def test_out_of_credits_with_a_persons_own_token_says_top_up(service, monkeypatch):
    monkeypatch.setenv("NEMO_TOKEN", "tok_person")
    service.tokens["tok_person"] = "their-client"
    async with AsyncMusicMaker("https://api.test", transport=service.transport()) as client:
        service.fail_next("credits", 2001)
        with pytest.raises(InsufficientCreditsError) as info:
            await client.credits()
    assert info.value.registration_url is None and "bind" not in str(info.value)
    assert "Top up" in str(info.value)


async def test_a_hosted_style_backend_gets_its_own_list_checked_before_sending(client, service, tmp_path):
    session = await client.create_session()
    assert client.upload_formats is not None and "jpeg" not in client.upload_formats
    photo = tmp_path / "photo.jpeg"
    photo.write_bytes(b"\xff\xd8\xff")
    calls = len(service.calls)
    with pytest.raises(UnsupportedFileTypeError) as refused:
        await client.upload(session.session_id, photo)
    assert refused.value.formats == HOSTED_FORMATS and "jpg, png" in refused.value.hint
    assert len(service.calls) == calls  # nothing was sent


async def test_cancelling_is_refused_locally_by_a_hosted_style_backend(client, service):
    with pytest.raises(RenderError, match="not available on the hosted"):
        await client.cancel_render("render_1")  # its first call: it asks who it is talking to first
    assert [method for method, _ in service.calls if method == "DELETE"] == []


async def test_a_cancelled_render_ends_the_wait(sleeps):
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("anonymous-token"):
            return httpx.Response(200, json={"code": 0, "data": {"token": "t"}})
        return httpx.Response(200, json={"code": 0, "data": {"id": "render_1", "status": "cancelled"}})

    async def sleep(seconds):
        sleeps.append(seconds)

    async with AsyncMusicMaker("http://127.0.0.1:9", transport=httpx.MockTransport(handler), sleep=sleep) as c:
        with pytest.raises(RenderError, match="cancelled"):
            await c.wait_render("render_1")
