"""The gallery's ``index.html``, built from what was rendered: pure, one self-contained page (inline
CSS, relative links) that works opened from disk and served alike; and the same cards as a fragment
to show inside a notebook, where a served page in an iframe could not load its audio (Jupyter
serves files in a sandbox whose requests carry no login cookie)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from ._spectrogram import FLOOR_DB, FMAX_HZ, FMIN_HZ, TOP_DB

__all__ = ["Piece", "page_html", "cards_html", "family_label"]

_FAMILY_LABELS = {"hiphop": "Hip hop", "jazz_blues": "Jazz and blues", "latin_world": "Latin and world",
                  "folk_country": "Folk and country", "kids_holiday": "Kids and holiday"}


@dataclass(frozen=True)
class Piece:
    """One rendered style; ``audio`` and ``spectrogram`` are paths relative to the page."""

    style: str
    label: str
    family: str
    description: str
    audio: str
    spectrogram: str
    lufs: float
    true_peak_db: float


def family_label(family: str) -> str:
    return _FAMILY_LABELS.get(family, family.replace("_", " ").capitalize())


def _card(piece: Piece, base: str) -> str:
    label, text = escape(piece.label), escape(piece.description)
    return f"""<article class="card" id="{escape(piece.style)}">
  <h3>{label} <code>{escape(piece.style)}</code></h3>
  <p class="desc">{text}</p>
  <audio controls preload="none" src="{escape(quote(base + piece.audio))}"></audio>
  <img src="{escape(quote(base + piece.spectrogram))}" alt="Spectrogram of {label}: {text}"
       width="600" height="128" loading="lazy">
  <p class="meta">{piece.lufs:.1f} LUFS &middot; {piece.true_peak_db:.1f} dBTP</p>
</article>"""


def _sections(pieces: list[Piece], base: str) -> str:
    groups: dict[str, list[Piece]] = {}
    for piece in pieces:  # first appearance orders the families, as the style library does
        groups.setdefault(piece.family, []).append(piece)
    return "\n".join(
        f'<section id="family-{escape(family)}">\n<h2>{escape(family_label(family))}</h2>\n<div class="grid">\n'
        + "\n".join(_card(p, base) for p in members) + "\n</div>\n</section>" for family, members in groups.items())


def cards_html(pieces: list[Piece], *, base: str = "") -> str:
    """The cards alone, grouped by family, with their own scoped style, for a notebook's
    ``IPython.display.HTML``; ``base`` (e.g. ``"gallery/"``) is put before every file's path."""
    return f'<div class="mm-gallery"><style>{_CARDS_CSS}</style>\n{_sections(pieces, base)}\n</div>'


def page_html(pieces: list[Piece], *, soundfont: str, seed: int, seconds: float, date: str,
              title: str = "musicmaker_nb listening gallery") -> str:
    """The whole page: a header (SoundFont, seed, date, how to read a spectrogram), a link per
    family, then a card per piece grouped by family."""
    families = dict.fromkeys(piece.family for piece in pieces)
    nav = " ".join(f'<a href="#family-{escape(f)}">{escape(family_label(f))}</a>' for f in families)
    font = soundfont.replace("\\", "/").rsplit("/", 1)[-1]
    return _PAGE.format(
        title=escape(title), count=len(pieces), seconds=f"{seconds:g}", seed=seed, date=escape(date),
        font=escape(font), font_path=escape(soundfont), nav=nav, sections=_sections(pieces, ""),
        css=_CARDS_CSS, fmin=f"{FMIN_HZ:g}", fmax=f"{FMAX_HZ / 1000:g}", floor=f"{FLOOR_DB:g}", top=f"{TOP_DB:g}")


# Every rule under .mm-gallery, so the cards look the same in the page and in a notebook and
# change nothing else there.
_CARDS_CSS = """
  .mm-gallery { --ink: #1d2430; --muted: #5b6575; --line: #dde2ea; color: var(--ink);
                font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .mm-gallery * { box-sizing: border-box; }
  .mm-gallery h2 { font-size: 18px; margin: 22px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line);
                   color: inherit; }
  .mm-gallery .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 14px; }
  .mm-gallery .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px 10px;
                      box-shadow: 0 1px 2px rgba(29, 36, 48, .06); color: var(--ink); }
  .mm-gallery .card h3 { margin: 0; font-size: 16px; text-align: left; color: var(--ink); }
  .mm-gallery .card h3 code { float: right; margin: 3px 0 0 8px; font-size: 12px; color: var(--muted);
                              font-weight: 400; background: none; }
  .mm-gallery .desc { margin: 4px 0 8px; color: var(--muted); font-size: 13.5px; min-height: 2.9em; }
  .mm-gallery audio { display: block; width: 100%; height: 36px; }
  .mm-gallery .card img { display: block; width: 100%; height: auto; margin-top: 8px; border-radius: 4px;
                          background: #000; }
  .mm-gallery .meta { margin: 6px 0 0; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
          color: #1d2430; background: #f4f6f9; }}
  header {{ background: #1d2430; color: #f4f6f9; padding: 20px 28px 16px; }}
  header h1 {{ margin: 0 0 4px; font-size: 24px; font-weight: 650; }}
  header p {{ margin: 4px 0; color: #c9d1dd; max-width: 1100px; }}
  header strong {{ color: #fff; }}
  nav {{ margin-top: 10px; display: flex; flex-wrap: wrap; gap: 6px; }}
  nav a {{ color: #fff; text-decoration: none; font-size: 13px; padding: 3px 10px; border-radius: 12px;
           background: rgba(255, 255, 255, .12); }}
  nav a:hover {{ background: #b4451f; }}
  main {{ padding: 4px 28px 40px; }}
{css}</style>
</head>
<body>
<header>
  <h1>{title}</h1>
  <p>{count} styles, {seconds} s each, seed {seed},
     rendered with <strong title="{font_path}">{font}</strong> on {date}.</p>
  <p>Spectrograms: time left to right, frequency bottom to top on a log scale from {fmin} Hz to {fmax} kHz
     (dotted lines at 100 Hz, 1 kHz and 10 kHz), colour from {floor} dB (black) to {top} dB (pale yellow),
     the same scale for every piece. Every piece is mastered to -14 LUFS.</p>
  <nav>{nav}</nav>
</header>
<main class="mm-gallery">
{sections}
</main>
<script>
  // one piece at a time: starting a player pauses the others
  document.addEventListener("play", (event) => {{
    for (const audio of document.querySelectorAll("audio")) if (audio !== event.target) audio.pause();
  }}, true);
</script>
</body>
</html>
"""
