"""Reading request bodies: counted as the bytes arrive, with a deadline between bytes.

Every body the engine reads goes through :class:`BodyStream` (no new byte for the stall time:
408; the client gone before the end: 422). JSON bodies are read by :func:`read_json`: at most
``MAX_JSON_BODY_BYTES`` (413 past it, declared or not, chunked or not), then parsed by
:func:`parse_json_object` under one rule for numbers (finite: ``NaN``, ``Infinity`` and numbers
too large for a float are not JSON) and a nesting limit. :func:`chat_message` reads the text of
a ``/run_sse`` body.
"""

from __future__ import annotations

import json
import math
from typing import Any, AsyncIterator

import anyio
from starlette.requests import ClientDisconnect, Request

from ...protocol import Code
from .._config import MAX_JSON_BODY_BYTES, MAX_JSON_DEPTH, MAX_MESSAGE_CHARS
from .._errors import EngineError

__all__ = ["BodyStream", "read_json", "parse_json_object", "chat_message", "drain"]

_DRAIN_BYTES = 32 * 1024 * 1024  # read (and drop) this much more after a refusal so the client sees the answer


class BodyStream:
    """``request.stream()`` that gives up on a stalled or vanished client. After either it ends
    at once, so that code reading on (a drain) does not wait again."""

    def __init__(self, request: Request, stall_s: float) -> None:
        self._chunks = request.stream()
        self._stall_s = stall_s
        self._broken = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while not self._broken:
            try:
                with anyio.fail_after(self._stall_s):
                    chunk = await self._chunks.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                self._broken = True
                raise EngineError(Code.REQUEST_TIMEOUT,
                                  f"the request body stalled: no byte came for {self._stall_s:g} s") from None
            except ClientDisconnect:
                self._broken = True
                raise EngineError(Code.INVALID_REQUEST, "the client went away before the body was complete") from None
            yield chunk


async def drain(stream: BodyStream) -> None:
    """Read on a little after a refusal, so that a client still sending hears the answer."""
    drained = 0
    try:
        async for chunk in stream:
            drained += len(chunk)
            if drained > _DRAIN_BYTES:
                return
    except Exception:  # noqa: BLE001 - stalled, gone or broken: the refusal being answered matters, not why this ended
        return


def _too_large(limit: int) -> EngineError:
    return EngineError(Code.BODY_TOO_LARGE, f"the request body is larger than {limit // 1024:,} KB "
                                            "(the limit for JSON bodies): send a smaller one")


async def read_json(request: Request, stall_s: float, limit: int = MAX_JSON_BODY_BYTES) -> dict[str, Any]:
    """The body as a JSON object, read as it arrives and refused once it passes ``limit`` bytes."""
    stream = BodyStream(request, stall_s)
    declared = request.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        await drain(stream)
        raise _too_large(limit)
    body = bytearray()
    async for chunk in stream:
        body += chunk
        if len(body) > limit:
            await drain(stream)
            raise _too_large(limit)
    return parse_json_object(bytes(body))


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a number")
    return number


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A JSON object (422 otherwise): its numbers finite, nested at most ``MAX_JSON_DEPTH`` deep."""
    try:
        value = json.loads(raw, parse_constant=_not_a_number, parse_float=_finite)
    except RecursionError:
        raise EngineError(Code.INVALID_REQUEST, f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a refused number
        raise EngineError(Code.INVALID_REQUEST, f"the request body must be JSON: {exc}") from None
    if not isinstance(value, dict):
        raise EngineError(Code.INVALID_REQUEST, "the request body must be a JSON object")
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise EngineError(Code.INVALID_REQUEST, f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether objects and lists nest more than ``limit`` deep (without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def chat_message(body: dict[str, Any], limit: int = MAX_MESSAGE_CHARS) -> str:
    """The text of ``new_message.parts``, joined by spaces: 422 for parts that are not a list, a
    text that is not a string, or a message longer than ``limit`` characters."""
    new_message = body.get("new_message")
    parts = new_message.get("parts") if isinstance(new_message, dict) else None
    if not isinstance(parts, (list, type(None))):
        raise EngineError(Code.INVALID_REQUEST, 'new_message.parts must be a list of {"text": "..."} parts')
    texts = []
    for index, part in enumerate(parts or []):
        text = part.get("text") if isinstance(part, dict) else None
        if text is not None and not isinstance(text, str):
            raise EngineError(Code.INVALID_REQUEST, f"new_message.parts[{index}].text must be a string")
        texts.append(text or "")
    message = " ".join(texts).strip()
    if len(message) > limit:
        raise EngineError(Code.INVALID_REQUEST, f"the message is {len(message):,} characters long; a chat message "
                                                f"is at most {limit:,} characters")
    return message
