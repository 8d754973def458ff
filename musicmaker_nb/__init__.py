"""musicmaker_nb: music for your videos, made in a Jupyter notebook."""

from ._version import __version__
from ._draft import Draft, Segment, Track, TrackType, describe_changes
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    DraftError,
    FileTooLargeError,
    InsufficientCreditsError,
    MissingClientIdError,
    MusicMakerError,
    PlanRestrictedError,
    RateLimitError,
    RenderError,
    ServerError,
    SessionNotFoundError,
    StreamError,
    UnsupportedFileTypeError,
)

__all__ = [
    "__version__",
    "Draft",
    "Segment",
    "Track",
    "TrackType",
    "describe_changes",
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
