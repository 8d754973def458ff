"""Render jobs: a queue in SQLite, a pool of worker threads sized to the cores.

A job is ``queued`` -> ``rendering`` -> ``completed`` | ``failed``. When the engine stops, a
running job is put back to ``queued``; when it was killed, the job is found ``rendering`` at
the next start and queued again. A job interrupted ``max_render_attempts`` times is marked
failed instead, so nothing stays ``rendering`` forever.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Mapping

from ...protocol import Draft, DraftError, MusicMakerError
from .._config import EngineConfig
from ..store._store import Store, is_disk_full

__all__ = ["RenderQueue", "draft_sources", "PROGRESS_WRITE_S"]

log = logging.getLogger(__name__)
PROGRESS_WRITE_S = 0.25  # how often progress reaches the database
_QUOTA_CHECK_S = 0.5


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


class RenderQueue:
    """Runs render jobs of one store on a thread pool."""

    def __init__(self, store: Store, config: EngineConfig) -> None:
        self.store, self.config = store, config
        self._pool = ThreadPoolExecutor(max_workers=config.render_workers, thread_name_prefix="musicmaker-render")
        self._cancels: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._quota_hit: set[str] = set()  # jobs stopped because the storage quota ran out

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
        if not self._stopping.is_set():
            self._pool.submit(self._work, render_id)

    def stop(self) -> None:
        """Stop the workers; a render in progress goes back to ``queued`` for the next start."""
        self._stopping.set()
        with self._lock:
            for cancel in self._cancels.values():
                cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- one job ----------------------------------------------------------------------------
    def _work(self, render_id: str) -> None:
        if self._stopping.is_set():
            return
        row = self.store.start_render_attempt(render_id)
        if row is None:
            return
        cancel = threading.Event()
        with self._lock:
            self._cancels[render_id] = cancel
        try:
            self._render(row, cancel)
        except Exception as exc:  # a worker must always leave the job in a final state
            self._finish_failed(row, cancel, exc)
        finally:
            with self._lock:
                self._cancels.pop(render_id, None)

    def _render(self, row: Mapping[str, Any], cancel: threading.Event) -> None:
        from ..media._render import RenderSource, render_draft

        draft = Draft.from_dict(json.loads(row["draft"]))
        sources = {src: RenderSource(self.store.path(path), self._media_info(src, path))
                   for src, (path, _) in draft_sources(self.store, row["session_id"], draft).items()}
        relative = f"renders/{row['id']}.mp4"
        render_draft(draft, sources, self.store.path(relative), quality=row["quality"],
                     on_progress=self._progress_writer(row["id"], cancel), cancel=cancel)
        self.store.update_render(row["id"], status="completed", progress=1.0, output_path=relative, error=None)

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

    def _finish_failed(self, row: Mapping[str, Any], cancel: threading.Event, exc: Exception) -> None:
        render_id = row["id"]
        if render_id in self._quota_hit or is_disk_full(exc):
            self._quota_hit.discard(render_id)
            self._cleanup(render_id)
            self.store.update_render(render_id, status="failed", error=(
                "the engine's storage is full: free some space in its data directory or give it a larger "
                "quota, then export again"))
        elif cancel.is_set() and self._stopping.is_set():
            # Stopped by an engine shutdown: not the job's fault, so it does not count as an attempt.
            self.store.update_render(render_id, status="queued", progress=0.0, attempts=max(row["attempts"] - 1, 0))
        else:
            if not isinstance(exc, (MusicMakerError, ValueError, OSError)):
                log.exception("render %s failed", render_id)
            self.store.update_render(render_id, status="failed", error=_first_line(exc))

    def _cleanup(self, render_id: str) -> None:
        self.store.path(f"renders/{render_id}.mp4").unlink(missing_ok=True)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    lines = text.splitlines()
    return lines[0] if len(lines) == 1 else f"{lines[0]} ({' | '.join(lines[-3:])})"
