"""The media widget's kernel side: chunks on request, exact bytes, flat memory, Blob release."""

from __future__ import annotations

import hashlib
import os
import time
import tracemalloc

import pytest

import musicmaker_nb as mm

from musicmaker_nb.widgets import MediaFile, Player
from musicmaker_nb.widgets._media import CHUNK_BYTES, SENT, SERVED, absolute_forms, chunk_reply
from musicmaker_nb.widgets._player import preview_frame

from .comms import page_asks, use_recording_comms

WEBSOCKET_LIMIT = 10 * 1024 * 1024


@pytest.fixture
def sent(monkeypatch):
    """Every custom message the widgets send, as (content, buffers)."""
    messages: list[tuple[dict, list]] = []
    use_recording_comms(monkeypatch, lambda content, buffers: messages.append((content, buffers)))
    return messages


def fetch_all(widget: MediaFile, sent: list, request: str = "r1") -> bytes:
    """Ask chunk after chunk as the page does, and put the file back together."""
    received, offset = bytearray(), 0
    while True:
        page_asks(widget, {"type": "read", "serial": widget.serial, "offset": offset, "request": request})
        content, buffers = sent[-1]
        assert content["type"] == "chunk" and content["request"] == request and content["offset"] == offset
        received += bytes(buffers[0])
        offset += len(buffers[0])
        if content["last"]:
            assert content["size"] == len(received)
            return bytes(received)


def test_chunks_come_on_request_and_reassemble_to_the_exact_bytes(sent, tmp_path):
    data = os.urandom(2 * CHUNK_BYTES + 12345)
    path = tmp_path / "out" / "clip one.mp4"
    path.parent.mkdir()
    path.write_bytes(data)
    widget = MediaFile(path, root=tmp_path)
    assert sent == []  # nothing moves until the page asks
    assert fetch_all(widget, sent) == data
    assert len(sent) == 3 and all(len(buffers[0]) <= CHUNK_BYTES for _, buffers in sent)
    assert CHUNK_BYTES < WEBSOCKET_LIMIT // 2
    assert widget.bytes_sent == len(data)
    assert (widget.src, widget.name, widget.size, widget.mime, widget.kind) == (
        "out/clip one.mp4", "clip one.mp4", len(data), "video/mp4", "video")


def test_a_request_for_a_file_no_longer_shown_is_refused(sent, tmp_path):
    first, second = tmp_path / "a.mp4", tmp_path / "b.m4a"
    first.write_bytes(b"a" * 100)
    second.write_bytes(b"b" * 50)
    widget = MediaFile(first, root=tmp_path)
    old_serial = widget.serial
    widget.show(second)
    assert sent[-1][0] == {"type": "release", "serial": old_serial}  # the page revokes the old Blob
    assert widget.kind == "audio" and widget.mime == "audio/mp4"
    page_asks(widget, {"type": "read", "serial": old_serial, "offset": 0, "request": "late"})
    assert sent[-1][0]["type"] == "error" and sent[-1][1] == []
    assert fetch_all(widget, sent) == b"b" * 50


def test_bad_requests_get_an_error_not_a_crash(tmp_path):
    path = tmp_path / "a.mp4"
    path.write_bytes(b"x" * 10)
    assert chunk_reply({"serial": 1, "offset": -5}, 1, path)[0]["type"] == "error"
    assert chunk_reply({"serial": 1, "offset": "0"}, 1, path)[0]["type"] == "error"
    assert chunk_reply({"serial": 1, "offset": 0}, 1, None)[0]["type"] == "error"
    path.unlink()
    assert "a.mp4" in chunk_reply({"serial": 1, "offset": 0}, 1, path)[0]["message"]


def test_a_file_outside_the_root_has_no_relative_url_but_its_absolute_forms(tmp_path):
    path = tmp_path / "elsewhere.mp4"
    path.write_bytes(b"x")
    widget = MediaFile(path, root=tmp_path / "notebooks")
    assert widget.src == "" and widget.paths[0] == path.resolve().as_posix()
    assert absolute_forms(path, home=tmp_path) == [path.resolve().as_posix(), "~/elsewhere.mp4"]


def test_the_browser_sets_mode_and_current_time(tmp_path):
    path = tmp_path / "a.mp4"
    path.write_bytes(b"x")
    widget = MediaFile(path, root=tmp_path)
    widget.set_state({"mode": SENT, "current_time": 2.5})  # what the page's save_changes does
    assert (widget.mode, widget.current_time) == (SENT, 2.5)
    widget.show(path)
    assert (widget.mode, widget.current_time) == ("", 0.0)
    assert SERVED == "served by Jupyter"
    assert len(repr(widget)) < 120


def test_the_es_module_travels_in_the_widget_state(tmp_path):
    state = MediaFile(root=tmp_path).get_state()
    assert "export default { render }" in str(state["_esm"])


@pytest.mark.slow
def test_sending_100_mb_keeps_kernel_memory_flat(monkeypatch, tmp_path):
    path = tmp_path / "big.mp4"
    block = os.urandom(1024 * 1024)
    with path.open("wb") as out:
        for _ in range(100):
            out.write(block)
    digest = hashlib.sha256()
    sizes: list[int] = []

    def consume(content, buffers):  # what the websocket does: send and let go
        if buffers:
            digest.update(buffers[0])
            sizes.append(len(buffers[0]))
            replies.append(content)

    replies: list[dict] = []
    use_recording_comms(monkeypatch, consume)
    widget = MediaFile(path, root=tmp_path)
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        began = time.perf_counter()
        offset = 0
        while not (replies and replies[-1]["last"]):
            page_asks(widget, {"type": "read", "serial": widget.serial, "offset": offset, "request": "big"})
            offset += sizes[-1]
        seconds = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert offset == path.stat().st_size and digest.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()
    assert peak - start < 16 * 1024 * 1024, f"peak {peak - start} bytes above the start"
    print(f"100 MB in {len(sizes)} chunks of {CHUNK_BYTES} bytes, {seconds:.2f} s, "
          f"peak +{(peak - start) / 2**20:.1f} MiB")


def eventually(check, timeout: float = 10) -> None:
    """The player follows the session on the client's loop thread: wait for it to catch up."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the player did not catch up"
        time.sleep(0.01)


def test_a_light_preview_keeps_the_shape_in_540_lines():
    assert preview_frame(1920, 1080) == (960, 540)
    assert preview_frame(1080, 1920) == (540, 960)
    assert preview_frame(1080, 1080) == (540, 540)
    assert preview_frame(2560, 1070) == (1292, 540)  # even sides for H.264
    assert preview_frame(640, 360) is None and preview_frame(None, 1080) is None


def test_a_new_player_on_a_session_with_music_plays_it(session, clip):
    session.upload(clip)
    session.say("create an upbeat background track")
    player = Player(session, root=clip.parent)
    eventually(lambda: player.media.name.startswith("preview_"))
    assert "Nothing to play yet" not in player.caption.value and "preview" in player.caption.value


def test_the_player_follows_the_sessions_music_and_deletes_the_old_preview(session, service, clip):
    session.upload(clip)
    player = Player(session, root=clip.parent)
    session.say("create an upbeat background track")  # another view (the grid, say) changes the draft
    eventually(lambda: player.media.name.startswith("preview_"))
    first = player.path
    service.edit = lambda draft, message: draft.with_bgm("gen_2", label="Lo-fi", volume=0.3)
    session.say("make it lo-fi")
    eventually(lambda: player.path != first and not first.exists())
    assert player.path.is_file()
    assert [path.name for path in player.path.parent.iterdir()] == [player.path.name]


def test_a_player_that_does_not_follow_says_its_preview_is_out_of_date(session, service, clip):
    session.upload(clip)
    session.say("create an upbeat background track")
    player = Player(session, root=clip.parent, follow=False)
    session.submit(player.preview()).result(10)
    service.edit = lambda draft, message: draft.with_bgm("gen_2", label="Lo-fi", volume=0.3)
    session.say("make it lo-fi")
    assert "out of date" in player.caption.value


def test_a_failed_preview_is_tried_again_for_the_same_music(session, service, clip):
    session.upload(clip)
    session.say("create an upbeat background track")
    player = Player(session, root=clip.parent, follow=False)
    service.fail_next("render", 402, message="export blocked")
    with pytest.raises(mm.MusicMakerError):
        session.submit(player.preview()).result(10)
    assert session.submit(player.preview()).result(10).is_file()


@pytest.mark.slow
def test_a_preview_on_the_real_engine_is_540p_and_small(tmp_path):
    """The draft of a 1080p clip previews at 960x540: a fraction of the export's size."""
    import subprocess

    import imageio_ffmpeg

    clip = tmp_path / "clip1080.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=1920x1080:rate=30:d=4", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", str(clip)], check=True, timeout=120)
    session = mm.connect()
    try:
        session.upload(clip)
        session.say("create an upbeat background track for my travel video")
        player = Player(session, root=tmp_path, follow=False)
        path = session.submit(player.preview()).result(180)
        reader = imageio_ffmpeg.read_frames(str(path))
        meta = next(reader)
        reader.close()
        assert tuple(meta["size"]) == (960, 540) and meta["audio_codec"] == "aac"
        assert "preview, 540p" in player.caption.value
        assert path.stat().st_size < 1_500_000, path.stat().st_size
        print(f"\npreview of a 4 s 1080p clip: {meta['size']}, {path.stat().st_size} bytes")
    finally:
        session.close()
