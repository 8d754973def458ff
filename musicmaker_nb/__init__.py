"""musicmaker_nb: music for your videos, made in a Jupyter notebook.

    import musicmaker_nb as mm
    session = mm.connect()                 # the embedded engine, offline
    session.upload("clip.mp4")
    session.say("create an upbeat background track for my travel video")
    session.timeline                       # the draft as a table
    session.export("out.mp4")              # 1080p H.264 MP4
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .client import (
    EMBEDDED,
    HOSTED_BASE_URL,
    Action,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncMusicMaker,
    AsyncSession,
    AuthenticationError,
    Credits,
    FileTooLargeError,
    GuiHint,
    InsufficientCreditsError,
    Media,
    MissingClientIdError,
    MusicMaker,
    NoMusicWarning,
    PlanRestrictedError,
    RateLimitError,
    RenderError,
    RenderStatus,
    Reply,
    RequestTooLargeError,
    ServerError,
    Session,
    SessionInfo,
    SessionNotFoundError,
    State,
    StorageFullError,
    StreamError,
    TokenInfo,
    Turn,
    UnsupportedFileTypeError,
    aconnect,
    aresume,
    connect,
    resume,
    route,
    translate_gui,
)
from .protocol import (
    ACCEPTED_FORMATS,
    MAX_UPLOAD_BYTES,
    Draft,
    DraftError,
    Heartbeat,
    MusicMakerError,
    Segment,
    TextPart,
    ToolCall,
    ToolResult,
    Track,
    TrackType,
    __version__,
    describe_changes,
)

if TYPE_CHECKING:
    import pandas


def batch(
    items: Iterable[Any],
    out_dir: str | os.PathLike[str] = "musicmaker_batch",
    *,
    prompt: str | None = None,
    cluster: Any = None,
    quality: str = "high",
    progress: bool = True,
) -> pandas.DataFrame:
    """Give every clip its own music and its own video, without a server: each item's whole
    pipeline (probe, scene cuts, compose, mix, render) runs here, one after another, or as one
    task per item on a Dask cluster (``cluster``: a ``distributed.Client``, a scheduler address,
    or ``"local"``; ``pip install "musicmaker-nb[dask]"``). ``items`` as for ``Session.batch``;
    paths every worker can read, or URLs fsspec opens (``s3://``...). One row per item, in order;
    a failing item's row says why."""
    from .engine.batch import run_batch  # the engine (and Dask) load only when a batch runs

    return run_batch(items, out_dir, prompt=prompt, cluster=cluster, quality=quality, progress=progress)


__all__ = [
    "__version__",
    # connecting
    "connect",
    "aconnect",
    "resume",
    "aresume",
    "EMBEDDED",
    "HOSTED_BASE_URL",
    "ACCEPTED_FORMATS",
    "MAX_UPLOAD_BYTES",
    # many clips at once
    "batch",
    # clients and sessions
    "AsyncMusicMaker",
    "MusicMaker",
    "AsyncSession",
    "NoMusicWarning",
    "Session",
    # records
    "Media",
    "Credits",
    "State",
    "RenderStatus",
    "Reply",
    "Turn",
    "SessionInfo",
    "TokenInfo",
    "Heartbeat",
    "TextPart",
    "ToolCall",
    "ToolResult",
    # the draft
    "Draft",
    "Segment",
    "Track",
    "TrackType",
    "describe_changes",
    # intent routing
    "Action",
    "GuiHint",
    "route",
    "translate_gui",
    # errors
    "MusicMakerError",
    "DraftError",
    "APIConnectionError",
    "APITimeoutError",
    "StreamError",
    "RenderError",
    "APIError",
    "AuthenticationError",
    "SessionNotFoundError",
    "InsufficientCreditsError",
    "UnsupportedFileTypeError",
    "FileTooLargeError",
    "RequestTooLargeError",
    "StorageFullError",
    "MissingClientIdError",
    "PlanRestrictedError",
    "RateLimitError",
    "ServerError",
]
