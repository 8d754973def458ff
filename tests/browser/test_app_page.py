"""The app in a real browser: its widget state embedded in a page that the html-manager renders."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import imageio_ffmpeg
import ipywidgets
import pytest

import musicmaker_nb as mm
from musicmaker_nb.widgets import MusicMakerApp, compare
from tests.fakes import FakeService, add_bgm

from .conftest import write_widget_page
from .test_media_page import WIDER_THAN_ITS_CONTAINER

TIMEOUT = 120
# every shown element of the app that reaches past the app's own box (what the page would clip)
OUTSIDE_THE_APP = """() => { const app = document.querySelector('.mm-app').getBoundingClientRect();
  return [...document.querySelectorAll('.mm-app *')]
    .filter(element => element.getClientRects().length && getComputedStyle(element).visibility !== 'hidden')
    .map(element => [element, element.getBoundingClientRect()])
    .filter(([element, box]) => box.width > 0 && (box.right > app.right + 0.5 || box.left < app.left - 0.5))
    .map(([element, box]) => `${element.tagName}.${element.className}: ${box.left}-${box.right} in ${app.left}-${app.right}`); }"""


def make_clip(path: Path, seconds: float = 2) -> Path:
    """A real H.264/AAC clip, so the page's <video> has something it can load."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=15:d={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
                   check=True, timeout=60)
    return path


def make_cut_clip(path: Path, seconds: float = 6) -> Path:
    """Two test patterns one after the other (a scene cut halfway, where x264 puts a keyframe), with a tone."""
    ffmpeg, half = imageio_ffmpeg.get_ffmpeg_exe(), seconds / 2
    subprocess.run([ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=30:d={half}",
                    "-f", "lavfi", "-i", f"smptehdbars=size=640x360:rate=30:d={half}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                    "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0,format=yuv420p[v]", "-map", "[v]", "-map", "2:a",
                    "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-shortest", str(path)],
                   check=True, timeout=60)
    return path


@pytest.fixture
def app_site(tmp_path, html_manager_dist):
    """A folder with the app's page after a real session on the embedded engine: a clip with a
    scene cut, music, a title, a 9:16 frame with a blurred background (each a reply that renders
    a preview), an export; plus the html-manager bundle the page loads."""
    site = tmp_path / "site"
    shutil.copytree(html_manager_dist, site)
    make_cut_clip(site / "clip.mp4")
    session = mm.connect()
    try:
        app = MusicMakerApp(session, root=site)
        app.export.quality.value = "low"
        for step in (lambda: app.upload.add_path("clip.mp4"),
                     lambda: app.prompt.generate("create an upbeat background track for my travel video"),
                     lambda: app.prompt.generate("add the title 'Summer Trip'"),
                     lambda: app.prompt.generate("make it 9:16 with a blurred background"),
                     app.export.export):
            step()
            app.wait(TIMEOUT)
        app.timeline.wait(TIMEOUT)  # its picture of the music is fetched off the main thread
        write_widget_page(site / "index.html", [app], "musicmaker_nb")
    finally:
        session.close()
        ipywidgets.Widget.close_all()
    return site


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 1000])
def test_the_app_renders_in_chromium(browser, serve, app_site, tmp_path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(serve(app_site) + "index.html")
    page.wait_for_selector(".mm-app", timeout=30_000)

    assert page.locator(".mm-upload .widget-upload").is_visible()
    assert page.locator(".mm-upload").inner_text().count("clip.mp4") >= 1
    assert page.locator(".mm-prompt textarea").is_visible()
    assert "create an upbeat background track" in page.locator(".mm-prompt .mm-log").inner_text()
    assert page.locator("table.mm-timeline").count() == 1  # under the timeline's picture, collapsed
    assert "2. BGM: " in page.locator(".mm-summary").inner_text()
    assert page.locator("table.mm-timeline tbody tr").count() == 3  # clip, music, title
    # the visual timeline: the frame and its fit, the music's sections, the cut against the beat, the title
    timeline = page.locator(".mm-timeline-view svg.mm-timeline-svg").first
    assert timeline.is_visible()
    drawn = timeline.inner_html()
    assert "1080x1920" in drawn and "9:16" in drawn and "blurred background" in drawn
    assert page.locator(".mm-timeline-view .mm-section").count() >= 2
    assert page.locator(".mm-timeline-view .mm-cut").count() >= 1 and "beat" in drawn
    assert "Summer Trip" in drawn and "gen_" not in drawn
    # the plan's controls and the history buttons, beside the prompt
    assert page.locator(".mm-controls").is_visible() and page.locator(".mm-history").is_visible()
    assert page.locator(".mm-controls select").count() >= 3
    bar = page.locator(".mm-export .widget-hprogress .progress-bar")
    assert bar.is_visible() and bar.evaluate("bar => bar.style.width") == "100%"
    assert "done" in page.locator(".mm-export").inner_text()
    assert page.locator(".mm-export a.mm-download").is_visible()

    video = page.locator(".mm-player video")
    assert video.is_visible()
    page.wait_for_function("document.querySelector('.mm-player video').readyState >= 1", timeout=15_000)
    assert "/musicmaker_files/previews/preview_" in video.evaluate("v => v.currentSrc")  # the relative path
    assert video.evaluate("v => v.duration") == pytest.approx(6, abs=0.3)
    assert video.evaluate("v => [v.videoWidth, v.videoHeight]") == [540, 960]  # a light 9:16 preview
    assert page.evaluate(WIDER_THAN_ITS_CONTAINER) == []
    # wrapped text reads at a normal line spacing (not ipywidgets' 28 px line box); suggestions are
    # whole, with a tooltip; no emoji where a browser may have no emoji font
    hint = page.locator(".mm-upload small").first
    lines = hint.evaluate("e => e.getClientRects().length")
    assert lines >= 2 and hint.evaluate("e => e.getBoundingClientRect().height") / lines < 22
    for button in page.locator(".mm-suggestion").all():
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1 && b.scrollHeight <= b.clientHeight + 1")
        assert button.get_attribute("title", timeout=5_000).startswith("Click to put this prompt")
    assert "⏳" not in page.locator(".mm-app").inner_text()
    outside = page.evaluate(OUTSIDE_THE_APP)
    assert outside == [], "\n".join(outside)  # nothing clipped at the app's right edge
    assert problems == []

    # MUSICMAKER_SCREENSHOT=notebooks/images/app.png refreshes the README's pictures (app.png, app_1000.png)
    named = os.environ.get("MUSICMAKER_SCREENSHOT")
    screenshot = Path(named or tmp_path / "app.png")
    if width != 1280:
        screenshot = screenshot.with_name(f"{screenshot.stem}_{width}{screenshot.suffix}")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    page.close()


def test_variants_stand_side_by_side(browser, serve, tmp_path, html_manager_dist):
    site = tmp_path / "site"
    shutil.copytree(html_manager_dist, site)
    clip = site / "clip.mp4"
    clip.write_bytes(bytes(1000))  # the fake service never decodes it
    service = FakeService(edit=add_bgm)
    session = mm.connect(base_url="https://musicmaker.test", transport=service.transport(), poll_interval_s=0.001)
    try:
        compare(session, ["calm piano", "upbeat pop", "epic score"], seeds=[1, 2, 3], clip=clip, root=site,
                show=False, timeout=TIMEOUT)
        grid = compare.last_grid
        write_widget_page(site / "index.html", [grid], "variants")
    finally:
        session.close()
        ipywidgets.Widget.close_all()
    page = browser.new_page(viewport={"width": 1280, "height": 700})
    page.goto(serve(site) + "index.html")
    page.wait_for_selector(".mm-variants .mm-variant", timeout=30_000)
    cards = page.locator(".mm-variant")
    assert cards.count() == 3
    boxes = [cards.nth(index).bounding_box() for index in range(3)]
    assert len({round(box["y"]) for box in boxes}) == 1  # one row
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    for index, prompt in enumerate(["calm piano (seed 1)", "upbeat pop (seed 2)", "epic score (seed 3)"]):
        card = cards.nth(index)
        assert prompt in card.inner_text() and "use this one" in card.inner_text()
        assert card.locator("video").count() == 1
    page.close()
