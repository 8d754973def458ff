"""The player and the download where no Jupyter server serves files (VS Code, Colab, a static page).

The app's widget state is rendered by the html-manager in Chromium from a plain HTTP server that
holds only the page and its scripts: the video lies elsewhere, so its relative path answers 404,
and the page has no Jupyter config to build a ``/files/`` URL from. The player must fall back to
asking the kernel for the file.

A static page has no kernel, so this test plays the kernel's part with a small bridge, the
simplest one that keeps both real ends: the page's ``WidgetModel.prototype.send`` (what
``model.send`` calls; it does nothing when a model has no comm) is wrapped to call a Python
function exposed by Playwright; that function hands the message to the real ``MediaFile`` widget
through its comm's ``handle_msg`` (as ipykernel does), and returns what the widget sent back
(content, and its binary buffers base64-encoded) for the page to deliver as a ``msg:custom`` event
with ``DataView`` buffers, as the real widget manager does. Everything between (chunk requests,
Blob building, playing, saving) is the shipped code.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import time
import wave
from pathlib import Path

import imageio_ffmpeg
import ipywidgets
import pytest

import musicmaker_nb as mm
from musicmaker_nb.widgets import MusicMakerApp, Variant, VariantGrid
from musicmaker_nb.widgets._media import CHUNK_BYTES
from tests.fakes import FakeService, add_bgm
from tests.widgets.comms import page_asks, use_recording_comms

from .conftest import write_widget_page

BRIDGE = """<script>
require(["@jupyter-widgets/base"], (base) => {
  const send = base.WidgetModel.prototype.send;
  base.WidgetModel.prototype.send = function (content, callbacks, buffers) {
    if (this.comm !== undefined || !window.kernel) return send.call(this, content, callbacks, buffers);
    window.kernel(this.model_id, content).then(async (replies) => {
      for (const [reply, chunks] of replies) {
        const views = [];
        for (const chunk of chunks) {
          const bytes = await (await fetch("data:application/octet-stream;base64," + chunk)).arrayBuffer();
          views.push(new DataView(bytes));
        }
        this.trigger("msg:custom", reply, views);
      }
    });
  };
});
</script>"""


def make_video(path: Path, seconds: int = 10, bitrate: str = "20M") -> Path:
    """About 25 MB of H.264 for 10 s: testsrc2 at a constant 20 Mbit/s (filler included)."""
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size=1280x720:rate=30:d={seconds}", "-f", "lavfi", "-i",
                    f"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
                    "-b:v", bitrate, "-minrate", bitrate, "-maxrate", bitrate, "-bufsize", "2M",
                    "-x264-params", "nal-hrd=cbr",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)], check=True, timeout=120)
    return path


@pytest.fixture
def kernel(monkeypatch):
    """The kernel's side of the bridge: widgets by model id, and what they send back."""
    replies: list[tuple[dict, list]] = []
    use_recording_comms(monkeypatch, lambda content, buffers: replies.append((content, buffers)))
    widgets: dict[str, ipywidgets.Widget] = {}

    def answer(model_id: str, content: dict) -> list:
        replies.clear()
        page_asks(widgets[model_id], content)
        return [[reply, [base64.b64encode(bytes(buffer)).decode("ascii") for buffer in buffers]]
                for reply, buffers in replies]

    return widgets, answer


@pytest.mark.slow
def test_without_a_jupyter_server_the_player_and_the_download_go_through_the_notebook(
        browser, serve, kernel, tmp_path, html_manager_dist):
    widgets, answer = kernel
    site, notebook = tmp_path / "site", tmp_path / "notebook"
    shutil.copytree(html_manager_dist, site)
    notebook.mkdir()
    video = make_video(notebook / "export 25mb.mp4")
    size = video.stat().st_size
    assert 20e6 < size < 32e6
    service = FakeService(edit=add_bgm)
    session = mm.connect(base_url="https://musicmaker.test", transport=service.transport(), poll_interval_s=0.001)
    try:
        app = MusicMakerApp(session, root=notebook, preview=False)
        app.player.show(video, note="export")
        app.export.offer(video)
        for media in (app.player.media, app.export.download):
            widgets[media.model_id] = media
        write_widget_page(site / "index.html", [app], "musicmaker_nb without a server", extra=BRIDGE)

        page = browser.new_page(viewport={"width": 1000, "height": 900}, accept_downloads=True)
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.expose_function("kernel", answer)
        began = time.monotonic()
        page.goto(serve(site) + "index.html")
        page.wait_for_function("document.querySelector('.mm-player video')?.readyState >= 1", timeout=60_000)
        played_after = time.monotonic() - began
        player = page.locator(".mm-player video")
        assert player.evaluate("v => v.currentSrc").startswith("blob:")  # the relative path did not load
        assert player.evaluate("v => v.duration") == pytest.approx(10, abs=0.3)
        assert app.player.media.bytes_sent == size

        began = time.monotonic()
        with page.expect_download(timeout=60_000) as download_info:
            page.locator(".mm-export a.mm-download").click()
        download = download_info.value
        saved = Path(download.path())
        saved_after = time.monotonic() - began
        assert download.suggested_filename == video.name
        assert saved.stat().st_size == size
        assert hashlib.sha256(saved.read_bytes()).hexdigest() == hashlib.sha256(video.read_bytes()).hexdigest()
        assert app.export.download.bytes_sent == size
        assert problems == []
        print(f"\n{size / 1e6:.1f} MB in chunks of {CHUNK_BYTES} bytes: playing after {played_after:.1f} s "
              f"(including the {app.player.media.fallback_after_s:g} s wait at most for the URL), "
              f"saved after {saved_after:.1f} s")
        page.close()
    finally:
        session.close()
        ipywidgets.Widget.close_all()


WIDER_THAN_ITS_CONTAINER = """() => [...document.querySelectorAll(
    '.mm-player, .mm-player .mm-media, .mm-player video, .mm-export .mm-media, .mm-variant, .mm-variant video, '
    + '.mm-variant audio')]
  .map(element => [element, element.parentElement.getBoundingClientRect(), element.getBoundingClientRect()])
  .filter(([element, outer, inner]) => inner.left < outer.left - 0.5 || inner.right > outer.right + 0.5)
  .map(([element, outer, inner]) =>
       `${element.className}: ${inner.left}-${inner.right} in ${outer.left}-${outer.right}`)"""


@pytest.mark.parametrize("width", [1400, 1000])
def test_players_and_cards_fit_their_containers(browser, serve, tmp_path, html_manager_dist, width):
    site = tmp_path / "site"
    shutil.copytree(html_manager_dist, site)
    video = make_video(site / "wide.mp4", seconds=1, bitrate="1M")  # 1280 px: wider than any column here
    service = FakeService(edit=add_bgm)
    session = mm.connect(base_url="https://musicmaker.test", transport=service.transport(), poll_interval_s=0.001)
    try:
        app = MusicMakerApp(session, root=site, preview=False)
        app.player.show(video)
        app.export.offer(video)
        music = site / "music.wav"
        with wave.open(str(music), "wb") as out:  # a second of silence: the music alone
            out.setnchannels(1), out.setsampwidth(2), out.setframerate(8000), out.writeframes(bytes(16000))
        grid = VariantGrid(session, [Variant(prompt, preview=video, music=music)
                                     for prompt in ("calm piano", "epic drums", "lo-fi beat")], root=site)
        for index in range(3):
            grid.fill(index)
        write_widget_page(site / "index.html", [app, grid], "widths")
    finally:
        session.close()
        ipywidgets.Widget.close_all()
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(serve(site) + "index.html")
    page.wait_for_function("document.querySelectorAll('video').length == 4 && "
                           "document.querySelectorAll('.mm-variant audio').length == 3 && "
                           "[...document.querySelectorAll('video, audio')].every(v => v.readyState >= 1)",
                           timeout=30_000)
    assert page.evaluate(WIDER_THAN_ITS_CONTAINER) == []
    cards = page.locator(".mm-variant")
    assert cards.count() == 3 and page.locator(".mm-player video").bounding_box()["width"] > 100
    page.close()
