"""The Music Maker API as values, shared by the client and the engine and owned by neither: the
draft, the codes, the routes and headers, the stream's events, the formats and limits, the
app's name and version. Pure: no I/O, and it imports nothing else of ours. ``docs/protocol.md``
describes it."""

from ._addresses import is_loopback_host, is_loopback_url
from ._codes import Code
from ._constants import (
    ACCEPTED_FORMATS,
    APP_NAME,
    AUDIO_FORMATS,
    DEFAULT_BGM_VOLUME,
    DEFAULT_TITLE_MS,
    HOSTED_FORMATS,
    IMAGE_FORMATS,
    MAX_UPLOAD_BYTES,
    SKILL_SOURCE,
    VIDEO_FORMATS,
)
from ._draft import DEFAULT_FIT, FITS, FOCUSES, Draft, Segment, Track, TrackType, aspect_name, describe_changes, fit_words
from ._errors import DraftError, MusicMakerError
from ._events import Heartbeat, TextPart, ToolCall, ToolResult
from ._routes import (
    ATTRIBUTION_HEADERS,
    CLIENT_ID_HEADER,
    ENGINE_HEADER,
    PLATFORMS,
    SKILL_PLATFORM_HEADER,
    SKILL_SOURCE_HEADER,
    SKILL_VERSION_HEADER,
    Routes,
)
from ._text import QUOTED
from ._version import __version__

__all__ = [
    "__version__",
    "APP_NAME",
    "SKILL_SOURCE",
    # limits and formats
    "MAX_UPLOAD_BYTES",
    "ACCEPTED_FORMATS",
    "HOSTED_FORMATS",
    "VIDEO_FORMATS",
    "AUDIO_FORMATS",
    "IMAGE_FORMATS",
    # codes and errors
    "Code",
    "MusicMakerError",
    "DraftError",
    # routes and headers
    "Routes",
    "ATTRIBUTION_HEADERS",
    "SKILL_SOURCE_HEADER",
    "SKILL_VERSION_HEADER",
    "SKILL_PLATFORM_HEADER",
    "PLATFORMS",
    "CLIENT_ID_HEADER",
    "ENGINE_HEADER",
    "is_loopback_host",
    "is_loopback_url",
    # the draft
    "Draft",
    "Segment",
    "Track",
    "TrackType",
    "describe_changes",
    "FITS",
    "FOCUSES",
    "DEFAULT_FIT",
    "aspect_name",
    "fit_words",
    "DEFAULT_BGM_VOLUME",
    "DEFAULT_TITLE_MS",
    # the stream
    "Heartbeat",
    "TextPart",
    "ToolCall",
    "ToolResult",
    # reading messages
    "QUOTED",
]
