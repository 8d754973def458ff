"""The two exceptions the protocol itself raises; the client's API errors derive from the first."""

from __future__ import annotations

__all__ = ["MusicMakerError", "DraftError"]


class MusicMakerError(Exception):
    """Base of every error this package raises."""


class DraftError(MusicMakerError, ValueError):
    """A draft is malformed; `path` names the offending key, e.g. ``t[1].sg[0].d``."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)
