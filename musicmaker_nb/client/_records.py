"""Session records on disk, so a notebook can pick up its session and renders after a kernel restart."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ._files import atomic_file

__all__ = ["SessionRecord", "RecordBook", "default_records_path"]


def default_records_path() -> Path:
    home = os.environ.get("MUSICMAKER_HOME")
    if home:
        return Path(home).expanduser() / "client" / "sessions.json"
    import platformdirs

    return Path(platformdirs.user_state_dir("musicmaker_nb")) / "sessions.json"


@dataclass
class SessionRecord:
    backend: str  # "embedded" or the base URL
    session_id: str
    client_id: str
    token: str | None = None  # only anonymous tokens are kept; a user's token stays in their environment
    pending_renders: dict[str, str] = field(default_factory=dict)  # render id -> download path


class RecordBook:
    """A small JSON file of recent sessions, newest last, written atomically."""

    def __init__(self, path: Path | None = None, *, keep: int = 50) -> None:
        self.path = path or default_records_path()
        self.keep = keep

    def load(self) -> list[SessionRecord]:
        try:
            raw = json.loads(self.path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return []
        return [SessionRecord(**item) for item in raw if isinstance(item, dict)]

    def find(self, backend: str, session_id: str | None = None) -> SessionRecord | None:
        matches = [r for r in self.load() if r.backend == backend and session_id in (None, r.session_id)]
        return matches[-1] if matches else None

    def save(self, record: SessionRecord) -> None:
        records = [r for r in self.load() if (r.backend, r.session_id) != (record.backend, record.session_id)]
        records = (records + [record])[-self.keep :]
        with atomic_file(self.path) as out:
            out.write(json.dumps([asdict(r) for r in records], indent=1).encode())
