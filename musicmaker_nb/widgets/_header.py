"""The small header line: what the app is doing, the credits left, the session."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..client._sync import Session
from ._format import status_html
from ._tasks import Activity

__all__ = ["StatusBar", "STYLE"]

# Plain CSS for the HTML the parts show (tables, notices, the log); no JavaScript.
STYLE = """<style>
.mm-table { border-collapse: collapse; font-size: 12px; }
.mm-table th, .mm-table td { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: left; }
.mm-summary { font-family: monospace; font-size: 12px; margin: 4px 0; }
.mm-notice { font-size: 12px; margin: 2px 0; }
.mm-error { color: #b00020; }
.mm-ok { color: #1b5e20; }
.mm-log { max-height: 16em; overflow-y: auto; font-size: 13px; }
.mm-entry { margin: 3px 0; }
.mm-waiting { color: #777; }
.mm-status { font-size: 13px; }
/* ipywidgets gives an HTML widget's text the line height of a button (28 px), meant for one line
   beside a control; wrapped text in our blocks reads as double-spaced, so give it a text's own. */
.mm-app .widget-html > .widget-html-content, .mm-app .jupyter-widget-html > .jupyter-widget-html-content,
.mm-variants .widget-html > .widget-html-content, .mm-variants .jupyter-widget-html > .jupyter-widget-html-content {
  line-height: 1.4;
}
/* A suggestion shows its whole prompt: it wraps inside a narrow column instead of ending in "…". */
.mm-suggestion.jupyter-button {
  white-space: normal; text-align: left; height: auto; max-width: 100%;
  line-height: 1.3; padding-top: 4px; padding-bottom: 4px; min-height: var(--jp-widgets-inline-height);
}
</style>"""


class StatusBar(w.HBox):
    def __init__(self, session: Session, *, activity: Activity | None = None) -> None:
        self.session = session
        self.activity = activity or Activity(session)
        self.credits: Any = None
        self.line = w.HTML(self._markup())
        self.style = w.HTML(STYLE, layout=w.Layout(display="none"))
        self.activity.on_change(lambda _: self._show())
        super().__init__([self.style, self.line])
        self.add_class("mm-header")

    def __repr__(self) -> str:
        return f"<StatusBar {self.activity.label}>"

    async def refresh(self) -> None:
        """Read the credits again (a cheap call; the engine answers it locally)."""
        self.credits = await self.session.aio.credits()
        self._show()

    def _show(self) -> None:
        self.line.value = self._markup()

    def _markup(self) -> str:
        activity = "ready" if not self.activity.busy else self.activity.label + "..."
        return status_html(credits=self.credits, session_id=getattr(self.session, "session_id", None),
                           activity=activity)
