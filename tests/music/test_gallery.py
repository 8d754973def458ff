"""The listening gallery: a page whose players and spectrograms point at files that exist and
decode, a card per style with its description, clear refusals, and the CLI."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from musicmaker_nb.cli._main import main as cli
from musicmaker_nb.music import plan
from musicmaker_nb.music._gallery import build_gallery, check_styles
from musicmaker_nb.music._gallery_page import Piece, cards_html, page_html
from musicmaker_nb.music._spectrogram import log_frequency_bank, png_bytes, spectrogram_db
from musicmaker_nb.music._styles import STYLES

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
BUNDLED = Path(importlib.util.find_spec("pretty_midi").origin).with_name("TimGM6mb.sf2")
STYLES_SHOWN = ["pop", "jazz", "piano"]
SECONDS = 2.0


class _Sources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.audio: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "audio":
            self.audio.append(found["src"])
            assert found.get("preload") == "none" and "controls" in found
        elif tag == "img":
            self.images.append(found["src"])

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gallery")
    seen = []
    page = build_gallery(folder, styles=STYLES_SHOWN, seconds=SECONDS, seed=3, soundfont=BUNDLED,
                         on_progress=lambda done, total, piece: seen.append((done, total, piece.style)))
    assert seen == [(n, 3, style) for n, style in enumerate(STYLES_SHOWN, 1)]
    parser = _Sources()
    parser.feed(page.read_text(encoding="utf-8"))
    return page, parser


def _decoded_seconds(path: Path) -> float:
    done = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-800:]
    hours, minutes, seconds = re.findall(r"time=(\d+):(\d+):([\d.]+)", done.stderr)[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_every_player_and_picture_points_at_a_file_that_exists(gallery):
    page, found = gallery
    assert len(found.audio) == len(found.images) == len(STYLES_SHOWN)
    for src in found.audio + found.images:
        assert not re.match(r"^(/|[a-z]+:)", src), src  # relative: works from file:// and served alike
        target = page.parent / src
        assert target.is_file() and target.stat().st_size > 0, src


def test_the_audio_decodes_and_lasts_as_long_as_asked(gallery):
    page, found = gallery
    for src in found.audio:
        assert _decoded_seconds(page.parent / src) == pytest.approx(SECONDS, abs=0.06), src
        assert (page.parent / src).stat().st_size < 60_000  # compressed: about 112 kbps


def test_the_spectrograms_are_pngs_of_the_stated_size(gallery):
    page, found = gallery
    for src in found.images:
        data = (page.parent / src).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), src
        assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (600, 128)


def test_the_page_names_each_style_its_description_and_how_it_was_made(gallery):
    page, found = gallery
    text = unescape(" ".join(found.text))
    for style in STYLES_SHOWN:
        assert STYLES[style].label in text
        assert plan(STYLES[style].label, SECONDS, seed=3, style=style).describe() in text
    assert "TimGM6mb.sf2" in text and "seed 3" in text and "LUFS" in text


def test_an_unknown_style_is_refused_with_the_known_ones_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match=r"unknown style 'polka'.*known styles: pop, indie_pop"):
        build_gallery(tmp_path / "g", styles=["pop", "polka"])
    assert not (tmp_path / "g").exists()
    with pytest.raises(ValueError, match="no style given"):
        check_styles([" "])
    assert check_styles("jazz, pop,jazz") == ["jazz", "pop"]


def test_the_cli_writes_the_page(tmp_path, capsys):
    assert cli(["gallery", str(tmp_path / "g"), "--styles", "lofi,waltz", "--seconds", "1.5", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "[ 1/2] Lo-fi hip hop" in out and "[ 2/2] Waltz" in out
    page = tmp_path / "g" / "index.html"
    assert out.strip().endswith(str(page)) and page.is_file()
    assert sorted(p.name for p in (tmp_path / "g" / "audio").iterdir()) == ["lofi.mp3", "waltz.mp3"]


def test_the_cli_explains_a_bad_style_and_an_unwritable_folder(tmp_path, capsys):
    assert cli(["gallery", str(tmp_path / "g"), "--styles", "pop,nope"]) == 2
    assert "unknown style 'nope'; known styles: pop," in capsys.readouterr().err
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert cli(["gallery", str(blocker / "g"), "--styles", "pop", "--seconds", "1"]) == 1
    assert f"cannot write to {blocker / 'g'}" in capsys.readouterr().err


def test_the_page_groups_by_family_in_order_and_escapes_text():
    pieces = [Piece("a", "A <b>", "rock", "loud & fast", "audio/a.mp3", "spectrograms/a.png", -14.0, -1.2),
              Piece("b", "B", "calm", "soft", "audio/b.mp3", "spectrograms/b.png", -14.1, -3.0),
              Piece("c", "C", "rock", "louder", "audio/c.mp3", "spectrograms/c.png", -14.0, -1.0)]
    html = page_html(pieces, soundfont="/x/FluidR3_GM.sf2", seed=5, seconds=12, date="2024-01-02")
    assert html.index('id="family-rock"') < html.index('id="a"') < html.index('id="c"') < html.index('id="family-calm"')
    assert "A &lt;b&gt;" in html and "loud &amp; fast" in html and "<b>" not in html
    assert "FluidR3_GM.sf2</strong> on 2024-01-02" in html and "-14.1 LUFS" in html
    # for a notebook: paths from its folder, and a style that touches nothing outside the cards
    cards = cards_html(pieces, base="gallery/")
    assert cards.count('src="gallery/audio/') == 3 and 'src="gallery/spectrograms/b.png"' in cards
    css = cards[cards.index("<style>") + 7:cards.index("</style>")]
    assert all(rule.strip().startswith(".mm-gallery") for rule in re.findall(r"([^{}]+)\{", css))


def test_a_sine_lights_its_own_row_and_silence_none():
    rate = 44100
    t = np.arange(rate * 2) / rate
    db = spectrogram_db(0.5 * np.sin(2 * np.pi * 1000 * t), rate, width=50, rows=128)
    rows = np.geomspace(40, 16000, 128)
    peak_row = int(np.argmax(db[:, 25]))
    assert abs(rows[peak_row] / 1000 - 1) < 0.06
    # a sine of amplitude 0.5 is -6 dB in its FFT bin; its row averages it with the bins around
    assert -6 - 8 < db[peak_row, 25] < -6 + 1
    assert spectrogram_db(np.zeros((rate, 2)), rate, width=10).max() < -150
    bank = log_frequency_bank(2049, 44100 / 4096, 128)
    assert np.allclose(bank.sum(axis=1), 1.0)


def test_the_png_decodes_to_the_palette_colours(tmp_path):
    indices = np.array([[0, 1, 2], [2, 1, 0]], dtype=np.uint8)
    colours = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], dtype=np.uint8)
    path = tmp_path / "tiny.png"
    path.write_bytes(png_bytes(indices, colours))
    done = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                          capture_output=True)
    assert done.returncode == 0, done.stderr
    assert np.array_equal(np.frombuffer(done.stdout, np.uint8).reshape(2, 3, 3), colours[indices])
