"""``MusicMakerApp``: upload, prompt, timeline, player and export around one session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..client._sync import Session
from ._export import ExportPanel
from ._header import StatusBar
from ._player import Player
from ._prompt import PromptPanel
from ._tasks import Activity
from ._timeline import TimelineView
from ._upload import UploadPanel

__all__ = ["MusicMakerApp"]


class MusicMakerApp(w.VBox):
    """The whole notebook UI for a session; each part (``upload``, ``prompt``, ``timeline``,
    ``player``, ``export``, ``header``) also works alone.

    Files it writes (uploads, previews, exports) go to ``<root>/musicmaker_files/``; ``root``
    must be the notebook's folder (the kernel's working directory, the default) for the
    player and the download link to work through Jupyter's ``/files/`` URLs.
    """

    def __init__(self, session: Session, *, root: str | os.PathLike[str] | None = None, preview: bool = True) -> None:
        self.session = session
        self.root = Path(root) if root is not None else Path.cwd()
        self.preview = preview
        self.activity = Activity(session)
        self.header = StatusBar(session, activity=self.activity)
        self.upload = UploadPanel(session, activity=self.activity, root=self.root)
        self.prompt = PromptPanel(session, activity=self.activity)
        self.timeline = TimelineView(session)
        self.player = Player(session, root=self.root, follow=preview)
        self.export = ExportPanel(session, activity=self.activity, root=self.root)
        self.upload.on_media(self.timeline.refresh)
        self.prompt.after_reply(self._after_reply)
        self.prompt.export_handler = self.export.export
        left = w.VBox([self.upload, self.prompt], layout=w.Layout(width="55%"))
        right = w.VBox([self.player, self.export], layout=w.Layout(width="45%"))
        super().__init__([self.header, w.HBox([left, right]), self.timeline])
        self.add_class("mm-app")

    def __repr__(self) -> str:
        return f"<MusicMakerApp session={getattr(self.session, 'session_id', None)} {self.activity.label}>"

    def wait(self, timeout: float | None = None) -> Any:
        """Block until the running job (upload, generate, export) is done; for scripts."""
        return self.activity.wait(timeout)

    async def _after_reply(self, reply: Any) -> None:
        draft = reply.draft if reply.draft is not None else self.session.draft
        self.timeline.refresh(draft)
        if self.preview and draft is not None and draft.find_track("bgm") is not None and (
            reply.changes or self.player.path is None
        ):
            await self.player.preview()
        await self.header.refresh()
