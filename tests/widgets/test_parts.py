"""The widgets' pure helpers: formatting, the conversation log, throttling, files."""

from __future__ import annotations

import os
import re
import unicodedata

import pytest

from musicmaker_nb import Draft, Media
from musicmaker_nb.widgets._compare import Variant, seeds_for, variant_message, variants_frame
from musicmaker_nb.widgets._export import reshape
from musicmaker_nb.widgets._files import find_media_files, safe_file_name, upload_problem
from musicmaker_nb.widgets._format import (
    human_duration,
    human_size,
    media_list_html,
    relative_path,
    timeline_html,
    video_html,
)
from musicmaker_nb.widgets._header import STYLE
from musicmaker_nb.widgets._log import STILL_WORKING, ConversationLog
from musicmaker_nb.widgets._progress import Throttle
from musicmaker_nb.widgets._prompt import EXAMPLE_PROMPTS, PromptPanel
from musicmaker_nb.widgets._tasks import plain_error
from musicmaker_nb import InsufficientCreditsError


@pytest.mark.parametrize(("size", "text"), [(None, "?"), (512, "512 B"), (1500, "1.5 KB"), (12_345_678, "12.3 MB"),
                                            (3e9, "3.0 GB"), (4e12, "4000.0 GB")])
def test_human_size(size, text):
    assert human_size(size) == text


@pytest.mark.parametrize(("ms", "text"), [(None, "?"), (0, "0:00.0"), (7500, "0:07.5"), (83_250, "1:23.2")])
def test_human_duration(ms, text):
    assert human_duration(ms) == text


def test_media_list_escapes_names_and_uses_known_sizes():
    markup = media_list_html([Media("med_1", "<b>.mp4", duration_ms=3000)], {"med_1": 2_000_000})
    assert "&lt;b&gt;.mp4" in markup and "2.0 MB" in markup and "0:03.0" in markup
    assert "No media yet" in media_list_html([])


def test_timeline_html_has_the_summary_above_the_table():
    draft = Draft.empty(10000).with_bgm("gen_1", label="Lo-fi")
    markup = timeline_html(draft)
    assert markup.index(draft.summary()) < markup.index("<table")
    assert "mm-timeline" in markup and "Lo-fi" in markup
    assert "No timeline yet" in timeline_html(None)


def test_video_html_quotes_the_source():
    assert 'src="a&quot;b.mp4"' in video_html('a"b.mp4')


def test_relative_path(tmp_path):
    assert relative_path(tmp_path / "a" / "b.mp4", tmp_path) == "a/b.mp4"
    assert relative_path("/elsewhere/b.mp4", tmp_path) is None


def test_the_log_streams_waits_and_finishes():
    log = ConversationLog()
    log.user("make music")
    log.start_reply()
    log.heartbeat()
    assert STILL_WORKING in log.to_html()
    log.stream("Working ")
    assert STILL_WORKING not in log.to_html() and "Working " in log.to_html()
    log.finish("Done <now>.")
    assert log.last_text == "Done <now>." and "Done &lt;now&gt;." in log.to_html()


def test_an_error_replaces_an_empty_reply():
    log = ConversationLog()
    log.start_reply()
    log.error("Out of credits.")
    assert [entry.role for entry in log.entries] == ["error"]


def test_throttle_lets_through_the_first_the_spaced_and_the_last():
    now = [0.0]
    throttle = Throttle(1.0, clock=lambda: now[0])
    assert throttle.ready(0.1)
    now[0] = 0.5
    assert not throttle.ready(0.2)
    assert throttle.ready(1.0)
    now[0] = 1.6
    assert throttle.ready(0.3)


def test_plain_error_never_shows_a_traceback():
    assert "Out of credits" in plain_error(InsufficientCreditsError("no credits", code=2001))
    assert plain_error(KeyError("x")) == "Something went wrong (KeyError: 'x')."


@pytest.mark.parametrize(("name", "size", "expected"), [
    ("clip.MP4", 10, None), ("song.wav", 10, None), ("notes.txt", 10, "not accepted"),
    ("big.mp4", 300 * 2**20, "over the 200 MB limit")])
def test_upload_problem(name, size, expected):
    problem = upload_problem(name, size)
    assert problem is None if expected is None else expected in problem


@pytest.mark.parametrize(("name", "safe"), [("trip.mp4", "trip.mp4"), ("../../etc/x.mp4", "x.mp4"),
                                            ("-rf.mp4", "upload_rf.mp4"), ("C:\\a\\b c.mp4", "b c.mp4"),
                                            ("é$.mp4", "é_.mp4")])
def test_safe_file_name(name, safe):
    assert safe_file_name(name) == safe


def test_find_media_files_skips_hidden_and_generated_folders(tmp_path):
    for path in ("a.mp4", "sub/b.mov", ".hidden/c.mp4", "musicmaker_files/previews/p.mp4", "notes.txt"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(b"")
    assert find_media_files(tmp_path) == ["a.mp4", "sub/b.mov"]
    assert find_media_files(tmp_path, limit=1) == ["a.mp4"]


def test_reshape_changes_only_the_frame():
    draft = Draft.empty(5000)
    assert reshape(draft, None) is draft
    assert reshape(draft, (1920, 1080)) is draft
    assert (reshape(draft, (1080, 1920)).width, reshape(draft, (1080, 1920)).height) == (1080, 1920)


def test_seeds_for():
    assert seeds_for(["a", "b"], None) == [None, None]
    assert seeds_for(["a", "b"], 7) == [7, 7]
    assert seeds_for(["a", "b"], [1, 2]) == [1, 2]
    with pytest.raises(ValueError, match="one seed per prompt"):
        seeds_for(["a", "b"], [1])


def test_variant_message_and_frame():
    assert variant_message("calm piano", None) == "calm piano"
    assert variant_message("calm piano", 3) == "calm piano (seed 3)"
    frame = variants_frame([Variant("calm", 3, "Calm piano in C", 72.0, "C major", -16.2)])
    assert list(frame.columns[:6]) == ["prompt", "seed", "description", "tempo_bpm", "key", "lufs"]
    assert frame.loc[0, "tempo_bpm"] == 72.0


def test_binder_config_raises_the_websocket_limit_and_keeps_other_settings():
    from traitlets.config import Config, PyFileConfigLoader

    here = os.path.join(os.path.dirname(__file__), "..", "..", "binder")
    loaded = PyFileConfigLoader("jupyter_server_config.py", path=here).load_config()
    given_elsewhere = Config({"ServerApp": {"tornado_settings": {"headers": {"X-Test": "1"}}}})
    given_elsewhere.merge(loaded)
    settings = given_elsewhere.ServerApp.tornado_settings
    assert settings["websocket_max_message_size"] >= 100 * 2**20
    assert settings["headers"] == {"X-Test": "1"}
    assert loaded.ServerApp.trust_xheaders is True
    assert os.access(os.path.join(here, "postBuild"), os.X_OK)


def css_rules(style: str) -> dict[str, dict[str, str]]:
    """``selector -> {property: value}`` for each selector of each rule in a ``<style>`` block."""
    body = re.sub(r"/\*.*?\*/", "", style.removeprefix("<style>").removesuffix("</style>"), flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for selectors, declarations in re.findall(r"([^{}]+)\{([^}]*)\}", body):
        pairs = dict(item.split(":", 1) for item in declarations.split(";") if ":" in item)
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update({k.strip(): v.strip() for k, v in pairs.items()})
    return rules


def needs_an_emoji_font(markup: str) -> list[str]:
    """Pictographs (⏳, ✅, 🎵 ...) show as a missing-glyph box where the browser has no emoji font."""
    return [char for char in markup if unicodedata.category(char) == "So"]


@pytest.mark.parametrize("selector", [".mm-app .widget-html > .widget-html-content",
                                      ".mm-app .jupyter-widget-html > .jupyter-widget-html-content",
                                      ".mm-variants .widget-html > .widget-html-content"])
def test_text_blocks_in_the_app_get_a_texts_line_height_not_a_buttons(selector):
    # ipywidgets sets `.widget-html > .widget-html-content { line-height: var(--jp-widgets-inline-height) }`
    # (28 px): a rule of ours must be more specific and set a line height relative to the font.
    line_height = css_rules(STYLE)[selector]["line-height"]
    assert re.fullmatch(r"1(\.\d+)?|normal", line_height), line_height


def test_suggestions_show_their_whole_prompt_and_a_tooltip(session):
    panel = PromptPanel(session)
    long_prompt = max(EXAMPLE_PROMPTS, key=len)
    assert len(long_prompt) > 40  # "compose an epic cinematic score ..." was cut at 28 characters
    for button, prompt in zip(panel.example_buttons, EXAMPLE_PROMPTS):
        assert button.description == prompt and "…" not in button.description
        assert prompt in button.tooltip and button.tooltip != button.description  # says what a click does
        assert "mm-suggestion" in button._dom_classes
        assert (button.layout.width, button.layout.height, button.layout.max_width) == ("auto", "auto", "100%")
    # ipywidgets' `.jupyter-button` keeps a button to one line and ends it in an ellipsis
    wrapping = css_rules(STYLE)[".mm-suggestion.jupyter-button"]
    assert (wrapping["white-space"], wrapping["height"], wrapping["max-width"]) == ("normal", "auto", "100%")


def test_the_prompt_box_fits_its_column(session):
    # width 100% plus the widget's 2 px margin stuck out of the app by 2 px; auto fills what is left
    assert PromptPanel(session).text.layout.width == "auto"


def test_still_working_needs_no_emoji_font():
    log = ConversationLog()
    log.user("make music")
    log.start_reply()
    log.heartbeat()
    markup = log.to_html()
    assert STILL_WORKING in markup and '<i class="fa fa-hourglass-half"' in markup
    assert needs_an_emoji_font(markup) == []
    assert needs_an_emoji_font("⏳ Still working...") == ["⏳"]  # the check sees what was there
