"""The engine's wire errors: one exception carrying a protocol ``Code``, answered in the envelope
with the HTTP status the code travels with."""

from __future__ import annotations

from ..protocol import Code

__all__ = ["EngineError", "http_status", "error_body"]


class EngineError(Exception):
    """An error answered to the client as ``{"code": code, "message": message, "data": null}``."""

    def __init__(self, code: Code, message: str, *, retry_after: float | None = None) -> None:
        self.code = code
        self.message = message
        self.retry_after = retry_after
        super().__init__(f"[{int(code)}] {message}")


def http_status(code: int) -> int:
    known = Code.known(code)
    return (known if known is not None else Code.SERVER_ERROR).http_status


def error_body(code: int, message: str) -> dict:
    known = Code.known(code)
    return {"code": int(known if known is not None else Code.SERVER_ERROR), "message": message, "data": None}
