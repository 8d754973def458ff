"""The engine's memory: SQLite (WAL) for records, content-addressed files beside it.

Layout of the data directory::

    engine.sqlite3          tokens, sessions, messages, media, generated media, render jobs,
                            each session's draft history (undo and redo)
    files/ab/abcdef....mp4  uploads and generated audio, named by their SHA-256
    renders/<id>.mp4        finished renders
    tmp/                    uploads and renders being written

Every call is thread-safe (one connection behind a lock); call it from worker threads, never
from the event loop. Paths are stored relative to the data directory.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import pathlib
import re
import secrets
import shutil
import sqlite3
import threading
import time
from typing import Any, Callable

from ...protocol import Code
from .._errors import EngineError

__all__ = ["Store", "new_id", "valid_id", "storage_full_error", "is_disk_full", "HISTORY_STEPS"]

HISTORY_STEPS = 50  # undo steps kept per session
_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, client_id TEXT, credits INTEGER NOT NULL, frozen INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, task_id TEXT NOT NULL, token TEXT NOT NULL, task_name TEXT, language TEXT,
    draft TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    session_id TEXT NOT NULL, seq INTEGER NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL,
    created_at REAL NOT NULL, PRIMARY KEY (session_id, seq));
CREATE TABLE IF NOT EXISTS media (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, sha256 TEXT NOT NULL, path TEXT NOT NULL, size_bytes INTEGER NOT NULL,
    duration_ms INTEGER, width INTEGER, height INTEGER, fps REAL, has_audio INTEGER,
    info TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS generated (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, sha256 TEXT NOT NULL, path TEXT NOT NULL,
    prompt TEXT, duration_ms INTEGER, description TEXT, tempo_bpm REAL, key TEXT, lufs REAL,
    plan TEXT, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS renders (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, token TEXT NOT NULL, draft TEXT NOT NULL,
    quality TEXT NOT NULL, status TEXT NOT NULL, progress REAL NOT NULL DEFAULT 0,
    output_path TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS draft_history (
    session_id TEXT NOT NULL, seq INTEGER NOT NULL, side TEXT NOT NULL, draft TEXT, label TEXT NOT NULL,
    PRIMARY KEY (session_id, seq));
CREATE INDEX IF NOT EXISTS media_by_session ON media (session_id, seq);
CREATE INDEX IF NOT EXISTS generated_by_session ON generated (session_id, created_at);
CREATE INDEX IF NOT EXISTS renders_by_status ON renders (status);
"""


def new_id(prefix: str, nbytes: int = 8) -> str:
    return f"{prefix}_{secrets.token_hex(nbytes)}"


def valid_id(value: object) -> bool:
    """The one rule for every id a request names (session, render, medium, generated track, the
    name of a served file): 1 to 100 ASCII letters, digits, ``_``, ``.`` and ``-``, the first not
    a ``.`` or a ``-``. So no ``..``, no hidden or option-like file name, nothing a URL rewrites;
    an id that breaks it names nothing, and the store finds nothing under it."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def storage_full_error(detail: str) -> EngineError:
    return EngineError(Code.STORAGE_FULL, f"The engine's storage is full ({detail}): free some space in its data "
                            "directory or give it a larger quota (musicmaker serve --quota-mb), then try again.")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


class Store:
    """Records and files of one engine data directory."""

    def __init__(self, home: pathlib.Path, *, quota_bytes: int | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.home = pathlib.Path(home)
        self.quota_bytes = quota_bytes
        self.clock = clock
        for sub in ("files", "renders", "tmp"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._draft_locks: dict[str, threading.Lock] = {}
        self._db = sqlite3.connect(self.home / "engine.sqlite3", check_same_thread=False,
                                   isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._secret = self._load_secret()

    def _load_secret(self) -> bytes:
        path = self.home / "secret.key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret := secrets.token_bytes(32))
        return secret

    def file_key(self, kind: str, item_id: str) -> str:
        """The key that lets a URL fetch one file without a bearer token (a browser's <video>)."""
        return hmac.new(self._secret, f"{kind}:{item_id}".encode(), hashlib.sha256).hexdigest()[:32]

    def check_file_key(self, kind: str, item_id: str, key: str) -> bool:
        return hmac.compare_digest(self.file_key(kind, item_id), key or "")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- low level ---------------------------------------------------------------------
    def _all(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self._db.execute(sql, args).fetchall()]

    def _one(self, sql: str, *args: Any) -> dict[str, Any] | None:
        rows = self._all(sql, *args)
        return rows[0] if rows else None

    def _run(self, sql: str, *args: Any) -> int:
        with self._lock:
            return self._db.execute(sql, args).rowcount

    def _transaction(self) -> "_Transaction":
        return _Transaction(self._db, self._lock)

    # -- files -------------------------------------------------------------------------
    def path(self, relative: str) -> pathlib.Path:
        return self.home / relative

    def temp_path(self, suffix: str = "") -> pathlib.Path:
        return self.home / "tmp" / f"{secrets.token_hex(8)}{suffix}"

    def adopt_file(self, temp: pathlib.Path, sha256: str, suffix: str) -> str:
        """Move a finished temporary file to its content address; return the relative path."""
        relative = f"files/{sha256[:2]}/{sha256}{suffix}"
        final = self.home / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            temp.unlink(missing_ok=True)
        else:
            os.replace(temp, final)
        return relative

    def usage_bytes(self) -> int:
        total = 0
        for root, _, names in os.walk(self.home):
            for name in names:
                try:
                    total += os.stat(os.path.join(root, name)).st_size
                except FileNotFoundError:
                    pass
        return total

    def room_bytes(self) -> int | None:
        """Bytes the quota still allows (None when there is no quota)."""
        if self.quota_bytes is None:
            return None
        return self.quota_bytes - self.usage_bytes()

    def clean_tmp(self) -> None:
        """Remove what a stopped or killed engine left half-written (call before serving)."""
        for leftover in (self.home / "tmp").iterdir():
            leftover.unlink(missing_ok=True)
        for work in (self.home / "renders").glob(".render-*"):
            shutil.rmtree(work, ignore_errors=True)

    # -- tokens and credits ----------------------------------------------------------------
    def create_token(self, client_id: str, credits: int, ttl_s: float) -> dict[str, Any]:
        token, now = "mm_" + secrets.token_urlsafe(24), self.clock()
        self._run("INSERT INTO tokens VALUES (?, ?, ?, 0, ?, ?)", token, client_id, credits, now, now + ttl_s)
        return self.token(token)

    def token(self, token: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM tokens WHERE token = ?", token)

    def freeze_credits(self, token: str, amount: int) -> bool:
        """Set ``amount`` credits aside for work in progress; False when there are not enough."""
        return self._run("UPDATE tokens SET credits = credits - ?, frozen = frozen + ? "
                         "WHERE token = ? AND credits >= ?", amount, amount, token, amount) == 1

    def settle_credits(self, token: str, amount: int, *, spent: bool) -> None:
        """Spend frozen credits, or give them back when the work failed."""
        back = 0 if spent else amount
        self._run("UPDATE tokens SET frozen = frozen - ?, credits = credits + ? WHERE token = ?",
                  amount, back, token)

    # -- sessions and messages -----------------------------------------------------------
    def create_session(self, token: str, task_name: str, language: str) -> dict[str, Any]:
        session_id, task_id = new_id("ses"), new_id("task")
        self._run("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, NULL, ?)",
                  session_id, task_id, token, task_name, language, self.clock())
        return self.session(session_id)

    def session(self, session_id: str) -> dict[str, Any] | None:
        if not valid_id(session_id):
            return None
        return self._one("SELECT * FROM sessions WHERE id = ?", session_id)

    def draft_lock(self, session_id: str) -> threading.Lock:
        """Hold it to read, change and write a session's draft without losing a concurrent edit."""
        with self._lock:
            return self._draft_locks.setdefault(session_id, threading.Lock())

    def draft(self, session_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT draft FROM sessions WHERE id = ?", session_id)
        return json.loads(row["draft"]) if row and row["draft"] else None

    def set_draft(self, session_id: str, draft: dict[str, Any] | None) -> None:
        self._run("UPDATE sessions SET draft = ? WHERE id = ?",
                  None if draft is None else json.dumps(draft), session_id)

    # -- draft history: "undo" steps back over what a message (or an upload) changed ----------
    def record_step(self, session_id: str, before: dict[str, Any] | None, label: str) -> None:
        """Remember ``before``, the draft a step changed, so that it can be undone; a new step
        forgets what was undone before it (as every editor does)."""
        with self._transaction() as db:
            db.execute("DELETE FROM draft_history WHERE session_id = ? AND side = 'redo'", (session_id,))
            self._push(db, session_id, "undo", before, label)
            db.execute("DELETE FROM draft_history WHERE session_id = ? AND side = 'undo' AND seq <= "
                       "(SELECT MAX(seq) FROM draft_history WHERE session_id = ?) - ?",
                       (session_id, session_id, HISTORY_STEPS))

    def step(self, session_id: str, side: str) -> tuple[str, dict[str, Any] | None] | None:
        """Undo (``side`` "undo") or redo the last step: the draft goes back (or forward) and the
        one it replaces goes on the other side. Returns (the step's label, the new draft), or None
        when there is nothing to undo or redo."""
        other = "redo" if side == "undo" else "undo"
        with self._transaction() as db:
            row = db.execute("SELECT seq, draft, label FROM draft_history WHERE session_id = ? AND side = ? "
                             "ORDER BY seq DESC LIMIT 1", (session_id, side)).fetchone()
            if row is None:
                return None
            current = db.execute("SELECT draft FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
            db.execute("DELETE FROM draft_history WHERE session_id = ? AND seq = ?", (session_id, row[0]))
            self._push(db, session_id, other, json.loads(current) if current else None, row[2])
            db.execute("UPDATE sessions SET draft = ? WHERE id = ?", (row[1], session_id))
        return row[2], json.loads(row[1]) if row[1] else None

    def _push(self, db: sqlite3.Connection, session_id: str, side: str, draft: dict[str, Any] | None,
              label: str) -> None:
        seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM draft_history WHERE session_id = ?",
                         (session_id,)).fetchone()[0]
        db.execute("INSERT INTO draft_history VALUES (?, ?, ?, ?, ?)",
                   (session_id, seq, side, None if draft is None else json.dumps(draft), label))

    def add_message(self, session_id: str, role: str, text: str) -> None:
        with self._transaction() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE session_id = ?",
                             (session_id,)).fetchone()[0]
            db.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?)", (session_id, seq, role, text, self.clock()))

    def messages(self, session_id: str) -> list[dict[str, Any]]:
        return self._all("SELECT role, text FROM messages WHERE session_id = ? ORDER BY seq", session_id)

    # -- media -----------------------------------------------------------------------------
    def add_media(self, session_id: str, *, name: str, kind: str, sha256: str, path: str,
                  size_bytes: int, duration_ms: int | None, width: int | None, height: int | None,
                  fps: float | None, has_audio: bool, info: dict[str, Any]) -> dict[str, Any]:
        media_id = new_id("med")
        with self._transaction() as db:
            seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM media WHERE session_id = ?",
                             (session_id,)).fetchone()[0]
            db.execute("INSERT INTO media VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (media_id, session_id, seq, name, kind, sha256, path, size_bytes, duration_ms,
                        width, height, fps, int(has_audio), json.dumps(info), self.clock()))
        return self.media(media_id)

    def media(self, media_id: str) -> dict[str, Any] | None:
        if not valid_id(media_id):
            return None
        return self._one("SELECT * FROM media WHERE id = ?", media_id)

    def session_media(self, session_id: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM media WHERE session_id = ? ORDER BY seq", session_id)

    # -- generated media -------------------------------------------------------------------
    def add_generated(self, session_id: str, *, sha256: str, path: str, prompt: str, duration_ms: int,
                      description: str, tempo_bpm: float | None, key: str | None, lufs: float | None,
                      plan: dict[str, Any]) -> dict[str, Any]:
        gen_id = new_id("gen")
        self._run("INSERT INTO generated VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  gen_id, session_id, sha256, path, prompt, duration_ms, description, tempo_bpm, key,
                  lufs, json.dumps(plan), self.clock())
        return self.generated(gen_id)

    def generated(self, gen_id: str) -> dict[str, Any] | None:
        if not valid_id(gen_id):
            return None
        return self._one("SELECT * FROM generated WHERE id = ?", gen_id)

    def session_generated(self, session_id: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM generated WHERE session_id = ? ORDER BY created_at, rowid", session_id)

    # -- render jobs -----------------------------------------------------------------------
    def add_render(self, render_id: str, session_id: str, token: str, draft: dict[str, Any],
                   quality: str) -> dict[str, Any]:
        if not valid_id(render_id):
            raise ValueError(f"not a valid render id: {render_id!r}")
        now = self.clock()
        self._run("INSERT INTO renders VALUES (?, ?, ?, ?, ?, 'queued', 0, NULL, NULL, 0, ?, ?)",
                  render_id, session_id, token, json.dumps(draft), quality, now, now)
        return self.render(render_id)

    def render(self, render_id: str) -> dict[str, Any] | None:
        if not valid_id(render_id):
            return None
        return self._one("SELECT * FROM renders WHERE id = ?", render_id)

    def update_render(self, render_id: str, **fields: Any) -> None:
        names = ", ".join(f"{name} = ?" for name in fields)
        self._run(f"UPDATE renders SET {names}, updated_at = ? WHERE id = ?",
                  *fields.values(), self.clock(), render_id)

    def start_render_attempt(self, render_id: str) -> dict[str, Any] | None:
        """Mark a queued job rendering and count the attempt; None if it is not queued."""
        with self._transaction() as db:
            changed = db.execute("UPDATE renders SET status = 'rendering', progress = 0, "
                                 "attempts = attempts + 1, updated_at = ? WHERE id = ? AND status = 'queued'",
                                 (self.clock(), render_id)).rowcount
        return self.render(render_id) if changed else None

    def renders_with_status(self, *statuses: str) -> list[dict[str, Any]]:
        marks = ", ".join("?" for _ in statuses)
        return self._all(f"SELECT * FROM renders WHERE status IN ({marks}) ORDER BY created_at, rowid", *statuses)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the store's lock (rollback on error)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self._db, self._lock = db, lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        self._db.execute("BEGIN IMMEDIATE")
        return self._db

    def __exit__(self, kind: Any, *_: Any) -> None:
        try:
            self._db.execute("ROLLBACK" if kind else "COMMIT")
        finally:
            self._lock.release()

