"""Running the ffmpeg binary: where it is, how a run fails, how progress is read.

The binary comes from ``imageio-ffmpeg`` (a static build with libx264, AAC, scdet, drawtext,
ebur128) unless ``MUSICMAKER_FFMPEG`` names another one. Commands are argument lists, never
shell strings; file names go through :func:`media_arg` so that a name such as ``-y.mp4`` or
``a:b.mp4`` is never read as an option or a protocol.

Every ffmpeg dies with the engine, even when the engine is killed (SIGKILL, a crash, the
kernel's OOM killer): on Linux each one is started through :func:`_dies_with_engine`, which asks
the kernel (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) to kill the child when its parent goes. The
kernel means the parent *thread*, and the engine starts ffmpeg from worker threads (render
workers, anyio's threads, the scene finder's pool), some of which end when idle. That is safe
because a thread here never ends while its ffmpeg runs: :func:`run_ffmpeg` (``subprocess.run``)
and :func:`run_ffmpeg_with_progress` wait for their ffmpeg, and stop it on any error, before they
return. Other systems have no such signal; there an ffmpeg is stopped only by a clean stop.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import functools
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, BinaryIO, Callable, Iterable, Sequence, cast

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
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


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


@functools.lru_cache(maxsize=None)
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux; None elsewhere (no parent-death signal there) or without libc."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


def _dies_with_engine() -> Callable[[], None] | None:
    """The ``preexec_fn`` of every child: SIGKILL it when the thread that starts it ends (see the
    module docstring). A ``preexec_fn`` runs in the forked child of a threaded process, where a
    lock another thread held stays held; this one takes none: it calls a C function looked up
    beforehand and ``getppid`` (CPython re-creates its own locks in the child first)."""
    prctl, parent = _prctl(), os.getpid()
    if prctl is None:
        return None

    def arm() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the engine died before the signal was armed: follow it now
            os._exit(1)

    return arm


def _spawn(command: Sequence[str], *, stdin: int) -> subprocess.Popen[bytes]:
    """Start a child that dies with the engine, its output piped; the caller waits for it (or stops
    it) before returning."""
    return subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_dies_with_engine())  # noqa: PLW1509 - safe here: see _dies_with_engine


def run_ffmpeg(args: Sequence[str], *, timeout: float | None = None, check: bool = True,
               what: str = "ffmpeg") -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg to completion; stdout is bytes, stderr is kept for the error message."""
    command = _command(args)
    try:
        # run() kills and reaps ffmpeg on a timeout or any other error before it returns
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                              preexec_fn=_dies_with_engine())
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


def _pump(stream: IO[bytes], sink: Callable[[str], None]) -> None:
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
    """Kill the process unless it has ended, and reap it. Its output is thrown away, so there is
    nothing for a gentler signal to save."""
    if process.poll() is None:
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
    :class:`FFmpegError` with the stderr tail when ffmpeg fails. However it ends, ffmpeg has
    ended and ``feed`` has returned by then, so the caller may remove the files they wrote.
    """
    command = _command(["-progress", "pipe:1", "-nostats", *args])
    process = _spawn(command, stdin=subprocess.PIPE if feed else subprocess.DEVNULL)
    errors: collections.deque[str] = collections.deque(maxlen=400)
    latest = [0.0]
    fed: list[BaseException] = []

    def on_line(line: str) -> None:
        seconds = parse_progress_seconds(line)
        if seconds is not None:
            latest[0] = seconds

    helpers = [threading.Thread(target=_pump, args=(process.stdout, on_line), daemon=True),
               threading.Thread(target=_pump, args=(process.stderr, errors.append), daemon=True)]
    if feed is not None:
        helpers.append(threading.Thread(target=_feed, args=(feed, process, fed), daemon=True))
    for helper in helpers:
        helper.start()
    try:
        _follow(process, duration_s, lambda: latest[0], on_progress, cancel, what)
    finally:  # a cancel, or a progress callback that raised: ffmpeg must not outlive this call
        _stop(process)
        for helper in helpers:
            helper.join()
    if fed:
        raise fed[0]
    if process.returncode != 0:
        raise FFmpegError(f"{what} failed (exit status {process.returncode})", returncode=process.returncode,
                          stderr_tail=stderr_tail(errors), args=command)


def _follow(process: subprocess.Popen[bytes], duration_s: float, seconds: Callable[[], float],
            on_progress: Callable[[float], None] | None, cancel: threading.Event | None, what: str) -> None:
    """Report progress until the process ends; RenderCancelled as soon as ``cancel`` is set."""
    reported = -1.0
    while not _exited(process, _POLL_S):
        if cancel is not None and cancel.is_set():
            raise RenderCancelled(f"{what} was cancelled")
        fraction = min(seconds() / duration_s, 1.0) if duration_s > 0 else 0.0
        if on_progress is not None and fraction > reported:
            reported = fraction
            on_progress(fraction)


def _feed(feed: Callable[[BinaryIO], None], process: subprocess.Popen[bytes], failures: list[BaseException]) -> None:
    stdin = cast(BinaryIO, process.stdin)  # started with stdin=PIPE
    try:
        feed(stdin)
    except BrokenPipeError:
        pass  # ffmpeg stopped reading: its own exit status says why
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
        failures.append(exc)
        process.kill()
    finally:
        with contextlib.suppress(BrokenPipeError, OSError):
            stdin.close()
