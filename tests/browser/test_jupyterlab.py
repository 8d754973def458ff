"""The app in a real JupyterLab: the player and the download link go through the server's /files/ URLs,
and not one byte of media goes through the widget comm.

This is what makes them work on Binder and JupyterHub, where the browser cannot reach the kernel's
loopback engine. It needs JupyterLab installed (pip install jupyterlab). The notebook's last cell
starts a thread that writes what the kernel's media widgets sent (bytes, mode) to a file the test
reads: the kernel's own count, with no change to how the page runs.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
CELLS = (
    "import subprocess, imageio_ffmpeg\n"
    "subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), '-v', 'error', '-y', '-f', 'lavfi', '-i',\n"
    "                'testsrc2=size=320x180:rate=15:d=2', '-c:v', 'libx264', '-preset', 'ultrafast',\n"
    "                '-pix_fmt', 'yuv420p', 'clip.mp4'], check=True)",
    "import musicmaker_nb as mm\nsession = mm.connect()\napp = session.app()\napp",
    "app.upload.add_path('clip.mp4'); app.wait()\n"
    "app.prompt.generate('create an upbeat background track for my travel video'); app.wait()\n"
    "app.export.quality.value = 'low'; app.export.export(); app.wait()",
    "import json, os, threading, time\n"
    "def report():\n"
    "    while True:\n"
    "        media = (app.player.media, app.export.download)\n"
    "        with open('sent.json.tmp', 'w') as out:\n"
    "            json.dump({'bytes': sum(m.bytes_sent for m in media), 'modes': [m.mode for m in media],\n"
    "                       'time': app.player.media.current_time}, out)\n"
    "        os.replace('sent.json.tmp', 'sent.json')\n"
    "        time.sleep(0.2)\n"
    "threading.Thread(target=report, daemon=True).start()",
    "from musicmaker_nb.widgets import compare\n"
    "table = compare(session, ['make calm lo-fi music', 'create an epic cinematic score'], seeds=[1, 2])",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, deadline_s: float = 60) -> None:
    give_up = time.monotonic() + deadline_s
    while time.monotonic() < give_up:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer {url} within {deadline_s:.0f} s")


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on loopback serving a notebook that runs the app; yields (base URL, token,
    the notebook's folder)."""
    yield from _lab(tmp_path, CELLS)


# A long notebook: the app at the top, a long output under it, and a last cell that starts a job
# in the app once "Run All" has taken the view to the bottom.
FAR_BELOW_CELLS = (
    "import musicmaker_nb as mm\nsession = mm.connect()\napp = session.app()\napp",
    "for line in range(300):\n    print('a long output between the app and the last cell', line)",
    "import time\ntime.sleep(10)\napp.prompt.generate('add calm piano music')",
)


@pytest.fixture
def far_lab(tmp_path):
    yield from _lab(tmp_path, FAR_BELOW_CELLS)


def _lab(tmp_path, cells):
    pytest.importorskip("jupyterlab", reason="pip install jupyterlab to run the JupyterLab check")
    work = tmp_path / "work"
    work.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, work / "check.ipynb")
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}", "--LabApp.news_url=None"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with open(tmp_path / "lab.log", "wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/api/status?token={token}", server)
        yield base, token, work
    finally:
        server.terminate()  # also shuts down the kernel
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_all(browser, base: str, token: str):
    """The notebook open in JupyterLab at 1400x1000, once its kernel is ready, with Run All clicked."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/check.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)  # the kernel is ready
    page.get_by_role("menuitem", name="Run").first.click()
    page.get_by_text("Run All Cells", exact=True).click()
    return page


@pytest.mark.slow
def test_in_jupyterlab_the_player_and_the_download_use_the_servers_files_url(browser, lab):
    base, token, work = lab
    page = run_all(browser, base, token)

    page.wait_for_selector(".mm-export a.mm-download", timeout=240_000)
    page.wait_for_function("document.querySelector('.mm-player video')?.readyState >= 1", timeout=60_000)
    video = page.locator(".mm-player video")
    assert video.evaluate("v => v.currentSrc").startswith(f"{base}/files/musicmaker_files/previews/preview_")
    assert video.evaluate("v => v.duration") == pytest.approx(2, abs=0.3)
    page.wait_for_function("document.querySelector('.mm-export a.mm-download')?.href?.includes('/files/')",
                           timeout=60_000)
    link = page.locator(".mm-export a.mm-download").evaluate("a => a.href")
    assert link.startswith(f"{base}/files/musicmaker_files/exports/")
    download = page.request.get(link, headers={"Referer": page.url})  # as a click sends; Jupyter checks it
    assert download.status == 200 and download.body()[4:8] == b"ftyp"  # an MP4
    page.wait_for_function("document.querySelector('.mm-player')?.innerText.includes('served by Jupyter')",
                           timeout=30_000)  # the caption says how the video came
    assert "preview, " in page.locator(".mm-player").inner_text()
    sent = work / "sent.json"
    deadline = time.monotonic() + 120  # the kernel hears the page's news between cells
    while not (sent.is_file() and json.loads(sent.read_text())["modes"] == ["served by Jupyter"] * 2):
        assert time.monotonic() < deadline, sent.read_text() if sent.is_file() else "no report from the kernel"
        time.sleep(0.2)
    assert json.loads(sent.read_text())["bytes"] == 0  # nothing went through the comm
    player, column = page.locator(".mm-player video").bounding_box(), page.locator(".mm-player").bounding_box()
    assert player["x"] + player["width"] <= column["x"] + column["width"] + 0.5  # it fits its column

    video.evaluate("v => { v.currentTime = 1.0; }")  # a seek: the kernel's current_time follows
    deadline = time.monotonic() + 30
    while json.loads(sent.read_text())["time"] != pytest.approx(1.0, abs=0.1):
        assert time.monotonic() < deadline, sent.read_text()
        time.sleep(0.2)

    # "use this one" in the variant grid: the chosen card is marked, and the app's player follows
    # the session's new music with a new preview.
    before = video.evaluate("v => v.currentSrc")
    page.wait_for_function("document.querySelectorAll('.mm-variant button:not([disabled])').length == 2",
                           timeout=240_000)
    page.locator(".mm-variant").nth(1).get_by_role("button", name="use this one").click()
    page.wait_for_selector(".mm-variant.mm-chosen", timeout=120_000)
    assert "In your draft" in page.locator(".mm-variant").nth(1).inner_text()
    assert page.locator(".mm-variant.mm-chosen").count() == 1
    page.wait_for_function("document.querySelector('.mm-variants').innerText.includes('Variant 2 is in your draft')",
                           timeout=60_000)
    page.wait_for_function(f"document.querySelector('.mm-player video').currentSrc != {json.dumps(before)} && "
                           "document.querySelector('.mm-player video').readyState >= 1", timeout=120_000)
    assert json.loads(sent.read_text())["bytes"] == 0
    page.close()


@pytest.mark.slow
def test_after_run_all_the_app_that_starts_working_comes_on_screen(browser, far_lab):
    base, token, _ = far_lab
    page = run_all(browser, base, token)
    in_view = ("(() => { const app = document.querySelector('.mm-app'); if (!app) return null;"
               " const box = app.getBoundingClientRect(); return box.bottom > 0 && box.top < window.innerHeight; })()")
    page.wait_for_selector(".mm-app", timeout=120_000)
    page.wait_for_function("document.querySelectorAll('.jp-OutputArea-output pre').length > 0", timeout=60_000)
    # as a person reading on: the notebook scrolled to its end, far below the app
    page.evaluate("document.querySelectorAll('.jp-WindowedPanel-outer, .jp-Notebook').forEach("
                  "panel => { panel.scrollTop = panel.scrollHeight; })")
    page.wait_for_function(f"{in_view} === false", timeout=10_000)
    page.wait_for_function(in_view, timeout=60_000)  # the app's job started: the app came back on screen
    page.close()
