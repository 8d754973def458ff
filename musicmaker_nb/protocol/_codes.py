"""Every code an answer can carry, with the HTTP status it travels with and the exception the
client raises for it: a new code is added here and nowhere else."""

from __future__ import annotations

import enum

__all__ = ["Code"]


class Code(enum.IntEnum):
    """``Code.SESSION_NOT_FOUND == 1002``, ``.http_status == 404``, ``.exception == "SessionNotFoundError"``."""

    http_status: int
    exception: str  # the class's name in ``musicmaker_nb.client`` ("" for success)

    def __new__(cls, value: int, http_status: int, exception: str) -> Code:
        member = int.__new__(cls, value)
        member._value_ = value
        member.http_status = http_status
        member.exception = exception
        return member

    OK = 0, 200, ""
    MISSING_CLIENT_ID = 400, 400, "MissingClientIdError"
    PLAN_RESTRICTED = 402, 402, "PlanRestrictedError"
    ROUTE_NOT_FOUND = 404, 404, "ServerError"  # no such path (the engine's answer for any unknown route)
    METHOD_NOT_ALLOWED = 405, 405, "ServerError"  # a known path, another method; ``Allow`` lists them
    REQUEST_TIMEOUT = 408, 408, "ServerError"  # a request body stalled (engine: no byte for 30 s)
    BODY_TOO_LARGE = 413, 413, "RequestTooLargeError"  # a JSON body over 1 MiB (uploads: 4002)
    INVALID_REQUEST = 422, 422, "ServerError"  # a body or parameter the engine cannot use
    RATE_LIMITED = 429, 429, "RateLimitError"
    SERVER_ERROR = 500, 500, "ServerError"
    STORAGE_FULL = 507, 507, "StorageFullError"  # the engine's quota or disk is full (engine only)
    TOKEN_INVALID = 1001, 401, "AuthenticationError"
    SESSION_NOT_FOUND = 1002, 404, "SessionNotFoundError"
    INSUFFICIENT_CREDITS = 2001, 402, "InsufficientCreditsError"
    UNSUPPORTED_FILE_TYPE = 4001, 415, "UnsupportedFileTypeError"
    FILE_TOO_LARGE = 4002, 413, "FileTooLargeError"

    @classmethod
    def known(cls, value: int) -> Code | None:
        """The member for ``value``, or None for a code the protocol does not define."""
        return next((code for code in cls if code == value), None)
