"""Render jobs: a queue in SQLite, worker threads that take them in a fair order.

Renders are the heavy, patient work: their workers leave a core to chat (the agent, composing,
scene cuts, previews) where cores are spare, their ffmpeg runs at a lower CPU priority, and they
are taken in a fair order between tokens (``_fairness``), so one person's ten exports never queue
in front of everyone.

A job is ``queued`` -> ``rendering`` -> ``completed`` | ``failed``, or ``cancelled`` when the
person cancels it while it is queued or rendering. When the engine stops, a running job is put
back to ``queued``; when it was killed, the job is found ``rendering`` at the next start and
queued again (a cancelled one never is). A job interrupted ``max_render_attempts`` times is
marked failed instead, so nothing stays ``rendering`` forever.

Whatever ends a job (success, failure, a cancel), its worker leaves no work file behind; what a
killed engine left is removed at the next start (``Store.clean_tmp``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from ...protocol import Draft, DraftError, MusicMakerError
from .._config import EngineConfig
from ..media._ffmpeg import RenderCancelled
from ..store._store import Store, is_disk_full
from ._fairness import FairQueue, RenderSpeed, Wait, estimate_waits

__all__ = ["RenderQueue", "QueueLoad", "draft_sources", "PROGRESS_WRITE_S", "CANCEL_WAIT_S"]

log = logging.getLogger(__name__)
PROGRESS_WRITE_S = 0.25  # how often progress reaches the database
CANCEL_WAIT_S = 10.0  # how long a cancel waits for the job's ffmpeg to stop and its files to go
_QUOTA_CHECK_S = 0.5
_UNFINISHED = ("queued", "rendering")


def draft_sources(store: Store, session_id: str, draft: Draft) -> dict[str, tuple[str, str]]:
    """``src id -> (relative path, kind)`` for every medium the draft uses; DraftError for an unknown one."""
    found: dict[str, tuple[str, str]] = {}
    for t_index, track in enumerate(draft.tracks):
        for s_index, segment in enumerate(track.segments):
            src = segment.source_id
            if not src or src in found:
                continue
            row = store.generated(src) if src.startswith("gen_") else store.media(src)
            if row is None or row["session_id"] != session_id:
                raise DraftError(f"t[{t_index}].sg[{s_index}].src",
                                 f"unknown medium {src!r}: it was not uploaded or generated in this session")
            found[src] = (row["path"], row.get("kind", "audio"))
    return found


@dataclass
class _Running:
    """A job a worker is rendering: ``stop`` stops its ffmpeg, ``done`` is set once the worker let go."""

    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    cancelled: bool = False  # stopped because the person cancelled it (not by an engine stop)
    started: float = field(default_factory=time.monotonic)
    video_s: float = 0.0


@dataclass(frozen=True)
class QueueLoad:
    """The render queue at a glance, for ``/api/health`` and the serve command's log line."""

    queued: int
    running: int
    done: int
    workers: int
    seconds_per_video_second: float


class RenderQueue:
    """Runs render jobs of one store on ``config.render_workers`` threads, in a fair order."""

    def __init__(self, store: Store, config: EngineConfig, *, cluster: Any = None) -> None:
        """``cluster``: a ``distributed.Client`` to render on (its workers share the store's folder)."""
        self.store, self.config = store, config
        # The lock makes a job's changes of status atomic with this table: a job is rendering
        # exactly while it is here, so a cancel either finds it here or finds its final status.
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._quota_hit: set[str] = set()  # jobs stopped because the storage quota ran out
        self._line = FairQueue()  # queued jobs, guarded by _waiting
        self._lengths: dict[str, float] = {}  # job -> seconds of video, for the estimates
        self._waiting = threading.Condition()
        self._speed = RenderSpeed()
        self._done = 0
        self._cluster = cluster
        workers = max(1, config.render_workers)
        if self._cluster is not None:  # a thread per cluster core: each only waits for its remote render
            workers = max(workers, sum(w.get("nthreads", 1) for w in self._cluster.scheduler_info()["workers"].values()))
        self._threads = [threading.Thread(target=self._serve, name=f"musicmaker-render-{n}", daemon=True)
                         for n in range(workers)]
        for thread in self._threads:
            thread.start()

    def resume(self) -> None:
        """Queue again what a previous run left queued or rendering (or fail it, after too many tries)."""
        for row in self.store.renders_with_status("queued", "rendering"):
            if row["status"] == "rendering" and row["attempts"] >= self.config.max_render_attempts:
                self.store.update_render(row["id"], status="failed", error=(
                    f"the engine stopped during this render {row['attempts']} times; start a new export"))
                continue
            if row["status"] == "rendering":
                self.store.update_render(row["id"], status="queued", progress=0.0)
            self.submit(row["id"])

    def submit(self, render_id: str) -> None:
        """Put a queued job in line, behind the jobs of its token and in turn with the others'."""
        if self._stopping.is_set():
            return
        row = self.store.render(render_id)
        if row is None:
            return
        with self._waiting:
            if render_id in self._lengths:
                return  # in line already (the same export sent twice)
            self._lengths[render_id] = Draft.from_dict(json.loads(row["draft"])).duration_ms / 1000
            self._line.put(row["token"], render_id)
            self._waiting.notify()

    def waiting_for(self, token: str) -> int:
        """How many of this token's renders wait in line."""
        with self._waiting:
            return self._line.count(token)

    def stop(self) -> None:
        """Stop the workers; a render in progress goes back to ``queued`` for the next start."""
        self._stopping.set()
        with self._lock:
            for running in self._running.values():
                running.stop.set()
        with self._waiting:
            self._waiting.notify_all()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()

    def _serve(self) -> None:
        """One worker: take the next job in the fair order, render it, again until the engine stops."""
        _lower_priority(self.config.render_niceness)
        while True:
            with self._waiting:
                while not self._stopping.is_set() and not len(self._line):
                    self._waiting.wait()
                if self._stopping.is_set():
                    return
                render_id = self._line.take()
            if render_id is not None:
                self._work(render_id)

    # -- how long: the estimates a queued job's status carries ----------------------------------
    def waits(self) -> dict[str, Wait]:
        """Each queued job's place in line and when it should start and end, from the speed
        the engine measured on its own finished renders."""
        now = time.monotonic()
        with self._lock:
            running_left = [max(self._speed.estimate(job.video_s) - (now - job.started), 1.0)
                            for job in self._running.values()]
        with self._waiting:
            order = self._line.order()
            lengths = [self._speed.estimate(self._lengths.get(job, 0.0)) for job in order]
        waits = estimate_waits(running_left, lengths, len(self._threads))
        return dict(zip(order, waits))

    def next_start_for(self, token: str) -> float | None:
        """When the first of this token's waiting renders should start, in seconds; None if none waits."""
        with self._waiting:
            mine = self._line.jobs_of(token)
        waits = self.waits()
        return min((waits[job].starts_in_s for job in mine if job in waits), default=None)

    def ends_in(self, render_id: str) -> float | None:
        """The estimated seconds left of a running job."""
        with self._lock:
            job = self._running.get(render_id)
            if job is None:
                return None
            return max(self._speed.estimate(job.video_s) - (time.monotonic() - job.started), 0.0)

    def load(self) -> QueueLoad:
        with self._waiting:
            queued = len(self._line)
        with self._lock:
            running = len(self._running)
        return QueueLoad(queued, running, self._done, len(self._threads), round(self._speed.seconds_per_second, 3))

    def cancel(self, render_id: str, wait_s: float = CANCEL_WAIT_S) -> None:
        """Cancel a queued or rendering job: it is ``cancelled`` at once (a restart leaves it so),
        and this returns once its ffmpeg has stopped and its files are gone (``wait_s`` at most).
        A finished job, or an unknown one, is left as it is."""
        with self._lock:
            row = self.store.render(render_id)
            if row is None or row["status"] not in _UNFINISHED:
                return
            self.store.update_render(render_id, status="cancelled", error=None)
            running = self._running.get(render_id)
            if running is None:
                with self._waiting:  # queued: out of the line, so it holds no place in anyone's estimate
                    self._line.remove(render_id)
                    self._lengths.pop(render_id, None)
                return
            running.cancelled = True
            running.stop.set()
        running.done.wait(wait_s)

    # -- one job ----------------------------------------------------------------------------
    def _work(self, render_id: str) -> None:
        with self._waiting:
            video_s = self._lengths.pop(render_id, 0.0)
        if self._stopping.is_set():
            return
        running = _Running(video_s=video_s)
        with self._lock:
            row = self.store.start_render_attempt(render_id)
            if row is None:
                return
            self._running[render_id] = running
        try:
            self._render(row, running)
            self._speed.learn(video_s, time.monotonic() - running.started)
            self._done += 1
        except Exception as exc:  # a worker must always leave the job in a final state
            self._finish_failed(row, running, exc)
        finally:
            with self._lock:
                self._running.pop(render_id, None)
            running.done.set()

    def _render(self, row: Mapping[str, Any], running: _Running) -> None:
        from ..media._render import RenderSource, render_draft

        draft = Draft.from_dict(json.loads(row["draft"]))
        sources = {src: RenderSource(self.store.path(path), self._media_info(src, path))
                   for src, (path, _) in draft_sources(self.store, row["session_id"], draft).items()}
        relative = f"renders/{row['id']}.mp4"
        if self._cluster is not None:
            self._render_on_cluster(self._cluster, row, draft, sources, relative, running)
        else:
            render_draft(draft, sources, self.store.path(relative), quality=row["quality"],
                         on_progress=self._progress_writer(row["id"], running.stop), cancel=running.stop)
        with self._lock:
            if running.cancelled:  # cancelled as the last frame was written
                raise RenderCancelled("the render was cancelled")
            self.store.update_render(row["id"], status="completed", progress=1.0, output_path=relative, error=None)

    def _render_on_cluster(self, cluster: Any, row: Mapping[str, Any], draft: Draft, sources: Mapping[str, Any],
                           relative: str, running: _Running) -> None:
        """The same render_draft call as a task on a Dask worker, which writes into the shared store.
        A task whose worker died runs again on another (the scheduler's own rule); one that failed
        is not tried again (ffmpeg would fail the same way); a cancel cancels the task."""
        from ..media._render import render_draft

        future = cluster.submit(render_draft, draft, sources, self.store.path(relative), quality=row["quality"],
                                key=f"musicmaker-render-{row['id']}-{row['attempts']}", pure=False)
        while not future.done():
            if running.stop.wait(0.25):
                future.cancel()
                raise RenderCancelled("the render was cancelled")
        future.result()  # raises the task's own error

    def _media_info(self, src: str, relative: str) -> Any:
        """What the upload's probe found (kept in the store), or a fresh probe (generated music)."""
        from ..media._probe import MediaInfo, probe

        row = None if src.startswith("gen_") else self.store.media(src)
        if row and row.get("info"):
            return MediaInfo.from_dict(json.loads(row["info"]))
        return probe(self.store.path(relative))

    def _progress_writer(self, render_id: str, cancel: threading.Event):
        last = {"write": 0.0, "quota": 0.0}

        def on_progress(fraction: float) -> None:
            now = time.monotonic()
            if now - last["quota"] >= _QUOTA_CHECK_S:
                last["quota"] = now
                room = self.store.room_bytes()
                if room is not None and room < 0:
                    self._quota_hit.add(render_id)
                    cancel.set()
            if now - last["write"] >= PROGRESS_WRITE_S or fraction >= 1.0:
                last["write"] = now
                self.store.update_render(render_id, progress=round(min(max(fraction, 0.0), 0.999), 4))

        return on_progress

    def _finish_failed(self, row: Mapping[str, Any], running: _Running, exc: Exception) -> None:
        render_id = row["id"]
        self._cleanup(render_id)
        quota_hit = render_id in self._quota_hit or is_disk_full(exc)
        self._quota_hit.discard(render_id)
        if not isinstance(exc, (MusicMakerError, ValueError, OSError)):
            log.exception("render %s failed", render_id)
        with self._lock:  # a cancel() now must not be overwritten, nor overwrite what is decided here
            if running.cancelled:
                return  # cancel() said so already
            if quota_hit:
                self.store.update_render(render_id, status="failed", error=(
                    "the engine's storage is full: free some space in its data directory or give it a larger "
                    "quota, then export again"))
            elif running.stop.is_set() and self._stopping.is_set():
                # Stopped by an engine shutdown: not the job's fault, so it does not count as an attempt.
                self.store.update_render(render_id, status="queued", progress=0.0,
                                         attempts=max(row["attempts"] - 1, 0))
            else:
                self.store.update_render(render_id, status="failed", error=_first_line(exc))

    def _cleanup(self, render_id: str) -> None:
        self.store.path(f"renders/{render_id}.mp4").unlink(missing_ok=True)


def _lower_priority(niceness: int) -> None:
    """Nice this thread, and so the ffmpeg it starts (children inherit it). On Linux a thread has
    its own niceness, so the engine's other threads (chat) keep theirs."""
    if niceness <= 0 or not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except OSError:  # not allowed here (a locked-down container): renders then share the CPU evenly
        log.debug("could not lower the render threads' priority", exc_info=True)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    lines = text.splitlines()
    return lines[0] if len(lines) == 1 else f"{lines[0]} ({' | '.join(lines[-3:])})"
