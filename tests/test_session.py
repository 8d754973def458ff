"""The session: intent routing, streaming replies, silent edits, exports, and resuming after a restart."""

import pytest

import musicmaker_nb as mm
from musicmaker_nb import AsyncMusicMaker, AsyncSession
from musicmaker_nb.client._session import HeartbeatNotices
from tests.fakes import FakeService, add_bgm, default_sse_chunks, event

pytestmark = pytest.mark.anyio


@pytest.fixture
def service():
    return FakeService(edit=add_bgm)


@pytest.fixture
async def session(service):
    async def no_wait(seconds):
        pass

    client = AsyncMusicMaker("https://api.test", transport=service.transport(), sleep=no_wait)
    session = await AsyncSession.create(client)
    yield session
    await session.aclose()


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "city.mp4"
    path.write_bytes(b"\x00" * 1000)
    return path


async def test_upload_then_say_streams_text_and_updates_the_timeline(session, clip):
    media = await session.upload(clip)
    assert session.media == (media,)
    assert session.summary() == "Timeline (1 track, 1920x1080 16:9): 1. Video: city.mp4 (0-10s)"
    chunks = []
    reply = await session.say("create an upbeat background track for my travel video", on_text=chunks.append)
    assert chunks == ["Added an upbeat track. ", "Click the Export button when ready."]
    assert reply.action == "chat"
    assert reply.text.startswith("Added an upbeat track. Click the Export button [run session.export()")
    assert reply.tool_calls == ("generate_music",)
    assert "added BGM: Upbeat pop (0-10s, 35%)" in reply.changes
    assert list(session.timeline.frame["label"]) == ["city.mp4", "Upbeat pop"]
    assert [turn.role for turn in session.conversation] == ["user", "assistant"]


async def test_change_listeners_hear_every_new_draft_and_only_new_ones(session, clip):
    heard = []
    stop = session.on_change(lambda changed: heard.append(changed.draft.summary()))
    session.on_change(lambda changed: 1 / 0)  # a broken view does not stop the others or the session
    await session.upload(clip)
    await session.state()  # read again, nothing new: no call
    await session.say("create an upbeat background track for my travel video")
    assert heard == ["Timeline (1 track, 1920x1080 16:9): 1. Video: city.mp4 (0-10s)",
                     "Timeline (2 tracks, 1920x1080 16:9): 1. Video: city.mp4 (0-10s) 2. BGM: Upbeat pop (0-10s, 35%)"]
    stop()
    await session.say("make the music quieter")
    assert len(heard) == 2


async def test_a_stream_without_text_is_explained_from_the_state(session, service, clip):
    await session.upload(clip)
    service.sse_chunks = lambda message: [": ping\n\n", event(call="set_bgm"), "data:\n\n"]
    reply = await session.say("add music")
    assert reply.text.startswith("Updated the timeline: added BGM: Upbeat pop (0-10s, 35%).")
    assert reply.text.endswith(session.summary())


async def test_a_silent_stream_that_changed_nothing(session, service):
    service.sse_chunks = lambda message: [": ping\n\n"]
    assert (await session.say("hmm")).text == "Done; nothing changed in the timeline."


async def test_open_panel_phrases_show_the_timeline(session, service, clip):
    await session.upload(clip)
    service.sse_chunks = lambda message: [event("Done. Open the music panel to check it.")]
    reply = await session.say("add music")
    assert "[the session state was read for you]" in reply.text
    assert reply.text.endswith(session.summary())


async def test_heartbeat_notices_come_once_per_quiet_interval():
    now = [0.0]
    notices = HeartbeatNotices(120, lambda: now[0])
    seen = []
    for second in range(0, 400, 2):
        now[0] = second
        if second == 200:
            notices.text_arrived()
        seen.append(notices.heartbeat())
    assert [i * 2 for i, due in enumerate(seen) if due] == [120, 320]


async def test_say_reports_heartbeats_to_the_caller(session, service):
    service.sse_chunks = lambda message: [": ping\n\n"] * 5
    beats = []
    await session.say("think hard", on_heartbeat=lambda: beats.append(1), heartbeat_notice_s=0)
    assert len(beats) == 5


@pytest.mark.parametrize(
    "text, expected",
    [("积分", "You have 100 credits left."), ("what's my balance", "You have 100 credits left.")],
)
async def test_credits_are_answered_without_the_stream(session, service, text, expected):
    assert (await session.say(text)).text == expected
    assert "run_sse" not in [route for _, route in service.calls]


async def test_credits_after_spending_say_what_is_left_of_the_grant(session, service):
    service.credits = 90  # the hosted service answers total: the 100 granted
    assert (await session.say("what's my balance")).text == "You have 90 of 100 credits left."


@pytest.mark.parametrize(("available", "frozen", "total", "text"), [
    (90, 0, 90, "90 credits left"),  # our engine: total = available + frozen, no grant to compare with
    (80, 10, 90, "80 credits left (10 held for running jobs)"),
    (80, 10, 100, "80 of 100 credits left (10 held for running jobs)"),
    (90, 0, None, "90 credits left"),
])
def test_credits_never_read_as_all_of_a_total_they_spent(available, frozen, total, text):
    assert str(mm.Credits(available, frozen, total)) == text


async def test_status_and_upload_by_saying(session, service, clip):
    reply = await session.say(f"upload {clip}")
    assert reply.action == "upload" and "city.mp4 (video, 10.0 s, 1920x1080)" in reply.text
    assert (await session.say("show tracks")).text == session.summary()
    assert "Which file?" in (await session.say("上传")).text
    assert "run_sse" not in [route for _, route in service.calls]


async def test_export_by_saying_writes_an_mp4(session, clip, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    await session.upload(clip)
    reply = await session.say("导出")
    assert reply.action == "export"
    [written] = list(tmp_path.glob("musicmaker_*.mp4"))
    assert str(written.name) in reply.text
    assert "has no music" in reply.text  # said in the reply, not as a warning


async def test_exporting_a_timeline_without_music_warns(session, clip, tmp_path):
    await session.upload(clip)
    with pytest.warns(mm.NoMusicWarning, match="no music"):
        await session.export(tmp_path / "silent.mp4")
    assert (tmp_path / "silent.mp4").exists()


async def test_export_before_upload_is_a_clear_error(session):
    with pytest.raises(mm.MusicMakerError, match="upload a clip first"):
        await session.export("x.mp4")


async def test_empty_message_is_refused(session):
    with pytest.raises(ValueError, match="needs some text"):
        await session.say("   ")


async def test_session_not_found_then_restart(session, service, clip):
    del service.sessions[session.session_id]
    with pytest.raises(mm.SessionNotFoundError, match="restart"):
        await session.state()
    old = session.session_id
    await session.restart()
    assert session.session_id != old and session.draft is None
    await session.upload(clip)


async def test_resume_after_a_kernel_restart_fetches_a_pending_render(service, clip, tmp_path):
    transport = service.transport()
    first = await mm.aconnect("https://api.test", transport=transport)
    await first.upload(clip)
    render_id = await first.start_render(path=tmp_path / "later.mp4")
    # the kernel dies here: nothing in memory survives, only the records on disk
    again = await mm.aresume(base_url="https://api.test", transport=transport)
    assert again.session_id == first.session_id
    assert again.client.token == first.client.token
    assert again.pending_renders == {render_id: str(tmp_path / "later.mp4")}
    assert again.draft == first.draft
    path = await again.wait_render(render_id)
    assert path.read_bytes().startswith(b"\x00\x00\x00\x18ftyp")
    assert again.pending_renders == {}
    await first.aclose()
    await again.aclose()


async def test_resume_without_a_saved_session_says_so():
    with pytest.raises(mm.MusicMakerError, match="no saved session"):
        await mm.aresume(base_url="https://nowhere.test")


async def test_undo_and_redo_are_said_to_the_backend(session, service, clip):
    said: list[str] = []
    service.sse_chunks = lambda message: said.append(message) or default_sse_chunks(message)
    await session.upload(clip)
    reply = await session.undo()
    await session.redo()
    assert said == ["undo", "redo"] and reply.text
