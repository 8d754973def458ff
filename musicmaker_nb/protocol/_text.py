"""How both sides read a message's words: quoted text is content (a title), never a command."""

from __future__ import annotations

import re
from typing import Callable, Iterator

__all__ = ["QUOTED"]

# (opening mark, closing mark): the text between them is quoted.
_PAIRS = (("'", "'"), ('"', '"'), ("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"))
_CLOSING = dict(_PAIRS)
_OPENING = re.compile("[" + re.escape("".join(_CLOSING)) + "]")
# One group per pair; the text between the marks is whichever group matched.
_PATTERN = re.compile("|".join(f"{re.escape(o)}([^{re.escape(c)}]+){re.escape(c)}" for o, c in _PAIRS))


class _Quoted:
    """``search``, ``finditer`` and ``sub`` as a compiled pattern has them, in time linear in the
    text: a plain regex search tries every opening mark and, from one never closed, scans to the
    end (a message of many unclosed “ was quadratic). Here the pattern is tried only where an
    opening mark has its closing mark still ahead, which finds the same matches."""

    pattern = _PATTERN.pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        last = {closing: text.rfind(closing) for closing in set(_CLOSING.values())}
        end = 0
        for opening in _OPENING.finditer(text):
            start = opening.start()
            if start >= end and last[_CLOSING[opening.group()]] > start:
                match = _PATTERN.match(text, start)
                if match:
                    yield match
                    end = match.end()

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        parts, end = [], 0
        for match in self.finditer(text):
            parts += [text[end:match.start()], repl(match) if callable(repl) else match.expand(repl)]
            end = match.end()
        return "".join([*parts, text[end:]])


QUOTED = _Quoted()
