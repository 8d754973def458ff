"""A real browser for the widget pages: Debian's Chromium driven by Playwright, and the
``@jupyter-widgets/html-manager`` bundle from the npm registry (cached after the first run).

Nothing is skipped when a piece is missing: CI (``.ci/run``) installs Chromium with apt-get and
npm fetches the bundle, so a missing piece fails with what to install. Set
``MUSICMAKER_CHROMIUM`` to use another browser binary, ``MUSICMAKER_HTML_MANAGER_DIR`` to use
an unpacked ``dist/`` folder instead of npm.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
from pathlib import Path

import platformdirs
import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-headless-shell", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    candidates = [os.environ.get("MUSICMAKER_CHROMIUM", ""), *CHROMIUM_CANDIDATES, shutil.which("chromium") or ""]
    found = next((path for path in candidates if path and os.access(path, os.X_OK)), None)
    if found is None:
        pytest.fail("no Chromium found: install Debian's with 'apt-get install chromium' (.ci/run does), "
                    "or set MUSICMAKER_CHROMIUM to a Chromium binary", pytrace=False)
    return found


def html_manager_spec() -> str:
    """The html-manager version range that matches the installed ipywidgets."""
    from ipywidgets._version import __html_manager_version__

    return __html_manager_version__


def fetch_html_manager(spec: str, cache: Path) -> Path:
    """``npm pack`` the bundle (a tarball, none of its dependencies) and unpack its ``dist/``."""
    target = cache / f"html-manager-{re.sub(r'[^0-9A-Za-z.]+', '_', spec)}"
    if (target / "embed.js").is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed once to fetch @jupyter-widgets/html-manager: apt-get install npm", pytrace=False)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:  # same disk as target: the rename is atomic
        result = subprocess.run([npm, "pack", f"@jupyter-widgets/html-manager@{spec}", "--pack-destination", scratch,
                                 "--silent"], capture_output=True, text=True, timeout=300, cwd=scratch)
        if result.returncode != 0:
            pytest.fail(f"npm pack @jupyter-widgets/html-manager@{spec} failed:\n{result.stderr[-2000:]}",
                        pytrace=False)
        with tarfile.open(next(Path(scratch).glob("*.tgz"))) as archive:
            archive.extractall(scratch, filter="data")
        if not target.exists():  # another worker may have won the race
            os.replace(Path(scratch) / "package" / "dist", target)
    return target


def fetch_requirejs(cache: Path, version: str = "2.3.7") -> Path:
    """require.js from the npm registry (cached): the html-manager loads custom widgets (our
    anywidget player) through it, as nbconvert's HTML pages do with a CDN copy."""
    target = cache / f"require-{version}.js"
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed once to fetch require.js: apt-get install npm", pytrace=False)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        result = subprocess.run([npm, "pack", f"requirejs@{version}", "--pack-destination", scratch, "--silent"],
                                capture_output=True, text=True, timeout=300, cwd=scratch)
        if result.returncode != 0:
            pytest.fail(f"npm pack requirejs@{version} failed:\n{result.stderr[-2000:]}", pytrace=False)
        with tarfile.open(next(Path(scratch).glob("*.tgz"))) as archive:
            archive.extractall(scratch, filter="data")
        os.replace(Path(scratch) / "package" / "require.js", target)
    return target


@pytest.fixture(scope="session")
def html_manager_dist() -> Path:
    """The html-manager's dist/ folder, plus require.js and anywidget's AMD bundle next to it:
    a page made by ``write_widget_page`` loads everything from its own folder, no CDN."""
    given = os.environ.get("MUSICMAKER_HTML_MANAGER_DIR")
    cache = Path(platformdirs.user_cache_dir("musicmaker_nb"))
    dist = Path(given) if given else fetch_html_manager(html_manager_spec(), cache)
    import anywidget

    site = cache / f"widget-site-{dist.name}-anywidget-{anywidget.__version__}"
    if not (site / "anywidget.js").is_file():
        scratch = Path(tempfile.mkdtemp(dir=cache))
        shutil.copytree(dist, scratch, dirs_exist_ok=True)
        shutil.copy(fetch_requirejs(cache), scratch / "require.js")
        shutil.copy(Path(anywidget.__file__).parent / "nbextension" / "index.js", scratch / "anywidget.js")
        if not (site / "anywidget.js").is_file():
            shutil.rmtree(site, ignore_errors=True)
            os.replace(scratch, site)
    return site


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>{title}</title>
<script src="require.js"></script>
<script>require.config({{paths: {{anywidget: "anywidget"}}}});</script>
<script src="embed-amd.js"></script>
{extra}
</head><body>
{snippet}
</body></html>
"""


def write_widget_page(path: Path, views: list, title: str, extra: str = "") -> Path:
    """The widgets' state and views in a page the html-manager renders with no kernel and no
    network; ``extra``: more markup for the head (a test's script)."""
    from ipywidgets.embed import dependency_state, embed_snippet

    # full state: anywidget's models name their view only in traits that hold the default value
    snippet = embed_snippet(views, state=dependency_state(views, drop_defaults=False), embed_url="embed-amd.js",
                            requirejs=True)
    snippet = snippet[snippet.index('<script type="application/vnd.jupyter.widget-state+json">'):]  # ours loads it
    path.write_text(PAGE.format(title=title, extra=extra, snippet=snippet), encoding="utf-8")
    return path


# Module scope, not session: Playwright's sync API keeps an event loop running in the main thread
# while it is open, which would break every async test that runs after the browser tests.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve():
    """``serve(folder)`` -> the base URL of a loopback HTTP server for that folder."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
