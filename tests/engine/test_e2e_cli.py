"""The commands as a person types them: ``musicmaker demo``, ``make`` and ``serve``."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from musicmaker_nb.cli._commands import TextProgressBar, demo_clip_args
from musicmaker_nb.engine.media._probe import probe

from .conftest import package_env


def musicmaker(*args: str, cwd, home, timeout: float = 300) -> subprocess.CompletedProcess:
    env = package_env(MUSICMAKER_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "musicmaker_nb", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_demo_writes_a_music_backed_1080p_mp4(tmp_path, home) -> None:
    done = musicmaker("demo", "--seconds", "2", cwd=tmp_path, home=home)
    assert done.returncode == 0, done.stderr
    info = probe(tmp_path / "demo.mp4")
    assert (info.video_codec, info.width, info.height, info.has_audio) == ("h264", 1920, 1080, True)
    assert abs(info.duration_ms - 2000) <= 34
    assert "as background music" in done.stdout and "Timeline (2 tracks, 1920x1080 16:9)" in done.stdout
    assert f"Wrote {tmp_path / 'demo.mp4'}" in done.stdout
    assert "100%  done" in done.stderr and ".0%" not in done.stderr  # the progress bar, in whole percents


@pytest.mark.slow
def test_make_scores_the_given_clips(tmp_path, home, clip, clip2) -> None:
    done = musicmaker("make", str(clip), str(clip2), "--prompt", "calm piano music", "--prompt", "make it square",
                      "-o", "made.mp4", "--quality", "low", cwd=tmp_path, home=home)
    assert done.returncode == 0, done.stderr
    info = probe(tmp_path / "made.mp4")
    assert (info.width, info.height) == (1080, 1080) and abs(info.duration_ms - 3500) <= 67
    assert "no music was added" not in done.stderr


@pytest.mark.slow
def test_make_warns_when_the_words_added_no_music(tmp_path, home, clip) -> None:
    done = musicmaker("make", str(clip), "--prompt", "hello there", "-o", "plain.mp4", "--quality", "low",
                      cwd=tmp_path, home=home)
    assert done.returncode == 0, done.stderr
    assert "What would you like to do?" in done.stdout  # the agent asked back
    assert "no music was added" in done.stderr and "--prompt 'add calm piano music'" in done.stderr


def test_make_says_what_is_wrong_with_an_input(tmp_path, home) -> None:
    bad = tmp_path / "notes.mov"
    bad.write_text("plain text\n")
    done = musicmaker("make", str(bad), "--prompt", "jazz", cwd=tmp_path, home=home, timeout=120)
    assert done.returncode == 1 and "4001" in done.stderr and "notes.mov" in done.stderr


def test_serve_explains_its_options(tmp_path, home) -> None:
    done = musicmaker("serve", "--help", cwd=tmp_path, home=home, timeout=60)
    assert done.returncode == 0 and "--allow-private-urls" in done.stdout and "--quota-mb" in done.stdout


def test_progress_bar_draws_one_line() -> None:
    out = io.StringIO()
    bar = TextProgressBar(out, width=10)
    bar(0.0, "queued")
    bar(0.5, "rendering")  # too soon after the first draw: skipped
    bar(1.0, "completed")
    bar.close()
    assert out.getvalue() == "\r[..........]   0%  waiting     \r[##########] 100%  done        \n"


def test_demo_clip_is_1080p_with_sound(tmp_path) -> None:
    args = demo_clip_args(tmp_path / "d.mp4", 1)
    assert "testsrc2=size=1920x1080:rate=30:duration=1" in args and str(tmp_path / "d.mp4") == args[-1]
