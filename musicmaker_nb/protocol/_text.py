"""How both sides read a message's words: quoted text is content (a title), never a command."""

from __future__ import annotations

import re

__all__ = ["QUOTED"]

# One group per pair of marks; the text between them is whichever group matched.
QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|「([^」]+)」|『([^』]+)』")
