"""``musicmaker bench engine``: the engine's media path measured against bare ffmpeg, same run.

Parts (``--parts``; all but ``class`` by default):

* ``media``: a 30 s 1080p H.264 clip (testsrc2 + speech-like sound) gets music mixed in
  (video copied) and then a title (re-encoded), each timed against the equivalent bare ffmpeg
  command; also probe and scene-cut times, for that clip and for one with two scene cuts.
* ``e2e``: ``connect()`` -> upload -> "add upbeat music" -> export -> file on disk, in process, for
  the clip without a cut and then for a 30 s 1080p clip with two scene cuts (three different
  pictures back to back, encoded by x264 with its default GOP, which puts keyframes at the cuts);
  each with the first reply after the upload timed on its own.
* ``upload``: a ~200 MB upload to an engine in its own process, its memory sampled throughout.
* ``sessions``: 20 sessions on one shared engine export at once; each output must be its own.
* ``class``: a class on one engine (``--clients``, 30 by default, with their own 30 s 720p clips):
  completion, chat p50/p95, chats while the others' exports wait against the idle engine, the
  fairness order, and throughput against the old all-at-once engine (see ``bench_class``).

Prints a table, then the figures as JSON (also written to ``--json``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import httpx

from ..protocol import Draft
from ..engine.media._ffmpeg import ffmpeg_exe, media_arg, run_ffmpeg
from ..engine.media._graph import DUCK, QUALITY, escape_filter_value
from ..engine.media._probe import inspect_output, probe
from ..engine.media._render import RenderSource, find_font, render_draft
from ..engine.media._scenes import keyframe_cuts, scene_cuts

__all__ = ["main", "Row", "format_table", "bare_mix_args", "bare_title_args"]

PARTS = ("media", "e2e", "upload", "sessions", "class")
DEFAULT_PARTS = ("media", "e2e", "upload", "sessions")  # the class takes a quarter of an hour on 2 cores
SPEECH_LIKE = ("anoisesrc=color=pink:amplitude=0.5:sample_rate=48000,highpass=f=300,lowpass=f=3400,"
               "volume='if(lt(mod(t,1),0.6),1,0)':eval=frame")
# A soft major chord with a slow tremolo: stands in for generated music in the ffmpeg-only part.
MUSIC = ("sine=f=220:sample_rate=48000[a];sine=f=277.2:sample_rate=48000[b];sine=f=329.6:sample_rate=48000[c];"
         "[a][b][c]amix=inputs=3,tremolo=f=2:d=0.3")
_FRAME_BYTES_1080 = 1920 * 1080 * 3 // 2
# The scenes of the clip with cuts: three pictures unlike each other.
CUT_SCENES = ("testsrc2", "smptehdbars", "testsrc")


@dataclass
class Row:
    """One measured case: the engine's time, bare ffmpeg's, and the target it is held to."""

    case: str
    engine_s: float | None
    bare_s: float | None = None
    target: str = ""
    ok: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.engine_s is None or not self.bare_s:
            return None
        return self.engine_s / self.bare_s


def _cell(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(rows: Sequence[Row]) -> str:
    """A plain-text table: case, engine s, bare ffmpeg s, ratio, target, met, note."""
    header = ("case", "engine s", "bare s", "ratio", "target", "met", "note")
    body = [(r.case, _cell(r.engine_s), _cell(r.bare_s), _cell(r.ratio), r.target, _cell(r.ok), r.note)
            for r in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip() for line in [header, *body]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


# -- bare ffmpeg equivalents (pure) -------------------------------------------------------------------
def _bare_audio_graph(volume: float, loudnorm: bool = True) -> str:
    """The same mix in one ffmpeg: music ducked under the clip's sound, single-pass loudnorm."""
    level = "loudnorm=I=-14:TP=-1:LRA=11,aresample=48000" if loudnorm else "anull"
    return (f"[1:a]aformat=sample_rates=48000:channel_layouts=stereo,volume={volume:g}[m];"
            f"[0:a]aformat=sample_rates=48000:channel_layouts=stereo,asplit=2[o][key];"
            f"[m][key]sidechaincompress={DUCK}[d];"
            f"[o][d]amix=inputs=2:normalize=0,{level}[a]")


def _bare_tail(out: Path) -> list[str]:
    return ["-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart", "-y",
            media_arg(out)]


def bare_mix_args(clip: Path, music: Path, out: Path, *, volume: float = 0.35) -> list[str]:
    return (["-v", "error", "-i", media_arg(clip), "-i", media_arg(music), "-filter_complex", _bare_audio_graph(volume),
             "-map", "0:v:0", "-map", "[a]", "-c:v", "copy"] + _bare_tail(out))


def bare_title_args(clip: Path, music: Path, out: Path, *, title: str, font: str, volume: float = 0.35,
                    loudnorm: bool = True) -> list[str]:
    crf, preset = QUALITY["high"]
    text = (f"[0:v]drawtext=fontfile={escape_filter_value(font)}:text={escape_filter_value(title)}:fontsize=106:"
            "fontcolor=white:x=(w-text_w)/2:y=(h-text_h)/2:box=1:boxcolor=black@0.28:boxborderw=53:"
            "enable=\\'between(t\\,0\\,3)\\'[v]")
    return (["-v", "error", "-i", media_arg(clip), "-i", media_arg(music),
             "-filter_complex", text + ";" + _bare_audio_graph(volume, loudnorm), "-map", "[v]", "-map", "[a]",
             "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p"] + _bare_tail(out))


# -- test media --------------------------------------------------------------------------------------
def _clip(path: Path, seconds: float, *, size: str = "1920x1080", tone: float | None = None) -> Path:
    if path.exists():
        return path
    sound = f"sine=f={tone}:sample_rate=48000" if tone else SPEECH_LIKE
    run_ffmpeg(["-v", "error", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}",
                "-f", "lavfi", "-i", f"{sound},atrim=duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
                "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", "-shortest",
                "-y", media_arg(path)], what="making a test clip")
    return path


def _cut_clip(path: Path, seconds: float) -> Path:
    """1080p with two scene cuts (at a third and two thirds), encoded as a camera or an editor
    would: x264 with its default GOP and scene-cut detection, so keyframes fall on the cuts."""
    if path.exists():
        return path
    each = seconds / len(CUT_SCENES)
    scenes = ";".join(f"{name}=size=1920x1080:rate=30:duration={each:g}[s{i}]" for i, name in enumerate(CUT_SCENES))
    joined = "".join(f"[s{i}]" for i in range(len(CUT_SCENES))) + f"concat=n={len(CUT_SCENES)}:v=1:a=0[v]"
    run_ffmpeg(["-v", "error", "-filter_complex", f"{scenes};{joined}", "-f", "lavfi",
                "-i", f"{SPEECH_LIKE},atrim=duration={seconds}", "-map", "[v]", "-map", "0:a",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-movflags", "+faststart", "-shortest", "-y", media_arg(path)], what="making a clip with cuts")
    return path


def _music(path: Path, seconds: float) -> Path:
    if not path.exists():
        run_ffmpeg(["-v", "error", "-filter_complex", f"{MUSIC},atrim=duration={seconds}", "-y", media_arg(path)],
                   what="making test music")
    return path


def _big_upload(path: Path, megabytes: float) -> Path:
    """A raw-video MKV just under ``megabytes`` MiB: large, yet made without encoding."""
    frames = max(1, int(megabytes * 1024 * 1024 * 0.99) // _FRAME_BYTES_1080)
    if not path.exists():
        run_ffmpeg(["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-frames:v", str(frames),
                    "-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-y", media_arg(path)], what="making the big upload")
    return path


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _best(repeat: int, action: Callable[[], Any]) -> float:
    return min(_timed(action)[0] for _ in range(repeat))


# -- part: media --------------------------------------------------------------------------------------
def _draft(seconds: float, *, title: str | None = None) -> Draft:
    d = int(seconds * 1000)
    tracks = [{"tt": 0, "m": {"name": "Video"}, "sg": [{"src": "clip", "s": 0, "d": d, "o": 0}]},
              {"tt": 1, "m": {"name": "BGM", "role": "bgm"},
               "sg": [{"src": "music", "s": 0, "d": d, "v": 0.35, "m": {"duck": True, "fade_out": 2000}}]}]
    if title:
        tracks.append({"tt": 7, "m": {"name": "Title", "role": "title"},
                       "sg": [{"s": 0, "d": 3000, "m": {"text": title}}]})
    return Draft.from_dict({"d": d, "m": {"w": 1920, "h": 1080, "fps": 30}, "t": tracks})


def _loudness_note(path: Path) -> tuple[str, dict[str, Any]]:
    loud = inspect_output(path).loudness
    return f"{loud.integrated_lufs:.1f} LUFS, {loud.true_peak_dbtp:.1f} dBTP", asdict(loud)


def _media_rows(work: Path, seconds: float, repeat: int) -> list[Row]:
    clip, music = _clip(work / f"clip_{seconds:g}s.mp4", seconds), _music(work / f"music_{seconds:g}s.wav", seconds)
    probe_s, info = _timed(lambda: probe(clip))
    sources = {"clip": RenderSource(clip, info), "music": RenderSource(music, probe(music))}
    rows = [Row("probe (30 s 1080p)" if seconds == 30 else "probe", probe_s, target="< 0.3 s", ok=probe_s < 0.3)]
    scenes_s, cuts = _timed(lambda: scene_cuts(clip, info=info))
    rows.append(Row("scene cuts (scdet)", scenes_s, note=f"{len(cuts)} cuts"))
    cut_clip = _cut_clip(work / f"cuts_{seconds:g}s.mp4", seconds)
    cut_info = probe(cut_clip)
    for case, find in (("keyframe cuts, clip with 2 cuts", keyframe_cuts), ("scene cuts, clip with 2 cuts", scene_cuts)):
        found_s, found = _timed(lambda: find(cut_clip, info=cut_info))
        rows.append(Row(case, found_s, note=", ".join(f"{t:.2f} s" for t, _ in found) or "none"))
    title, font = "Urban Dreams", find_font()
    for case, draft, bare in (
        ("music mix, video copied", _draft(seconds), bare_mix_args(clip, music, work / "bare_mix.mp4")),
        ("title overlay, re-encoded", _draft(seconds, title=title),
         bare_title_args(clip, music, work / "bare_title.mp4", title=title, font=font)),
    ):
        out = work / ("engine_" + case.split(",")[0].replace(" ", "_") + ".mp4")
        engine_s = _best(repeat, lambda: render_draft(draft, sources, out))
        bare_s = _best(repeat, lambda: run_ffmpeg(bare, what="bare ffmpeg"))
        note, loud = _loudness_note(out)
        bare_note, bare_loud = _loudness_note(Path(bare[-1].removeprefix("file:")))
        row = Row(case, engine_s, bare_s, note=f"engine {note}; bare {bare_note}",
                  extra={"engine_loudness": loud, "bare_loudness": bare_loud})
        if "copied" in case:
            row.target, row.ok = "<= 3 s", engine_s <= 3
        else:
            row.target, row.ok = "<= 1.15x bare", row.ratio is not None and row.ratio <= 1.15
            # For candour: the bare command without its loudness step (not to -14 LUFS then).
            plain = bare_title_args(clip, music, work / "bare_plain.mp4", title=title, font=font, loudnorm=False)
            plain_s = _best(repeat, lambda: run_ffmpeg(plain, what="bare ffmpeg"))
            row.extra["bare_without_loudnorm_s"] = plain_s
            row.note += f"; bare without loudnorm {plain_s:.2f} s ({engine_s / plain_s:.2f}x)"
        rows.append(row)
    return rows


# -- parts that need the server and the client -----------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _EngineProcess:
    """``musicmaker serve`` in a child process, so that its memory is its own."""

    def __init__(self, home: Path, workers: int | None = None, extra: Sequence[str] = ()) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "musicmaker_nb", "serve", "--home", str(home), "--port", str(self.port)]
        if workers:
            command += ["--workers", str(workers)]
        command += list(extra)
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the engine exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the engine did not start listening within a minute")

    def wait_warm(self, timeout: float = 60.0) -> None:
        """Until the engine has warmed up after its first upload (its imports are not upload memory)."""
        deadline = time.monotonic() + timeout
        while not httpx.get(f"{self.base_url}/api/health", timeout=5, trust_env=False).json()["data"]["warm"]:
            if time.monotonic() > deadline:
                raise RuntimeError("the engine did not warm up within a minute")
            time.sleep(0.1)

    def memory_kb(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) of the engine process in kB (Linux)."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
        return fields["VmRSS"], fields["VmHWM"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _connect(**kwargs: Any):
    import musicmaker_nb

    return musicmaker_nb.connect(**kwargs)


def _e2e_rows(work: Path, clip: Path, what: str) -> list[Row]:
    """connect -> upload -> "add upbeat music" -> export -> file, and the first reply on its own."""
    laps: dict[str, float] = {}
    start = time.perf_counter()

    def lap(name: str, action: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        result = action()
        laps[name] = round(time.perf_counter() - began, 3)
        return result

    session = lap("connect", lambda: _connect(home=work / f"home_e2e_{clip.stem}"))
    try:
        lap("upload", lambda: session.upload(clip))
        reply = lap("say", lambda: session.say("add upbeat music"))
        out = lap("export", lambda: session.export(work / f"e2e_{clip.stem}.mp4"))
    finally:
        session.close()
    total = time.perf_counter() - start
    note, loud = _loudness_note(Path(out))
    first = laps["say"]
    return [Row(f"connect -> downloaded file ({what})", total, target="<= 3 s", ok=total <= 3,
                note=", ".join(f"{k} {v:.2f}" for k, v in laps.items()) + f"; {note}", extra={"laps": laps, **loud}),
            Row(f"first reply after upload ({what})", first, target="<= 1 s", ok=first <= 1,
                note=reply.text[:90])]


def _e2e_part(work: Path, seconds: float) -> list[Row]:
    plain = _clip(work / f"clip_{seconds:g}s.mp4", seconds)
    cuts = _cut_clip(work / f"cuts_{seconds:g}s.mp4", seconds)
    return _e2e_rows(work, plain, "no cut") + _e2e_rows(work, cuts, "2 scene cuts")


def _upload_row(work: Path, megabytes: float) -> Row:
    big = _big_upload(work / f"big_upload_{megabytes:g}MiB.mkv", megabytes)
    engine = _EngineProcess(work / "home_upload")
    try:
        session = _connect(base_url=engine.base_url)
        try:
            session.upload(_clip(work / "warmup.mp4", 1, size="320x240"))  # import and warm the upload path
            engine.wait_warm()
            before, hwm_before = engine.memory_kb()
            peak, done = [before], threading.Event()

            def sample() -> None:
                while not done.wait(0.01):
                    peak[0] = max(peak[0], engine.memory_kb()[0])

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            seconds, _ = _timed(lambda: session.upload(big))
            done.set()
            sampler.join()
            _, hwm_after = engine.memory_kb()
        finally:
            session.close()
    finally:
        engine.stop()
    top = max(peak[0], hwm_after if hwm_after > hwm_before else 0)
    growth_mb = (top - before) / 1024
    size_mb = big.stat().st_size / 1e6
    return Row(f"upload {size_mb:.0f} MB: engine memory growth", seconds, target="< 64 MB", ok=growth_mb < 64,
               note=f"{growth_mb:.1f} MB growth (RSS {before / 1024:.0f} -> peak {top / 1024:.0f} MB)",
               extra={"growth_mb": round(growth_mb, 1), "size_mb": round(size_mb, 1)})


def _one_session(base_url: str, clip: Path, out: Path) -> dict[str, Any]:
    session = _connect(base_url=base_url)
    try:
        medium = session.upload(clip)
        session.say("add upbeat music")
        path = session.export(out)
        media_ids = [m.id for m in session.media]
        state = session.state()
        foreign = [s.source_id for t in (state.draft.tracks if state.draft else ()) for s in t.segments
                   if s.source_id and s.source_id != medium.id
                   and s.source_id not in {g.get("id") for g in state.generated_media}]
    finally:
        session.close()
    got = probe(path)
    return {"clip_ms": probe(clip).duration_ms, "out_ms": got.duration_ms, "media": media_ids,
            "own": media_ids == [medium.id], "foreign_sources": foreign, "has_audio": got.has_audio}


def _sessions_row(work: Path, count: int) -> Row:
    folder = work / "sessions"
    folder.mkdir(exist_ok=True)
    # Each session gets a clip of its own length and tone, so a mix-up shows in its output.
    clips = [_clip(folder / f"clip_{i}.mp4", 2 + 0.1 * i, size="320x240", tone=300 + 20 * i) for i in range(count)]
    engine = _EngineProcess(work / "home_sessions")
    try:
        with concurrent.futures.ThreadPoolExecutor(count) as pool:
            start = time.perf_counter()
            futures = [pool.submit(_one_session, engine.base_url, clip, folder / f"out_{i}.mp4")
                       for i, clip in enumerate(clips)]
            results, errors = [], []
            for future in futures:
                try:
                    results.append(future.result())
                except Exception as exc:  # a failed session is a result to report, not a crash
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
            seconds = time.perf_counter() - start
    finally:
        engine.stop()
    frame_ms = 1000 / 30 + 1
    isolated = all(r["own"] and not r["foreign_sources"] and abs(r["out_ms"] - r["clip_ms"]) <= frame_ms
                   for r in results)
    ok = not errors and len(results) == count and isolated
    note = f"{len(results)}/{count} completed, isolation {'held' if isolated else 'BROKEN'}"
    if errors:
        note += f"; first error: {errors[0]}"
    return Row(f"{count} sessions exporting at once", seconds, target="all complete, isolated", ok=ok, note=note,
               extra={"completed": len(results), "errors": errors, "isolated": isolated})


# -- the command ---------------------------------------------------------------------------------------
def _plain(docstring: str) -> str:
    """The module's docstring as help text: without reStructuredText's double backticks."""
    return docstring.replace("``", "").strip()


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="musicmaker bench engine", description=_plain(__doc__),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default=",".join(DEFAULT_PARTS),
                        help=f"comma-separated, from {', '.join(PARTS)} (default: {','.join(DEFAULT_PARTS)})")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the 1080p test clip (30)")
    parser.add_argument("--upload-mb", type=float, default=199.0, help="size of the big upload in MiB (199)")
    parser.add_argument("--sessions", type=int, default=20, help="sessions exporting at once (20)")
    parser.add_argument("--clients", type=int, default=30, help="students in the class part (30)")
    parser.add_argument("--class-seconds", type=float, default=30.0, help="length of each student's 720p clip (30)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per timed case; the best counts (1)")
    parser.add_argument("--work", help="folder for test media and outputs (kept); default a temporary one")
    parser.add_argument("--json", help="also write the JSON figures to this file")
    return parser.parse_args(list(argv))


def _class_rows(work: Path, clients: int, seconds: float) -> list[Row]:
    from .bench_class import class_rows  # it builds on this module's engine process and rows

    return class_rows(work, clients, seconds)


def _run_part(name: str, action: Callable[[], list[Row]]) -> list[Row]:
    try:
        return action()
    except Exception as exc:  # one missing piece must not hide the other figures
        return [Row(name, None, ok=False, note=f"could not run: {type(exc).__name__}: {str(exc)[:300]}")]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        print(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}", file=sys.stderr)
        return 2
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="musicmaker-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    plans = {
        "media": lambda: _media_rows(work, args.seconds, args.repeat),
        "e2e": lambda: _e2e_part(work, args.seconds),
        "upload": lambda: [_upload_row(work, args.upload_mb)],
        "sessions": lambda: [_sessions_row(work, args.sessions)],
        "class": lambda: _class_rows(work, args.clients, args.class_seconds),
    }
    rows: list[Row] = []
    try:
        for part in parts:
            rows += _run_part(part, plans[part])
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(format_table(rows))
    report = {"cores": os.cpu_count(), "ffmpeg": ffmpeg_exe(), "seconds": args.seconds,
              "rows": [{**asdict(row), "ratio": row.ratio} for row in rows]}
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    return 0 if all(row.ok is not False for row in rows) else 1
