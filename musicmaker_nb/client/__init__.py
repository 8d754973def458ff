"""The client: an async core (httpx) that speaks the Music Maker API to the hosted service or the
embedded engine, the session kept in the kernel, and a sync facade for notebook cells.
``musicmaker_nb`` re-exports all of it; the protocol's own names come from ``musicmaker_nb.protocol``."""

from ._client import AsyncMusicMaker
from ._connect import EMBEDDED, aconnect, aresume, connect, resume
from ._constants import HOSTED_BASE_URL
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    FileTooLargeError,
    InsufficientCreditsError,
    MissingClientIdError,
    PlanRestrictedError,
    RateLimitError,
    RenderError,
    RequestTooLargeError,
    ServerError,
    SessionNotFoundError,
    StorageFullError,
    StreamError,
    UnsupportedFileTypeError,
)
from ._intent import Action, GuiHint, route, translate_gui
from ._models import Credits, Media, RenderStatus, Reply, SessionInfo, State, TokenInfo, Turn
from ._session import AsyncSession, NoMusicWarning
from ._sync import MusicMaker, Session
from ._timeline import Timeline

__all__ = [
    "connect",
    "aconnect",
    "resume",
    "aresume",
    "EMBEDDED",
    "HOSTED_BASE_URL",
    "AsyncMusicMaker",
    "MusicMaker",
    "AsyncSession",
    "NoMusicWarning",
    "Session",
    "Timeline",
    "Media",
    "Credits",
    "State",
    "RenderStatus",
    "Reply",
    "Turn",
    "SessionInfo",
    "TokenInfo",
    "Action",
    "GuiHint",
    "route",
    "translate_gui",
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
