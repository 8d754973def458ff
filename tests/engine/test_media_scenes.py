from __future__ import annotations

from pathlib import Path

import pytest

from musicmaker_nb.engine._scenes import parse_scdet, scene_args, scene_cuts
from tests.engine.media_samples import make_audio, make_cut_clip, make_image


def test_scene_cut_between_two_sources(tmp_path: Path) -> None:
    cuts = scene_cuts(make_cut_clip(tmp_path / "two.mp4", seconds_each=2))
    assert len(cuts) == 1
    time_s, score = cuts[0]
    assert time_s == pytest.approx(2.0, abs=0.15)
    assert score > 10


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
