"""``musicmaker gallery DIR``: one short piece per style on a page with players and spectrograms."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Sequence

from ._gallery import build_gallery, check_styles
from ._gallery_page import Piece

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="musicmaker gallery",
        description="Render one short piece per style into DIR: audio, a spectrogram each and index.html.")
    parser.add_argument("folder", metavar="DIR", help="where index.html, audio/ and spectrograms/ go")
    parser.add_argument("--seconds", type=float, default=12.0, help="length of each piece (default 12)")
    parser.add_argument("--seed", type=int, default=1, help="the seed every piece is planned with (default 1)")
    parser.add_argument("--styles", metavar="LIST", help="comma-separated style keys, e.g. pop,jazz (default: all)")
    parser.add_argument("--soundfont", metavar="PATH", help="the General MIDI bank to render with")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        styles = check_styles(args.styles)
    except ValueError as exc:
        print(f"musicmaker gallery: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def progress(done: int, total: int, piece: Piece) -> None:
        print(f"[{done:>2}/{total}] {piece.label}: {piece.description} ({piece.lufs:.1f} LUFS)", flush=True)

    try:
        page = build_gallery(args.folder, styles=styles, seconds=args.seconds, seed=args.seed,
                             soundfont=args.soundfont, on_progress=progress)
    except (ValueError, RuntimeError) as exc:  # a bad duration or SoundFont, or ffmpeg failed
        print(f"musicmaker gallery: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"musicmaker gallery: cannot write to {args.folder}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{len(styles)} styles in {time.perf_counter() - started:.1f} s: {page}")
    return 0
