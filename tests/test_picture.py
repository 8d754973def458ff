"""The timeline's picture and the music's picture: pure functions, read back as XML."""

from __future__ import annotations

import io
import wave
import xml.etree.ElementTree as ET

import numpy as np
import pandas
import pytest

from musicmaker_nb import Draft, Media
from musicmaker_nb.client import Timeline
from musicmaker_nb.client._facts import Cut, aspect_name, fit_name, read_timeline
from musicmaker_nb.client._picture import timeline_svg
from musicmaker_nb.widgets import music_curves, music_picture_svg
from musicmaker_nb.widgets._music_picture import loudness_curve, read_wav

SVG = "{http://www.w3.org/2000/svg}"

# 120 BPM: a beat every 0.5 s from the music's start; the music starts 1 s into the timeline.
PLAN = {
    "tempo_bpm": 120.0, "meter": "4/4", "offset_s": 0.0, "key_name": "A minor",
    "sections": [{"name": "intro", "start_s": 0.0, "end_s": 4.0, "bars": 2},
                 {"name": "verse", "start_s": 4.0, "end_s": 12.0, "bars": 4},
                 {"name": "chorus", "start_s": 12.0, "end_s": 16.0, "bars": 2},
                 {"name": "outro", "start_s": 16.0, "end_s": 19.0, "bars": 2}],
    "cuts": [[4.0, 0.9], [9.2, 0.4]],
    "cut_offsets_ms": [0.0, 200.0],
}
GENERATED = [{"id": "gen_abc123", "kind": "audio", "prompt": "uplifting travel music",
              "description": "Uplifting pop, 120 BPM, A minor", "tempo_bpm": 120.0, "key": "A minor",
              "url": "/api/files/gen/gen_abc123.wav?k=1", "plan": PLAN}]
MEDIA = [Media("med_1", "beach.mp4", width=1920, height=1080),
         Media("med_2", "city.mp4", width=1920, height=1080, scene_cuts_ms=(3030.0,))]


def known_draft(**music_meta) -> Draft:
    return Draft.from_dict({"d": 20000, "m": {"w": 1080, "h": 1920, "fps": 30, "fit": "blur"}, "t": [
        {"tt": 0, "m": {"name": "Video", "role": "video"}, "sg": [
            {"id": "sg1", "src": "med_1", "s": 0, "d": 12000, "o": 0, "v": 1, "m": {"label": "beach.mp4"}},
            {"id": "sg2", "src": "med_2", "s": 12000, "d": 8000, "o": 0, "v": 1, "m": {"fit": "fill"}}]},
        {"tt": 1, "m": {"name": "BGM", "role": "bgm"}, "sg": [
            {"id": "sg3", "src": "gen_abc123", "s": 1000, "d": 19000, "o": 0, "v": 0.35,
             "m": {"label": "Uplifting pop", **music_meta}}]},
        {"tt": 7, "m": {"name": "Title", "role": "title"}, "sg": [
            {"id": "sg4", "s": 0, "d": 3000, "m": {"text": "Summer in Lisbon"}}]}]})


def texts(svg: str) -> list[str]:
    return [element.text or "" for element in ET.fromstring(svg).iter(f"{SVG}text")]


def groups(svg: str, cls: str) -> list[ET.Element]:
    return [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == cls]


def test_the_picture_names_the_clips_sections_titles_frame_and_length():
    svg = timeline_svg(known_draft(), MEDIA, GENERATED, width=1000)
    said = texts(svg)
    assert "1080x1920 · 9:16 · blurred background" in said and "0:20.0 total" in said
    assert {"beach.mp4", "city.mp4 · fill (crop)", "“Summer in Lisbon”"} <= set(said)
    assert "Uplifting pop · 120 BPM · A minor · 4/4" in said
    assert {"intro · 2 bars", "verse · 4 bars", "chorus · 2 bars", "outro · 2 bars"} <= set(said)
    assert [g.get("data-name") for g in groups(svg, "mm-section")] == ["intro", "verse", "chorus", "outro"]
    for internal in ("gen_abc123", "med_1", "med_2", "sg1", "sg3"):
        assert internal not in svg


def test_the_cuts_are_marked_on_or_off_the_beat_with_the_distance():
    svg = timeline_svg(known_draft(), MEDIA, GENERATED, width=1000)
    cuts = [(g.get("data-time-s"), g.get("data-beat")) for g in groups(svg, "mm-cut")]
    # The plan's cuts from the music's start (1 s in), and city.mp4's own cut 3.03 s into it (12 s in).
    assert cuts == [("5.000", "on"), ("10.200", "off"), ("15.030", "on")]
    assert {"on beat · 0 ms", "off beat · +200 ms", "on beat · +30 ms"} <= set(texts(svg))


def test_the_beats_and_bars_are_drawn_from_the_plan():
    music = read_timeline(known_draft(), MEDIA, GENERATED).music
    beats = music.beats()
    assert len(beats) == 38 and sum(down for _, down in beats) == 10  # 19 s at 2 beats a second, 4 to a bar
    assert beats[0] == (1.0, True) and beats[1] == (1.5, False)
    assert [s.start_s for s in music.sections] == [1.0, 5.0, 13.0, 17.0]
    assert len(groups(timeline_svg(known_draft(), MEDIA, GENERATED), "mm-section")) == 4
    path = next(e for e in ET.fromstring(timeline_svg(known_draft(), MEDIA, GENERATED)).iter(f"{SVG}path")
                if e.get("class") == "mm-beats")
    assert path.get("d").count("M") == 38


def test_without_a_plan_the_music_is_one_block_with_its_name():
    hosted = [{"id": "gen_abc123", "url": "https://cdn.test/a.mp3"}]
    svg = timeline_svg(known_draft(plan={"tempo_bpm": 96, "key": "C major"}), MEDIA[:1], hosted)
    assert "Uplifting pop · 96 BPM · C major" in texts(svg)
    assert not groups(svg, "mm-section") and not groups(svg, "mm-cut") and "mm-beats" not in svg
    assert "1080x1920 · 9:16 · blurred background" in texts(svg)


def test_a_narrow_column_gets_a_picture_laid_out_for_it():
    wide, narrow = (timeline_svg(known_draft(), MEDIA, GENERATED, width=width) for width in (1000, 430))
    assert ET.fromstring(narrow).get("viewBox").startswith("0 0 430 ")
    assert 'width="100%"' in narrow and "max-width:430px" in narrow
    ticks = [len([t for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "mm-tick"])
             for svg in (wide, narrow)]
    assert ticks[0] > ticks[1] >= 3
    assert "on beat · 0 ms" in texts(narrow) and "1080x1920 · 9:16 · blurred background" in texts(narrow)


def test_the_playhead_is_hidden_until_placed():
    hidden = groups(timeline_svg(known_draft(), MEDIA, GENERATED), "mm-playhead")[0]
    assert hidden.get("display") == "none"
    svg = timeline_svg(known_draft(), MEDIA, GENERATED, playhead_s=5.0)
    root, head = ET.fromstring(svg), groups(svg, "mm-playhead")[0]
    assert head.get("display") is None
    assert head.get("transform") == f"translate({5 * float(root.get('data-px-per-s')):.1f},0)"


def test_thumbnails_are_embedded_for_the_clips_that_have_one():
    svg = timeline_svg(known_draft(), MEDIA, GENERATED, thumbnails={"med_1": "data:image/jpeg;base64,AAAA"})
    images = [e.get("href") for e in ET.fromstring(svg).iter(f"{SVG}image")]
    assert images == ["data:image/jpeg;base64,AAAA"]


def test_an_empty_timeline_says_what_to_do():
    assert texts(timeline_svg(None)) == ["No timeline yet: upload a clip to begin."]


@pytest.mark.parametrize(("width", "height", "name"), [(1920, 1080, "16:9"), (1080, 1920, "9:16"), (1080, 1080, "1:1"),
                                                       (1366, 768, "≈16:9"), (1000, 300, "10:3"), (None, 1080, None)])
def test_aspect_names(width, height, name):
    assert aspect_name(width, height) == name


@pytest.mark.parametrize(("value", "name"), [("fill", "fill (crop)"), ("blur", "blurred background"),
                                             ("letterbox", "letterbox"), ({"mode": "fill", "focus": "motion"},
                                                                          "fill (crop, follows motion)"),
                                             ({"mode": "fill", "focus": "center"}, "fill (crop)"), (None, None)])
def test_fit_names(value, name):
    assert fit_name(value) == name


@pytest.mark.parametrize(("offset", "said"), [(None, "scene cut"), (0.3, "on beat · 0 ms"), (-39.6, "on beat · −40 ms"),
                                              (41, "off beat · +41 ms"), (-180, "off beat · −180 ms")])
def test_cut_descriptions(offset, said):
    assert Cut(1.0, offset).describe() == said


def test_the_timeline_object_is_a_picture_with_its_table_at_hand():
    draft = known_draft()
    timeline = Timeline(draft, MEDIA, GENERATED)
    pandas.testing.assert_frame_equal(timeline.frame, draft.to_frame())
    assert timeline.to_frame().equals(timeline.frame)
    assert len(timeline) == 4 and list(timeline.columns) == list(draft.to_frame().columns)
    assert list(timeline["label"]) == ["beach.mp4", "", "Uplifting pop", "Summer in Lisbon"]
    assert repr(timeline).startswith("<0:20.0 · Timeline (3 tracks, 1080x1920 9:16, blurred background): ")
    assert "\n" not in repr(timeline)
    markup = timeline._repr_html_()
    assert markup.count("<svg") == 2 and "<script" not in markup and "@container" in markup
    assert [c.describe() for c in timeline.cuts] == ["on beat · 0 ms", "off beat · +200 ms", "on beat · +30 ms"]
    assert [s.name for s in timeline.sections] == ["intro", "verse", "chorus", "outro"]
    assert Timeline.__eq__ is object.__eq__  # no element-wise comparison: a timeline is not a table
    assert len(Timeline(None)) == 0 and Timeline(None).frame.empty


# -- the music's picture ----------------------------------------------------------------------
def tone(rate: int, seconds: float, louder_after_s: float, gain_db: float = 6.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    amplitude = np.where(t < louder_after_s, 0.1, 0.1 * 10 ** (gain_db / 20))
    mono = amplitude * np.sin(2 * np.pi * 997 * t)
    return np.stack([mono, mono], axis=1)


def test_a_tone_six_db_louder_halfway_reads_six_lu_louder():
    rate = 48000
    env, loudness = music_curves(tone(rate, 8.0, 4.0), rate)
    before = np.median(loudness.lufs[(loudness.times_s > 0.5) & (loudness.times_s < 3.5)])
    after = np.median(loudness.lufs[(loudness.times_s > 4.5) & (loudness.times_s < 7.5)])
    assert after - before == pytest.approx(6.02, abs=0.05)
    assert before == pytest.approx(-20.03, abs=0.1)  # pyloudnorm's integrated loudness of the first half
    assert env.duration_s == 8.0 and len(env.high) == 600
    assert env.high[:290].max() == pytest.approx(0.1, abs=1e-3) and env.low[310:].min() == pytest.approx(-0.1995, abs=1e-3)


def test_silence_reads_as_the_gate_and_short_term_windows_are_three_seconds():
    rate = 8000
    loudness = loudness_curve(np.zeros((rate * 5, 2)), rate, window_s=3.0, hop_s=0.5)
    assert set(loudness.lufs) == {-70.0} and loudness.times_s[0] == 1.5 and loudness.window_s == 3.0


def wav_bytes(samples: np.ndarray, rate: int, width: int) -> bytes:
    scaled = np.round(samples * (2 ** (8 * width - 1) - 1)).astype("<i4")
    raw = scaled.astype("<i2").tobytes() if width == 2 else b"".join(
        int(v).to_bytes(3, "little", signed=True) for v in scaled.reshape(-1))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(samples.shape[1])
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(raw)
    return buffer.getvalue()


@pytest.mark.parametrize("width", [2, 3])
def test_read_wav_gives_floats_per_channel(tmp_path, width):
    samples = np.array([[0.5, -0.5], [0.25, -1.0], [0.0, 0.75]])
    path = tmp_path / "a.wav"
    path.write_bytes(wav_bytes(samples, 8000, width))
    read, rate = read_wav(path)
    assert rate == 8000 and read.shape == (3, 2)
    np.testing.assert_allclose(read, samples, atol=1e-4)


def test_the_music_picture_draws_waveform_loudness_and_sections():
    rate = 8000
    env, loudness = music_curves(tone(rate, 6.0, 3.0), rate, buckets=200)
    sections = [{"name": "verse", "start_s": 0.0, "end_s": 3.0}, {"name": "chorus", "start_s": 3.0, "end_s": 6.0}]
    svg = music_picture_svg(env, loudness, sections, width=600, title="Uplifting pop · 120 BPM")
    root = ET.fromstring(svg)
    assert [g.get("data-name") for g in groups(svg, "mm-section")] == ["verse", "chorus"]
    assert {"verse", "chorus", "Uplifting pop · 120 BPM", "0:00"} <= set(texts(svg))
    polygon = next(root.iter(f"{SVG}polygon"))
    assert polygon.get("class") == "mm-waveform" and len(polygon.get("points").split()) == 400
    line = next(e for e in root.iter(f"{SVG}polyline") if e.get("class") == "mm-loudness")
    heights = [float(point.split(",")[1]) for point in line.get("points").split()]
    assert heights[5] > heights[-5]  # louder is higher up


def test_the_music_details_do_not_repeat_its_name():
    named = known_draft()
    engine_named = Draft.from_dict({**named.to_dict(), "t": [
        named.to_dict()["t"][0],
        {"tt": 1, "m": {"name": "BGM", "role": "bgm"}, "sg": [
            {"id": "sg3", "src": "gen_abc123", "s": 0, "d": 20000, "m": {"label": "Happy pop, 120 BPM, A minor"}}]}]})
    assert "Happy pop, 120 BPM, A minor · 4/4" in texts(timeline_svg(engine_named, MEDIA, GENERATED))
