"""``MusicMakerApp``: upload, prompt, plan controls, timeline, player and export around one session."""

from __future__ import annotations

import os
import weakref
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


# The newest app of each session: it alone renders previews of changes made elsewhere, so an
# app left behind by re-running its cell costs no render.
_NEWEST: weakref.WeakKeyDictionary[Session, MusicMakerApp] = weakref.WeakKeyDictionary()


class MusicMakerApp(w.VBox):
    """The whole notebook UI for a session; each part (``upload``, ``prompt``, ``controls``,
    ``history``, ``timeline``, ``player``, ``export``, ``header``) also works alone.

    The app follows the session: a change made anywhere (another cell's ``session.say``, the
    compare grid's "use this one") shows in its timeline, controls and player.

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
        self.player = Player(session, root=self.root)
        self.export = ExportPanel(session, activity=self.activity, root=self.root)
        self.scroll = ScrollIntoView(layout=w.Layout(height="0px"))
        self._previewed: Any = None  # the draft the player shows
        self.upload.on_media(self.timeline.refresh)
        for part in (self.prompt, self.controls, self.history):
            part.after_reply(self._after_reply)
        self.prompt.export_handler = self.export.export
        self.activity.on_change(self._activity_changed)
        self._stop_following = session.on_change(lambda _: self._session_changed())
        _NEWEST[session] = self
        steer = w.VBox([self.history, self.controls])
        left = w.VBox([self.upload, self.prompt, steer], layout=w.Layout(flex="1 1 420px", min_width="0"))
        right = w.VBox([self.player, self.export], layout=w.Layout(flex="1 1 320px", min_width="0"))
        columns = w.HBox([left, right], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([self.header, columns, self.timeline])
        self.add_class("mm-app")
        if preview and self._has_music(session.draft):  # a new app on a session with music plays it
            self.activity.run("rendering a preview", self._preview, self._error)

    def __repr__(self) -> str:
        return f"<MusicMakerApp session={getattr(self.session, 'session_id', None)} {self.activity.label}>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.scroll)
        display(self._repr_mimebundle_(), raw=True)

    def wait(self, timeout: float | None = None) -> Any:
        """Block until the running job (upload, generate, export) is done; for scripts."""
        return self.activity.wait(timeout)

    def close(self) -> None:
        getattr(self, "_stop_following", lambda: None)()  # closed before it was built: nothing to stop
        super().close()

    def _show_conversation(self) -> None:
        self.prompt.log_view.value = self.prompt.conversation.to_html()

    def _activity_changed(self, label: str) -> None:
        if label != "ready":
            self.scroll.ticks += 1

    def _session_changed(self) -> None:
        """A new draft, from this app or from anywhere else: show it; render a preview of new
        music when no job of this app will (its own replies preview in ``_after_reply``) and it
        is the session's newest app."""
        draft = self.session.draft
        self.timeline.refresh(draft)
        newest = _NEWEST.get(self.session) is self
        if newest and self.preview and not self.activity.busy and self._has_music(draft) and draft != self._previewed:
            self.activity.run("rendering a preview", self._preview, self._error)

    async def _after_reply(self, reply: Any) -> None:
        draft = reply.draft if reply.draft is not None else self.session.draft
        self.timeline.refresh(draft)
        if self.preview and self._has_music(draft) and (reply.changes or self.player.path is None):
            await self._preview()
        await self.header.refresh()

    async def _preview(self) -> None:
        self._previewed = self.session.draft
        await self.player.preview()

    def _error(self, text: str) -> None:
        self.prompt.conversation.error(text)
        self._show_conversation()

    @staticmethod
    def _has_music(draft: Any) -> bool:
        return draft is not None and draft.find_track("bgm") is not None
