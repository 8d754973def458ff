"""``Session.batch``: one render per item, in order, a failing item reported, on the hosted
service's way (same session) and the embedded engine's (a session each, side by side)."""

from __future__ import annotations

import pytest

import musicmaker_nb as mm
from musicmaker_nb.client._batch import excerpt
from musicmaker_nb.protocol import Draft
from tests.engine.conftest import make_clip
from tests.fakes import FakeService, add_bgm


def test_an_excerpt_is_the_span_moved_to_zero_with_offsets_carried():
    draft = Draft.from_dict({"d": 20000, "m": {"w": 1920, "h": 1080, "fps": 30}, "t": [
        {"tt": 0, "m": {"name": "Video"}, "sg": [{"src": "a", "s": 0, "d": 10000, "o": 500},
                                                 {"src": "b", "s": 10000, "d": 10000}]},
        {"tt": 1, "m": {"name": "BGM", "role": "bgm"}, "sg": [{"src": "gen", "s": 0, "d": 20000, "o": 0, "v": 0.35}]},
        {"tt": 7, "m": {"name": "Title"}, "sg": [{"s": 0, "d": 3000, "m": {"text": "Hi"}}]}]})
    part = excerpt(draft, 10000, 20000)
    assert part.duration_ms == 10000 and part.meta == draft.meta
    assert [(s.source_id, s.start_ms, s.duration_ms, s.offset_ms) for t in part.tracks for s in t.segments] == [
        ("b", 0, 10000, 0), ("gen", 0, 10000, 10000)]  # the title (0-3 s) is outside
    first = excerpt(draft, 2000, 10000)
    assert [(s.source_id, s.offset_ms) for s in first.tracks[0].segments] == [("a", 2500)]
    assert first.tracks[2].segments[0].duration_ms == 1000
    with pytest.raises(ValueError, match="start < end"):
        excerpt(draft, 5000, 5000)


def test_the_hosted_way_one_session_one_render_each_in_order(tmp_path):
    service = FakeService(edit=add_bgm, append_clips=True)
    session = mm.connect(base_url="https://musicmaker.test", transport=service.transport(), poll_interval_s=0.001)
    clips = []
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        (tmp_path / name).write_bytes(b"\x00" * 100)
        clips.append(str(tmp_path / name))
    service.fail_next("upload", 4001, message="unsupported file type")  # the first upload fails
    heard = []
    frame = session.batch(clips, "upbeat pop", out_dir=tmp_path / "out", progress=False, on_result=heard.append)
    assert list(frame.columns) == ["source", "prompt", "output", "description", "seconds", "error"]
    assert list(frame["source"]) == clips and [r.source for r in heard] == clips
    assert "unsupported" in frame["error"][0].lower()
    assert frame["error"].isna().tolist() == [False, True, True] and frame["output"].isna().tolist()[0]
    assert list(frame["output"][1:]) == [str(tmp_path / "out" / "b_music.mp4"), str(tmp_path / "out" / "c_music.mp4")]
    assert list(frame["description"][1:]) == ["Upbeat pop", "Upbeat pop"]
    renders = list(service.renders.values())
    assert len(renders) == 2 and {r["session"] for r in renders} == {session.session_id}
    # each render is its own clip (10 s, moved to 0) with the music over it
    videos = [[s["src"] for s in r["draft"]["t"][0]["sg"]] for r in renders]
    assert videos == [["med_1"], ["med_2"]] and all(r["draft"]["d"] == 10000 for r in renders)
    assert [r["draft"]["t"][1]["sg"][0]["o"] for r in renders] == [0, 10000]
    session.close()


@pytest.mark.slow
def test_the_engine_way_a_session_each_side_by_side(tmp_path):
    clips = [str(make_clip(tmp_path / f"clip{n}.mp4", seconds=2.0)) for n in range(2)]
    (tmp_path / "broken.mp4").write_text("not a video")
    items = [(clips[0], "calm piano"), (str(tmp_path / "broken.mp4"), "jazz"), (clips[1], "epic cinematic")]
    session = mm.connect()
    frame = session.batch(items, out_dir=tmp_path / "out", progress=False)
    assert list(frame["prompt"]) == ["calm piano", "jazz", "epic cinematic"]
    assert frame["error"].isna().tolist() == [True, False, True], list(frame["error"])
    assert "broken.mp4" in frame["error"][1]
    assert frame["description"][0].startswith("Calm") and "cinematic" in frame["description"][2].lower()
    assert [(tmp_path / "out" / name).stat().st_size > 10_000 for name in ("clip0_music.mp4", "clip1_music.mp4")] == [
        True, True]
    assert session.media == ()  # the person's own session is left as it was
    session.close()
