"""Prompt variants side by side: one session per variant, generated concurrently, compared in a grid.

Each variant gets its own session on the same client (cheap on the embedded engine) with the
same clip, so variants never overwrite each other's draft. "Use this one" sends the variant's
exact message to the main session: the engine plans music from the message (and seed), so the
main session gets the same piece.
"""

from __future__ import annotations

import asyncio
import html
import os
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import ipywidgets as w

from ..client._records import RecordBook
from ..client._sync import Session
from ..protocol import MusicMakerError
from ._files import work_dir
from ._format import notice_html, relative_path, video_html
from ._tasks import Activity, plain_error

if TYPE_CHECKING:
    import pandas

__all__ = ["Variant", "VariantGrid", "compare", "variant_message", "seeds_for", "variants_frame", "music_source"]

FRAME_COLUMNS = ["prompt", "seed", "description", "tempo_bpm", "key", "lufs", "preview", "media_id", "error"]


@dataclass
class Variant:
    prompt: str
    seed: int | None = None
    description: str = ""
    tempo_bpm: float | None = None
    key: str | None = None
    lufs: float | None = None
    preview: Path | None = None
    media_id: str | None = None
    error: str | None = None

    @property
    def message(self) -> str:
        return variant_message(self.prompt, self.seed)

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FRAME_COLUMNS}

    def figures_html(self) -> str:
        if self.error:
            return notice_html(self.error, kind="error")
        bits = [f"{self.tempo_bpm:g} BPM" if self.tempo_bpm is not None else None, self.key,
                f"{self.lufs:.1f} LUFS" if self.lufs is not None else None]
        return (f'<div class="mm-description">{html.escape(self.description)}</div>'
                f'<div class="mm-figures">{html.escape(" · ".join(bit for bit in bits if bit))}</div>')


def variant_message(prompt: str, seed: int | None) -> str:
    """What the backend is told: the prompt, and the seed in words the engine reads."""
    return prompt if seed is None else f"{prompt} (seed {seed})"


def seeds_for(prompts: Sequence[str], seeds: int | Sequence[int] | None) -> list[int | None]:
    """One seed per prompt: none, the same one for all, or one each."""
    if seeds is None or isinstance(seeds, int):
        return [seeds] * len(prompts)
    seeds = list(seeds)
    if len(seeds) != len(prompts):
        raise ValueError(f"got {len(seeds)} seeds for {len(prompts)} prompts: give one seed per prompt, or one int")
    return seeds


def variants_frame(variants: Sequence[Variant]) -> pandas.DataFrame:
    import pandas

    return pandas.DataFrame([variant.row() for variant in variants], columns=FRAME_COLUMNS)


def music_source(draft: Any) -> str | None:
    """The id of the medium on the draft's music track, if there is music."""
    index = None if draft is None else draft.find_track("bgm")
    segments = () if index is None else draft.tracks[index].segments
    return segments[0].source_id if segments else None


def _from_generated(variant: Variant, item: dict[str, Any]) -> None:
    variant.media_id = item.get("id")
    variant.description = str(item.get("description") or "")
    variant.tempo_bpm = _number(item.get("tempo_bpm"))
    variant.key = item.get("key")
    variant.lufs = _number(item.get("lufs"))


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


class VariantGrid(w.GridBox):
    """Cards side by side: player, prompt, description, tempo, key, loudness, "use this one"."""

    def __init__(self, session: Session, variants: Sequence[Variant], *, root: str | os.PathLike[str] = ".") -> None:
        self.session = session
        self.root = Path(root)
        self.variants = list(variants)
        self.activity = Activity(session)
        self.players = [w.Output(layout=w.Layout(min_height="2em")) for _ in self.variants]
        self.figures = [w.HTML(notice_html("⏳ generating...")) for _ in self.variants]
        self.use_buttons = [w.Button(description="use this one", icon="check", disabled=True) for _ in self.variants]
        self.status = w.HTML()
        for index, button in enumerate(self.use_buttons):
            button.on_click(lambda _, index=index: self.use(index))
        self.activity.on_change(lambda _: self._sync_buttons())
        cards = [self._card(index) for index in range(len(self.variants))]
        columns = min(len(cards), 3) or 1
        super().__init__(cards, layout=w.Layout(grid_template_columns=f"repeat({columns}, 1fr)", grid_gap="8px"))
        self.add_class("mm-variants")

    def __repr__(self) -> str:
        return f"<VariantGrid {len(self.variants)} variants>"

    def _card(self, index: int) -> w.VBox:
        prompt = html.escape(self.variants[index].message)
        card = w.VBox([self.players[index], w.HTML(f"<b>{index + 1}.</b> {prompt}"), self.figures[index],
                       self.use_buttons[index]], layout=w.Layout(border="1px solid #ddd", padding="4px"))
        card.add_class("mm-variant")
        return card

    def fill(self, index: int) -> None:
        """Show variant ``index`` once it is generated (or failed)."""
        variant = self.variants[index]
        self.figures[index].value = variant.figures_html()
        relative = relative_path(variant.preview, self.root) if variant.preview else None
        if relative is not None:
            markup = video_html(relative, width=320)
            self.players[index].outputs = ({"output_type": "display_data", "metadata": {},
                                            "data": {"text/html": markup, "text/plain": relative}},)
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        """A variant can be used once it is ready, and while nothing else runs."""
        for variant, button in zip(self.variants, self.use_buttons):
            button.disabled = self.activity.busy or variant.error is not None or variant.preview is None

    def use(self, index: int) -> Future[Any] | None:
        """Put variant ``index``'s music into the main session's draft."""
        variant = self.variants[index]

        async def job() -> Any:
            self.status.value = notice_html(f"Putting variant {index + 1} into your draft...")
            reply = await self.session.aio.say(variant.message)
            self.status.value = notice_html(f"Variant {index + 1} is in your draft. {reply.text}", kind="ok")
            return reply

        return self.activity.run(f"using variant {index + 1}",
                                 job, lambda text: setattr(self.status, "value", notice_html(text, kind="error")))


async def _generate(
    grid: VariantGrid, index: int, clip: str | os.PathLike[str], quality: str, limit: asyncio.Semaphore
) -> None:
    variant, aio = grid.variants[index], grid.session.aio
    async with limit:
        try:
            # Their own record book: the person's session stays the one `resume()` reopens.
            records = RecordBook(work_dir(grid.root, "variants") / "sessions.json")
            session = await type(aio).create(aio.client, backend=aio.backend, records=records)
            await session.upload(clip)
            reply = await session.say(variant.message)
            music_id = music_source(session.draft)
            if music_id is None:
                raise MusicMakerError(f"No music came back. The backend said: {reply.text}")
            _from_generated(variant, next((item for item in session.generated_media if item.get("id") == music_id),
                                          {"id": music_id}))
            target = work_dir(grid.root, "variants") / f"variant_{index + 1}_{session.session_id[:12]}.mp4"
            variant.preview = await session.export(target, quality=quality)
        except Exception as exc:
            variant.error = plain_error(exc)
    grid.fill(index)


def compare(
    session_or_clip: Session | str | os.PathLike[str],
    prompts: Sequence[str],
    seeds: int | Sequence[int] | None = None,
    *,
    clip: str | os.PathLike[str] | None = None,
    quality: str = "low",
    concurrency: int = 2,
    root: str | os.PathLike[str] | None = None,
    show: bool = True,
    timeout: float | None = None,
) -> pandas.DataFrame:
    """Generate one variant per prompt and show them side by side; return their figures.

    ``session_or_clip`` is a session (its first uploaded video is the clip, unless ``clip`` names
    one) or a clip's path (then a session is made with ``musicmaker_nb.connect()``). The grid is
    ``compare.last_grid``; its ``session`` is the one "use this one" puts music into.
    """
    if not prompts:
        raise ValueError("compare() needs at least one prompt")
    session, clip = _session_and_clip(session_or_clip, clip)
    variants = [Variant(prompt, seed) for prompt, seed in zip(prompts, seeds_for(prompts, seeds))]
    grid = VariantGrid(session, variants, root=root if root is not None else Path.cwd())
    compare.last_grid = grid
    if show:
        from IPython.display import display

        display(grid)

    async def run_all() -> None:
        limit = asyncio.Semaphore(max(1, concurrency))
        await asyncio.gather(*(_generate(grid, index, clip, quality, limit) for index in range(len(variants))))

    session.submit(run_all()).result(timeout)
    return variants_frame(variants)


compare.last_grid = None


def _session_and_clip(
    session_or_clip: Session | str | os.PathLike[str], clip: str | os.PathLike[str] | None
) -> tuple[Session, str | os.PathLike[str]]:
    if isinstance(session_or_clip, (str, os.PathLike)):
        from .. import connect

        session = connect()
        session.upload(session_or_clip)
        return session, session_or_clip
    session = session_or_clip
    if clip is None:
        clip = next((media.source for media in session.media if media.kind == "video" and media.source), None)
    if clip is None:
        raise ValueError("compare(session, prompts) needs a clip: upload one into the session first, or pass "
                         "clip='path/or/url.mp4' (each variant uploads it into its own session)")
    if not session.media:
        session.upload(clip)
    return session, clip
