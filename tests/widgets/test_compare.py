"""compare(): variants in their own sessions, side by side, and "use this one"."""

from __future__ import annotations

from pathlib import Path

import pytest

import musicmaker_nb as mm
from musicmaker_nb.widgets import compare
from tests.fakes import add_bgm

TIMEOUT = 20


def recording(service) -> list[str]:
    messages: list[str] = []

    def edit(draft, message):
        messages.append(message)
        return add_bgm(draft, message)

    service.edit = edit
    return messages


def test_each_variant_gets_its_own_session_and_a_card(session, service, clip):
    messages = recording(service)
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
        assert Path(preview).name in player.outputs[0]["data"]["text/html"]
    assert [button.disabled for button in grid.use_buttons] == [False, False, False]
    assert grid.layout.grid_template_columns == "repeat(3, 1fr)"


def test_use_this_one_puts_the_variant_into_the_main_draft(session, service, clip):
    messages = recording(service)
    compare(session, ["calm piano", "epic drums"], seeds=5, clip=clip, root=clip.parent, show=False, timeout=TIMEOUT)
    grid = compare.last_grid
    grid.use_buttons[1].click()
    grid.activity.wait(TIMEOUT)
    assert messages[-1] == "epic drums (seed 5)"
    assert session.draft.find_track("bgm") is not None
    assert "Variant 2 is in your draft" in grid.status.value
    assert [button.disabled for button in grid.use_buttons] == [False, False]


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
