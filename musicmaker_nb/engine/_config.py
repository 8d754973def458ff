"""The engine's settings: where it keeps its data and the limits it enforces."""

from __future__ import annotations

import os
import pathlib
from dataclasses import dataclass

from .._constants import MAX_UPLOAD_BYTES

__all__ = ["EngineConfig", "default_home", "HOME_ENV", "GENERATION_CREDITS", "INITIAL_CREDITS"]

HOME_ENV = "MUSICMAKER_HOME"
GENERATION_CREDITS = 10
INITIAL_CREDITS = 100
TOKEN_TTL_S = 7 * 24 * 3600.0


def default_home() -> pathlib.Path:
    """``$MUSICMAKER_HOME``, else the user's cache directory."""
    if os.environ.get(HOME_ENV):
        return pathlib.Path(os.environ[HOME_ENV]).expanduser()
    import platformdirs

    return pathlib.Path(platformdirs.user_cache_dir("musicmaker_nb")) / "engine"


@dataclass(frozen=True)
class EngineConfig:
    """Everything a running engine needs to know; the defaults are the documented ones."""

    home: pathlib.Path
    allow_private_urls: bool = False
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    # Total bytes the engine may keep under ``home`` (None: only the disk limits it).
    quota_bytes: int | None = None
    # Per-token rate limit: a bucket of ``rate_burst`` requests refilled at ``rate_per_s``.
    rate_per_s: float = 20.0
    rate_burst: int = 100
    token_ttl_s: float = TOKEN_TTL_S
    initial_credits: int = INITIAL_CREDITS
    generation_credits: int = GENERATION_CREDITS
    render_workers: int = max(os.cpu_count() or 1, 1)
    # A render interrupted this many times by engine stops is marked failed, not re-queued again.
    max_render_attempts: int = 3
