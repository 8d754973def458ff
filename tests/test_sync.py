"""The blocking facade: same API as the async one, usable in scripts, inside a running event
loop (a Jupyter kernel) and from other threads (widget callbacks)."""

import asyncio
import inspect
import threading

import pytest

import musicmaker_nb as mm
from tests.fakes import FakeService, add_bgm


def _public_async_methods(cls):
    return {
        name: member
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and (inspect.iscoroutinefunction(member) or inspect.isasyncgenfunction(member))
    }


@pytest.mark.parametrize(
    "async_cls, sync_cls, not_mirrored",
    [(mm.AsyncMusicMaker, mm.MusicMaker, {"aclose"}), (mm.AsyncSession, mm.Session, {"create", "resume", "aclose"})],
)
def test_sync_and_async_signatures_match(async_cls, sync_cls, not_mirrored):
    methods = _public_async_methods(async_cls)
    assert methods, "nothing to compare"
    for name, async_method in methods.items():
        if name in not_mirrored:
            continue
        sync_method = getattr(sync_cls, name, None)
        assert sync_method is not None, f"{sync_cls.__name__}.{name} is missing"
        assert not inspect.iscoroutinefunction(sync_method), name
        assert inspect.signature(sync_method).parameters == inspect.signature(async_method).parameters, name


def test_session_attributes_are_mirrored():
    for name in ("session_id", "media", "draft", "conversation", "render_ids", "timeline", "pending_renders"):
        assert isinstance(getattr(mm.Session, name), property), name


@pytest.fixture
def service():
    return FakeService(edit=add_bgm)


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "trip.mov"
    path.write_bytes(b"\x00" * 100)
    return path


def _quick_start(service, clip, out):
    session = mm.connect("https://api.test", transport=service.transport(), sleep=_no_wait)
    session.upload(clip)
    reply = session.say("create an upbeat background track for my travel video")
    path = session.export(out)
    session.close()
    return session, reply, path


async def _no_wait(seconds):
    pass


def test_quick_start_in_a_plain_script(service, clip, tmp_path):
    session, reply, path = _quick_start(service, clip, tmp_path / "out.mp4")
    assert "upbeat" in reply.text
    assert list(session.timeline.frame["label"]) == ["trip.mov", "Upbeat pop"]
    assert path.exists()
    assert "BGM: Upbeat pop" in session.summary()
    html = session._repr_html_()
    assert "trip.mov" in html and "<svg" in html and "Upbeat pop" in html  # the timeline's picture
    assert reply._repr_markdown_().startswith("Added an upbeat track.")
    assert mm.Session.resume is mm.resume


def test_works_inside_a_running_event_loop_like_a_jupyter_kernel(service, clip, tmp_path):
    async def cell():
        assert asyncio.get_running_loop().is_running()
        return _quick_start(service, clip, tmp_path / "in_loop.mp4")

    _, reply, path = asyncio.run(cell())
    assert path.exists() and reply.action == "chat"


def test_works_from_another_thread_like_a_widget_callback(service, clip, tmp_path):
    results, errors = [], []

    def callback():
        try:
            results.append(_quick_start(service, clip, tmp_path / "thread.mp4"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=callback)
    thread.start()
    thread.join(30)
    assert not errors and results


def test_submit_runs_in_the_background(service, clip):
    session = mm.connect("https://api.test", transport=service.transport())
    session.upload(clip)
    future = session.submit(session.aio.say("add music"))
    reply = future.result(timeout=30)
    assert "BGM" in session.summary() and reply.text
    session.close()


def test_blocking_call_from_the_loop_thread_is_explained(service, clip):
    session = mm.connect("https://api.test", transport=service.transport())
    caught = []

    def on_text(chunk):
        try:
            session.credits()
        except RuntimeError as exc:
            caught.append(str(exc))

    session.say("add music", on_text=on_text)
    assert caught and "session.aio" in caught[0]
    session.close()


def test_sync_stream_iterates(service):
    with mm.MusicMaker("https://api.test", transport=service.transport()) as client:
        info = client.create_session()
        items = list(client.stream(info.session_id, "hello"))
        assert any(isinstance(item, mm.TextPart) for item in items)
        assert client.credits().available == 100
