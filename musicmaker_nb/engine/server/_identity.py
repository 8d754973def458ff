"""Every answer says it comes from the embedded engine (``ENGINE_HEADER``: its version), so a
client knows whose rules apply without asking."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, MutableMapping

from ...protocol import ENGINE_HEADER, __version__

__all__ = ["IdentifyEngine"]

Message = MutableMapping[str, Any]
_HEADER = (ENGINE_HEADER.lower().encode(), __version__.encode())


class IdentifyEngine:
    """Pure ASGI middleware: adds the engine header to every HTTP response, streams included."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Message, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_identified(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), _HEADER]
            await send(message)

        await self.app(scope, receive, send_identified)
