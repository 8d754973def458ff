"""End to end: the real client against the real engine on loopback, the MP4 checked by probing."""

from __future__ import annotations

import subprocess
import time
import sys
import textwrap

import pytest

import musicmaker_nb as mm
from musicmaker_nb.engine.media._probe import measure_loudness, probe

from .conftest import make_clip, package_env

TARGET_LUFS = -14.0


@pytest.fixture(autouse=True)
def records_in_tmp(monkeypatch, tmp_path) -> None:
    """The client keeps its session records under $MUSICMAKER_HOME: keep them out of the user's."""
    monkeypatch.setenv("MUSICMAKER_HOME", str(tmp_path / "client-home"))


@pytest.fixture
def session(engine):
    opened = mm.connect(base_url=engine.base_url)
    yield opened
    opened.close()


def check_mp4(path, *, width: int, height: int, duration_ms: float, fps: float = 15.0) -> None:
    info = probe(path)
    assert (info.kind, info.video_codec, info.width, info.height) == ("video", "h264", width, height)
    assert abs(info.duration_ms - duration_ms) <= 1000 / fps + 1, info.duration_ms
    assert info.has_audio and info.audio_codec == "aac"
    assert abs(measure_loudness(path).integrated_lufs - TARGET_LUFS) <= 1.5


@pytest.mark.slow
def test_upload_say_state_credits_export(session, clip, tmp_path) -> None:
    media = session.upload(clip)
    assert (media.kind, media.duration_ms, media.width, media.height) == ("video", 2000, 320, 180)
    reply = session.say("create an upbeat background track for my travel video")
    assert "as background music at 35%" in reply.text
    reply = session.say("add the title 'Urban Dreams' for 1 second")
    assert reply.draft is not None and "Urban Dreams" in reply.draft.summary()
    state = session.state()
    assert len(state.generated_media) == 1 and state.video_infos[0]["name"] == "city.mp4"
    credits = session.credits()
    assert (credits.available, credits.frozen, credits.total) == (90, 0, 90)
    seen: list[float] = []
    out = session.export(tmp_path / "out.mp4", on_progress=lambda fraction, status=None: seen.append(fraction))
    check_mp4(out, width=1920, height=1080, duration_ms=session.draft.duration_ms)
    assert seen and max(seen) == pytest.approx(1.0)


@pytest.mark.slow
def test_portrait_export(session, clip, tmp_path) -> None:
    session.upload(clip)
    session.say("make it 9:16")
    with pytest.warns(mm.NoMusicWarning):  # a frame change alone: the video keeps its own sound
        exported = session.export(tmp_path / "tall.mp4")
    check_mp4(exported, width=1080, height=1920, duration_ms=2000)


def test_error_codes_reach_the_client_as_their_exceptions(start_engine, engine, session, tmp_path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 10)
    with pytest.raises(mm.UnsupportedFileTypeError):
        session.upload(text)
    with pytest.raises(mm.AuthenticationError):
        with mm.connect(base_url=engine.base_url, token="mm_not-a-token"):
            pass
    small = start_engine(max_upload_bytes=8 * 1024, initial_credits=5)
    with mm.connect(base_url=small.base_url) as poor:
        with pytest.raises(mm.FileTooLargeError):
            poor.upload(make_clip(tmp_path / "clip.mp4", seconds=0.5))
        poor.upload(make_tiny_wav(tmp_path / "tiny.wav"))
        with pytest.raises(mm.InsufficientCreditsError):
            poor.say("add calm piano music")


def test_the_engine_decides_uploads_by_content(session, clip, tmp_path) -> None:
    # The engine says who it is, so the client stops checking names against the hosted list:
    # a clip without an extension is accepted by its content, and a text file is refused by the
    # engine with the engine's own formats in the hint.
    assert session.client.upload_formats is None
    nameless = tmp_path / "clip_without_a_suffix"
    nameless.write_bytes(clip.read_bytes())
    assert session.upload(nameless).kind == "video"
    notes = tmp_path / "notes.txt"
    notes.write_text("plain text\n")
    with pytest.raises(mm.UnsupportedFileTypeError, match="jpeg") as refused:
        session.upload(notes)
    assert refused.value.status_code == 415  # it went to the engine and came back


def test_an_export_can_be_cancelled(session, clip, tmp_path) -> None:
    session.upload(clip)
    render_id = session.start_render(path=tmp_path / "never.mp4")
    status = session.cancel_render()
    assert (status.id, status.status) == (render_id, "cancelled")
    assert session.pending_renders == {}
    with pytest.raises(mm.RenderError, match="cancelled"):
        session.client.wait_render(render_id)
    assert not (tmp_path / "never.mp4").exists()


def make_tiny_wav(path):
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 2000)
    return path


def test_another_tokens_session_is_not_found(engine, session, clip) -> None:
    session.upload(clip)
    with mm.connect(base_url=engine.base_url) as other:
        other.aio.session_id = session.session_id
        with pytest.raises(mm.SessionNotFoundError):
            other.state()


@pytest.mark.slow
def test_the_kernel_dies_and_the_render_is_picked_up(engine, clip, tmp_path) -> None:
    script = textwrap.dedent(f"""
        import os, musicmaker_nb as mm
        session = mm.connect(base_url={engine.base_url!r})
        session.upload({str(clip)!r})
        session.say("add the title 'Back again' for 1 second")
        print(session.start_render(path={str(tmp_path / "late.mp4")!r}), flush=True)
        os._exit(0)  # the kernel is gone without closing anything
    """)
    started = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                             env=package_env())
    assert started.returncode == 0, started.stderr
    render_id = started.stdout.strip().splitlines()[-1]
    resumed = mm.resume(base_url=engine.base_url)
    try:
        assert render_id in resumed.pending_renders
        path = resumed.wait_render(render_id)
        assert path == tmp_path / "late.mp4"
        check_mp4(path, width=1920, height=1080, duration_ms=2000)
    finally:
        resumed.close()


def test_the_client_waits_out_a_429(start_engine, clip) -> None:
    limited = start_engine(rate_per_s=1.0, rate_burst=2)
    with mm.connect(base_url=limited.base_url) as session:  # creating the session takes one request
        started = time.monotonic()
        session.credits()
        assert session.credits().available == 100  # the bucket was empty: 429, Retry-After 1 s, retried
        assert time.monotonic() - started >= 0.5
