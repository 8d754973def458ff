from __future__ import annotations

import threading
from pathlib import Path

import pytest

from musicmaker_nb.engine.media._ffmpeg import (
    FFmpegError,
    RenderCancelled,
    ffmpeg_exe,
    media_arg,
    parse_progress_seconds,
    run_ffmpeg,
    run_ffmpeg_with_progress,
    stderr_tail,
)
from musicmaker_nb.cli.bench_engine import Row, bare_mix_args, bare_title_args, format_table


def test_ffmpeg_exe_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Path(ffmpeg_exe()).is_file()
    monkeypatch.setenv("MUSICMAKER_FFMPEG", str(tmp_path / "missing-ffmpeg"))
    with pytest.raises(FFmpegError, match="MUSICMAKER_FFMPEG"):
        ffmpeg_exe()


def test_media_arg_guards_dashes_and_colons() -> None:
    assert media_arg("-y.mp4") == "file:-y.mp4"
    assert media_arg(Path("http:x.mp4")) == "file:http:x.mp4"


@pytest.mark.parametrize(("line", "seconds"), [
    ("out_time_us=1500000", 1.5), ("out_time_ms=2000000", 2.0), ("out_time_us=N/A", None),
    ("out_time=00:00:01.500000", None), ("frame=12", None), ("out_time_us=-23000", 0.0),
])
def test_parse_progress_seconds(line: str, seconds: float | None) -> None:
    assert parse_progress_seconds(line) == seconds


def test_stderr_tail_drops_noise() -> None:
    lines = ["Input #0, ...", "  Metadata:", "frame=  10 fps=0.0", "[h264 @ 0x1] broken", "Error opening output"]
    assert stderr_tail(lines, limit=2) == "[h264 @ 0x1] broken\nError opening output"


def test_failure_keeps_the_stderr_tail(tmp_path: Path) -> None:
    with pytest.raises(FFmpegError) as caught:
        run_ffmpeg(["-i", media_arg(tmp_path / "absent.mp4"), "-f", "null", "-"], what="reading")
    assert "No such file" in caught.value.stderr_tail
    assert caught.value.returncode != 0 and str(caught.value).startswith("reading failed")


def test_progress_rises_with_ffmpeg_output_time() -> None:
    seen: list[float] = []
    # -re reads at real speed, so the 1.5 s run reports progress several times on the way.
    args = ["-stats_period", "0.1", "-re", "-f", "lavfi", "-i", "sine=duration=1.5", "-f", "null", "-"]
    run_ffmpeg_with_progress(args, duration_s=1.5, on_progress=seen.append)
    assert len(seen) >= 3 and seen == sorted(seen)
    assert 0 <= seen[0] < 0.5 < seen[-1] <= 1


def test_cancel_stops_a_long_run() -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    with pytest.raises(RenderCancelled):
        run_ffmpeg_with_progress(["-re", "-f", "lavfi", "-i", "sine=duration=60", "-f", "null", "-"],
                                 duration_s=60, cancel=cancel)


def test_bench_table_and_bare_commands() -> None:
    rows = [Row("copy", 1.0, 2.0, target="<= 3 s", ok=True), Row("missing", None, ok=False, note="no server")]
    table = format_table(rows).splitlines()
    assert table[0].split() == ["case", "engine", "s", "bare", "s", "ratio", "target", "met", "note"]
    assert "0.50" in table[2] and "NO" in table[3]
    mix = bare_mix_args(Path("c.mp4"), Path("m.wav"), Path("o.mp4"))
    assert mix[mix.index("-c:v") + 1] == "copy" and "loudnorm=I=-14:TP=-1:LRA=11" in mix[mix.index("-filter_complex") + 1]
    title = bare_title_args(Path("c.mp4"), Path("m.wav"), Path("o.mp4"), title="Hi", font="/f.ttf")
    assert title[title.index("-c:v") + 1] == "libx264" and "drawtext=" in title[title.index("-filter_complex") + 1]


@pytest.mark.slow
def test_bench_media_part_prints_a_table_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from musicmaker_nb.cli import bench_engine as bench

    code = bench.main(["--parts", "media", "--seconds", "2", "--work", str(tmp_path),
                       "--json", str(tmp_path / "figures.json")])
    out = capsys.readouterr().out
    assert code in (0, 1) and out.startswith("case")
    figures = json.loads((tmp_path / "figures.json").read_text())
    cases = {row["case"]: row for row in figures["rows"]}
    assert cases["music mix, video copied"]["bare_s"] > 0
    assert cases["title overlay, re-encoded"]["engine_s"] > 0
    assert cases["title overlay, re-encoded"]["extra"]["engine_loudness"]["integrated_lufs"] == pytest.approx(-14, abs=1)
    assert cases["scene cuts, clip with 2 cuts"]["engine_s"] > 0  # the clip with cuts is there beside it


def test_bench_engine_help_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    from musicmaker_nb.cli import bench_engine as bench

    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "``" not in out and "musicmaker bench engine: the engine's media path" in out
    assert "e2e: connect() -> upload" in out and "two scene cuts" in out
