"""The app's parts against the real Session and the fake service (ipywidgets' dummy comm, no browser)."""

from __future__ import annotations

import threading
from pathlib import Path

import ipywidgets

from musicmaker_nb.widgets import MusicMakerApp, Player, PromptPanel, UploadPanel
from musicmaker_nb.widgets._log import STILL_WORKING
from musicmaker_nb.widgets._player import INLINE_VIDEO_LIMIT_BYTES
from tests.fakes import default_sse_chunks, event

from .conftest import values_of

TIMEOUT = 10


def browser_picks(upload: ipywidgets.FileUpload, name: str, content: bytes) -> None:
    """What the browser's FileUpload sends for one picked file, through the comm's deserializer."""
    upload.set_state({"value": [{"name": name, "type": "video/mp4", "size": len(content),
                                 "content": memoryview(content), "last_modified": 1_700_000_000_000}]})


def test_file_upload_sets_the_sessions_media(session, tmp_path):
    app = MusicMakerApp(session, root=tmp_path)
    browser_picks(app.upload.file_upload, "trip.mp4", b"\x00" * 1500)
    app.wait(TIMEOUT)
    assert [media.name for media in session.media] == ["trip.mp4"]
    assert (tmp_path / "musicmaker_files" / "uploads" / "trip.mp4").read_bytes() == b"\x00" * 1500
    assert "trip.mp4" in app.upload.media_view.value and "1.5 KB" in app.upload.media_view.value
    assert "0:10.0" in app.upload.media_view.value  # the duration the backend reported
    assert app.upload.file_upload.value == ()  # cleared, so the same file can be picked again
    assert "Video: trip.mp4" in app.timeline.table.value


def test_a_path_on_the_servers_disk_is_uploaded(session, clip):
    panel = UploadPanel(session, root=clip.parent)
    assert "clip.mp4" in panel.path_box.options
    panel.path_box.value = "clip.mp4"
    panel.path_button.click()
    panel.activity.wait(TIMEOUT)
    assert [media.name for media in session.media] == ["clip.mp4"]


def test_upload_problems_are_told_before_anything_is_sent(session, service, tmp_path):
    panel = UploadPanel(session, root=tmp_path)
    panel.add_bytes("notes.txt", b"hello")
    assert "not accepted" in panel.message.value and "mp4" in panel.message.value
    panel.add_path("missing.mp4")
    assert "No file at" in panel.message.value
    panel.add_url("ftp://example.com/a.mp4")
    assert "http" in panel.message.value
    assert ("POST", "upload") not in service.calls
    assert session.media == ()


def test_the_upload_box_says_where_big_files_go(session, tmp_path):
    panel = UploadPanel(session, root=tmp_path)
    hint = " ".join(child.value for box in panel.children if isinstance(box, ipywidgets.HBox)
                    for child in box.children if isinstance(child, ipywidgets.HTML))
    assert "10 MB" in hint and "file browser" in hint


def test_generate_streams_into_the_log_and_refreshes_the_timeline(session, service, clip):
    service.sse_chunks = lambda message: [": ping\n\n", ": ping\n\n", event("Writing an upbeat ", partial=True),
                                          event("track.", partial=True), event("Writing an upbeat track.")]
    app = MusicMakerApp(session, root=clip.parent, preview=False)
    app.prompt.heartbeat_notice_s = 0
    app.upload.add_path(clip)
    app.wait(TIMEOUT)
    shown = values_of(app.prompt.log_view)
    disabled = values_of(app.prompt.generate_button, "disabled")
    app.prompt.text.value = "create an upbeat background track for my travel video"
    app.prompt.generate_button.click()
    app.wait(TIMEOUT)
    assert any(STILL_WORKING in html for html in shown)
    assert any("Writing an upbeat " in html and "track." not in html for html in shown)  # a partial view
    assert "Writing an upbeat track." in shown[-1] and STILL_WORKING not in shown[-1]
    assert disabled == [True, False]
    assert "BGM: Upbeat pop" in app.timeline.table.value and "mm-timeline" in app.timeline.table.value


def test_gui_phrases_are_translated_in_the_log_even_while_streaming(session, service, clip):
    service.sse_chunks = lambda message: [event("Click the Export button", partial=True), event(" now.", partial=True),
                                          event("Click the Export button now.")]
    panel = PromptPanel(session)
    session.upload(clip)
    shown = values_of(panel.log_view)
    panel.generate("create an upbeat background track").result(TIMEOUT)
    midway = [html for html in shown if "Click the Export button" in html and "now." not in html]
    assert midway and all("session.export()" in html for html in midway)
    assert "session.export()" in shown[-1] and "now." in shown[-1]


def test_example_prompts_fill_the_text_area(session):
    panel = PromptPanel(session, examples=("calm piano", "epic drums"))
    panel.example_buttons[1].click()
    assert panel.text.value == "epic drums"


def test_errors_land_in_the_log_in_plain_words(session, service, clip):
    panel = PromptPanel(session)
    session.upload(clip)
    service.fail_next("run_sse", 2001, message="no credits left")
    panel.generate("create an upbeat background track").result(TIMEOUT)
    log = panel.log_view.value
    assert "Out of credits" in log and "mm-error" in log
    assert "Traceback" not in log and "File \"" not in log
    assert not panel.generate_button.disabled


def test_an_empty_prompt_asks_for_text_without_calling_the_backend(session, service):
    panel = PromptPanel(session)
    assert panel.generate("   ") is None
    assert "Type what you want" in panel.log_view.value
    assert ("POST", "run_sse") not in service.calls


def test_export_drives_the_progress_bar_and_offers_the_file(session, clip):
    app = MusicMakerApp(session, root=clip.parent, preview=False)
    session.upload(clip)
    bar = values_of(app.export.progress.bar)
    app.export.progress._throttle.interval = 0  # every update shows, so the test sees each step
    app.export.button.click()
    app.wait(TIMEOUT)
    assert bar == sorted(bar) and len(bar) >= 4 and bar[-1] == 1.0
    assert app.export.progress.label.value.startswith("done")
    link = app.export.link.outputs[0]["data"]["text/html"]
    assert 'href="musicmaker_files/exports/' in link and "download=" in link
    assert app.export.path.is_file() and app.export.path.parent == clip.parent / "musicmaker_files" / "exports"


def test_typing_export_in_the_prompt_uses_the_export_panel(session, service, clip):
    app = MusicMakerApp(session, root=clip.parent, preview=False)
    session.upload(clip)
    app.prompt.generate("export 1080p MP4")
    app.wait(TIMEOUT)
    assert app.export.path.is_file() and app.export.path.parent == clip.parent / "musicmaker_files" / "exports"
    assert "Export panel" in app.prompt.conversation.to_html()
    assert "run_sse" not in [route for _, route in service.calls]


def test_export_to_another_frame_sends_the_reshaped_draft(session, service, clip):
    app = MusicMakerApp(session, root=clip.parent, preview=False)
    session.upload(clip)
    app.export.aspect.value = "9:16 vertical (1080x1920)"
    app.export.export().result(TIMEOUT)
    assert app.export.path.is_file()
    assert session.draft.width == 1920  # the session's own draft is left as it was


def test_an_export_error_shows_in_plain_words(session, service, clip):
    app = MusicMakerApp(session, root=clip.parent, preview=False)
    session.upload(clip)
    service.fail_next("render", 402, message="export blocked")
    app.export.export().result(TIMEOUT)
    assert app.export.progress.bar.bar_style == "danger"
    assert "plan restriction" in app.export.link.outputs[0]["data"]["text/html"]


def test_nothing_to_export_says_so(session, tmp_path):
    app = MusicMakerApp(session, root=tmp_path)
    app.export.export().result(TIMEOUT)
    assert "upload a clip first" in app.export.link.outputs[0]["data"]["text/html"]


def test_a_reply_that_adds_music_renders_a_preview_into_the_player(session, clip):
    app = MusicMakerApp(session, root=clip.parent)
    session.upload(clip)
    app.prompt.generate("create an upbeat background track").result(TIMEOUT)
    markup = app.player.screen.outputs[0]["data"]["text/html"]
    assert '<video class="mm-video" src="musicmaker_files/previews/preview_' in markup
    assert Path(clip.parent, markup.split('src="')[1].split('"')[0]).is_file()
    assert "credits available" in app.header.line.value


def test_the_header_shows_what_runs(session, clip):
    app = MusicMakerApp(session, root=clip.parent, preview=False)
    lines = values_of(app.header.line)
    app.upload.add_path(clip)
    app.wait(TIMEOUT)
    assert any("uploading clip.mp4..." in line for line in lines)
    assert "ready" in lines[-1]


def test_one_job_at_a_time_and_buttons_wait(session, service, clip):
    app = MusicMakerApp(session, root=clip.parent, preview=False)
    session.upload(clip)
    gate = threading.Event()
    service.sse_chunks = lambda message: gate.wait(TIMEOUT) and default_sse_chunks(message)
    first = app.prompt.generate("create an upbeat background track")
    try:
        assert app.export.button.disabled and app.upload.path_button.disabled
        assert app.export.export() is None
        assert "Please wait" in app.export.link.outputs[0]["data"]["text/html"]
    finally:
        gate.set()
    first.result(TIMEOUT)
    assert not app.export.button.disabled


def test_generate_while_busy_leaves_the_streaming_reply_alone(session, service, clip):
    panel = PromptPanel(session)
    session.upload(clip)
    gate = threading.Event()
    service.sse_chunks = lambda message: gate.wait(TIMEOUT) and default_sse_chunks(message)
    first = panel.generate("create an upbeat background track")
    try:
        assert panel.generate("make calm lo-fi music") is None
    finally:
        gate.set()
    first.result(TIMEOUT)
    roles = [entry.role for entry in panel.conversation.entries]
    assert roles == ["user", "assistant", "note"]
    assert "Please wait" in panel.conversation.entries[2].text
    assert "Added an upbeat track." in panel.conversation.entries[1].text


def test_reprs_are_cheap_and_short(session, tmp_path):
    app = MusicMakerApp(session, root=tmp_path)
    for part in (app, app.upload, app.prompt, app.timeline, app.player, app.export, app.header):
        assert len(repr(part)) < 120
    assert session.app().session is session


def test_the_player_points_at_a_path_relative_to_the_notebook(session, tmp_path):
    video = tmp_path / "out" / "a b.mp4"
    video.parent.mkdir()
    video.write_bytes(b"\x00" * 100)
    player = Player(session, root=tmp_path)
    player.show(video)
    assert 'src="out/a b.mp4"' in player.screen.outputs[0]["data"]["text/html"]
    assert player.inline is None


def test_the_player_sends_small_files_outside_the_notebook_folder_as_bytes(session, tmp_path):
    outside = tmp_path / "elsewhere.mp4"
    outside.write_bytes(b"\x00" * 100)
    player = Player(session, root=tmp_path / "notebooks")
    player.show(outside)
    assert isinstance(player.inline, ipywidgets.Video) and player.inline.value == b"\x00" * 100
    view = player.screen.outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == player.inline.model_id
    first = player.inline
    player.show(outside)
    assert first.comm is None  # the old bytes were let go


def test_the_player_refuses_big_files_outside_the_notebook_folder(session, tmp_path):
    big = tmp_path / "big.mp4"
    with big.open("wb") as out:
        out.truncate(INLINE_VIDEO_LIMIT_BYTES + 1)
    player = Player(session, root=tmp_path / "notebooks")
    player.show(big)
    assert player.screen.outputs == () and "copy it next to the notebook" in player.caption.value
