"""/run_sse over real loopback HTTP: ADK-shaped events, heartbeats, questions, credits, music."""

from __future__ import annotations

import pytest

from musicmaker_nb.engine.media._ffmpeg import media_arg, run_ffmpeg

from .conftest import BLURRED_SAID, Caller, reply_text, tool_names


def test_an_edit_streams_calls_responses_and_text(caller: Caller, clip) -> None:
    caller.upload(clip)
    events, comments, answer = caller.say("add the title 'Urban Dreams' for 1 second and make it square")
    assert answer.headers["content-type"].startswith("text/event-stream")
    assert comments and all(line.startswith(": ping") for line in comments)
    for event in events:
        assert event["author"] == "nemo_agent" and event["invocationId"] and event["partial"] is False
    assert tool_names(events) == ["add_title", "set_aspect"]
    responses = [p["functionResponse"] for e in events for p in e["content"]["parts"] if "functionResponse" in p]
    assert [r["response"]["status"] for r in responses] == ["ok", "ok"]
    assert reply_text(events) == ('Added the title "Urban Dreams" from 0:00 to 0:01. '
                                  "Changed the frame to 1:1 (1080x1080)" + BLURRED_SAID)
    draft = caller.state()["draft"]
    assert (draft["m"]["w"], draft["m"]["h"]) == (1080, 1080)
    assert draft["t"][-1]["sg"][0]["m"]["text"] == "Urban Dreams"


def test_an_unclear_request_gets_a_question_and_no_change(caller: Caller, clip) -> None:
    caller.upload(clip)
    before = caller.state()["draft"]
    events, _, _ = caller.say("make it better")
    assert tool_names(events) == [] and "What would you like to do?" in reply_text(events)
    assert caller.state()["draft"] == before


def test_chinese_in_chinese_out(caller: Caller, clip) -> None:
    caller.upload(clip)
    events, _, _ = caller.say("添加标题“城市之梦”持续2秒，然后改成竖屏")
    assert reply_text(events) == ("已添加标题“城市之梦”（0:00 至 0:02）。 画面比例已改为 9:16（1080x1920），"
                                  "形状不同处用模糊背景填充（也可以说“裁剪”或“加黑边”）。")


def test_asking_before_uploading(caller: Caller) -> None:
    events, _, _ = caller.say("add calm piano music")
    assert "Upload a video" in reply_text(events)


def test_not_enough_credits_is_2001_before_anything_runs(start_engine, new_caller, clip) -> None:
    caller = new_caller(start_engine(initial_credits=5))
    caller.upload(clip)
    _, _, answer = caller.say("add calm piano music")
    assert answer.status_code == 402 and answer.json()["code"] == 2001
    assert "10 credits" in answer.json()["message"]
    assert caller.http.get("/api/credits/balance/simple").json()["data"]["available"] == 5


def test_a_failed_tool_is_told_not_hidden(caller: Caller, clip) -> None:
    caller.upload(clip)
    events, _, _ = caller.say("remove the title")
    responses = [p["functionResponse"] for e in events for p in e["content"]["parts"] if "functionResponse" in p]
    assert responses[0]["response"]["status"] == "error"
    assert reply_text(events) == "I could not remove the title: there is no title to remove"


# -- with the composer ----------------------------------------------------------------------------
@pytest.fixture
def scored(caller: Caller, clip) -> tuple[Caller, list[dict]]:
    caller.upload(clip)
    events, comments, _ = caller.say("create an upbeat background track for my travel video")
    assert comments, "a heartbeat comes while the music is generated"
    return caller, events


def test_generating_music(scored) -> None:
    caller, events = scored
    assert tool_names(events) == ["generate_music"]
    text = reply_text(events)
    assert text.startswith("Added ") and "BPM" in text and "as background music at 35%, because: upbeat" in text
    assert "travel video" in text  # the words that decided, as the person wrote them
    state = caller.state()
    [generated] = state["generated_media"]
    assert generated["id"].startswith("gen_") and generated["kind"] == "audio"
    assert generated["duration_ms"] == 2000 and generated["tempo_bpm"] > 0 and generated["key"]
    assert generated["prompt"] == "create an upbeat background track for my travel video"
    assert generated["plan"]["description"] == generated["description"]
    wav = caller.http.get(generated["url"])
    assert wav.headers["content-type"] == "audio/wav" and wav.content[:4] == b"RIFF"
    [music] = [t for t in state["draft"]["t"] if t["m"].get("role") == "bgm"]
    assert music["sg"][0]["src"] == generated["id"] and music["sg"][0]["v"] == 0.35
    assert music["sg"][0]["m"]["prompt"] == generated["prompt"]
    assert caller.http.get("/api/credits/balance/simple").json()["data"] == {"available": 90, "frozen": 0, "total": 90}


def test_refining_the_music(scored) -> None:
    caller, _ = scored
    events, _, _ = caller.say("set the volume to 50%, fade in over 0.5 seconds and duck it under speech")
    assert tool_names(events) == ["set_volume", "fade_music", "duck_music"]
    [music] = [t for t in caller.state()["draft"]["t"] if t["m"].get("role") == "bgm"]
    segment = music["sg"][0]
    assert (segment["v"], segment["m"]["fade_in"], segment["m"]["duck"]) == (0.5, 500, True)
    events, _, _ = caller.say("try another one")
    assert "Replaced the music" in reply_text(events)
    generated = caller.state()["generated_media"]
    assert len(generated) == 2 and generated[0]["plan"]["seed"] != generated[1]["plan"]["seed"]
    events, _, _ = caller.say("remove the music")
    assert not [t for t in caller.state()["draft"]["t"] if t["m"].get("role") == "bgm"]


def test_another_take_after_edits_keeps_them(scored) -> None:
    caller, _ = scored
    caller.say("play the melody on a flute and set the tempo to 100 bpm")
    edited = caller.state()["generated_media"][-1]["plan"]
    caller.say("try another one")
    again = caller.state()["generated_media"][-1]["plan"]
    assert again["seed"] != edited["seed"]
    # another take of the music as it is now, not of the first words
    assert again["instruments"]["melody"] == "flute" and again["tempo_bpm"] == 100
    assert again["style"] == edited["style"] and again["key"] == edited["key"]


def test_each_clip_gets_its_own_music_by_name(caller: Caller, clip, clip2) -> None:
    caller.upload(clip, clip2)
    events, _, _ = caller.say("add calm piano music to the second clip")
    assert "for beach.mp4" in reply_text(events)
    events, _, _ = caller.say("jazz music for city.mp4")
    music = [t for t in caller.state()["draft"]["t"] if t["m"].get("role") == "bgm"][0]["sg"]
    assert [(s["s"], s["d"]) for s in music] == [(0, 2000), (2000, 1500)]
    events, _, _ = caller.say("mute the second clip")
    video = caller.state()["draft"]["t"][0]["sg"]
    assert [s["v"] for s in video] == [1.0, 0.0]


def test_music_that_does_not_fit_the_quota_is_refunded(start_engine, new_caller, clip, home) -> None:
    engine = start_engine()
    caller = new_caller(engine)
    caller.upload(clip)
    engine.stop()
    used = sum(p.stat().st_size for p in home.rglob("*") if p.is_file())
    caller.http.base_url = start_engine(quota_bytes=used + 64 * 1024).base_url
    events, _, answer = caller.say("add calm piano music")  # refused before the stream, as 2001 is
    assert (answer.status_code, answer.json()["code"]) == (507, 507) and events == []
    assert "storage is full" in answer.json()["message"]
    assert caller.http.get("/api/credits/balance/simple").json()["data"]["available"] == 100
    assert caller.state()["generated_media"] == [] and not list((home / "tmp").iterdir())


# -- a description, the music as it is, and the history --------------------------------------------------
def test_an_occasion_alone_gets_music_and_says_why(caller: Caller, clip) -> None:
    caller.upload(clip)
    events, _, _ = caller.say("something for my cat video, kind of sleepy")
    assert tool_names(events) == ["generate_music"]
    text = reply_text(events)
    assert text.startswith("Added Sleepy lullaby, ") and "because: cat video, sleepy" in text
    [generated] = caller.state()["generated_media"]
    assert generated["plan"]["style"] == "lullaby" and generated["plan"]["mood"] == "sleepy"


def test_a_prompt_the_tables_do_not_know_still_gets_music(caller: Caller, clip) -> None:
    caller.upload(clip)
    events, _, _ = caller.say("make music like xqzt blorp")
    assert tool_names(events) == ["generate_music"]
    assert "because: no style, mood or occasion words I know, so a bright default" in reply_text(events)


def test_an_edit_changes_the_music_there_is_and_says_what_changed(scored) -> None:
    caller, _ = scored
    before = caller.state()["generated_media"][0]["plan"]
    events, _, _ = caller.say("faster and in a minor key")
    assert tool_names(events) == ["edit_music"]
    after = caller.state()["generated_media"][-1]["plan"]
    assert after["tempo_bpm"] > before["tempo_bpm"] and after["mode"] == "minor"
    assert (after["seed"], after["style"], after["key"]) == (before["seed"], before["style"], before["key"])
    text = reply_text(events)
    assert text.startswith("Changed the music: ") and "BPM" in text and " minor" in text
    [music] = [t for t in caller.state()["draft"]["t"] if t["m"].get("role") == "bgm"]
    assert music["sg"][0]["src"] == caller.state()["generated_media"][-1]["id"] and music["sg"][0]["v"] == 0.35


def test_an_impossible_edit_is_told(scored) -> None:
    caller, _ = scored
    events, _, _ = caller.say("change the banjo to a piano")
    assert reply_text(events).startswith("I could not change the music: there is no banjo in this music")


def test_undo_and_redo_step_over_whole_messages(scored) -> None:
    caller, _ = scored
    with_music = caller.state()["draft"]
    caller.say("set the volume to 50% and fade it out")
    changed = caller.state()["draft"]
    events, _, _ = caller.say("undo")
    assert tool_names(events) == ["undo"]
    assert reply_text(events).startswith('Undid "set the volume to 50% and fade it out".')
    assert caller.state()["draft"] == with_music
    events, _, _ = caller.say("重做")
    assert reply_text(events).startswith("已重做") and caller.state()["draft"] == changed
    events, _, _ = caller.say("redo")
    assert reply_text(events) == "There is nothing to redo."


def test_undo_takes_back_music_and_uploads_but_not_the_first_clip(caller: Caller, clip) -> None:
    caller.upload(clip)
    only_clip = caller.state()["draft"]
    caller.say("add calm piano music")
    caller.upload(clip)
    assert len(caller.state()["draft"]["t"][0]["sg"]) == 2
    caller.say("undo")  # the second upload
    assert len(caller.state()["draft"]["t"][0]["sg"]) == 1
    caller.say("undo")  # the music
    assert caller.state()["draft"] == only_clip
    events, _, _ = caller.say("undo")
    assert reply_text(events) == "There is nothing to undo."
    assert caller.state()["draft"] == only_clip


def test_a_new_message_after_undo_forgets_what_was_undone(scored) -> None:
    caller, _ = scored
    caller.say("set the volume to 50%")
    caller.say("undo")
    caller.say("set the volume to 20%")
    events, _, _ = caller.say("redo")
    assert reply_text(events) == "There is nothing to redo."


def test_scene_cuts_are_in_the_state_once_known_and_the_music_fits_them(caller: Caller, tmp_path, tone) -> None:
    clip = tmp_path / "two_cuts.mp4"
    graph = ("testsrc2=size=320x240:rate=30:duration=2[a];smptebars=size=320x240:rate=30:duration=2[b];"
             "mandelbrot=size=320x240:rate=30,trim=duration=4[c];[a][b][c]concat=n=3:v=1[v]")
    run_ffmpeg(["-v", "error", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast",
                "-pix_fmt", "yuv420p", "-y", media_arg(clip)])  # x264 puts keyframes on the cuts
    caller.upload(clip, tone)
    events, _, _ = caller.say("add upbeat music")
    assert tool_names(events) == ["generate_music"]
    state = caller.state()
    video, audio = state["video_infos"]
    assert video["scene_cuts_ms"] == [2000, 4000]
    assert "scene_cuts_ms" not in audio  # only a video's cuts, and only once they are known
    [generated] = state["generated_media"]
    assert [round(time_s, 3) for time_s, _ in generated["plan"]["cuts"]] == [2.0, 4.0]


# -- framing -----------------------------------------------------------------------------------------
def test_framing_the_whole_video_is_kept_in_the_draft_and_told(caller: Caller, clip) -> None:
    caller.upload(clip)  # 16:9
    events, _, _ = caller.say("crop to vertical")
    assert tool_names(events) == ["set_aspect", "set_fit"]
    assert reply_text(events) == ("Changed the frame to 9:16 (1080x1920). "
                                  "The picture now fills the 1080x1920 (9:16) frame, cropped at the middle.")
    assert caller.state()["draft"]["m"] | {"fps": None} == {"w": 1080, "h": 1920, "fps": None, "fit": "fill"}
    events, _, _ = caller.say("make it follow the action")
    assert "cropped around where it moves most" in reply_text(events)
    assert caller.state()["draft"]["m"]["focus"] == "motion"
    events, _, _ = caller.say("letterbox it")
    assert reply_text(events) == ("The picture is now letterboxed in the 1080x1920 (9:16) frame: scaled to fit, "
                                  "black bars where its shape differs.")
    assert "focus" not in caller.state()["draft"]["m"]


def test_a_new_frame_gets_a_blurred_background_unless_the_draft_says(caller: Caller, clip) -> None:
    caller.upload(clip)
    caller.say("make it 9:16")
    assert caller.state()["draft"]["m"]["fit"] == "blur"
    caller.say("letterbox it")
    events, _, _ = caller.say("make it square")
    assert reply_text(events) == "Changed the frame to 1:1 (1080x1080)."  # the fit said before stays
    assert caller.state()["draft"]["m"]["fit"] == "letterbox"


def test_framing_one_clip_by_name_in_chinese(caller: Caller, clip, clip2) -> None:
    caller.upload(clip, clip2)
    events, _, _ = caller.say("改成竖屏，第二个视频加黑边")
    assert tool_names(events) == ["set_aspect", "set_fit"]
    assert reply_text(events).endswith("beach.mp4现在完整显示在 1080x1920 (9:16) 画面中，形状不同处加黑边。")
    draft = caller.state()["draft"]
    video = next(t for t in draft["t"] if t["tt"] == 0)
    fits = {s["src"]: (s.get("m") or {}).get("fit") for s in video["sg"]}
    assert sorted(fits.values(), key=str) == [None, "letterbox"]
    assert draft["m"]["fit"] == "blur"  # the whole video: blurred; the clip named: letterboxed
