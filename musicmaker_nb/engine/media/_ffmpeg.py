"""Running the ffmpeg binary: where it is, how a run fails, how progress is read.

The binary comes from ``imageio-ffmpeg`` (a static build with libx264, AAC, scdet, drawtext,
ebur128) unless ``MUSICMAKER_FFMPEG`` names another one. Commands are argument lists, never
shell strings; file names go through :func:`media_arg` so that a name such as ``-y.mp4`` or
``a:b.mp4`` is never read as an option or a protocol.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import subprocess
import threading
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Sequence

from ...protocol import MusicMakerError

__all__ = [
    "FFMPEG_ENV",
    "FFmpegError",
    "RenderCancelled",
    "ffmpeg_exe",
    "media_arg",
    "run_ffmpeg",
    "run_ffmpeg_with_progress",
    "parse_progress_seconds",
    "stderr_tail",
]

FFMPEG_ENV = "MUSICMAKER_FFMPEG"
_TAIL_LINES = 15
# How often progress is reported and the cancel event looked at while ffmpeg runs.
_POLL_S = 0.1
# Lines that say nothing about why a run failed: stream dumps and statistics.
_NOISE_PREFIXES = ("frame=", "size=", "Metadata:", "handler_name", "vendor_id", "encoder ", "Side data:")


class FFmpegError(MusicMakerError, RuntimeError):
    """ffmpeg failed; ``stderr_tail`` keeps the last lines that explain why."""

    def __init__(self, message: str, *, returncode: int | None = None, stderr_tail: str = "",
                 args: Sequence[str] | None = None) -> None:
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        self.command = list(args or [])
        super().__init__(f"{message}\n{stderr_tail}" if stderr_tail else message)


class RenderCancelled(MusicMakerError):
    """A run was stopped because its cancel event was set; nothing was written."""


@functools.lru_cache(maxsize=None)
def _resolve_exe(override: str | None) -> str:
    if override:
        if not Path(override).is_file():
            raise FFmpegError(f"{FFMPEG_ENV}={override!r} does not name an ffmpeg binary")
        return override
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - a declared dependency
        raise FFmpegError("ffmpeg is missing: pip install imageio-ffmpeg") from None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise FFmpegError(f"imageio-ffmpeg found no ffmpeg binary ({exc}); reinstall imageio-ffmpeg "
                          f"or set {FFMPEG_ENV} to an ffmpeg binary") from None


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (``$MUSICMAKER_FFMPEG`` or imageio-ffmpeg's)."""
    return _resolve_exe(os.environ.get(FFMPEG_ENV) or None)


def media_arg(path: str | os.PathLike[str]) -> str:
    """A local file name as ffmpeg must see it: ``file:`` guards leading dashes and colons."""
    return "file:" + os.fspath(path)


def stderr_tail(lines: Iterable[str], limit: int = _TAIL_LINES) -> str:
    """The last ``limit`` informative lines of ffmpeg's stderr."""
    useful = [line.rstrip() for line in lines if line.strip() and not line.strip().startswith(_NOISE_PREFIXES)]
    return "\n".join(useful[-limit:])


def _command(args: Sequence[str]) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]


def run_ffmpeg(args: Sequence[str], *, timeout: float | None = None, check: bool = True,
               what: str = "ffmpeg") -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg to completion; stdout is bytes, stderr is kept for the error message."""
    command = _command(args)
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        tail = stderr_tail((exc.stderr or b"").decode("utf-8", "replace").splitlines())
        raise FFmpegError(f"{what} took longer than {timeout:g} s", stderr_tail=tail, args=command) from None
    if check and done.returncode != 0:
        tail = stderr_tail(done.stderr.decode("utf-8", "replace").splitlines())
        raise FFmpegError(f"{what} failed (exit status {done.returncode})", returncode=done.returncode,
                          stderr_tail=tail, args=command)
    return done


def parse_progress_seconds(line: str) -> float | None:
    """The output time of one ``-progress`` line (``out_time_us=1500000`` -> 1.5), else None."""
    key, _, value = line.strip().partition("=")
    if key not in ("out_time_us", "out_time_ms") or not value.lstrip("-").isdigit():
        return None  # ffmpeg writes out_time_us=N/A before the first frame
    # out_time_ms is microseconds too (a historical misnomer kept by ffmpeg).
    return max(int(value), 0) / 1e6


def _pump(stream, sink: Callable[[str], None]) -> None:
    for raw in iter(stream.readline, b""):
        sink(raw.decode("utf-8", "replace"))
    stream.close()


def _exited(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait up to ``timeout`` for the process; True as soon as it has ended."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_ffmpeg_with_progress(
    args: Sequence[str],
    *,
    duration_s: float,
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    what: str = "ffmpeg",
    feed: Callable[[BinaryIO], None] | None = None,
) -> None:
    """Run ffmpeg with ``-progress pipe:1``; report out_time / duration (0..1) on this thread.

    ``feed``, when given, writes ffmpeg's standard input (an input ``pipe:0``) from another thread
    while ffmpeg runs; an error it raises stops ffmpeg and is raised here.
    Raises :class:`RenderCancelled` after stopping ffmpeg when ``cancel`` is set, and
    :class:`FFmpegError` with the stderr tail when ffmpeg fails.
    """
    command = _command(["-progress", "pipe:1", "-nostats", *args])
    process = subprocess.Popen(command, stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors: collections.deque[str] = collections.deque(maxlen=400)
    latest = [0.0]
    fed: list[BaseException] = []

    def on_line(line: str) -> None:
        seconds = parse_progress_seconds(line)
        if seconds is not None:
            latest[0] = seconds

    readers = [threading.Thread(target=_pump, args=(process.stdout, on_line), daemon=True),
               threading.Thread(target=_pump, args=(process.stderr, errors.append), daemon=True)]
    if feed is not None:
        readers.append(threading.Thread(target=_feed, args=(feed, process, fed), daemon=True))
    for reader in readers:
        reader.start()
    reported = -1.0
    while not _exited(process, _POLL_S):
        if cancel is not None and cancel.is_set():
            _stop(process)
            raise RenderCancelled(f"{what} was cancelled")
        fraction = min(latest[0] / duration_s, 1.0) if duration_s > 0 else 0.0
        if on_progress is not None and fraction > reported:
            reported = fraction
            on_progress(fraction)
    for reader in readers:
        reader.join()
    if fed:
        raise fed[0]
    if process.returncode != 0:
        raise FFmpegError(f"{what} failed (exit status {process.returncode})", returncode=process.returncode,
                          stderr_tail=stderr_tail(errors), args=command)


def _feed(feed: Callable[[BinaryIO], None], process: subprocess.Popen[bytes], failures: list[BaseException]) -> None:
    try:
        feed(process.stdin)
    except BrokenPipeError:
        pass  # ffmpeg stopped reading: its own exit status says why
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
        failures.append(exc)
        process.kill()
    finally:
        with contextlib.suppress(BrokenPipeError, OSError):
            process.stdin.close()
