"""The engine's wire errors: one exception, its code, and the HTTP status each code travels with."""

from __future__ import annotations

__all__ = ["EngineError", "http_status", "error_body"]

# The fixed mapping of the team brief ("Wire details"); anything else travels as 500.
_HTTP_STATUS = {1001: 401, 1002: 404, 2001: 402, 4001: 415, 4002: 413, 400: 400, 402: 402, 422: 422, 429: 429}


class EngineError(Exception):
    """An error answered to the client as ``{"code": code, "message": message, "data": null}``."""

    def __init__(self, code: int, message: str, *, retry_after: float | None = None) -> None:
        self.code = code
        self.message = message
        self.retry_after = retry_after
        super().__init__(f"[{code}] {message}")


def http_status(code: int) -> int:
    return _HTTP_STATUS.get(code, 500)


def error_body(code: int, message: str) -> dict:
    return {"code": code if code in _HTTP_STATUS else 500, "message": message, "data": None}
