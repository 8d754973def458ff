"""The timeline: the draft's one-line summary above its table, one row per segment."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..client._sync import Session
from ._format import timeline_html

__all__ = ["TimelineView"]


class TimelineView(w.VBox):
    def __init__(self, session: Session) -> None:
        self.session = session
        self.table = w.HTML(timeline_html(session.draft))
        super().__init__([w.HTML("<b>Timeline</b>"), self.table])
        self.add_class("mm-timeline-view")

    def __repr__(self) -> str:
        return f"<TimelineView tracks={len(self.session.draft.tracks) if self.session.draft else 0}>"

    def refresh(self, draft: Any = None) -> None:
        """Show ``draft``, or the session's latest known draft."""
        self.table.value = timeline_html(draft if draft is not None else self.session.draft)
