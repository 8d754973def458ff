"""compare(): variants in their own sessions, side by side, and "use this one"."""

from __future__ import annotations

from pathlib import Path

import pytest

import musicmaker_nb as mm
from musicmaker_nb.widgets import compare
from tests.fakes import record_messages

from .conftest import values_of

TIMEOUT = 20




def test_each_variant_gets_its_own_session_and_a_card(session, service, clip):
    messages = record_messages(service)
    frame = compare(session, ["calm piano", "epic drums", "lo-fi beat"], seeds=[1, 2, 3], clip=clip,
                    root=clip.parent, show=False, timeout=TIMEOUT)
    grid = compare.last_grid
    assert list(frame["prompt"]) == ["calm piano", "epic drums", "lo-fi beat"]
    assert frame["error"].isna().all()
    assert sorted(messages) == ["calm piano (seed 1)", "epic drums (seed 2)", "lo-fi beat (seed 3)"]
    assert len(service.sessions) == 4  # the main session and one per variant
    assert session.draft.find_track("bgm") is None  # variants leave the main draft alone
    for preview, player in zip(frame["preview"], grid.players):
        assert Path(preview).is_file()
        assert player.name == Path(preview).name and player.src == f"musicmaker_files/variants/{player.name}"
    assert [button.disabled for button in grid.use_buttons] == [False, False, False]
    assert grid.box.layout.grid_template_columns == "repeat(3, minmax(0, 1fr))"
    assert grid.children == (grid.status, grid.box)  # the status line is on screen, above the cards


def test_use_this_one_puts_the_variant_into_the_main_draft(session, service, clip):
    messages = record_messages(service)
    compare(session, ["calm piano", "epic drums"], seeds=5, clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    grid = compare.last_grid
    grid.use_buttons[1].click()
    grid.activity.wait(TIMEOUT)
    assert messages[-1] == "epic drums (seed 5)"
    assert session.draft.find_track("bgm") is not None
    assert "Variant 2 is in your draft" in grid.status.value
    assert [button.disabled for button in grid.use_buttons] == [False, False]
    assert grid.chosen == 1 and "mm-chosen" in grid.cards[1]._dom_classes
    assert "mm-chosen" not in grid.cards[0]._dom_classes and "In your draft" in grid.marks[1].value


def test_the_buttons_do_not_flash_while_a_variant_goes_into_the_draft(session, service, clip):
    compare(session, ["calm piano", "epic drums"], clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    grid = compare.last_grid
    states = [values_of(button, "disabled") for button in grid.use_buttons]
    grid.use(0).result(TIMEOUT)
    assert states == [[], []]


def test_the_mark_goes_when_the_drafts_music_changes_elsewhere(session, service, clip):
    compare(session, ["calm piano", "epic drums"], seeds=1, clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    grid = compare.last_grid
    grid.use(0).result(TIMEOUT)
    assert grid.chosen == 0
    service.edit = lambda draft, message: draft.with_bgm("gen_2", label="Lo-fi", volume=0.3)
    session.say("lo-fi beat")  # the app's prompt, say: other music in the same draft
    assert grid.chosen is None and "mm-chosen" not in grid.cards[0]._dom_classes
    assert "other music" in grid.status.value


def test_a_new_comparison_deletes_the_files_of_the_last(session, service, clip):
    compare(session, ["calm piano", "epic drums"], clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    first = compare.last_grid
    old_files = first.files()
    leftover = clip.parent / "musicmaker_files" / "variants" / "variant_1_from_another_kernel.mp4"
    leftover.write_bytes(b"old")
    compare(session, ["lo-fi beat"], clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    assert old_files and not any(path.exists() for path in old_files) and not leftover.exists()
    assert [path.name for path in (clip.parent / "musicmaker_files" / "variants").glob("*.mp4")] == [
        path.name for path in compare.last_grid.files()]


def test_tempo_and_key_are_said_once_per_card():
    variant = mm.widgets.Variant("pop", description="Upbeat pop at 105 BPM in C major", tempo_bpm=105,
                                 key="C major", lufs=-14.0)
    shown = variant.figures_html()
    assert shown.count("105 BPM") == 1 and shown.count("C major") == 1 and "-14.0 LUFS" in shown


def test_generating_is_said_in_text_without_emoji(session, clip):
    grid = mm.widgets.VariantGrid(session, [mm.widgets.Variant("pop")], root=clip.parent)
    assert "generating..." in grid.figures[0].value and all(ord(ch) < 0x2000 for ch in grid.figures[0].value)


def test_the_persons_session_stays_the_one_resume_reopens(session, service, clip):
    compare(session, ["calm piano", "epic drums"], clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    again = mm.resume(base_url="https://musicmaker.test", transport=service.transport())
    try:
        assert again.session_id == session.session_id
    finally:
        again.close()


def test_a_failed_variant_says_why_and_the_others_still_show(session, service, clip):
    session.upload(clip)
    service.fail_next("run_sse", 2001, message="no credits left")
    frame = compare(session, ["calm piano", "epic drums"], clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    grid = compare.last_grid
    failed = frame.index[frame["error"].notna()].tolist()
    assert len(failed) == 1 and "Out of credits" in frame.loc[failed[0], "error"]
    assert grid.use_buttons[failed[0]].disabled and not grid.use_buttons[1 - failed[0]].disabled
    grid.use(1 - failed[0]).result(TIMEOUT)
    assert grid.use_buttons[failed[0]].disabled  # still, after another job re-enabled the rest
    assert "Out of credits" in grid.figures[failed[0]].value


def test_a_session_without_a_clip_is_refused(session):
    with pytest.raises(ValueError, match="needs a clip"):
        compare(session, ["calm piano"], show=False)


def test_the_sessions_own_clip_is_used_when_none_is_named(session, service, clip):
    session.upload(clip)
    frame = compare(session, ["calm piano"], root=clip.parent, show=False, timeout=TIMEOUT)
    assert frame["error"].isna().all()
    assert len(service.sessions) == 2


def test_a_reply_without_music_is_a_failed_variant(session, service, clip):
    service.edit = lambda draft, message: draft  # the backend answers but adds no music
    frame = compare(session, ["calm piano"], clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    assert frame.loc[0, "error"].startswith("No music came back. The backend said:")
    assert compare.last_grid.use_buttons[0].disabled


@pytest.mark.slow
def test_on_the_real_engine_each_card_also_plays_the_music_alone(tmp_path):
    import subprocess

    import imageio_ffmpeg

    clip = tmp_path / "clip.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=320x180:rate=15:d=3", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", str(clip)], check=True, timeout=60)
    session = mm.connect()
    try:
        frame = compare(session, ["calm piano"], seeds=1, clip=clip, root=tmp_path, show=False, timeout=180)
        grid = compare.last_grid
        variant = grid.variants[0]
        assert frame["error"].isna().all() and variant.music is not None
        assert variant.music.suffix == ".wav" and variant.music.read_bytes()[:4] == b"RIFF"
        player = grid.music_players[0]
        assert (player.kind, player.name, player.layout.display) == ("audio", variant.music.name, None)
        # the picture of the music: waveform, loudness and the plan's sections, in the card
        picture = grid.pictures[0].value
        assert picture.count("<svg") == 1 and "LUFS" in picture
        assert any(f">{name}<" in picture for name in ("intro", "verse", "chorus", "outro"))
        assert sorted(grid.files()) == sorted((tmp_path / "musicmaker_files" / "variants").glob("variant_*"))
    finally:
        session.close()
