"""``Timeline``: what ``session.timeline`` gives: a picture in the notebook, a table on request."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ..protocol import Draft
from ._facts import Cut, Section, TimelineFacts, clock, read_timeline
from ._models import Media
from ._picture import DEFAULT_WIDTH, draw_timeline

if TYPE_CHECKING:
    import pandas

__all__ = ["Timeline"]

_NARROW_PX = 460  # a notebook column this narrow gets the picture laid out for it
_ids = itertools.count(1)


class Timeline:
    """The session's draft as a picture (its rich display: lanes, music sections and beats, the
    scene cuts on or off the beat, titles, the frame) and as a table: ``timeline.frame`` (or
    ``to_frame()``) is a pandas DataFrame, one row per segment; ``timeline["label"]``,
    ``len(timeline)`` and ``timeline.columns`` read that table."""

    def __init__(self, draft: Draft | None, media: Iterable[Media] = (),
                 generated_media: Sequence[Mapping[str, Any]] = ()) -> None:
        self.draft = draft
        self.media = tuple(media)
        self.generated_media = list(generated_media)
        self.facts: TimelineFacts = read_timeline(draft, self.media, self.generated_media)

    # -- the table ---------------------------------------------------------------------------
    @property
    def frame(self) -> pandas.DataFrame:
        """One row per segment: track number, type, name, label, times, volume, source."""
        return (self.draft or Draft()).to_frame()

    def to_frame(self) -> pandas.DataFrame:
        return self.frame

    @property
    def columns(self) -> pandas.Index:
        return self.frame.columns

    def __getitem__(self, key: Any) -> Any:
        return self.frame[key]

    def __len__(self) -> int:
        return sum(len(track.segments) for track in (self.draft or Draft()).tracks)

    # -- what it shows -----------------------------------------------------------------------
    @property
    def cuts(self) -> tuple[Cut, ...]:
        """The scene cuts, each with its distance to the nearest beat when the music's plan is known."""
        return self.facts.cuts

    @property
    def sections(self) -> tuple[Section, ...]:
        music = self.facts.music
        return music.sections if music else ()

    def summary(self) -> str:
        """``0:20.0 · Timeline (2 tracks, 1080x1920 9:16, blurred background): 1. Video: …`` (the
        draft's own summary names the frame and its fit)."""
        if self.draft is None:
            return "Timeline (0 tracks): empty (upload a clip to begin)"
        return f"{clock(self.facts.duration_s)} · {self.draft.summary()}"

    def svg(self, *, width: int = DEFAULT_WIDTH, playhead_s: float | None = None,
            thumbnails: Mapping[str, str] | None = None) -> str:
        """The picture, laid out for ``width`` pixels (it scales down to narrower containers)."""
        aspects = {m.id: m.width / m.height for m in self.media if m.width and m.height}
        return draw_timeline(self.facts, width=width, playhead_s=playhead_s, thumbnails=thumbnails, aspects=aspects)

    def __repr__(self) -> str:
        return f"<{self.summary()}>"

    def _repr_html_(self) -> str:
        # Two layouts; a container query shows the narrow one in a narrow column. Where styles are
        # stripped (an untrusted notebook) the wide one shows, scaled down.
        scope = f"mm-tl-{next(_ids)}"
        return (
            f'<div class="{scope}" style="container-type:inline-size">'
            f"<style>@container (max-width: {_NARROW_PX}px) {{ .{scope} .mm-wide {{ display: none !important }}"
            f" .{scope} .mm-narrow {{ display: block !important }} }}</style>"
            f'<div class="mm-wide">{self.svg()}</div>'
            f'<div class="mm-narrow" style="display:none">{self.svg(width=_NARROW_PX - 30)}</div></div>'
        )
