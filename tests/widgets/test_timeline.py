"""The timeline view with the dummy comm: the picture of a known draft, following the session,
thumbnails, the music's picture and the playhead."""

from __future__ import annotations

import io
import subprocess
import wave
import xml.etree.ElementTree as ET

import httpx
import imageio_ffmpeg
import ipywidgets
import numpy as np
import pytest

import musicmaker_nb as mm
from musicmaker_nb import Draft
from musicmaker_nb.client._facts import Clip
from musicmaker_nb.widgets import TimelineView
from musicmaker_nb.widgets._thumbnails import Thumbnails, local_sources, thumbnail_command, thumbnail_time
from tests.fakes import FakeService
from tests.widgets.conftest import values_of

SVG = "{http://www.w3.org/2000/svg}"
# 120 BPM from the music's start: a beat every 0.5 s.
PLAN = {"tempo_bpm": 120.0, "meter": "4/4", "offset_s": 0.0, "key_name": "A minor",
        "sections": [{"name": "intro", "start_s": 0.0, "end_s": 2.0, "bars": 1},
                     {"name": "verse", "start_s": 2.0, "end_s": 6.0, "bars": 2},
                     {"name": "chorus", "start_s": 6.0, "end_s": 10.0, "bars": 2}],
        "cuts": [[4.0, 1.0]], "cut_offsets_ms": [0.0]}


def tone_wav(seconds: float = 10.0, rate: int = 8000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    pcm = np.round(0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm.tobytes())
    return buffer.getvalue()


class MusicService(FakeService):
    """The fake service with music that has a plan and a WAV to fetch (as the embedded engine gives)."""

    async def _file(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(".wav"):
            return httpx.Response(200, content=tone_wav(), headers={"content-type": "audio/wav"})
        return await super()._file(request)


def music_and_title(draft: Draft, message: str) -> Draft:
    return (draft.with_bgm("gen_1", label="Uplifting pop", volume=0.35, meta={"plan": {"tempo_bpm": 120}})
            .with_title("Summer in Lisbon"))


@pytest.fixture
def service() -> MusicService:
    return MusicService(edit=music_and_title)


@pytest.fixture
def video(tmp_path):
    """A real 10 s clip (the fake service says every upload lasts 10 s), so ffmpeg can take a thumbnail."""
    path = tmp_path / "beach.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x90:rate=5:duration=10", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def with_music(service: FakeService, session: mm.Session) -> None:
    """What the backend knows once it made music: its plan, its file, and the clip's scene cut."""
    state = service.sessions[session.session_id]
    state["generated"] = [{"id": "gen_1", "kind": "audio", "prompt": "uplifting", "description": "Uplifting pop",
                           "url": "/files/gen_1.wav", "plan": PLAN}]
    state["media"][0]["scene_cuts_ms"] = [7300]


def texts(svg: str) -> set[str]:
    return {element.text or "" for element in ET.fromstring(svg).iter(f"{SVG}text")}


def test_the_timeline_shows_the_cuts_sections_and_titles_by_name(session, service, video):
    view = TimelineView(session)
    session.upload(video)
    with_music(service, session)
    session.say("uplifting music and the title Summer in Lisbon")
    view.wait(30)
    said = texts(view.canvas.svg)
    assert {"beach.mp4", "“Summer in Lisbon”", "Uplifting pop · 120 BPM · A minor · 4/4"} <= said
    assert {"intro · 1 bars", "verse · 2 bars", "chorus · 2 bars"} <= said
    assert {"on beat · 0 ms", "off beat · −200 ms"} <= said  # the plan's cut, and the clip's own from the state
    assert {"1920x1080 · 16:9", "0:10.0 total"} <= said
    for internal in ("gen_1", "med_1", "sg1", "sg2"):
        assert internal not in view.canvas.svg and internal not in view.table.value
    assert view.details.selected_index is None and "Summer in Lisbon" in view.table.value  # the table, collapsed


def test_the_view_follows_changes_made_anywhere(session, service, video):
    view = TimelineView(session)
    drawn = values_of(view.canvas, "svg")
    session.upload(video)
    assert "beach.mp4" in texts(drawn[-1])
    with_music(service, session)
    session.say("uplifting music")  # said to the session, not through the view
    assert "chorus · 2 bars" in texts(view.canvas.svg)
    later = TimelineView(session)  # a view made later shows the same
    assert "chorus · 2 bars" in texts(later.canvas.svg)
    view.wait(30)
    later.wait(30)


def test_clips_get_a_thumbnail_and_the_music_its_picture(session, service, video):
    view = TimelineView(session)
    session.upload(video)
    with_music(service, session)
    session.say("uplifting music")
    view.wait(30)
    images = [element.get("href") for element in ET.fromstring(view.canvas.svg).iter(f"{SVG}image")]
    assert len(images) == 1 and images[0].startswith("data:image/jpeg;base64,/9j/")
    assert view.music.layout.display is None
    music = ET.fromstring(view.music.value)
    assert {"mm-waveform", "mm-loudness"} <= {element.get("class") for element in music.iter()}
    assert {"intro", "verse", "chorus"} <= texts(view.music.value)


def test_without_music_there_is_no_music_picture(session, clip):
    view = TimelineView(session)
    session.upload(clip)
    view.wait(30)
    assert view.music.layout.display == "none" and view.music.value == ""
    assert not list(ET.fromstring(view.canvas.svg).iter(f"{SVG}image"))  # not a video ffmpeg can read


def test_the_playhead_moves_without_drawing_again(session, clip):
    view = TimelineView(session)
    session.upload(clip)
    view.wait(30)
    drawn = values_of(view.canvas, "svg")
    view.playhead_s = 3.5
    assert view.canvas.playhead_s == 3.5 and drawn == []
    player_time = ipywidgets.FloatSlider()
    link = view.follow(player_time, "value")
    assert link.source == (player_time, "value") and link.target == (view.canvas, "playhead_s")


def test_a_narrow_column_is_drawn_for_its_width(session, clip):
    view = TimelineView(session)
    session.upload(clip)
    view.canvas.width_px = 440  # what the browser reports
    assert ET.fromstring(view.canvas.svg).get("viewBox").startswith("0 0 440 ")


def test_a_closed_view_stops_following(session, service, clip):
    view = TimelineView(session)
    session.upload(clip)
    view.close()
    drawn = values_of(view.canvas, "svg")
    session.say("uplifting music")
    assert drawn == []


def test_thumbnail_command_is_an_argument_list_a_third_into_the_clip(tmp_path):
    clip = Clip(start_s=10.0, end_s=16.0, name="a", media_id="m", offset_s=2.0)
    assert thumbnail_time(clip) == 4.0
    command = thumbnail_command("ffmpeg", tmp_path / "-odd.mp4", 4.0)
    assert command[command.index("-ss") + 1] == "4.000"
    assert command[command.index("-i") + 1] == str((tmp_path / "-odd.mp4").resolve())
    assert command[command.index("-vf") + 1] == "scale=-2:96"


def test_thumbnails_are_taken_once(video, tmp_path):
    thumbnails = Thumbnails()
    url = thumbnails.take(video, 3.3)
    assert url is not None and url.startswith("data:image/jpeg;base64,")
    assert thumbnails.cached(video, 3.3) == (True, url)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    assert thumbnails.take(broken, 1.0) is None and thumbnails.cached(broken, 1.0) == (True, None)


def test_only_local_uploads_have_a_source_for_thumbnails(video):
    media = [mm.Media("a", source=str(video)), mm.Media("b", source="https://example.test/b.mp4"),
             mm.Media("c", source=str(video), kind="audio"), mm.Media("d")]
    assert local_sources(media) == {"a": video}


def test_music_this_client_cannot_read_leaves_the_timeline_without_its_picture(session, service, video):
    view = TimelineView(session)
    session.upload(video)
    with_music(service, session)
    service.sessions[session.session_id]["generated"][0]["url"] = "/files/gen_1.mp3"  # not a WAV
    session.say("uplifting music")
    view.wait(30)
    assert view.music.layout.display == "none"
    assert "chorus · 2 bars" in texts(view.canvas.svg)
