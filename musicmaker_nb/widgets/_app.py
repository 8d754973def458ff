"""``MusicMakerApp``: upload, prompt, plan controls, timeline, player and export around one session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as w
import traitlets

from ..client._sync import Session
from ._controls import HistoryButtons, PlanControls
from ._export import ExportPanel
from ._header import StatusBar
from ._player import Player
from ._prompt import PromptPanel
from ._tasks import Activity
from ._timeline import TimelineView
from ._upload import UploadPanel

__all__ = ["MusicMakerApp", "ScrollIntoView"]


class ScrollIntoView(anywidget.AnyWidget):
    """Brings the output shown after it (the app) on screen each time ``ticks`` grows, unless it
    is in view already: after "Run All" the app that starts working is far above the last cell.

    It is displayed on its own, just before the app, not inside it: a page of the app's widgets
    saved as HTML (the README's screenshot) then has no model it cannot draw."""

    _esm = """
    function render({ model, el }) {
      model.on("change:ticks", () => {
        const output = el.closest(".jp-OutputArea-child, .output_area");
        const target = (output && output.nextElementSibling) || el;
        const box = target.getBoundingClientRect();
        if (box.bottom < 0 || box.top > window.innerHeight) {
          target.scrollIntoView({ behavior: "smooth", block: "start" });
        }
      });
    }
    export default { render };
    """
    ticks = traitlets.Int(0).tag(sync=True)


class MusicMakerApp(w.VBox):
    """The whole notebook UI for a session; each part (``upload``, ``prompt``, ``controls``,
    ``history``, ``timeline``, ``player``, ``export``, ``header``) also works alone.

    The app follows the session through its parts: each view that shows the draft subscribes to
    ``session.on_change``, so a change made anywhere (another cell's ``session.say``, the
    compare grid's "use this one") shows in it.

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
        # The controls' words and the replies go to the prompt's conversation, as if typed there.
        conversation, show = self.prompt.conversation, self._show_conversation
        self.controls = PlanControls(session, activity=self.activity, conversation=conversation, show=show)
        self.history = HistoryButtons(session, activity=self.activity, conversation=conversation, show=show)
        self.timeline = TimelineView(session)
        self.player = Player(session, root=self.root, follow=preview)
        self.export = ExportPanel(session, activity=self.activity, root=self.root)
        self.scroll = ScrollIntoView(layout=w.Layout(height="0px"))
        self.timeline.follow(self.player.media)  # the playhead moves with the player, in the browser
        self.upload.on_media(self.timeline.refresh)
        for part in (self.prompt, self.controls, self.history):
            part.after_reply(self._after_reply)
        self.prompt.export_handler = self.export.export
        self.activity.on_change(self._activity_changed)
        steer = w.VBox([self.history, self.controls])
        left = w.VBox([self.upload, self.prompt, steer], layout=w.Layout(flex="1 1 420px", min_width="0"))
        right = w.VBox([self.player, self.export], layout=w.Layout(flex="1 1 320px", min_width="0"))
        columns = w.HBox([left, right], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([self.header, columns, self.timeline])
        self.add_class("mm-app")

    def __repr__(self) -> str:
        return f"<MusicMakerApp session={getattr(self.session, 'session_id', None)} {self.activity.label}>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.scroll)
        display(self._repr_mimebundle_(), raw=True)

    def wait(self, timeout: float | None = None) -> Any:
        """Block until the running job (upload, generate, export) is done; for scripts."""
        return self.activity.wait(timeout)

    def _show_conversation(self) -> None:
        self.prompt.log_view.value = self.prompt.conversation.to_html()

    def _activity_changed(self, label: str) -> None:
        if label != "ready":
            self.scroll.ticks += 1

    async def _after_reply(self, reply: Any) -> None:
        draft = reply.draft if reply.draft is not None else self.session.draft
        self.timeline.refresh(draft)
        if self.preview and draft is not None and draft.find_track("bgm") is not None and (
            reply.changes or self.player.path is None
        ):
            await self.player.preview()
        await self.header.refresh()
