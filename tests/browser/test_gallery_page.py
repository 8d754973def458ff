"""The listening gallery in a real browser: every player loads its audio and every spectrogram
decodes, opened from disk and served alike."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from musicmaker_nb.music._gallery import build_gallery

# the autouse fixture that pins pretty_midi's bank is function-scoped; this fixture is built before it
BUNDLED = Path(importlib.util.find_spec("pretty_midi").origin).with_name("TimGM6mb.sf2")

LOAD_ALL = """async () => Promise.all([...document.querySelectorAll("audio")].map(audio => new Promise(done => {
    audio.onloadedmetadata = () => done([audio.getAttribute("src"), audio.duration]);
    audio.onerror = () => done([audio.getAttribute("src"), -1]);
    audio.preload = "metadata";
    audio.load();
})))"""


@pytest.fixture(scope="module")
def gallery_page(tmp_path_factory):
    return build_gallery(tmp_path_factory.mktemp("gallery"), styles=["lofi", "tango"], seconds=2.0,
                         soundfont=BUNDLED)


@pytest.mark.parametrize("how", ["file", "served"])
def test_every_player_and_spectrogram_loads(browser, serve, gallery_page, how):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(gallery_page.as_uri() if how == "file" else serve(gallery_page.parent) + "index.html")
    assert page.locator("article.card").count() == 2
    loaded = page.evaluate(LOAD_ALL)
    assert [src for src, _ in loaded] == ["audio/lofi.mp3", "audio/tango.mp3"]
    assert all(duration == pytest.approx(2.0, abs=0.1) for _, duration in loaded), loaded
    page.wait_for_function("[...document.images].every(image => image.complete)", timeout=15_000)
    assert page.evaluate("[...document.images].map(image => image.naturalWidth)") == [600, 600]
    assert problems == []
    page.close()
