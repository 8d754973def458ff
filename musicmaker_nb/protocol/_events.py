"""What the ``/run_sse`` stream carries, as values: the engine sends them, the client decodes them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Heartbeat", "TextPart", "ToolCall", "ToolResult"]


@dataclass(frozen=True)
class Heartbeat:
    """The backend is still working."""


@dataclass(frozen=True)
class TextPart:
    text: str
    partial: bool = False


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolResult:
    name: str
    response: Any = None
