"""The plan controls and undo / redo against the real embedded engine on loopback (dummy comm, no
browser): each control's words are understood by the engine's agent and change what they should;
and their place in the app (against the fake service)."""

from __future__ import annotations

import pathlib
import threading

import ipywidgets
import pytest

import musicmaker_nb as mm
from musicmaker_nb import engine as engine_pkg
from musicmaker_nb.engine.agent._interpret import AgentContext, Clip, interpret
from musicmaker_nb.music import prompt_choices
from musicmaker_nb.music._instruments import INSTRUMENTS, family_of
from musicmaker_nb.widgets import HistoryButtons, MusicMakerApp, PlanControls, control_message
from musicmaker_nb.widgets._controls import (
    FIT_CHOICES,
    INSTRUMENT_CHOICES,
    KEY_CHOICES,
    MOOD_CHOICES,
    STYLE_CHOICES,
    TEMPO_RANGE,
    changeable_part,
    frame_of,
    plan_of,
    shared_name,
    spoken_instrument,
)
from tests.engine.conftest import make_clip
from tests.fakes import FakeService, add_bgm, default_sse_chunks, record_messages

from .conftest import values_of

TIMEOUT = 30


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    running = engine_pkg.start(home=tmp_path_factory.mktemp("engine"), initial_credits=1_000_000)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> pathlib.Path:
    return make_clip(tmp_path_factory.mktemp("media") / "city.mp4", seconds=2.0)


@pytest.fixture
def session(engine, clip):
    """A session on the real engine with a clip on the timeline and no music yet."""
    opened = mm.connect(base_url=engine.base_url)
    opened.upload(clip)
    yield opened
    opened.close()
    ipywidgets.Widget.close_all()


@pytest.fixture
def scored(session):
    session.say("create an upbeat pop track")
    return session


def plan(session) -> dict:
    found = plan_of(session.draft, session.generated_media)
    assert found is not None
    return found


def said(controls) -> list[str]:
    return [entry.text for entry in controls.talk.conversation.entries if entry.role == "user"]


# -- the words ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "value", "current", "words"), [
    ("style", "jazz", None, "change the style to jazz"),
    ("style", "lofi", None, "change the style to lo-fi hip hop"),
    ("style", "new_age", None, "change the style to new age"),  # a style the prompt chose, not listed
    ("mood", "calm", None, "change the mood to calm"),
    ("tempo", 99.6, None, "set the tempo to 100 BPM"),
    ("key", ("D", "minor"), None, "change the key to D minor"),
    ("instrument", "flute", "synth lead", "change the synth lead to flute"),
    ("instrument", "strings", "warm pad", "change the synth pad to strings"),
    ("instrument", "organ", "voice", "change the voice to organ"),
    ("energy", "up", None, "more energy"),
    ("energy", "down", None, "less energy"),
    ("drums", False, None, "remove the drums"),
    ("drums", True, None, "add drums"),
    ("another", {"style": "lofi", "mood": "chill", "tempo_bpm": 84.2, "key": "F", "mode": "minor"}, None,
     "try another take of chill lo-fi hip hop at 84 BPM in F minor"),
    ("another", {}, None, "try another version"),
    ("frame", ("9:16", "blur"), None, "make it 9:16 with a blurred background"),
    ("frame", ("1:1", "fill"), None, "make it 1:1 and fill the frame"),
    ("frame", ("9:16", "motion"), None, "make it 9:16 and fill the frame following the action"),
    ("frame", ("16:9", "letterbox"), None, "make it 16:9 with letterbox bars"),
    ("frame", ("9:16", None), None, "make it 9:16"),
])
def test_control_message_says_it_as_the_chat_would(name, value, current, words):
    assert control_message(name, value, current=current) == words


@pytest.mark.parametrize(("current", "new"), [("bright piano", "piano"), ("flute", "flute"), ("orchestra hit", "organ")])
def test_instrument_changes_the_agent_would_misread_are_refused(current, new):
    with pytest.raises(ValueError):
        control_message("instrument", new, current=current)


@pytest.mark.parametrize(("role", "new", "words"), [
    ("melody", "flute", "play the melody on a flute"), ("melody", "ocarina", "play the melody on an ocarina"),
    ("chords", "strings", "play the chords on strings"), ("arp", "harp", "play the arpeggio on a harp"),
])
def test_a_part_the_agent_knows_by_name_is_changed_by_its_name(role, new, words):
    assert control_message("instrument", new, current="music box", role=role) == words
    with pytest.raises(ValueError, match="already plays"):
        control_message("instrument", "flute", current="flute", role=role)
    assert changeable_part(role, "music box") and not changeable_part("bass", "orchestra hit")


def test_a_part_is_changed_by_name_only_when_no_other_part_answers_to_it():
    band = {"chords": "bright piano", "melody": "piano", "bass": "synth bass", "pad": "warm pad"}
    assert shared_name("chords", band) == "piano" and shared_name("melody", band) == "piano"
    assert shared_name("bass", band) is None and shared_name("pad", band) is None
    assert shared_name("pad", {**band, "arp": "halo pad"}) == "synth pad"


def test_a_control_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="volume"):
        control_message("volume", 3)


def swapped_from(words: str, target: str) -> str | None:
    calls = interpret(f"change the {words} to {target}", _CONTEXT).calls
    return next((call.args["swap"]["from"] for call in calls if "swap" in call.args), None)


def test_the_instrument_names_table_matches_the_engines_vocabulary():
    """Each instrument a plan may hold is named in words that address its part, or marked as
    one the agent cannot name (when it learns to, the table must say so)."""
    for name in INSTRUMENTS:
        spoken, target = spoken_instrument(name), "violin" if name != "violin" else "flute"
        found = swapped_from(spoken or name, target)
        addresses = found is not None and (found == name or name in family_of(found))
        assert addresses == (spoken is not None), (name, spoken, found)
    for name in INSTRUMENT_CHOICES:  # what a part can become is read as itself
        assert prompt_choices(name)["instrument"][0] == name, name


_CONTEXT = AgentContext(clips=(Clip("med_1", "city.mp4", "video", 2000),), has_music=True, music_segments=1,
                        last_prompt="create an upbeat pop track")


def test_every_listed_choice_is_read_as_an_edit_never_as_new_music():
    messages = [control_message("style", key) for _, key, _ in STYLE_CHOICES]
    messages += [control_message("mood", mood) for mood in MOOD_CHOICES]
    messages += [control_message("key", (tonic, mode)) for tonic in KEY_CHOICES for mode in ("major", "minor")]
    messages += [control_message("tempo", bpm) for bpm in TEMPO_RANGE]
    messages += [control_message("instrument", name, current="synth lead") for name in INSTRUMENT_CHOICES
                 if name != "synth lead"]
    messages += [control_message("instrument", name, current="music box", role=role) for name in INSTRUMENT_CHOICES
                 for role in ("melody", "chords", "pad", "arp")]
    messages += [control_message("energy", "up"), control_message("energy", "down"),
                 control_message("drums", True), control_message("drums", False)]
    for message in messages:
        calls = interpret(message, _CONTEXT).calls
        assert [call.name for call in calls] == ["edit_music"], message
    for _, fit, _ in FIT_CHOICES:  # the frame, and the fit where the agent knows fits (set_fit)
        calls = interpret(control_message("frame", ("9:16", fit)), _CONTEXT).calls
        assert calls[0].name == "set_aspect" and calls[0].args["name"] == "9:16", fit
        for call in calls[1:]:
            assert call.name == "set_fit", fit
            assert (call.args["fit"], call.args.get("focus")) == (
                ("fill", "motion") if fit == "motion" else (fit, None)), fit


def test_plan_and_frame_are_read_from_the_draft_and_the_generated_media():
    from musicmaker_nb.protocol import Draft

    draft = Draft.from_dict({"d": 1000, "m": {"w": 1080, "h": 1920, "fit": "blur"}, "t": [
        {"tt": 1, "m": {"name": "BGM", "role": "bgm"}, "sg": [
            {"id": "sg1", "src": "gen_2", "s": 0, "d": 1000,
             "m": {"plan": {"style": "jazz", "key": "D minor", "tempo_bpm": 90, "seed": 4}}}]}]})
    assert plan_of(draft) == {"style": "jazz", "key": "D", "mode": "minor", "tempo_bpm": 90, "seed": 4}
    generated = [{"id": "gen_1", "plan": {"style": "pop"}},
                 {"id": "gen_2", "plan": {"style": "jazz", "key": "D", "mode": "minor", "level": 0.5,
                                          "instruments": {"melody": "saxophone"}}}]
    assert plan_of(draft, generated)["instruments"] == {"melody": "saxophone"}
    assert plan_of(draft, generated)["level"] == 0.5
    assert plan_of(Draft.from_dict({"d": 0, "t": []})) is None and plan_of(None) is None
    assert frame_of(draft) == ("9:16", "blur") and frame_of(None) == (None, None)
    assert frame_of(Draft.empty(width=1280, height=720)) == ("16:9", "letterbox")  # what a draft without a fit gets
    assert frame_of(Draft.empty(width=1000, height=720)) == (None, "letterbox")
    following = Draft.from_dict({"d": 0, "m": {"w": 1080, "h": 1080, "fit": "fill", "focus": "motion"}, "t": []})
    assert frame_of(following) == ("1:1", "motion")


# -- against the engine ------------------------------------------------------------------------
def test_each_listed_style_gives_that_style(scored):
    for _, key, _ in STYLE_CHOICES:
        reply = scored.say(control_message("style", key))
        assert plan(scored)["style"] == key, (key, reply.text)


def test_each_listed_mood_gives_that_mood(scored):
    for mood in MOOD_CHOICES:
        scored.say(control_message("mood", mood))
        assert plan(scored)["mood"] == mood, mood


def test_each_listed_instrument_plays_the_part(scored):
    role = "melody"
    for name in INSTRUMENT_CHOICES:
        current = plan(scored)["instruments"][role]
        if current == name:
            continue
        reply = scored.say(control_message("instrument", name, current=current, role=role))
        assert plan(scored)["instruments"][role] == name, (current, name, reply.text)


def test_a_part_whose_instrument_has_no_name_of_its_own_still_changes(session):
    session.say("a gentle lullaby")
    assert plan(session)["instruments"]["melody"] == "music box"  # "the music box" reads as other music
    controls = PlanControls(session)
    assert not controls.parts["melody"].disabled
    controls.parts["melody"].value = "flute"
    controls.activity.wait(TIMEOUT)
    assert plan(session)["instruments"]["melody"] == "flute"
    assert said(controls)[-1] == "play the melody on a flute"


def test_tempo_key_and_mode_through_the_widget(scored):
    controls = PlanControls(scored)
    assert controls.style.value == "pop" and controls.tempo.value == round(plan(scored)["tempo_bpm"])
    controls.tempo.value = 100
    controls.activity.wait(TIMEOUT)
    assert plan(scored)["tempo_bpm"] == 100
    mode = plan(scored)["mode"]
    controls.key.value = "D"
    controls.activity.wait(TIMEOUT)
    controls.mode.value = "minor"
    controls.activity.wait(TIMEOUT)
    assert (plan(scored)["key"], plan(scored)["mode"]) == ("D", "minor")
    assert said(controls) == ["set the tempo to 100 BPM", f"change the key to D {mode}", "change the key to D minor"]
    assert "100 BPM" in controls.talk.conversation.entries[1].text  # the engine's reply, in the log


def test_style_mood_and_instruments_through_the_widget(scored):
    controls = PlanControls(scored)
    controls.style.value = "jazz"
    controls.activity.wait(TIMEOUT)
    assert plan(scored)["style"] == "jazz" and set(controls.parts) == set(plan(scored)["instruments"]) - {"drums"}
    controls.mood.value = "calm"
    controls.activity.wait(TIMEOUT)
    assert plan(scored)["mood"] == "calm"
    controls.parts["melody"].value = "flute"
    controls.activity.wait(TIMEOUT)
    assert plan(scored)["instruments"]["melody"] == "flute" and controls.parts["melody"].value == "flute"
    controls.drums.value = False
    controls.activity.wait(TIMEOUT)
    assert "drums" not in plan(scored)["instruments"]


def test_energy_buttons_move_the_level(scored):
    controls = PlanControls(scored)
    before = plan(scored)["level"]
    controls.less_energy.click()
    controls.activity.wait(TIMEOUT)
    assert plan(scored)["level"] < before
    assert f"{round(plan(scored)['level'] * 100)}%" in controls.energy.value


def test_try_another_is_a_new_take_of_the_same_music(scored):
    controls = PlanControls(scored)
    controls.style.value = "lofi"
    controls.activity.wait(TIMEOUT)
    first = plan(scored)
    for _ in range(2):
        controls.another.click()
        controls.activity.wait(TIMEOUT)
        again = plan(scored)
        assert again["seed"] != first["seed"]
        assert (again["style"], again["mood"], round(again["tempo_bpm"]), again["key"], again["mode"]) == (
            first["style"], first["mood"], round(first["tempo_bpm"]), first["key"], first["mode"])
        first = again


def test_the_frame_changes_the_draft_and_works_without_music(session):
    controls = PlanControls(session)
    labels: list[str] = []
    controls.activity.on_change(labels.append)
    assert controls.style.disabled and "No music yet" in controls.hint.value
    assert not controls.frame.disabled and controls.frame.value == "16:9"
    controls.frame.value = "9:16"
    controls.activity.wait(TIMEOUT)
    assert (session.draft.width, session.draft.height) == (1080, 1920)
    assert said(controls) == ["make it 9:16"] and labels == ["changing the frame", "ready"]
    controls.fit.value = "fill"
    controls.activity.wait(TIMEOUT)
    assert said(controls)[-1] == "make it 9:16 and fill the frame"
    assert (session.draft.width, session.draft.height) == (1080, 1920)


def test_the_controls_follow_a_change_made_elsewhere_and_send_nothing_back(scored):
    controls = PlanControls(scored)
    turns = len(scored.conversation)
    scored.say("change the style to jazz")  # another cell
    scored.say("set the tempo to 90 BPM")
    assert controls.style.value == "jazz" and controls.tempo.value == 90
    assert controls.parts["melody"].value == plan(scored)["instruments"]["melody"]
    assert len(scored.conversation) == turns + 4 and said(controls) == []  # two turns each, none from the controls


def test_controls_are_disabled_while_a_job_runs(scored):
    controls = PlanControls(scored)
    gate, started = threading.Event(), threading.Event()

    async def held() -> None:
        started.set()
        while not gate.is_set():
            import asyncio
            await asyncio.sleep(0.01)

    controls.activity.run("working", held, lambda text: None)
    try:
        started.wait(TIMEOUT)
        assert controls.style.disabled and controls.frame.disabled and controls.another.disabled
        assert controls.send("tempo", 120) is None
        assert "Please wait" in controls.talk.conversation.entries[-1].text
    finally:
        gate.set()
    controls.activity.wait(TIMEOUT)
    assert not controls.style.disabled and plan(scored)["tempo_bpm"] != 120


def test_a_refused_change_shows_the_plan_again(session):
    session.say("create a rock track")
    controls = PlanControls(session)
    assert controls.parts["bass"].value == "picked bass" and spoken_instrument("picked bass") == "bass"
    controls.parts["bass"].value = "bass"  # "change the bass to bass": nothing the agent could do
    assert controls.parts["bass"].value == "picked bass"
    assert "already plays" in controls.talk.conversation.entries[-1].text


def test_undo_restores_the_exact_draft_and_redo_puts_it_back(scored):
    buttons = HistoryButtons(scored)
    before = scored.draft.to_dict()
    scored.say("set the tempo to 100 BPM")
    after = scored.draft.to_dict()
    assert after != before
    buttons.undo_button.click()
    buttons.activity.wait(TIMEOUT)
    assert scored.draft.to_dict() == before
    buttons.redo_button.click()
    buttons.activity.wait(TIMEOUT)
    assert scored.draft.to_dict() == after
    texts = [(entry.role, entry.text) for entry in buttons.talk.conversation.entries]
    assert [text for role, text in texts if role == "user"] == ["undo", "redo"]
    assert texts[1][1].startswith("Undid") and texts[3][1].startswith("Redid")
    assert "Undid" in buttons.transcript.view.value


# -- in the app ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_in_the_app_a_control_answers_in_the_conversation_and_refreshes_timeline_and_player(scored, tmp_path):
    app = MusicMakerApp(scored, root=tmp_path)
    app.wait(TIMEOUT)
    first_preview = app.player.path
    app.controls.style.value = "jazz"
    app.wait(TIMEOUT)
    log = app.prompt.log_view.value
    assert "<b>You:</b> change the style to jazz" in log and "Happy jazz" in log
    assert "jazz" in app.timeline.table.value.lower()
    assert app.player.path is not None and app.player.path != first_preview and app.player.path.is_file()
    scored.say("change the style to funk")  # another cell
    app.wait(TIMEOUT)
    assert app.controls.style.value == "funk"
    app.history.undo_button.click()
    app.wait(TIMEOUT)
    assert app.controls.style.value == "jazz" and "Undid" in app.prompt.log_view.value


# -- in the app, against the fake service -------------------------------------------------------
@pytest.fixture
def fake_service():
    return FakeService(edit=add_bgm, render_steps=3)


@pytest.fixture
def fake(fake_service):
    opened = mm.connect(base_url="https://musicmaker.test", transport=fake_service.transport(), poll_interval_s=0.001)
    yield opened
    opened.close()
    ipywidgets.Widget.close_all()


@pytest.fixture
def fake_clip(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(2000))  # the fake service never decodes it
    return path




def test_the_app_puts_controls_and_undo_under_the_prompt_and_the_timeline_under_both(fake, tmp_path):
    app = MusicMakerApp(fake, root=tmp_path, preview=False)
    header, columns, timeline = app.children
    left, right = columns.children
    assert (header, timeline) == (app.header, app.timeline)
    assert list(left.children[:2]) == [app.upload, app.prompt]
    assert list(left.children[2].children) == [app.history, app.controls]
    assert list(right.children) == [app.player, app.export]
    assert columns.layout.flex_flow == "row wrap"  # the columns stack where the notebook is narrow
    assert app.controls.style.disabled and "No music yet" in app.controls.hint.value


def test_a_control_speaks_in_the_prompts_conversation(fake, fake_service, fake_clip):
    app = MusicMakerApp(fake, root=fake_clip.parent, preview=False)
    messages = record_messages(fake_service)
    fake.upload(fake_clip)
    fake.say("create an upbeat background track")
    assert not app.controls.more_energy.disabled  # music there (the fake tells no plan: blanks, still usable)
    app.controls.more_energy.click()
    app.wait(TIMEOUT)
    assert messages[-1] == "more energy"
    log = app.prompt.log_view.value
    assert "<b>You:</b> more energy" in log and "Added an upbeat track." in log


def test_undo_and_redo_answer_in_the_conversation_and_wait_for_a_running_job(fake, fake_service, fake_clip):
    app = MusicMakerApp(fake, root=fake_clip.parent, preview=False)
    messages = record_messages(fake_service)
    fake.upload(fake_clip)
    gate = threading.Event()
    fake_service.sse_chunks = lambda message: gate.wait(TIMEOUT) and default_sse_chunks(message)
    first = app.prompt.generate("create an upbeat background track")
    try:
        assert app.history.undo_button.disabled and app.history.redo_button.disabled
        assert app.controls.frame.disabled
    finally:
        gate.set()
    first.result(TIMEOUT)
    assert not app.history.undo_button.disabled
    app.history.undo_button.click()
    app.wait(TIMEOUT)
    assert messages[-1] == "undo" and "<b>You:</b> undo" in app.prompt.log_view.value


def test_the_apps_controls_follow_a_change_made_in_another_cell(fake, fake_clip):
    app = MusicMakerApp(fake, root=fake_clip.parent, preview=False)
    fake.upload(fake_clip)
    assert not app.controls.frame.disabled and app.controls.style.disabled
    fake.say("create an upbeat background track")  # not through the app
    assert not app.controls.style.disabled and "No music yet" not in app.controls.hint.value


def test_the_app_scrolls_into_view_when_it_starts_working(fake, fake_clip):
    app = MusicMakerApp(fake, root=fake_clip.parent, preview=False)
    ticks = values_of(app.scroll, "ticks")
    app.upload.add_path(fake_clip)
    app.wait(TIMEOUT)
    assert ticks == [1]
    assert "scrollIntoView" in app.scroll._esm


def test_the_new_parts_have_short_reprs(fake, tmp_path):
    app = MusicMakerApp(fake, root=tmp_path, preview=False)
    assert repr(app.controls) == "<PlanControls no music>" and repr(app.history) == "<HistoryButtons ready>"


def test_the_timelines_playhead_follows_the_player(fake, tmp_path):
    """A link in the browser (jsdlink): the playhead moves as the video plays, no kernel round trip."""
    made = []
    ipywidgets.Widget.on_widget_constructed(made.append)
    try:
        app = MusicMakerApp(fake, root=tmp_path, preview=False)
    finally:
        ipywidgets.Widget.on_widget_constructed(None)
    links = [widget for widget in made if isinstance(widget, ipywidgets.widgets.widget_link.DirectionalLink)]
    assert [(link.source, link.target) for link in links] == [
        ((app.player.media, "current_time"), (app.timeline.canvas, "playhead_s"))]
