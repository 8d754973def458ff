"""The engine's settings: where it keeps its data, the limits it enforces, and the optional
language model the agent may ask (``MUSICMAKER_LLM_*``)."""

from __future__ import annotations

import os
import pathlib
from dataclasses import dataclass, field
from typing import Mapping

from ..protocol import MAX_UPLOAD_BYTES

__all__ = [
    "EngineConfig",
    "LLMConfig",
    "default_home",
    "llm_from_env",
    "HOME_ENV",
    "LLM_BASE_URL_ENV",
    "LLM_MODEL_ENV",
    "LLM_API_KEY_ENV",
    "LLM_TIMEOUT_S",
    "GENERATION_CREDITS",
    "INITIAL_CREDITS",
    "MAX_JSON_BODY_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_MESSAGE_CHARS",
    "BODY_STALL_S",
    "URL_DEADLINE_S",
]

HOME_ENV = "MUSICMAKER_HOME"
GENERATION_CREDITS = 10
INITIAL_CREDITS = 100
TOKEN_TTL_S = 7 * 24 * 3600.0
LLM_BASE_URL_ENV = "MUSICMAKER_LLM_BASE_URL"
LLM_MODEL_ENV = "MUSICMAKER_LLM_MODEL"
LLM_API_KEY_ENV = "MUSICMAKER_LLM_API_KEY"
LLM_TIMEOUT_S = 10.0  # the whole exchange with the language model; past it the tables answer
MAX_JSON_BODY_BYTES = 1 << 20  # every body but an upload's, counted as it arrives; past it 413
MAX_JSON_DEPTH = 64  # nesting of a JSON body (a draft needs about 8); deeper is 422
MAX_MESSAGE_CHARS = 4000  # a chat message (the text of /run_sse); longer is 422
URL_DEADLINE_S = 120.0  # a URL upload, redirects and body included
BODY_STALL_S = 30.0  # a request body with no new byte for this long is dropped (408)


def default_home() -> pathlib.Path:
    """``$MUSICMAKER_HOME``, else the user's cache directory."""
    if os.environ.get(HOME_ENV):
        return pathlib.Path(os.environ[HOME_ENV]).expanduser()
    import platformdirs

    return pathlib.Path(platformdirs.user_cache_dir("musicmaker_nb")) / "engine"


@dataclass(frozen=True)
class LLMConfig:
    """An OpenAI-compatible chat-completions server the agent asks first (Ollama, llama.cpp's
    server, a hosted one). ``base_url`` ends before ``/chat/completions``, e.g.
    ``http://localhost:11434/v1``."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = LLM_TIMEOUT_S


def llm_from_env(environ: Mapping[str, str] | None = None) -> LLMConfig | None:
    """The language model ``MUSICMAKER_LLM_BASE_URL`` and ``MUSICMAKER_LLM_MODEL`` name (with
    ``MUSICMAKER_LLM_API_KEY`` when set), or None (the default: the tables alone)."""
    env = os.environ if environ is None else environ
    base_url, model = env.get(LLM_BASE_URL_ENV, "").strip(), env.get(LLM_MODEL_ENV, "").strip()
    if not (base_url and model):
        return None
    return LLMConfig(base_url.rstrip("/"), model, env.get(LLM_API_KEY_ENV, "").strip() or None)


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
    # Renders leave a core to chat (agent, composing, scene cuts) where there are cores to spare; on
    # two, both render (leaving one idle cost 14 % of a class's throughput) and their lower priority
    # (render_niceness) is what keeps chat quick: 0.55 s with 29 exports waiting or running.
    render_workers: int = max((os.cpu_count() or 1) - 1, min(os.cpu_count() or 1, 2))
    # Renders one token may have waiting in line; past it, a clear refusal (fair to the rest of a class).
    max_queued_renders: int = 10
    # Renders run at this lower CPU priority (os.nice), so interactive work is served first.
    render_niceness: int = 10
    # A render interrupted this many times by engine stops is marked failed, not re-queued again.
    max_render_attempts: int = 3
    # A request body (JSON or upload) that sends no byte for this many seconds is dropped.
    body_stall_s: float = BODY_STALL_S
    # One URL upload, its redirects and its whole body included, must be done within this.
    url_deadline_s: float = URL_DEADLINE_S
    # The agent asks this language model first and falls back to its tables (None: tables only).
    llm: LLMConfig | None = None
    # A Dask scheduler's address: renders run on its workers (which must share ``home``'s folder),
    # so one engine serves a class while the work spreads over machines. None: on this machine.
    dask_scheduler: str | None = None
