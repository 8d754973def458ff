import pytest

from musicmaker_nb import Action, route, translate_gui


# Every row of the seed's "Matching Input to Actions" table, plus close variants.
@pytest.mark.parametrize(
    "text, action",
    [
        ("export", Action.EXPORT),
        ("导出", Action.EXPORT),
        ("download", Action.EXPORT),
        ("send me the video", Action.EXPORT),
        ("export 1080p MP4", Action.EXPORT),
        ("Please download it now", Action.EXPORT),
        ("credits", Action.CREDITS),
        ("积分", Action.CREDITS),
        ("balance", Action.CREDITS),
        ("余额", Action.CREDITS),
        ("how many credits do I have?", Action.CREDITS),
        ("status", Action.STATUS),
        ("状态", Action.STATUS),
        ("show tracks", Action.STATUS),
        ("show the timeline", Action.STATUS),
        ("upload", Action.UPLOAD),
        ("上传", Action.UPLOAD),
        ("upload ~/clips/beach.mp4", Action.UPLOAD),
        ("generate my audio files", Action.CHAT),
        ("create an upbeat background track for my travel video", Action.CHAT),
        ("add BGM", Action.CHAT),
        ("make the music quieter", Action.CHAT),
        ("添加背景音乐", Action.CHAT),
    ],
)
def test_seed_routing_table(text, action):
    assert route(text) is action


def test_quoted_words_are_content_not_commands():
    assert route("add the title 'Export ready'") is Action.CHAT
    assert route('add the text "check your balance"') is Action.CHAT


def test_export_wins_over_other_keywords_like_the_table_order():
    assert route("export and show my credits") is Action.EXPORT


# Every row of the seed's "Backend Response Translation" table.
@pytest.mark.parametrize(
    "text, action",
    [
        ("Click the Apply button to confirm.", "execute"),
        ("点击应用", "execute"),
        ("Open the music panel to see it.", "state"),
        ("请打开音乐面板", "state"),
        ("Drag the clip to 0:05.", "edit"),
        ("拖拽片段到开头", "edit"),
        ("You can preview in the timeline.", "summary"),
        ("Press the Export button to download.", "export"),
        ("点击导出", "export"),
        ("导出按钮在右上角", "export"),
    ],
)
def test_gui_phrases_become_actions(text, action):
    translated, hints = translate_gui(text)
    assert [hint.action for hint in hints] == [action]
    assert hints[0].advice in translated
    assert translated.startswith(text[: text.index(hints[0].phrase)])


def test_text_without_gui_phrases_is_unchanged():
    text = "Added an upbeat lo-fi track at 35%."
    assert translate_gui(text) == (text, ())


def test_several_phrases_are_all_translated_once():
    translated, hints = translate_gui("Open the export panel, then click Export.")
    assert [hint.action for hint in hints] == ["state", "export"]
    assert translated.count("[") == 2
