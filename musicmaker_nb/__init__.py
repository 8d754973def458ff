"""musicmaker_nb: music for your videos, made in a Jupyter notebook.

    import musicmaker_nb as mm
    session = mm.connect()                 # the embedded engine, offline
    session.upload("clip.mp4")
    session.say("create an upbeat background track for my travel video")
    session.timeline                       # the draft as a table
    session.export("out.mp4")              # 1080p H.264 MP4
"""

from .client._client import AsyncMusicMaker
from .client._connect import EMBEDDED, aconnect, aresume, connect, resume
from .client._constants import HOSTED_BASE_URL
from .client._exceptions import (
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
    ServerError,
    SessionNotFoundError,
    StreamError,
    UnsupportedFileTypeError,
)
from .client._intent import Action, GuiHint, route, translate_gui
from .client._models import Credits, Media, RenderStatus, Reply, SessionInfo, State, TokenInfo, Turn
from .client._session import AsyncSession, NoMusicWarning
from .client._sync import MusicMaker, Session
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
    "MissingClientIdError",
    "PlanRestrictedError",
    "RateLimitError",
    "ServerError",
]
