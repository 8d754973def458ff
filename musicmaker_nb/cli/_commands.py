"""The ``musicmaker demo | make | serve`` commands (dispatched from ``musicmaker_nb.cli._main``)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import pathlib
import sys
import tempfile
import time
from typing import Any, Sequence, TextIO

from ..protocol import MusicMakerError

__all__ = ["demo", "make", "serve", "TextProgressBar", "progress_line", "demo_clip_args", "demo_seconds",
           "input_argument", "read_item_rows", "results_table", "DEMO_PROMPT", "DEMO_SECONDS"]

DEMO_PROMPT = "create an upbeat background track for my travel video"
DEMO_SECONDS = (1.0, 300.0)  # the demo clip's shortest and longest length
# The client reports a render's own state; below 100 % a "completed" render is still being saved.
_STATUS_WORDS = {"queued": "waiting", "rendering": "rendering", "downloading": "saving", "completed": "saving"}


def progress_line(fraction: float, status: str | None = None, *, width: int = 30,
                  label: str = "exporting") -> str:
    """``[#########.....]  35%  rendering``: whole percents, and "done" only once all is done."""
    fraction = min(max(float(fraction or 0.0), 0.0), 1.0)
    filled = round(fraction * width)
    word = "done" if fraction >= 1.0 else _STATUS_WORDS.get(status or "", status or label)
    return f"[{'#' * filled}{'.' * (width - filled)}] {int(fraction * 100):3d}%  {word:<12}"


class TextProgressBar:
    """A :func:`progress_line` on one line of a stream, redrawn at most 10 times a second."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30, label: str = "exporting") -> None:
        self.stream, self.width, self.label = stream, width, label
        self._last = ""
        self._drawn_at = 0.0

    def __call__(self, fraction: float, status: str | None = None) -> None:
        line = progress_line(fraction, status, width=self.width, label=self.label)
        now = time.monotonic()
        final = float(fraction or 0.0) >= 1.0
        if line == self._last or (not final and now - self._drawn_at < 0.1):
            return
        # a shorter line than the last (a queue's wait words shrink) must not leave the old tail behind
        padding = " " * max(len(self._last) - len(line), 0)
        self._last, self._drawn_at = line, now
        self.stream.write("\r" + line + padding)
        self.stream.flush()

    def close(self) -> None:
        if self._last:
            self.stream.write("\n")
            self.stream.flush()


def demo_clip_args(path: pathlib.Path, seconds: float) -> list[str]:
    """A 1920x1080 testsrc2 clip with a quiet two-tone sine: the demo's own input."""
    return ["-y", "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds:g}",
            "-f", "lavfi", "-i", f"sine=frequency=220:sample_rate=48000:duration={seconds:g}",
            "-filter:a", "volume=0.1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest", "-movflags", "+faststart", str(path)]


def demo_seconds(text: str) -> float:
    """``--seconds``: a finite length within :data:`DEMO_SECONDS` (ffmpeg reads 0 as "never stop")."""
    low, high = DEMO_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    if not low <= seconds <= high:
        raise argparse.ArgumentTypeError(f"{text} is out of range: the demo clip lasts {low:g} to {high:g} seconds")
    return seconds


def input_argument(text: str) -> str:
    """An INPUT of ``make``: a URL as given, or a local file that exists (a folder named as such)."""
    if text.startswith(("http://", "https://")):
        return text
    path = pathlib.Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text!r} is a directory; pass the video, audio or image files in it, e.g. {path / '*.mp4'}")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text!r}")
    return text


def _connect(args: argparse.Namespace) -> Any:
    import musicmaker_nb

    if getattr(args, "base_url", None):
        return musicmaker_nb.connect(base_url=args.base_url)
    return musicmaker_nb.connect(home=args.home)


def _export(session: Any, output: pathlib.Path, quality: str) -> pathlib.Path:
    bar = TextProgressBar()
    try:
        # the note on a missing music track is printed above, in the command's own words
        return pathlib.Path(session.export(output, quality=quality, on_progress=bar, warn_without_music=False))
    finally:
        bar.close()


def _score_and_export(args: argparse.Namespace, inputs: Sequence[Any], prompts: Sequence[str],
                      quality: str, *, output: pathlib.Path) -> pathlib.Path:
    """Connect, upload each input, say each prompt, export: the job both commands do."""
    session = _connect(args)
    try:
        for source in inputs:
            media = session.upload(source)
            print(f"Uploaded {getattr(media, 'name', source)}", file=sys.stderr)
        for prompt in prompts:
            print(f"> {prompt}", file=sys.stderr)
            print(session.say(prompt).text)
        if session.draft is None or session.draft.find_track("bgm") is None:
            print("musicmaker: note: no music was added; the export has only the original sound. "
                  "Ask for it in words, e.g. --prompt 'add calm piano music'.", file=sys.stderr)
        path = _export(session, output, quality)
        print(session.summary())
        return path
    finally:
        session.close()


def _fail(error: BaseException) -> int:
    print(f"musicmaker: {error}", file=sys.stderr)
    return 1


def demo(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="musicmaker demo", description=(
        "Make a short 1080p test clip with ffmpeg, score it with generated music and write an MP4."))
    parser.add_argument("-o", "--output", type=pathlib.Path, default=pathlib.Path("demo.mp4"),
                        help="where to write the MP4 (default %(default)s)")
    parser.add_argument("--prompt", default=DEMO_PROMPT, help="what to ask for, in words (default: '%(default)s')")
    parser.add_argument("--seconds", type=demo_seconds, default=10.0,
                        help=f"length of the test clip, {DEMO_SECONDS[0]:g} to {DEMO_SECONDS[1]:g} "
                             "(default %(default)g)")
    parser.add_argument("--home", help="engine data directory (default: $MUSICMAKER_HOME or the user cache)")
    args = parser.parse_args(list(argv))
    from ..engine.media._ffmpeg import run_ffmpeg

    try:
        with tempfile.TemporaryDirectory(prefix="musicmaker-demo-") as work:
            clip = pathlib.Path(work) / "travel.mp4"
            print(f"Making a {args.seconds:g} s 1920x1080 test clip with ffmpeg ...", file=sys.stderr)
            run_ffmpeg(demo_clip_args(clip, args.seconds), what="making the demo clip")
            path = _score_and_export(args, [clip], [args.prompt], "high", output=args.output)
    except (MusicMakerError, OSError) as error:
        return _fail(error)
    print(f"Wrote {path.resolve()}")
    return 0


def make(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="musicmaker make", description=(
        "Upload clips, ask for music (and any other edits) in words, export an MP4."))
    parser.add_argument("inputs", nargs="+", metavar="INPUT", type=input_argument,
                        help="video, audio or image files (or http(s) URLs)")
    parser.add_argument("--prompt", "-p", action="append",
                        help="what to do, e.g. 'create calm piano music'; repeat for more requests")
    parser.add_argument("-o", "--output", type=pathlib.Path,
                        help="where to write the MP4 (default out.mp4), or with --each the folder for the "
                             "MP4s (default musicmaker_batch)")
    parser.add_argument("--each", action="store_true",
                        help="one video per INPUT, each with its own music (a batch); an INPUT may also be a "
                             ".csv or .json list of path,prompt rows (paths relative to that file)")
    parser.add_argument("--cluster", metavar="ADDRESS",
                        help="with --each: run the items on a Dask cluster (a scheduler address, or 'local'), "
                             "without a server; needs pip install \"musicmaker-nb[dask]\"")
    parser.add_argument("--quality", choices=("high", "medium", "low"), default="high",
                        help="the export's video quality; medium and low make smaller files sooner "
                             "(default %(default)s)")
    parser.add_argument("--home", help="engine data directory (default: $MUSICMAKER_HOME or the user cache)")
    parser.add_argument("--base-url", help="use a running engine or the hosted service instead of an embedded one")
    args = parser.parse_args(list(argv))
    if args.each:
        return _make_each(parser, args)
    if args.cluster:
        parser.error("--cluster runs a batch: add --each")
    if not args.prompt:
        parser.error("say what music you want with --prompt, e.g. --prompt 'create calm piano music'")
    try:
        path = _score_and_export(args, args.inputs, args.prompt, args.quality, output=args.output or pathlib.Path("out.mp4"))
    except (MusicMakerError, OSError) as error:
        return _fail(error)
    print(f"Wrote {path.resolve()}")
    return 0


def read_item_rows(path: pathlib.Path) -> list[dict[str, Any]]:
    """The rows of a batch list: CSV with a header (``path,prompt``...) or a JSON list of objects.
    Relative paths are taken from the list's own folder, where such lists usually sit."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        rows = json.loads(text)
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise MusicMakerError(f"{path}: expected a JSON list of objects like {{\"path\": ..., \"prompt\": ...}}")
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for key in ("path", "source", "clip", "file"):
            value = str(row.get(key) or "").strip()
            if value and "://" not in value and not pathlib.Path(value).expanduser().is_absolute():
                row[key] = str(path.parent / value)
    return rows


def _batch_inputs(inputs: Sequence[str]) -> list[Any]:
    items: list[Any] = []
    for given in inputs:
        if pathlib.Path(given).suffix.lower() in (".csv", ".json"):
            items += read_item_rows(pathlib.Path(given))
        else:
            items.append(given)
    return items


def results_table(frame: Any) -> str:
    """The summary at the end of a batch: one line per item, what it became or why it failed."""
    lines = []
    for row in frame.itertuples(index=False):
        failed = isinstance(row.error, str) and row.error
        outcome = f"FAILED  {row.error}" if failed else f"ok      {row.output}  ({row.description})"
        lines.append(f"{pathlib.Path(str(row.source)).name:<28} {row.seconds:6.1f} s  {outcome}")
    failures = sum(1 for error in frame["error"] if isinstance(error, str) and error)
    lines.append(f"{len(frame) - failures} of {len(frame)} done" + (f", {failures} failed" if failures else ""))
    return "\n".join(lines)


def _make_each(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.prompt and len(args.prompt) > 1:
        parser.error("with --each, give one --prompt for all (or a prompt per row in a .csv/.json list)")
    output = args.output or pathlib.Path("musicmaker_batch")
    if output.suffix.lower() == ".mp4":
        parser.error(f"with --each, -o is a folder for one MP4 per clip, not {output}")
    prompt = args.prompt[0] if args.prompt else None
    try:
        items = _batch_inputs(args.inputs)
        if args.cluster:
            import musicmaker_nb

            frame = musicmaker_nb.batch(items, output, prompt=prompt, cluster=args.cluster, quality=args.quality)
        else:
            session = _connect(args)
            try:
                frame = session.batch(items, prompt, out_dir=output, quality=args.quality)
            finally:
                session.close()
    except ValueError as error:  # an item without a clip or an instruction
        parser.error(str(error))
    except (MusicMakerError, OSError) as error:
        return _fail(error)
    print(results_table(frame))
    return 1 if any(isinstance(error, str) and error for error in frame["error"]) else 0


def serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="musicmaker serve", description=(
        "Serve the Music Maker API from this machine, e.g. for a class: "
        "connect(base_url='http://HOST:PORT')."))
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    parser.add_argument("--home", help="data directory (default: $MUSICMAKER_HOME or the user cache)")
    parser.add_argument("--allow-private-urls", action="store_true",
                        help="let URL uploads fetch from loopback and private addresses")
    parser.add_argument("--quota-mb", type=float, help="most megabytes the engine may keep in its data directory")
    parser.add_argument("--workers", type=int,
                        help="render workers (default: one less than the cores, two on 2 cores; they run niced)")
    parser.add_argument("--max-queued", type=int,
                        help="exports one token may have waiting (default 10); past it, a clear refusal")
    parser.add_argument("--nice", type=int,
                        help="CPU niceness of the renders, 0 to 19 (default 10: chat and previews come first)")
    parser.add_argument("--credits", type=int,
                        help="credits a new anonymous token gets (default 100; a piece of music costs 10)")
    parser.add_argument("--dask-scheduler", metavar="ADDRESS",
                        help="render on this Dask cluster's workers (they must see --home's folder at the same "
                             "path); needs pip install \"musicmaker-nb[dask]\"")
    args = parser.parse_args(list(argv))
    from ..engine.server._server import make_config, serve_forever

    settings: dict[str, Any] = {}
    if args.quota_mb is not None:
        settings["quota_bytes"] = int(args.quota_mb * 1024 * 1024)
    if args.workers:
        settings["render_workers"] = args.workers
    if args.max_queued:
        settings["max_queued_renders"] = args.max_queued
    if args.nice is not None:
        if not 0 <= args.nice <= 19:
            parser.error(f"--nice must be 0 to 19, got {args.nice}")
        settings["render_niceness"] = args.nice
    if args.dask_scheduler:
        settings["dask_scheduler"] = args.dask_scheduler
    if args.credits is not None:
        if args.credits < 0:
            parser.error(f"--credits must be 0 or more, got {args.credits}")
        settings["initial_credits"] = args.credits
    config = make_config(args.home, allow_private_urls=args.allow_private_urls, **settings)
    print(f"Music Maker engine on http://{args.host}:{args.port} (data in {config.home}); Ctrl-C stops it.",
          file=sys.stderr, flush=True)
    if config.llm is not None:
        print(f"The agent asks the language model {config.llm.model} at {config.llm.base_url} first.",
              file=sys.stderr, flush=True)
    try:
        serve_forever(config, args.host, args.port)
    except OSError as error:
        return _fail(error)
    return 0
