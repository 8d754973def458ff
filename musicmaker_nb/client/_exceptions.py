"""The exceptions of musicmaker_nb.

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
    ├── MissingClientIdError       400
    ├── PlanRestrictedError        402 export blocked by plan / attribution
    ├── RateLimitError             429
    └── ServerError                anything else
"""

from __future__ import annotations

from typing import Any

from ._constants import ACCEPTED_FORMATS, MAX_UPLOAD_BYTES, REGISTRATION_URL

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
    "MissingClientIdError",
    "PlanRestrictedError",
    "RateLimitError",
    "ServerError",
    "make_api_error",
]


class MusicMakerError(Exception):
    """Base of every error this package raises."""


class DraftError(MusicMakerError, ValueError):
    """A draft is malformed; `path` names the offending key, e.g. ``t[1].sg[0].d``."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


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
    code = 1001
    hint = "The token expired or is invalid: set a fresh NEMO_TOKEN, or leave it unset for a free anonymous one."


class SessionNotFoundError(APIError):
    code = 1002
    hint = "The session no longer exists: call Session.restart() to begin a new one."


class InsufficientCreditsError(APIError):
    code = 2001

    def __init__(self, message: str, *, client_id: str | None = None, **kwargs: Any) -> None:
        self.client_id = client_id
        self.registration_url = f"{REGISTRATION_URL}?bind={client_id}" if client_id else None
        if self.registration_url:
            self.hint = f"Out of credits. Register to keep going: {self.registration_url}"
        else:
            self.hint = "Out of credits. Top up your account to keep going."
        super().__init__(message, **kwargs)


class UnsupportedFileTypeError(APIError):
    code = 4001
    hint = "Accepted formats: " + ", ".join(ACCEPTED_FORMATS) + "."


class FileTooLargeError(APIError):
    code = 4002
    hint = (
        f"The largest upload is {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: "
        "trim the clip or compress it (e.g. ffmpeg -crf 28) and try again."
    )


class MissingClientIdError(APIError):
    code = 400
    hint = "The request lacked an X-Client-Id header."


class PlanRestrictedError(APIError):
    code = 402
    hint = "This is a plan restriction (or a missing attribution header), not a lack of credits."


class RateLimitError(APIError):
    code = 429
    hint = "Too many requests: wait a little and try again."

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServerError(APIError):
    hint = "The backend failed to handle the request."


_ERROR_BY_CODE: dict[int, type[APIError]] = {
    cls.code: cls
    for cls in (
        AuthenticationError,
        SessionNotFoundError,
        InsufficientCreditsError,
        UnsupportedFileTypeError,
        FileTooLargeError,
        MissingClientIdError,
        PlanRestrictedError,
        RateLimitError,
    )
}


def make_api_error(
    code: int,
    message: str,
    *,
    status_code: int | None = None,
    body: Any = None,
    client_id: str | None = None,
    retry_after: float | None = None,
) -> APIError:
    """Build the exception for an error code; the one place codes become classes."""
    cls = _ERROR_BY_CODE.get(code, ServerError)
    kwargs: dict[str, Any] = {"code": code, "status_code": status_code, "body": body}
    if cls is InsufficientCreditsError:
        kwargs["client_id"] = client_id
    if cls is RateLimitError:
        kwargs["retry_after"] = retry_after
    return cls(message, **kwargs)
