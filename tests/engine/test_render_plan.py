"""plan_render / plan_mix build argument lists; these tests run no ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest

from musicmaker_nb import Draft, DraftError
from musicmaker_nb.engine.media._probe import MediaInfo
from musicmaker_nb.engine.media._render import RenderSource, plan_render
from musicmaker_nb.engine.media._graph import (
    can_copy_video,
    canvas_of,
    escape_filter_value,
    fill_crop,
    fit_inside,
    mix_path_for,
    plan_mix,
)

FONT = "/fonts/Title Font.ttf"


def _info(kind: str = "video", width: int | None = 1920, height: int | None = 1080, *, fps: float | None = 30,
          codec: str | None = "h264", audio: bool = True, seconds: float = 10, sar: tuple[int, int] = (1, 1),
          pix: str | None = "yuv420p") -> MediaInfo:
    return MediaInfo(kind=kind, duration_ms=int(seconds * 1000), width=width, height=height, fps=fps,
                     has_audio=audio, video_codec=codec, audio_codec="aac" if audio else None,
                     audio_channels=2 if audio else None, sample_aspect_ratio=sar, format_name="mov,mp4",
                     size_bytes=1000, pixel_format=pix, audio_sample_rate=48000 if audio else None)


MUSIC = _info("audio", None, None, fps=None, codec=None)


def _sources(video: MediaInfo | None = None, **more: MediaInfo) -> dict[str, RenderSource]:
    infos = {"med_1": video or _info(), "gen_1": MUSIC, **more}
    return {key: RenderSource(Path(f"/media/{key}.bin"), info) for key, info in infos.items()}


def _draft(*, w: int = 1920, h: int = 1080, d: int = 10000, video: list[dict] | None = None, duck: bool = False,
           title: str | None = None, music: bool = True) -> Draft:
    tracks = [{"tt": 0, "sg": video if video is not None else [{"src": "med_1", "s": 0, "d": d, "o": 0}]}]
    if music:
        tracks.append({"tt": 1, "m": {"name": "BGM", "role": "bgm"},
                       "sg": [{"src": "gen_1", "s": 0, "d": d, "v": 0.35,
                               "m": {"duck": duck, "fade_in": 1000, "fade_out": 2000}}]})
    if title:
        tracks.append({"tt": 7, "sg": [{"s": 0, "d": 3000, "m": {"text": title}}]})
    return Draft.from_dict({"d": d, "m": {"w": w, "h": h, "fps": 30}, "t": tracks})


def _graph(args: list[str]) -> str:
    return args[args.index("-filter_complex") + 1]


def _value(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_unchanged_h264_picture_is_copied() -> None:
    args = plan_render(_draft(), _sources(), "/out/final.mp4")
    assert _value(args, "-c:v") == "copy"
    assert "-filter_complex" not in args and "libx264" not in args
    assert args[args.index("-i") + 1] == "file:/media/med_1.bin"
    assert "file:/out/final.mp4.mix.f32" in args and mix_path_for("/out/final.mp4").name == "final.mp4.mix.f32"
    assert _value(args, "-c:a") == "aac" and _value(args, "-movflags") == "+faststart"
    assert args[-1] == "file:/out/final.mp4" and _value(args, "-t") == "10"


@pytest.mark.parametrize("change", [
    {"info": _info(width=1280, height=720)},
    {"info": _info(codec="hevc")},
    {"info": _info(pix="yuv422p")},
    {"info": _info(fps=25)},
    {"info": _info(seconds=5)},
    {"title": "Urban Dreams"},
    {"w": 1080, "h": 1920},
    {"video": [{"src": "med_1", "s": 0, "d": 10000, "o": 500}]},
    {"video": [{"src": "med_1", "s": 1000, "d": 9000}]},
])
def test_any_change_of_picture_re_encodes(change: dict) -> None:
    info = change.pop("info", None)
    draft, sources = _draft(**change), _sources(info)
    assert not can_copy_video(draft, sources)
    args = plan_render(draft, sources, "/out/final.mp4", font_file=FONT)
    assert _value(args, "-c:v") == "libx264" and _value(args, "-pix_fmt") == "yuv420p"
    assert "-filter_complex" in args


@pytest.mark.parametrize(("quality", "crf", "preset"), [("high", "20", "veryfast"), ("low", "28", "superfast")])
def test_quality_sets_crf_and_preset(quality: str, crf: str, preset: str) -> None:
    args = plan_render(_draft(title="x"), _sources(), "/o.mp4", quality=quality, font_file=FONT)
    assert (_value(args, "-crf"), _value(args, "-preset")) == (crf, preset)


def test_unknown_quality_is_refused() -> None:
    with pytest.raises(ValueError, match="high, medium, low"):
        plan_render(_draft(title="x"), _sources(), "/o.mp4", quality="ultra", font_file=FONT)


def test_portrait_canvas_pads_a_landscape_clip() -> None:
    args = plan_render(_draft(w=1080, h=1920), _sources(), "/o.mp4")
    graph = _graph(args)
    assert "scale=1080:608" in graph and "pad=1080:1920:0:656" in graph
    assert "setsar=1" in graph


def test_fit_inside_never_stretches() -> None:
    assert fit_inside(176, 144, (12, 11), 1920, 1080) == (1440, 1080, 240, 0)  # shown as 192x144, 4:3
    assert fit_inside(640, 272, (1, 1), 1920, 1080) == (1920, 816, 0, 132)
    assert fit_inside(1920, 1080, (1, 1), 1080, 1920) == (1080, 608, 0, 656)
    assert fit_inside(1080, 1920, (1, 1), 1920, 1080) == (608, 1080, 656, 0)


def test_title_is_drawn_with_fades_and_escaped_text() -> None:
    args = plan_render(_draft(title="It's 100%: done, [ok]"), _sources(), "/o.mp4", font_file=FONT)
    graph = _graph(args)
    assert "drawtext=" in graph and "expansion=none" in graph
    assert escape_filter_value("It's 100%: done, [ok]") in graph
    assert escape_filter_value(FONT) in graph
    assert "between(t\\,0\\,3)" in graph
    assert _value(args, "-map") == "[title0]"


def test_a_title_needs_a_font() -> None:
    with pytest.raises(ValueError, match="font_file"):
        plan_render(_draft(title="x"), _sources(), "/o.mp4")


def test_escape_filter_value() -> None:
    assert escape_filter_value("a:b") == "\\'a:b\\'"
    assert escape_filter_value("it's") == "\\'it\\'\\\\\\'\\'s\\'"
    assert escape_filter_value("x,y;[z]") == "\\'x\\,y\\;\\[z\\]\\'"


def test_clips_in_sequence_with_gaps_are_concatenated() -> None:
    video = [{"src": "med_1", "s": 1000, "d": 3000, "o": 2000}, {"src": "img", "s": 5000, "d": 2000}]
    args = plan_render(_draft(video=video), _sources(img=_info("image", 640, 480, fps=None, codec="png", audio=False)),
                       "/o.mp4")
    graph = _graph(args)
    assert "concat=n=5:v=1:a=0" in graph  # gap, clip, gap, image, gap to the end
    assert graph.count("color=c=black") == 3
    assert args[:6] == ["-ss", "2", "-t", "3", "-i", "file:/media/med_1.bin"]
    assert args[6:14] == ["-loop", "1", "-framerate", "30", "-t", "2", "-i", "file:/media/img.bin"]
    assert "tpad=stop_mode=clone:stop_duration=3" in graph


def test_audio_only_draft_gets_a_waveform_and_title() -> None:
    draft = Draft.from_dict({"d": 4000, "t": [{"tt": 0, "sg": [{"src": "gen_1", "s": 0, "d": 4000,
                                                                "m": {"label": "Lo-fi"}}]}]})
    args = plan_render(draft, _sources(), "/o.mp4", font_file=FONT)
    graph = _graph(args)
    assert "showwaves=s=1920x432" in graph and "asplit=2[aout][avis]" in graph
    assert escape_filter_value("Lo-fi") in graph
    assert args[args.index("-map") + 3] == "[aout]"
    assert canvas_of(draft, _sources()).fps == 30


def test_canvas_defaults_to_the_source_fps() -> None:
    draft = Draft.from_dict({"d": 1000, "t": [{"tt": 0, "sg": [{"src": "med_1", "s": 0, "d": 1000}]}]})
    canvas = canvas_of(draft, _sources(_info(fps=29.97)))
    assert (canvas.width, canvas.height, canvas.rate) == (1920, 1080, "30000/1001")


def test_mix_ducks_music_under_the_original_sound() -> None:
    args = plan_mix(_draft(duck=True), _sources(), "/w/mix.raw")
    graph = _graph(args)
    assert "[orig]asplit=2[orig_out][key]" in graph
    assert "[music][key]sidechaincompress=" in graph
    assert "afade=t=in:st=0:d=1" in graph and "afade=t=out:st=8:d=2" in graph
    assert "volume=0.35" in graph
    assert "channel_layouts=stereo" in graph and "sample_rates=48000" in graph
    assert args[-1] == "file:/w/mix.raw"
    assert _value(args, "-f") == "f32le"


def test_mix_without_ducking_just_sums() -> None:
    graph = _graph(plan_mix(_draft(duck=False), _sources(), "/w/mix.raw"))
    assert "sidechaincompress" not in graph
    assert "amix=inputs=2:normalize=0" in graph


def test_mix_places_clips_in_time() -> None:
    video = [{"src": "med_1", "s": 2500, "d": 3000, "o": 1000, "v": 0.5}]
    args = plan_mix(_draft(video=video, music=False), _sources(), "/w/mix.raw")
    assert args[:6] == ["-ss", "1", "-t", "3", "-i", "file:/media/med_1.bin"]
    graph = _graph(args)
    assert "volume=0.5" in graph and "adelay=delays=2500:all=1" in graph
    assert "apad=whole_dur=10,atrim=duration=10[mix]" in graph


def test_silent_draft_still_has_an_audio_track() -> None:
    args = plan_mix(_draft(music=False), _sources(_info(audio=False)), "/w/mix.raw")
    assert _graph(args).startswith("anullsrc=r=48000:cl=stereo")
    assert "-i" not in args


def test_unknown_source_names_the_segment() -> None:
    draft = _draft(video=[{"src": "med_9", "s": 0, "d": 1000}])
    with pytest.raises(DraftError, match=r"t\[0\]\.sg\[0\]\.src.*med_9"):
        plan_render(draft, _sources(), "/o.mp4")


def test_empty_draft_is_refused() -> None:
    with pytest.raises(DraftError, match="no duration"):
        plan_mix(Draft.from_dict({"d": 0, "t": []}), _sources(), "/w/mix.raw")


def test_a_draft_rounding_29_97_to_30_still_copies() -> None:
    assert can_copy_video(_draft(), _sources(_info(fps=30000 / 1001)))
    assert not can_copy_video(_draft(), _sources(_info(fps=29.0)))


def test_a_clip_starting_past_its_source_end_becomes_a_gap() -> None:
    video = [{"src": "med_1", "s": 0, "d": 4000, "o": 0}, {"src": "med_1", "s": 4000, "d": 6000, "o": 12000}]
    draft, sources = _draft(video=video, music=False), _sources(_info(seconds=10))
    graph = _graph(plan_render(draft, sources, "/o.mp4"))
    assert "concat=n=2" in graph and "gapend" in graph
    assert plan_mix(draft, sources, "/w/mix.raw").count("-i") == 1


def test_audio_only_title_prefers_the_upload_over_the_music() -> None:
    draft = Draft.from_dict({"d": 4000, "t": [
        {"tt": 1, "m": {"name": "BGM", "role": "bgm"}, "sg": [{"src": "gen_1", "s": 0, "d": 4000, "m": {"label": "Lo-fi"}}]},
        {"tt": 1, "m": {"name": "song.mp3", "role": "audio"},
         "sg": [{"src": "song", "s": 0, "d": 4000, "m": {"label": "Summer Song.mp3"}}]}]})
    graph = _graph(plan_render(draft, _sources(song=MUSIC), "/o.mp4", font_file=FONT))
    assert escape_filter_value("Summer Song") in graph and "Lo-fi" not in graph


def test_audio_only_without_any_label_needs_no_font() -> None:
    draft = Draft.from_dict({"d": 4000, "t": [{"tt": 1, "sg": [{"src": "gen_1", "s": 0, "d": 4000}]}]})
    graph = _graph(plan_render(draft, _sources(), "/o.mp4"))
    assert "showwaves" in graph and "drawtext" not in graph


@pytest.mark.parametrize(("meta", "where"), [({"fps": "fast"}, "m.fps"), ({"fps": 0}, "m.fps")])
def test_bad_canvas_fps_is_named(meta: dict, where: str) -> None:
    draft = Draft.from_dict({"d": 1000, "m": meta, "t": [{"tt": 0, "sg": [{"src": "med_1", "s": 0, "d": 1000}]}]})
    with pytest.raises(DraftError, match=where):
        canvas_of(draft, _sources())


def test_bad_fade_is_named() -> None:
    draft = Draft.from_dict({"d": 1000, "t": [{"tt": 1, "sg": [{"src": "gen_1", "s": 0, "d": 1000,
                                                                "m": {"fade_in": "slow"}}]}]})
    with pytest.raises(DraftError, match=r"t\[0\]\.sg\[0\]\.m\.fade_in"):
        plan_mix(draft, _sources(), "/w/mix.raw")


def test_fill_crop_covers_the_frame_and_stays_inside_the_picture() -> None:
    assert fill_crop(1920, 1080, (1, 1), 1080, 1920) == (3414, 1920, 1167, 0)  # centred
    assert fill_crop(1920, 1080, (1, 1), 1080, 1920, (0.0, 0.5)) == (3414, 1920, 0, 0)  # clamped left
    assert fill_crop(1920, 1080, (1, 1), 1080, 1920, (1.0, 0.5)) == (3414, 1920, 2334, 0)  # clamped right
    assert fill_crop(1920, 1080, (1, 1), 1080, 1080) == (1920, 1080, 420, 0)
    assert fill_crop(176, 144, (12, 11), 1920, 1080)[:2] == (1920, 1440)  # the true shape, 4:3
