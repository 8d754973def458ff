"""The agent's understanding, without a server: message -> tool calls or a question."""

from __future__ import annotations

import pytest

from musicmaker_nb.engine.agent._interpret import AgentContext, Clip, interpret, language_of, parse_time_ms

CLIPS = (Clip("med_1", "city.mp4", "video", 10000, 0), Clip("med_2", "beach.mov", "video", 8000, 10000))
NO_MUSIC = AgentContext(clips=CLIPS)
WITH_MUSIC = AgentContext(clips=CLIPS, has_music=True, music_segments=1, last_prompt="upbeat pop")


def calls(message: str, context: AgentContext = WITH_MUSIC) -> list[tuple[str, dict]]:
    result = interpret(message, context)
    assert result.question is None, result.question
    return [(call.name, call.args) for call in result.calls]


def question(message: str, context: AgentContext = WITH_MUSIC) -> str:
    result = interpret(message, context)
    assert result.question, result.calls
    return result.question


@pytest.mark.parametrize("text, ms", [("0:05", 5000), ("1:02.5", 62500), ("5s", 5000), ("2.5 seconds", 2500),
                                      ("20秒", 20000), ("7", 7000), ("1:00:00", 3600000)])
def test_times(text: str, ms: float) -> None:
    assert parse_time_ms(text) == ms


@pytest.mark.parametrize("message", [
    "create an upbeat background track for my travel video",
    "add calm piano music",
    "generate a lo-fi beat",
    "生成欢快的背景音乐",
])
def test_generating_music(message: str) -> None:
    [(name, args)] = calls(message, NO_MUSIC)
    assert name == "generate_music"
    assert args["clip"] is None and args["replace"] is False
    assert args["prompt"]


@pytest.mark.parametrize("message, seed", [
    ("add calm piano music (seed 7)", 7),
    ("add upbeat pop music, seed: 42", 42),
    ("生成欢快的背景音乐（种子 3）", 3),
    ("add calm piano music", None),
])
def test_an_explicit_seed_is_taken_out_of_the_prompt(message: str, seed: int | None) -> None:
    [(name, args)] = calls(message, NO_MUSIC)
    assert name == "generate_music" and args["seed"] == seed
    assert "seed" not in args["prompt"] and "种子" not in args["prompt"]


@pytest.mark.parametrize("message", ["upbeat pop for a summer video", "calm piano", "史诗管弦乐", "lo-fi hip hop, 84 bpm"])
def test_a_description_without_a_verb_is_music_to_generate(message: str) -> None:
    [(name, args)] = calls(message, NO_MUSIC)
    assert name == "generate_music" and args["prompt"] and args["replace"] is False
    [(name, args)] = calls(message, WITH_MUSIC)
    assert name == "generate_music" and args["replace"] is True


@pytest.mark.parametrize("message", ["hello", "what can you do?", "add the title 'Happy Jazz Piano'"])
def test_text_that_describes_no_music_is_not_taken_for_it(message: str) -> None:
    result = interpret(message, NO_MUSIC)
    assert not any(call.name == "generate_music" for call in result.calls)


def test_a_fragment_joins_the_music_it_describes() -> None:
    [(name, args)] = calls("add calm and dreamy piano music", NO_MUSIC)
    assert name == "generate_music" and "dreamy" in args["prompt"] and "calm" in args["prompt"]


@pytest.mark.parametrize("message, expected", [
    ("set the volume to 35%", {"volume": 0.35, "target": "music"}),
    ("music at 0.5 volume", {"volume": 0.5, "target": "music"}),
    ("make the music quieter", {"factor": 0.6, "target": "music"}),
    ("a bit louder please", {"factor": 1.5, "target": "music"}),
    ("音量调到35%", {"volume": 0.35, "target": "music"}),
    ("小声一点", {"factor": 0.6, "target": "music"}),
    ("set the original audio to 50%", {"volume": 0.5, "target": "original"}),
    ("mute the second clip", {"volume": 0.0, "target": "med_2"}),
    ("turn beach.mov down to 20%", {"volume": 0.2, "target": "med_2"}),
])
def test_volume(message: str, expected: dict) -> None:
    assert calls(message) == [("set_volume", expected)]


def test_make_the_music_quieter_is_not_a_new_track() -> None:
    assert [name for name, _ in calls("make the music quieter")] == ["set_volume"]


def test_fades() -> None:
    assert calls("fade in over 2 seconds and fade out over 3 seconds") == [
        ("fade_music", {"fade_in_ms": 2000}), ("fade_music", {"fade_out_ms": 3000})]
    assert calls("add a fade to the music") == [("fade_music", {"fade_in_ms": 2000, "fade_out_ms": 2000})]
    assert calls("淡出") == [("fade_music", {"fade_out_ms": 2000})]
    assert calls("remove the fades") == [("fade_music", {"fade_in_ms": 0, "fade_out_ms": 0})]


@pytest.mark.parametrize("message", ["play the music from 0:05 to 0:20", "music between 5s and 20s",
                                     "音乐从5秒到20秒"])
def test_placing_music(message: str) -> None:
    assert calls(message) == [("place_music", {"start_ms": 5000, "end_ms": 20000})]


@pytest.mark.parametrize("message, text, start, duration", [
    ("add the title 'Urban Dreams' for 3 seconds", "Urban Dreams", 0, 3000),
    ("add the title Urban Dreams for 3 seconds", "Urban Dreams", 0, 3000),
    ('title "Hello, and welcome" at 0:02 for 4s', "Hello, and welcome", 2000, 4000),
    ("添加标题“城市之梦”持续3秒", "城市之梦", 0, 3000),
])
def test_titles(message: str, text: str, start: float, duration: float) -> None:
    assert calls(message, NO_MUSIC) == [("add_title", {"text": text, "start_ms": start, "duration_ms": duration})]


def test_text_overlay() -> None:
    assert calls("add the text 'See you soon' at 0:05 for 2 seconds") == [
        ("add_text", {"text": "See you soon", "start_ms": 5000, "duration_ms": 2000})]
    assert calls("show the caption 'Day 1' from 0:01 to 0:04") == [
        ("add_text", {"text": "Day 1", "start_ms": 1000, "duration_ms": 3000})]


@pytest.mark.parametrize("message, size", [
    ("make it 9:16", (1080, 1920)), ("vertical for TikTok", (1080, 1920)), ("改成竖屏", (1080, 1920)),
    ("switch to 16:9", (1920, 1080)), ("landscape", (1920, 1080)),
    ("square please", (1080, 1080)), ("1:1", (1080, 1080)), ("方形", (1080, 1080)),
])
def test_aspect_ratios(message: str, size: tuple[int, int]) -> None:
    [(name, args)] = calls(message, NO_MUSIC)
    assert name == "set_aspect" and (args["width"], args["height"]) == size


@pytest.mark.parametrize("message, enabled", [
    ("duck the music under speech", True), ("lower the music when people talk", True),
    ("说话时压低音乐", True), ("don't duck the music", False),
])
def test_ducking(message: str, enabled: bool) -> None:
    assert calls(message) == [("duck_music", {"enabled": enabled})]


@pytest.mark.parametrize("message", ["remove the music", "no music please", "删除音乐", "get rid of the soundtrack"])
def test_removing_music(message: str) -> None:
    assert calls(message) == [("remove_music", {})]


def test_removing_the_title() -> None:
    assert calls("remove the title") == [("remove_title", {})]


def test_clips_by_name_and_number() -> None:
    [(_, args)] = calls("add upbeat music to the second clip", NO_MUSIC)
    assert args["clip"] == "med_2"
    [(_, args)] = calls("calm piano music for city.mp4", NO_MUSIC)
    assert args["clip"] == "med_1"
    [(_, args)] = calls("给第二个视频配上安静的钢琴音乐", NO_MUSIC)
    assert args["clip"] == "med_2"
    [(_, args)] = calls("add jazz music to the last clip", NO_MUSIC)
    assert args["clip"] == "med_2"


def test_a_lone_clip_named_in_passing_is_the_whole_video() -> None:
    lone = AgentContext(clips=(Clip("med_1", "travel.mp4", "video", 10000, 0),))
    [(_, args)] = calls("create an upbeat background track for my travel video", lone)
    assert args["clip"] is None


def test_a_clip_that_does_not_exist_is_asked_about() -> None:
    text = question("add music to the third clip", NO_MUSIC)
    assert "no clip number 3" in text and "city.mp4" in text and "beach.mov" in text


def test_replacing_music() -> None:
    [(name, args)] = calls("replace the music with something calmer")
    assert name == "generate_music" and args["replace"] and "calmer" in args["prompt"]
    [(name, args)] = calls("try another one")
    assert name == "generate_music" and args["prompt"] == "upbeat pop"
    [(name, args)] = calls("换一首")
    assert args["prompt"] == "upbeat pop"


def test_several_requests_in_one_message_keep_their_order() -> None:
    names = [name for name, _ in calls("add lo-fi music at 30%, fade it out and add the title 'Hello, world'",
                                       NO_MUSIC)]
    assert names == ["generate_music", "set_volume", "fade_music", "add_title"]


@pytest.mark.parametrize("message, expected", [
    ("make it better", "What would you like"),
    ("change the music", "What kind of music"),
    ("add a title", "What should the title say"),
    ("add some text", "What should the text say"),
])
def test_unclear_requests_get_a_question(message: str, expected: str) -> None:
    assert expected in question(message)


@pytest.mark.parametrize("message", ["set the volume to 35%", "fade out", "duck the music under speech",
                                     "play the music from 0:05 to 0:20"])
def test_music_edits_without_music_ask_for_music_first(message: str) -> None:
    assert "no background music yet" in question(message, NO_MUSIC)


def test_nothing_uploaded_asks_for_an_upload() -> None:
    assert "Upload a video" in question("add calm piano music", AgentContext())
    assert "请先上传" in question("生成欢快的背景音乐", AgentContext())


def test_questions_come_back_in_the_language_asked() -> None:
    assert language_of("换一首") == "zh" and language_of("quieter") == "en"
    reply = interpret("让它更好", WITH_MUSIC)
    assert reply.language == "zh" and "你想做什么" in reply.question


def test_generations_are_counted_for_credits() -> None:
    assert interpret("add calm music and then add jazz music to the second clip", NO_MUSIC).cost_units == 2
    assert interpret("quieter", WITH_MUSIC).cost_units == 0


def _fit(fit: str, focus: str | None = None, clip: str | None = None) -> tuple[str, dict]:
    return ("set_fit", {"fit": fit, "focus": focus, "clip": clip})


@pytest.mark.parametrize("message, expected", [
    ("fill the frame", [_fit("fill")]),
    ("crop to vertical", [("set_aspect", {"width": 1080, "height": 1920, "name": "9:16"}), _fit("fill")]),
    ("blurred background", [_fit("blur")]),
    ("use a blurred background", [_fit("blur")]),  # a background, not background music
    ("letterbox it", [_fit("letterbox")]),
    ("keep the black bars", [_fit("letterbox")]),
    ("no black bars", [_fit("fill")]),
    ("make it 9:16 with a blurred background",
     [("set_aspect", {"width": 1080, "height": 1920, "name": "9:16"}), _fit("blur")]),
    ("fill the frame and follow the action", [_fit("fill", "motion")]),
    ("裁剪", [_fit("fill")]),
    ("模糊背景", [_fit("blur")]),
    ("加黑边", [_fit("letterbox")]),
    ("letterbox the second clip", [_fit("letterbox", clip="med_2")]),
    ("第二个视频的背景模糊", [_fit("blur", clip="med_2")]),
])
def test_framing_phrases(message: str, expected: list[tuple[str, dict]]) -> None:
    got = interpret(message, WITH_MUSIC)
    assert [(call.name, call.args) for call in got.calls] == expected
