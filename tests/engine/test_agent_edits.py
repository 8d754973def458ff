"""The agent's draft edits: pure functions from draft to draft."""

from __future__ import annotations

import pytest

from musicmaker_nb import Draft, DraftError, TrackType
from musicmaker_nb.engine.agent import _edits as edits
from musicmaker_nb.engine.agent._run import agent_context, format_clock


def medium(media_id: str, kind: str = "video", duration_ms: int = 10000, width: int = 640, height: int = 360,
           name: str | None = None) -> dict:
    return {"id": media_id, "name": name or f"{media_id}.mp4", "kind": kind, "duration_ms": duration_ms,
            "width": width, "height": height, "fps": 25.0}


def two_clips() -> Draft:
    return edits.add_clip(edits.add_clip(None, medium("med_a")), medium("med_b", duration_ms=5000))


def test_clips_follow_one_another_on_one_video_track() -> None:
    draft = two_clips()
    assert (draft.width, draft.height, draft.fps, draft.duration_ms) == (1920, 1080, 25, 15000)
    [video] = draft.tracks
    assert [(s.source_id, s.start_ms, s.end_ms) for s in video.segments] == [("med_a", 0, 10000), ("med_b", 10000, 15000)]
    assert edits.clip_spans(draft) == {"med_a": (0, 10000), "med_b": (10000, 15000)}


def test_a_portrait_first_clip_makes_a_portrait_canvas() -> None:
    draft = edits.add_clip(None, medium("med_p", width=720, height=1280))
    assert (draft.width, draft.height) == (1080, 1920)


def test_images_last_five_seconds_and_audio_gets_its_own_track() -> None:
    draft = edits.add_clip(edits.add_clip(None, medium("med_i", kind="image")), medium("med_s", kind="audio",
                                                                                       duration_ms=12000))
    assert draft.tracks[0].segments[0].duration_ms == edits.IMAGE_MS
    assert draft.tracks[1].type is TrackType.AUDIO and draft.tracks[1].role == "audio"
    assert draft.duration_ms == 12000


def test_music_over_the_whole_video_then_over_one_clip() -> None:
    draft = edits.put_music(two_clips(), "gen_1", start_ms=0, duration_ms=15000, label="Lo-fi", meta={"prompt": "x"})
    draft = edits.fade_music(draft, fade_out_ms=2000)
    draft = edits.set_music_volume(draft, volume=0.5)
    draft = edits.put_music(draft, "gen_2", start_ms=10000, duration_ms=5000, label="Jazz", meta={})
    [music] = edits.music_segments(draft)  # the whole-video track overlapped the clip, so it was replaced
    assert (music.source_id, music.start_ms, music.volume) == ("gen_2", 10000, 0.5)
    assert music.meta["fade_out"] == 2000  # the mix carries over to the new music


def test_music_per_clip_side_by_side() -> None:
    draft = edits.put_music(two_clips(), "gen_1", start_ms=0, duration_ms=10000, label="A", meta={})
    draft = edits.put_music(draft, "gen_2", start_ms=10000, duration_ms=5000, label="B", meta={})
    assert [s.source_id for s in edits.music_segments(draft)] == ["gen_1", "gen_2"]
    assert Draft.from_dict(draft.to_dict()) == draft


def test_volume_changes_are_clamped() -> None:
    draft = edits.put_music(two_clips(), "gen_1", start_ms=0, duration_ms=15000, label="A", meta={})
    assert edits.music_segments(edits.set_music_volume(draft, factor=0.6))[0].volume == 0.21
    louder = edits.set_music_volume(edits.set_music_volume(draft, volume=0.9), factor=1.5)
    assert edits.music_segments(louder)[0].volume == 1.0


def test_clip_volume_targets_one_clip_or_all() -> None:
    draft = edits.set_clip_volume(two_clips(), "med_b", volume=0)
    assert [s.volume for s in draft.tracks[0].segments] == [1.0, 0.0]
    draft = edits.set_clip_volume(draft, None, factor=0.5)
    assert [s.volume for s in draft.tracks[0].segments] == [0.5, 0.0]


def test_place_fade_and_duck() -> None:
    draft = edits.put_music(two_clips(), "gen_1", start_ms=0, duration_ms=15000, label="A", meta={})
    draft = edits.place_music(draft, 5000, 20000)  # the end is clamped to the video
    music = edits.music_segments(draft)[0]
    assert (music.start_ms, music.end_ms) == (5000, 15000)
    draft = edits.duck_music(edits.fade_music(draft, fade_in_ms=60000), True)
    assert edits.music_segments(draft)[0].meta["fade_in"] == 5000  # never longer than half the music
    assert edits.music_segments(draft)[0].meta["duck"] is True
    with pytest.raises(DraftError, match="before it starts"):
        edits.place_music(draft, 12000, 3000)


def test_edits_of_missing_music_say_so() -> None:
    with pytest.raises(DraftError, match="no background music"):
        edits.set_music_volume(two_clips(), volume=0.3)
    with pytest.raises(DraftError, match="no title"):
        edits.remove_title(two_clips())


def test_overlapping_text_goes_on_a_second_track() -> None:
    draft = edits.add_text(two_clips(), "one", start_ms=0, duration_ms=3000)
    draft = edits.add_text(draft, "two", start_ms=1000, duration_ms=3000)
    draft = edits.add_text(draft, "three", start_ms=5000, duration_ms=1000)
    texts = [[s.meta["text"] for s in t.segments] for t in draft.tracks if t.type is TrackType.TEXT]
    assert texts == [["one", "three"], ["two"]]


def test_agent_context_from_a_session() -> None:
    draft = edits.put_music(two_clips(), "gen_1", start_ms=0, duration_ms=15000, label="A", meta={})
    context = agent_context([medium("med_a"), medium("med_b", duration_ms=5000)], draft, [{"prompt": "jazz"}])
    assert [c.start_ms for c in context.clips] == [0, 10000]
    assert context.has_music and context.last_prompt == "jazz"


@pytest.mark.parametrize("ms, text", [(0, "0:00"), (5000, "0:05"), (65500, "1:05.5"), (600000, "10:00")])
def test_clock_format(ms: float, text: str) -> None:
    assert format_clock(ms) == text
