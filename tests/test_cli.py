import io
import subprocess
import sys

import pytest

from musicmaker_nb import __version__
from musicmaker_nb.cli._commands import DEMO_PROMPT, TextProgressBar, progress_line
from musicmaker_nb.cli._main import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"musicmaker {__version__}"


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("demo", "make", "serve", "soundfonts", "gallery", "bench"):
        assert f"  {command}" in out


def test_unknown_command_and_bad_bench_fail_with_usage(capsys):
    assert main(["dance"]) == 2
    assert "unknown command 'dance'" in capsys.readouterr().err
    assert main(["bench", "nothing"]) == 2
    assert "musicmaker bench {music,engine,batch}" in capsys.readouterr().err
    assert main([]) == 2


def test_console_script_module_entry():
    done = subprocess.run([sys.executable, "-m", "musicmaker_nb", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and __version__ in done.stdout


def musicmaker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "musicmaker_nb", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("argv", "shown"), [
    (["demo", "--help"], ["where to write the MP4 (default demo.mp4)", f"(default: '{DEMO_PROMPT}')",
                          "length of the test clip, 1 to 300 (default 10)"]),
    (["make", "--help"], ["where to write the MP4 (default out.mp4)", "(default high)", "{high,medium,low}"]),
])
def test_every_option_says_what_it_does_and_its_default(capsys, argv, shown):
    assert main(argv) == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal's width
    for text in shown:
        assert text in out


def test_bench_help_lists_the_benches_and_succeeds():
    done = musicmaker("bench", "--help")
    assert done.returncode == 0 and done.stderr == ""
    assert "musicmaker bench {music,engine,batch}" in done.stdout
    assert "  music " in done.stdout and "  engine " in done.stdout


def test_bench_without_a_name_fails_with_the_list(capsys):
    assert main(["bench"]) == 2
    assert "  engine " in capsys.readouterr().err


@pytest.mark.parametrize(("seconds", "said"), [
    ("0", "0 is out of range: the demo clip lasts 1 to 300 seconds"),
    ("-5", "-5 is out of range: the demo clip lasts 1 to 300 seconds"),
    ("1e6", "1e6 is out of range: the demo clip lasts 1 to 300 seconds"),
    ("nan", "'nan' is not a number of seconds"),
    ("ten", "'ten' is not a number of seconds"),
])
def test_demo_refuses_a_length_out_of_range_before_ffmpeg_runs(capsys, tmp_path, seconds, said):
    assert main(["demo", "--seconds", seconds, "--home", str(tmp_path), "-o", str(tmp_path / "d.mp4")]) == 2
    err = capsys.readouterr().err
    assert f"musicmaker demo: error: argument --seconds: {said}" in err
    assert "ffmpeg" not in err.lower() and list(tmp_path.iterdir()) == []


def test_demo_length_exit_code_through_the_console_script():
    done = musicmaker("demo", "--seconds", "-5")
    assert done.returncode == 2 and "out of range" in done.stderr and "Making" not in done.stderr


def test_make_says_a_directory_is_a_directory(capsys, tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    assert main(["make", str(folder), "--prompt", "jazz", "--home", str(tmp_path / "home")]) == 2
    err = capsys.readouterr().err
    assert f"{str(folder)!r} is a directory; pass the video, audio or image files in it, e.g. " in err
    assert str(folder / "*.mp4") in err and "no such file" not in err
    assert not (tmp_path / "home").exists()  # refused before an engine started


def test_make_names_a_missing_file(capsys, tmp_path):
    missing = str(tmp_path / "nowhere.mp4")
    assert main(["make", missing, "--prompt", "jazz", "--home", str(tmp_path / "home")]) == 2
    assert f"no such file: {missing!r}" in capsys.readouterr().err


@pytest.mark.parametrize(("fraction", "status", "line"), [
    (0.0, "queued", "[..........]   0%  waiting     "),
    (0.456, "rendering", "[#####.....]  45%  rendering   "),
    (0.9, "completed", "[#########.]  90%  saving      "),  # the render is done, its file not yet saved
    (0.95, "downloading", "[##########]  95%  saving      "),
    (0.999, "rendering", "[##########]  99%  rendering   "),
    (1.0, "completed", "[##########] 100%  done        "),
    (1.0, None, "[##########] 100%  done        "),
    (0.2, None, "[##........]  20%  exporting   "),
])
def test_progress_line_shows_whole_percents_and_plain_words(fraction, status, line):
    assert progress_line(fraction, status, width=10) == line


def test_progress_bar_redraws_only_what_changed():
    out = io.StringIO()
    bar = TextProgressBar(out, width=10)
    bar(0.0, "queued")
    bar(0.5, "rendering")  # too soon after the first draw: skipped
    bar(1.0, "completed")
    bar(1.0, "completed")  # the same line again: not drawn
    bar.close()
    assert out.getvalue() == "\r[..........]   0%  waiting     \r[##########] 100%  done        \n"


# -- make --each: a batch ------------------------------------------------------------------------------
def test_each_refuses_what_cannot_be_a_batch(capsys, tmp_path):
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"\x00")
    assert main(["make", "--each", str(clip), "-p", "x", "-p", "y"]) == 2
    assert "one --prompt for all" in capsys.readouterr().err
    assert main(["make", "--each", str(clip), "-p", "x", "-o", "out.mp4"]) == 2
    assert "-o is a folder for one MP4 per clip, not out.mp4" in capsys.readouterr().err
    assert main(["make", "--each", str(clip)]) == 2
    err = capsys.readouterr().err
    assert "item 1 (" in err and "has no instruction" in err
    assert main(["make", str(clip), "--cluster", "local", "-p", "x"]) == 2
    assert "add --each" in capsys.readouterr().err
    assert main(["make", str(clip)]) == 2
    assert "--prompt" in capsys.readouterr().err


def test_a_batch_list_reads_csv_and_json_with_paths_from_its_folder(tmp_path):
    from musicmaker_nb.cli._commands import read_item_rows

    (tmp_path / "list.csv").write_text("path,prompt\nclips/a.mp4,jazz\n/abs/b.mp4,\nhttps://x.test/c.mp4,rock\n")
    rows = read_item_rows(tmp_path / "list.csv")
    assert [(row["path"], row["prompt"]) for row in rows] == [
        (str(tmp_path / "clips" / "a.mp4"), "jazz"), ("/abs/b.mp4", ""), ("https://x.test/c.mp4", "rock")]
    (tmp_path / "list.json").write_text('[{"clip": "a.mp4", "prompt": "folk", "seed": 3}]')
    assert read_item_rows(tmp_path / "list.json") == [{"clip": str(tmp_path / "a.mp4"), "prompt": "folk", "seed": 3}]
    (tmp_path / "bad.json").write_text('{"clip": "a.mp4"}')
    with pytest.raises(Exception, match="expected a JSON list of objects"):
        read_item_rows(tmp_path / "bad.json")


@pytest.mark.slow
def test_each_makes_one_video_per_clip_and_fails_only_for_the_bad_one(capsys, tmp_path):
    from tests.engine.conftest import make_clip

    make_clip(tmp_path / "a.mp4", seconds=2.0)
    (tmp_path / "b.mp4").write_text("not a video")
    (tmp_path / "list.csv").write_text("path,prompt\na.mp4,calm piano\nb.mp4,\n")
    code = main(["make", "--each", str(tmp_path / "list.csv"), "-p", "jazz", "-o", str(tmp_path / "out"),
                 "--quality", "low", "--home", str(tmp_path / "home")])
    out = capsys.readouterr().out
    assert code == 1  # an item failed: the exit says so, the other video is there
    assert (tmp_path / "out" / "a_music.mp4").stat().st_size > 10_000
    lines = out.strip().splitlines()
    assert lines[0].startswith("a.mp4") and "ok" in lines[0] and "Calm" in lines[0]
    assert lines[1].startswith("b.mp4") and "FAILED" in lines[1]
    assert lines[-1] == "1 of 2 done, 1 failed"
