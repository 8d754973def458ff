"""The exceptions of musicmaker_nb (the first two are the protocol's own, re-exported here).

MusicMakerError
├── DraftError                     a draft that breaks the rules of PROTOCOL.md
├── APIConnectionError             the backend could not be reached
│   └── APITimeoutError
├── StreamError                    the event stream broke off or was malformed
├── RenderError                    a render failed or did not finish in time
└── APIError                       the backend answered with an error code
    ├── AuthenticationError        1001 token expired or invalid
    ├── SessionNotFoundError       1002
    ├── InsufficientCreditsError   2001
    ├── UnsupportedFileTypeError   4001
    ├── FileTooLargeError          4002
    ├── RequestTooLargeError       413 a request body over the backend's limit
    ├── StorageFullError           507 the embedded engine's storage quota or disk is full
    ├── MissingClientIdError       400
    ├── PlanRestrictedError        402 export blocked by plan / attribution
    ├── RateLimitError             429
    └── ServerError                anything else
"""

from __future__ import annotations

from typing import Any

from ..protocol import ACCEPTED_FORMATS, MAX_UPLOAD_BYTES, Code, DraftError, MusicMakerError
from ._constants import REGISTRATION_URL

_HOME_ENV = "MUSICMAKER_HOME"  # the engine's data directory (engine/_config.py; the client never imports it)

__all__ = [
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
    "make_api_error",
]


class APIConnectionError(MusicMakerError):
    """The backend could not be reached (DNS, refused connection, broken transfer)."""


class APITimeoutError(APIConnectionError):
    """The backend did not answer in time."""


class StreamError(MusicMakerError):
    """The event stream of ``/run_sse`` was malformed or broke off."""


class RenderError(MusicMakerError):
    """A render job failed or did not finish before its deadline."""

    def __init__(self, message: str, *, render_id: str | None = None) -> None:
        self.render_id = render_id
        super().__init__(message)


class APIError(MusicMakerError):
    """The backend answered with a non-zero code or an HTTP error status."""

    code: int = 0
    hint: str = ""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status_code: int | None = None,
        body: Any = None,
    ) -> None:
        if code is not None:
            self.code = code
        self.status_code = status_code
        self.body = body
        self.server_message = message
        text = f"[{self.code}] {message}" if message else f"[{self.code}]"
        super().__init__(f"{text}. {self.hint}" if self.hint else text)


class AuthenticationError(APIError):
    code = Code.TOKEN_INVALID
    hint = "The token expired or is invalid: set a fresh NEMO_TOKEN, or leave it unset for a free anonymous one."


class SessionNotFoundError(APIError):
    code = Code.SESSION_NOT_FOUND
    hint = "The session no longer exists: call Session.restart() to begin a new one."


class InsufficientCreditsError(APIError):
    code = Code.INSUFFICIENT_CREDITS

    def __init__(self, message: str, *, client_id: str | None = None, **kwargs: Any) -> None:
        self.client_id = client_id
        self.registration_url = f"{REGISTRATION_URL}?bind={client_id}" if client_id else None
        if self.registration_url:
            self.hint = f"Out of credits. Register to keep going: {self.registration_url}"
        else:
            self.hint = "Out of credits. Top up your account to keep going."
        super().__init__(message, **kwargs)


class UnsupportedFileTypeError(APIError):
    code = Code.UNSUPPORTED_FILE_TYPE

    def __init__(self, message: str, *, formats: tuple[str, ...] = ACCEPTED_FORMATS, **kwargs: Any) -> None:
        # the formats of the backend in use: the hosted service's list, or the engine's
        self.formats = formats
        self.hint = "Accepted formats: " + ", ".join(formats) + "."
        super().__init__(message, **kwargs)


class FileTooLargeError(APIError):
    code = Code.FILE_TOO_LARGE
    hint = (
        f"The largest upload is {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: "
        "trim the clip or compress it (e.g. ffmpeg -crf 28) and try again."
    )


class RequestTooLargeError(APIError):
    code = Code.BODY_TOO_LARGE
    hint = (
        "The request body is larger than the backend accepts (the embedded engine takes JSON bodies up "
        "to 1 MiB): send a shorter message or a smaller draft; files go as uploads, which allow 200 MB."
    )


class StorageFullError(APIError):
    code = Code.STORAGE_FULL
    hint = (
        "The embedded engine's storage is full: raise its quota (musicmaker serve --quota-mb N), or "
        f"stop it and delete its data directory (${_HOME_ENV}, else the folder musicmaker serve prints), "
        "which removes its uploads, music and renders."
    )


class MissingClientIdError(APIError):
    code = Code.MISSING_CLIENT_ID
    hint = "The request lacked an X-Client-Id header."


class PlanRestrictedError(APIError):
    code = Code.PLAN_RESTRICTED
    hint = "This is a plan restriction (or a missing attribution header), not a lack of credits."


class RateLimitError(APIError):
    code = Code.RATE_LIMITED
    hint = "Too many requests: wait a little and try again."

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(APIError):
    hint = "The backend failed to handle the request."


# The protocol names each code's class; a test checks that every name it gives exists here.
_CLASSES: dict[str, type[APIError]] = {cls.__name__: cls for cls in APIError.__subclasses__()}


def make_api_error(
    code: int,
    message: str,
    *,
    status_code: int | None = None,
    body: Any = None,
    client_id: str | None = None,
    retry_after: float | None = None,
    formats: tuple[str, ...] = ACCEPTED_FORMATS,
) -> APIError:
    """Build the exception for an error code; the one place codes become classes."""
    known = Code.known(code)
    cls = _CLASSES.get(known.exception, ServerError) if known is not None else ServerError
    kwargs: dict[str, Any] = {"code": code, "status_code": status_code, "body": body}
    if cls is InsufficientCreditsError:
        kwargs["client_id"] = client_id
    if cls is RateLimitError:
        kwargs["retry_after"] = retry_after
    if cls is UnsupportedFileTypeError:
        kwargs["formats"] = formats
    return cls(message, **kwargs)
