"""Where the app keeps files next to the notebook, and which files a person may pick."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..protocol import ACCEPTED_FORMATS, MAX_UPLOAD_BYTES

__all__ = [
    "FILE_UPLOAD_LIMIT_BYTES",
    "WORK_DIR_NAME",
    "work_dir",
    "upload_problem",
    "safe_file_name",
    "find_media_files",
]

# Jupyter Server's default websocket message limit (tornado's): FileUpload sends a file in one
# message, and a bigger one is dropped without a word. binder/ raises it; others may not.
FILE_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024
WORK_DIR_NAME = "musicmaker_files"
_SKIP_DIRS = {WORK_DIR_NAME, "node_modules", "__pycache__", "site-packages"}


def work_dir(root: str | os.PathLike[str], kind: str) -> Path:
    """``<root>/musicmaker_files/<kind>``, created: inside the notebook's folder, so the
    browser can fetch what is there through Jupyter's ``/files/`` URLs."""
    path = Path(root) / WORK_DIR_NAME / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_problem(name: str, size_bytes: int | None,
                   formats: tuple[str, ...] | None = ACCEPTED_FORMATS) -> str | None:
    """Why this file cannot be uploaded, in words that say what to do; None when it can.
    ``formats``: the backend's list (None: it decides by content, as the engine does)."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if formats is not None and suffix not in formats:
        return f"{name}: the format {suffix or '(none)'!r} is not accepted; use one of {', '.join(formats)}."
    if size_bytes is not None and size_bytes > MAX_UPLOAD_BYTES:
        return (f"{name} is {size_bytes / 1e6:.0f} MB, over the {MAX_UPLOAD_BYTES // 2**20} MB limit: "
                "trim it or compress it (e.g. ffmpeg -crf 28) first.")
    return None


def safe_file_name(name: str) -> str:
    """A browser-given name made safe to write: no folders, no leading dash or dot."""
    base = re.sub(r"[^\w.\- ]+", "_", Path(name.replace("\\", "/")).name).strip(" .")
    return ("upload_" + base.lstrip("-.")) if not base or base[0] in "-." else base


def find_media_files(root: str | os.PathLike[str], *, limit: int = 200, max_depth: int = 3) -> list[str]:
    """Media files under ``root`` (relative, sorted), skipping hidden and generated folders."""
    root = Path(root)
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS and depth < max_depth)
        for name in sorted(files):
            if Path(name).suffix.lower().lstrip(".") in ACCEPTED_FORMATS:
                found.append((Path(folder) / name).relative_to(root).as_posix())
                if len(found) >= limit:
                    return found
    return found
