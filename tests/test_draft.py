import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musicmaker_nb import Draft, DraftError, TrackType, describe_changes

SEED_DRAFT = {
    "d": 10000,
    "m": {"w": 1920, "h": 1080, "fps": 30},
    "t": [
        {"tt": 0, "m": {"name": "Video"},
         "sg": [{"id": "sg1", "src": "med_1", "s": 0, "d": 10000, "o": 0, "v": 1.0, "m": {"label": "city timelapse"}}]},
        {"tt": 1, "m": {"name": "BGM", "role": "bgm"},
         "sg": [{"id": "sg2", "src": "gen_1", "s": 0, "d": 10000, "o": 0, "v": 0.35, "m": {"label": "Lo-fi"}}]},
        {"tt": 7, "m": {"name": "Title"},
         "sg": [{"id": "sg3", "s": 0, "d": 3000, "m": {"text": "Urban Dreams"}}]},
    ],
}


def test_summary_reads_like_the_seed_with_the_frame():
    assert Draft.from_dict(SEED_DRAFT).summary() == (
        'Timeline (3 tracks, 1920x1080 16:9): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) '
        '3. Title: "Urban Dreams" (0-3s)'
    )


def test_summary_keeps_the_seed_shape_when_the_frame_is_unknown():
    hosted = {key: value for key, value in SEED_DRAFT.items() if key != "m"}  # hosted drafts may lack m
    assert Draft.from_dict(hosted).summary() == (
        'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
    )


def test_summary_names_the_frame_and_the_fit():
    draft = Draft.from_dict(SEED_DRAFT).with_canvas(1080, 1920).with_fit("blur")
    assert draft.summary().startswith("Timeline (3 tracks, 1080x1920 9:16, blurred background): 1. Video:")
    square = draft.with_canvas(1080, 1080).with_fit("fill", focus="motion")
    assert square.summary().startswith("Timeline (3 tracks, 1080x1080 1:1, cropped to follow the motion): ")
    odd = Draft.from_dict({**SEED_DRAFT, "m": {"w": 1001, "h": 700}})
    assert odd.summary().startswith("Timeline (3 tracks, 1001x700): ")


def test_fit_defaults_to_letterbox_and_is_kept_in_the_metadata():
    draft = Draft.from_dict(SEED_DRAFT)
    assert draft.fit == "letterbox" and draft.focus == "center"
    filled = draft.with_fit("fill", focus="motion")
    assert filled.to_dict()["m"] == {"w": 1920, "h": 1080, "fps": 30, "fit": "fill", "focus": "motion"}
    assert Draft.from_dict(filled.to_dict()) == filled
    assert filled.with_fit("blur").to_dict()["m"] == {"w": 1920, "h": 1080, "fps": 30, "fit": "blur"}
    assert draft.fit == "letterbox"  # edits return new drafts


def test_a_segment_fit_overrides_for_that_clip():
    draft = Draft.from_dict(SEED_DRAFT).with_fit("blur").with_fit("fill", segment_id="sg1")
    assert draft.tracks[0].segments[0].meta == {"label": "city timelapse", "fit": "fill"}
    assert draft.fit == "blur"
    assert "1. Video: city timelapse (0-10s, cropped to fill)" in draft.summary()
    clip, music = draft.tracks[0].segments[0], draft.tracks[1].segments[0]
    assert draft.fit_of(clip) == ("fill", "center") and draft.fit_of(music) == ("blur", "center")
    moving = draft.with_fit("fill", focus="motion")
    assert moving.fit_of(clip) == ("fill", "center")  # the clip's own fit brings its own focus
    with pytest.raises(DraftError, match="no segment 'sg404'"):
        draft.with_fit("fill", segment_id="sg404")


@pytest.mark.parametrize("where", ["draft", "segment"])
def test_an_unknown_fit_names_the_allowed_ones(where):
    data = copy.deepcopy(SEED_DRAFT)
    meta = data["m"] if where == "draft" else data["t"][0]["sg"][0]["m"]
    meta["fit"] = "stretch"
    with pytest.raises(DraftError, match="allowed: fill, blur, letterbox") as info:
        Draft.from_dict(data)
    assert info.value.path == ("m.fit" if where == "draft" else "t[0].sg[0].m.fit")
    with pytest.raises(DraftError, match="allowed: fill, blur, letterbox"):
        Draft.from_dict(SEED_DRAFT).with_fit("zoom")
    with pytest.raises(DraftError, match="allowed: center, motion"):
        Draft.from_dict(SEED_DRAFT).with_fit("fill", focus="faces")


def test_round_trip_keeps_unknown_keys_everywhere():
    data = copy.deepcopy(SEED_DRAFT)
    data["future"] = {"x": [1, 2]}
    data["t"][0]["locked"] = True
    data["t"][1]["sg"][0]["fx"] = [{"type": "eq", "gain": 3}]
    data["t"][2]["sg"][0]["m"]["font"] = "Inter"
    assert Draft.from_dict(data).to_dict() == data
    assert json.loads(json.dumps(Draft.from_dict(data).to_dict())) == data


def test_parsing_does_not_alias_the_input():
    data = copy.deepcopy(SEED_DRAFT)
    draft = Draft.from_dict(data)
    data["t"][0]["sg"][0]["m"]["label"] = "changed"
    assert draft.tracks[0].segments[0].label == "city timelapse"


@pytest.mark.parametrize(
    "mutate, path",
    [
        (lambda d: d["t"][1]["sg"][0].update(d=-1), "t[1].sg[0].d"),
        (lambda d: d["t"][1]["sg"][0].update(s=-5), "t[1].sg[0].s"),
        (lambda d: d["t"][0]["sg"][0].update(o=-1), "t[0].sg[0].o"),
        (lambda d: d.update(d=-10), "d"),
        (lambda d: d["t"][1]["sg"][0].update(v=1.5), "t[1].sg[0].v"),
        (lambda d: d["t"][1]["sg"][0].update(v=-0.1), "t[1].sg[0].v"),
        (lambda d: d["t"][2].update(tt=3), "t[2].tt"),
        (lambda d: d["t"][0]["sg"].append({"id": "x", "src": "m", "s": 5000, "d": 1000}), "t[0].sg[1].s"),
        (lambda d: d["t"][0]["sg"][0].update(d="long"), "t[0].sg[0].d"),
        (lambda d: d["t"][0].update(sg={"not": "a list"}), "t[0].sg"),
        (lambda d: d["t"].append("nope"), "t[3]"),
    ],
)
def test_validation_names_the_path(mutate, path):
    data = copy.deepcopy(SEED_DRAFT)
    mutate(data)
    with pytest.raises(DraftError) as info:
        Draft.from_dict(data)
    assert info.value.path == path
    assert str(info.value).startswith(path + ":")


def test_overlap_check_is_independent_of_segment_order():
    data = copy.deepcopy(SEED_DRAFT)
    data["t"][0]["sg"].insert(0, {"id": "a", "src": "m", "s": 9000, "d": 2000})
    with pytest.raises(DraftError, match="overlapping"):
        Draft.from_dict(data)


def test_touching_segments_are_fine():
    data = copy.deepcopy(SEED_DRAFT)
    data["t"][0]["sg"][0]["d"] = 5000
    data["t"][0]["sg"].append({"id": "sg9", "src": "med_2", "s": 5000, "d": 5000, "m": {"label": "beach"}})
    draft = Draft.from_dict(data)
    assert "1. Video: city timelapse (0-5s), beach (5-10s)" in draft.summary()


def test_to_frame_has_one_row_per_segment():
    frame = Draft.from_dict(SEED_DRAFT).to_frame()
    assert list(frame["track"]) == [1, 2, 3]
    assert list(frame["type"]) == ["video", "audio", "text"]
    assert list(frame["label"]) == ["city timelapse", "Lo-fi", "Urban Dreams"]
    assert list(frame["end_s"]) == [10.0, 10.0, 3.0]
    assert frame["volume_pct"].tolist()[:2] == [100.0, 35.0]
    assert list(frame["source_id"])[:2] == ["med_1", "gen_1"]
    assert Draft().to_frame().empty


def test_edits_return_new_drafts_and_leave_the_old_alone():
    draft = Draft.from_dict(SEED_DRAFT)
    louder = draft.with_volume(0.8)
    assert draft.tracks[1].segments[0].volume == 0.35
    assert louder.tracks[1].segments[0].volume == 0.8
    titled = draft.with_title("Summer")
    assert '3. Title: "Summer" (0-3s)' in titled.summary()
    replaced = draft.with_volume(0.6).with_bgm("gen_2", label="Epic")
    assert replaced.tracks[1].segments[0].source_id == "gen_2"
    assert replaced.tracks[1].segments[0].volume == 0.6  # the volume the person chose stays
    assert draft.with_bgm("gen_2", volume=0.2).tracks[1].segments[0].volume == 0.2
    assert len({s.id for t in replaced.tracks for s in t.segments}) == 3


def test_with_bgm_adds_a_music_track_when_there_is_none():
    video_only = Draft.from_dict({**SEED_DRAFT, "t": SEED_DRAFT["t"][:1]})
    draft = video_only.with_bgm("gen_1", label="Lo-fi")
    assert draft.tracks[1].type is TrackType.AUDIO
    assert draft.tracks[1].role == "bgm"
    assert draft.summary().endswith("2. BGM: Lo-fi (0-10s, 35%)")
    assert draft.without_bgm() == video_only


def test_edit_helpers_refuse_bad_values():
    draft = Draft.from_dict(SEED_DRAFT)
    with pytest.raises(DraftError, match="between 0 and 1"):
        draft.with_volume(2)
    with pytest.raises(DraftError, match="no track"):
        Draft().with_volume(0.5)
    with pytest.raises(DraftError, match="empty"):
        draft.with_title("  ")
    with pytest.raises(DraftError):
        draft.with_canvas(0, 1080)


def test_canvas_and_summary_of_an_empty_draft():
    assert Draft().summary() == "Timeline (0 tracks): empty"
    vertical = Draft.empty(5000).with_canvas(1080, 1920)
    assert (vertical.width, vertical.height) == (1080, 1920)


def test_describe_changes_says_what_happened():
    before = Draft.from_dict({**SEED_DRAFT, "t": SEED_DRAFT["t"][:1]})
    after = before.with_bgm("gen_1", label="Lo-fi")
    text = describe_changes(before, after)
    assert "added BGM: Lo-fi (0-10s, 35%)" in text
    assert "removed the BGM track" in describe_changes(after, before)
    assert "changed BGM" in describe_changes(after, after.with_volume(0.5))
    assert "1080x1920" in describe_changes(before, before.with_canvas(1080, 1920))
    vertical = before.with_canvas(1080, 1920).with_fit("blur")
    assert "the frame is now 1080x1920 (9:16, blurred background)" in describe_changes(before, vertical)
    assert "the frame is now 1080x1920 (9:16, cropped to fill)" in describe_changes(vertical, vertical.with_fit("fill"))
    assert describe_changes(before, before) == "Nothing changed in the timeline."


segment = st.fixed_dictionaries(
    {"s": st.integers(0, 10**6), "d": st.integers(0, 10**6)},
    optional={"v": st.floats(0, 1), "o": st.integers(0, 10**5), "id": st.text(max_size=5),
              "zz": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)},
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1, 7]), st.lists(segment, max_size=3)), max_size=4))
def test_any_valid_draft_round_trips(tracks):
    data = {"d": 1000, "t": []}
    for track_type, segments in tracks:
        laid, cursor = [], 0
        for seg in segments:  # lay them end to end so they never overlap
            laid.append({**seg, "s": cursor})
            cursor += seg["d"]
        data["t"].append({"tt": track_type, "sg": laid})
    assert Draft.from_dict(data).to_dict() == data
