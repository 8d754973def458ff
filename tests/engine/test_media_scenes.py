from __future__ import annotations

from pathlib import Path

import pytest

from musicmaker_nb.engine.media._ffmpeg import media_arg, run_ffmpeg
from musicmaker_nb.engine.media._probe import probe
from musicmaker_nb.engine.media._scenes import (
    candidate_windows,
    keyframe_args,
    keyframe_cuts,
    keyframe_pass,
    parse_differences,
    parse_frame_times,
    parse_scdet,
    placed_keyframes,
    scene_args,
    scene_cuts,
    window_args,
)
from tests.engine.media_samples import make_audio, make_cut_clip, make_image


def test_scene_cut_between_two_sources(tmp_path: Path) -> None:
    cuts = scene_cuts(make_cut_clip(tmp_path / "two.mp4", seconds_each=2))
    assert len(cuts) == 1
    time_s, score = cuts[0]
    assert time_s == pytest.approx(2.0, abs=0.04)  # to the frame, not to the thinned 10 fps
    assert score > 10


def test_a_slow_change_between_keyframes_is_not_a_cut(tmp_path: Path) -> None:
    # A zoom changes the picture a lot from keyframe to keyframe but never from frame to frame.
    clip = tmp_path / "zoom.mp4"
    run_ffmpeg(["-v", "error", "-f", "lavfi", "-i", "mandelbrot=s=320x240:r=30", "-t", "6",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p", media_arg(clip)])
    assert scene_cuts(clip, threshold=3) == []


def test_candidate_windows_start_on_the_keyframe_before() -> None:
    frame = 1 / 30
    windows = candidate_windows([0.0, 2.0, 4.0, 6.0], [(4.0, 30.0), (2.0, 12.0)], frame, 7.0)
    assert windows == [(2.0, pytest.approx(4.0 + 1.5 * frame)), (0.0, pytest.approx(2.0 + 1.5 * frame)), (6.0, 7.0)]
    assert candidate_windows([0.0, 2.0], [], frame, 2.0 + frame) == []  # nothing after the last keyframe


@pytest.mark.parametrize("gop", [12, 250])
def test_cuts_are_found_whatever_the_keyframe_interval(tmp_path: Path, gop: int) -> None:
    clip = tmp_path / "three.mp4"
    graph = ("testsrc2=size=320x240:rate=30:duration=3[a];smptebars=size=320x240:rate=30:duration=3[b];"
             "mandelbrot=size=320x240:rate=30,trim=duration=3[c];[a][b][c]concat=n=3:v=1[v]")
    run_ffmpeg(["-v", "error", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast",
                "-x264-params", f"keyint={gop}:scenecut=0", "-pix_fmt", "yuv420p", "-y", media_arg(clip)])
    times = [time_s for time_s, _ in scene_cuts(clip)]
    assert times == [pytest.approx(3.0, abs=0.04), pytest.approx(6.0, abs=0.04)]


def test_keyframe_pass_and_window_arguments() -> None:
    assert "nokey" in keyframe_args(Path("a.mp4")) and "showinfo" in keyframe_args(Path("a.mp4"))[-4]
    args = window_args(Path("a.mp4"), 2.0, 4.05)
    assert args[args.index("-ss") + 1] == "2.000" and args[args.index("-t") + 1] == "2.050"
    assert "-copyts" in args


def test_parse_frame_times() -> None:
    text = ("[Parsed_showinfo_1 @ 0x1] n:   0 pts:      0 pts_time:0       duration:512\n"
            "[Parsed_showinfo_1 @ 0x1] n:   1 pts:  30720 pts_time:2.5     duration:512\n")
    assert parse_frame_times(text) == [0.0, 2.5]


def test_a_higher_threshold_finds_fewer_cuts(tmp_path: Path) -> None:
    assert scene_cuts(make_cut_clip(tmp_path / "two.mp4"), threshold=99.5) == []


def test_audio_and_stills_have_no_cuts(tmp_path: Path) -> None:
    assert scene_cuts(make_audio(tmp_path / "song.wav")) == []
    assert scene_cuts(make_image(tmp_path / "still.png")) == []


def test_parse_scdet_orders_and_dedups() -> None:
    text = ("[Parsed_scdet_2 @ 0x1] lavfi.scd.score: 29.043, lavfi.scd.time: 4.5\n"
            "frame=  10 fps=0.0\n"
            "[Parsed_scdet_2 @ 0x1] lavfi.scd.score: 12.5, lavfi.scd.time: 2\n")
    assert parse_scdet(text) == [(2.0, 12.5), (4.5, 29.043)]


def test_scene_args_analyse_a_small_thinned_picture() -> None:
    args = scene_args(Path("-clip.mp4"), threshold=12)
    graph = args[args.index("-vf") + 1]
    assert graph.startswith("fps=10,scale=160:-2") and graph.endswith("scdet=threshold=12")
    assert "file:-clip.mp4" in args and "-an" in args


def test_placed_keyframes_are_those_ahead_of_the_schedule() -> None:
    frame = 1 / 30
    # x264's default: every 250 frames (8.33 s at 30 fps), and at each cut (10 s, 20 s)
    keyframes = [0.0, 8.333, 10.0, 18.333, 20.0, 28.333]
    assert placed_keyframes(keyframes, frame, 30.0) == [10.0, 20.0]
    assert placed_keyframes([0.0, 1.0, 2.0, 3.0], frame, 3.5) == []  # a fixed one-second GOP: nothing said
    assert placed_keyframes([0.0, 1.0, 2.0], frame, 5.0) == [1.0, 2.0]  # three seconds without one: ahead
    assert placed_keyframes([0.0], frame, 5.0) == [] and placed_keyframes([], frame, 5.0) == []


def _marked_cuts_clip(path: Path) -> Path:
    """Scenes of 2, 2 and 4 s, encoded by x264 with its default GOP: keyframes on the cuts."""
    graph = ("testsrc2=size=320x240:rate=30:duration=2[a];smptebars=size=320x240:rate=30:duration=2[b];"
             "mandelbrot=size=320x240:rate=30,trim=duration=4[c];[a][b][c]concat=n=3:v=1[v]")
    run_ffmpeg(["-v", "error", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast",
                "-pix_fmt", "yuv420p", "-y", media_arg(path)])
    return path


def test_cuts_an_encoder_marked_with_keyframes_need_no_more_decoding(tmp_path: Path) -> None:
    clip = _marked_cuts_clip(tmp_path / "marked.mp4")
    info = probe(clip)
    first = keyframe_pass(clip, info)
    assert first.placed == (2.0, 4.0) and first.in_doubt == []
    quick = keyframe_cuts(clip, info=info)
    assert [time_s for time_s, _ in quick] == [2.0, 4.0] and all(score > 10 for _, score in quick)
    assert scene_cuts(clip, info=info, first=first) == quick  # the full analysis has nothing left to decode


def test_without_marked_cuts_the_keyframes_give_none_and_the_full_analysis_finds_them(tmp_path: Path) -> None:
    clip = make_cut_clip(tmp_path / "unmarked.mp4", seconds_each=2)  # ultrafast: x264 marks no cuts
    assert keyframe_cuts(clip) == []
    assert [round(time_s, 1) for time_s, _ in scene_cuts(clip)] == [2.0]


def test_parse_differences_reads_each_printed_frame() -> None:
    log = ("[Parsed_metadata_3 @ 0x1] frame:1    pts:30720   pts_time:2\n"
           "[Parsed_metadata_3 @ 0x1] lavfi.scd.mafd=29.286\n"
           "[Parsed_metadata_3 @ 0x1] lavfi.scd.score=29.286\n"
           "[Parsed_showinfo_1 @ 0x2] n:   2 pts:  61440 pts_time:4 iskey:1\n"
           "[Parsed_metadata_3 @ 0x1] frame:2    pts:61440   pts_time:4\n"
           "[Parsed_metadata_3 @ 0x1] lavfi.scd.mafd=26.755\n")
    assert parse_differences(log) == {2.0: 29.286, 4.0: 26.755}
