"""The rules of the wire, with no I/O: headers, routes, bodies, answers and when to retry."""

from __future__ import annotations

import enum
import json
import time
import uuid
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Mapping

from ..protocol import ACCEPTED_FORMATS, APP_NAME, SKILL_PLATFORM_HEADER, SKILL_SOURCE, SKILL_SOURCE_HEADER, SKILL_VERSION_HEADER, __version__
from ._constants import MAX_RETRY_AFTER_S, RATE_LIMIT_WAIT_S
from ._exceptions import (
    APIError,
    AuthenticationError,
    MissingClientIdError,
    RateLimitError,
    make_api_error,
)

__all__ = [
    "detect_platform",
    "attribution_headers",
    "run_sse_body",
    "render_body",
    "new_render_id",
    "decode_answer",
    "RetryStep",
    "Retry",
    "decide_retry",
    "parse_retry_after",
]


def detect_platform(install_path: str | Path = __file__) -> str:
    """``clawhub``, ``cursor`` or ``unknown``, from where this package is installed."""
    path = str(install_path).lower()
    for platform in ("clawhub", "cursor"):
        if platform in path:
            return platform
    return "unknown"


def attribution_headers(platform: str | None = None) -> dict[str, str]:
    return {
        SKILL_SOURCE_HEADER: SKILL_SOURCE,
        SKILL_VERSION_HEADER: __version__,
        SKILL_PLATFORM_HEADER: platform or detect_platform(),
    }


def run_sse_body(session_id: str, text: str) -> dict[str, Any]:
    return {"app_name": APP_NAME, "user_id": "me", "session_id": session_id, "new_message": {"parts": [{"text": text}]}}


def new_render_id(now: float | None = None) -> str:
    # The seed's shape is render_<ts>; a random tail keeps concurrent exports apart.
    return f"render_{int((time.time() if now is None else now) * 1000)}_{uuid.uuid4().hex[:6]}"


def render_body(render_id: str, session_id: str, draft: Mapping[str, Any], quality: str) -> dict[str, Any]:
    return {"id": render_id, "sessionId": session_id, "draft": dict(draft), "output": {"format": "mp4", "quality": quality}}


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds or as an HTTP date, capped; None when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - (time.time() if now is None else now)
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def decode_answer(
    status_code: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    client_id: str | None = None,
    formats: tuple[str, ...] = ACCEPTED_FORMATS,
) -> Any:
    """The payload of a JSON answer, enveloped or not; an ``APIError`` for any error code
    (``formats``: what the backend accepts, for a 4001's hint)."""
    try:
        parsed = json.loads(body) if body.strip() else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        parsed = None
    code, message, payload = _split_envelope(parsed)
    if code in (None, 0) and status_code < 400:
        if parsed is None:
            raise make_api_error(500, f"the backend answered with something that is not JSON: {body[:200]!r}",
                                 status_code=status_code)
        return payload
    if code in (None, 0):
        code = status_code
    text = message or _reason(status_code) or "request failed"
    raise make_api_error(
        int(code), text, status_code=status_code, body=parsed if parsed is not None else body[:500],
        client_id=client_id, retry_after=parse_retry_after(headers.get("retry-after")), formats=formats,
    )


def _split_envelope(parsed: Any) -> tuple[int | None, str, Any]:
    if not isinstance(parsed, dict):
        return None, "", parsed
    code = parsed.get("code")
    try:
        code = int(code) if code is not None else None
    except (TypeError, ValueError):
        code = None
    message = parsed.get("message") or parsed.get("msg") or parsed.get("detail") or parsed.get("error") or ""
    if not isinstance(message, str):
        message = json.dumps(message)
    payload = parsed["data"] if "data" in parsed and parsed["data"] is not None else parsed
    return code, message, payload


def _reason(status_code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return ""


class RetryStep(enum.Enum):
    NEW_TOKEN = "new_token"
    NEW_CLIENT_ID = "new_client_id"
    WAIT = "wait"


@dataclass(frozen=True)
class Retry:
    step: RetryStep
    delay_s: float = 0.0


def decide_retry(
    error: APIError,
    attempt: int,
    *,
    token_from_user: bool,
    rate_limit_wait_s: float = RATE_LIMIT_WAIT_S,
) -> Retry | None:
    """Each recoverable error is retried once (``attempt`` counts from 0)."""
    if attempt > 0:
        return None
    if isinstance(error, AuthenticationError) and not token_from_user:
        return Retry(RetryStep.NEW_TOKEN)
    if isinstance(error, MissingClientIdError):
        return Retry(RetryStep.NEW_CLIENT_ID)
    if isinstance(error, RateLimitError):
        wait = error.retry_after if error.retry_after is not None else rate_limit_wait_s
        return Retry(RetryStep.WAIT, wait)
    return None
