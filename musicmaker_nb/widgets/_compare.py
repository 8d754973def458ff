"""Prompt variants side by side: one session per variant, generated concurrently, compared in a grid.

Each variant gets its own session on the same client (cheap on the embedded engine) with the
same clip, so variants never overwrite each other's draft. "Use this one" sends the variant's
exact message to the main session: the engine plans music from the message (and seed), so the
main session gets the same piece.
"""

from __future__ import annotations

import asyncio
import html
import logging
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
from ._format import notice_html
from ._media import MediaFile
from ._music_picture import music_curves, music_picture_svg, read_wav
from ._player import preview_frame
from ._tasks import Activity, plain_error

if TYPE_CHECKING:
    import pandas

__all__ = ["Variant", "VariantGrid", "compare", "variant_message", "seeds_for", "variants_frame", "music_source",
           "clean_variant_files"]

_log = logging.getLogger("musicmaker_nb.widgets")
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
    music: Path | None = None  # the music alone, when the backend offers its file (not a frame column)
    picture: str = ""  # the music's waveform and loudness with its sections, as SVG (not a frame column)
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
        bits = [bit for bit in bits if bit and bit.lower() not in self.description.lower()]  # said once
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


class VariantGrid(w.VBox):
    """Cards side by side: player, the music alone (when the backend offers its file), prompt,
    description, tempo, key, loudness, "use this one".

    The status line sits above the cards' grid (``box``). The grid follows the person's session: the card
    whose music is in the draft is marked (class ``mm-chosen``), and unmarked when the draft's
    music changes elsewhere. ``retire()`` deletes its variant files (a newer comparison does it).
    """

    def __init__(self, session: Session, variants: Sequence[Variant], *, root: str | os.PathLike[str] = ".") -> None:
        self.session = session
        self.root = Path(root)
        self.variants = list(variants)
        self.activity = Activity(session)
        self.chosen: int | None = None
        self._chosen_music: str | None = None
        self.players = [MediaFile(root=self.root) for _ in self.variants]
        self.music_players = [MediaFile(root=self.root, kind="audio", layout=w.Layout(display="none"))
                              for _ in self.variants]
        self.figures = [w.HTML(notice_html("generating...")) for _ in self.variants]
        self.pictures = [w.HTML(layout=w.Layout(width="100%", margin="0")) for _ in self.variants]
        self.marks = [w.HTML() for _ in self.variants]
        self.use_buttons = [w.Button(description="use this one", icon="check", disabled=True,
                                     layout=w.Layout(width="auto")) for _ in self.variants]
        self.status = w.HTML()
        for index, button in enumerate(self.use_buttons):
            button.on_click(lambda _, index=index: self.use(index))
        self.cards = [self._card(index) for index in range(len(self.variants))]
        columns = min(len(self.cards), 3) or 1
        # minmax(0, 1fr): a column never grows past its share to fit a wide child
        self.box = w.GridBox(self.cards, layout=w.Layout(
            grid_template_columns=f"repeat({columns}, minmax(0, 1fr))", grid_gap="8px", width="100%"))
        super().__init__([self.status, self.box], layout=w.Layout(width="100%", max_width="100%"))
        self.add_class("mm-variants")
        self._stop_following = session.aio.on_change(self._session_changed)

    def __repr__(self) -> str:
        return f"<VariantGrid {len(self.variants)} variants>"

    def _card(self, index: int) -> w.VBox:
        prompt = html.escape(self.variants[index].message)
        card = w.VBox([self.players[index], self.music_players[index],
                       w.HTML(f"<b>{index + 1}.</b> {prompt}"), self.figures[index], self.pictures[index],
                       self.marks[index], self.use_buttons[index]],
                      layout=w.Layout(border="1px solid #ddd", padding="4px", min_width="0", max_width="100%"))
        card.add_class("mm-variant")
        return card

    def fill(self, index: int) -> None:
        """Show variant ``index`` once it is generated (or failed)."""
        variant = self.variants[index]
        self.figures[index].value = variant.figures_html()
        if variant.preview is not None:
            self.players[index].show(variant.preview)
        if variant.music is not None:
            self.music_players[index].show(variant.music, kind="audio")
            self.music_players[index].layout.display = None
        if variant.picture:  # scaled to the card by its viewBox
            self.pictures[index].value = f'<div class="mm-music-picture">{variant.picture}</div>'
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        """A variant can be used once it is ready. Buttons stay as they are while a variant is put
        into the draft (a click meanwhile is answered in the status line), so they never flash."""
        for variant, button in zip(self.variants, self.use_buttons):
            button.disabled = variant.error is not None or variant.preview is None

    def use(self, index: int) -> Future[Any] | None:
        """Put variant ``index``'s music into the main session's draft."""
        variant = self.variants[index]

        async def job() -> Any:
            reply = await self.session.aio.say(variant.message)
            self.mark(index, music_source(self.session.aio.draft))
            self._say(f"Variant {index + 1} is in your draft. {reply.text}", "ok")
            return reply

        return self.activity.run(f"using variant {index + 1}", job, lambda text: self._say(text, "error"),
                                 on_start=lambda: self._say(f"Putting variant {index + 1} into your draft..."))

    def mark(self, index: int | None, music_id: str | None = None) -> None:
        """Mark card ``index`` as the one in the draft (None: no card)."""
        self.chosen, self._chosen_music = index, music_id
        for number, (card, mark) in enumerate(zip(self.cards, self.marks)):
            if number == index:
                card.add_class("mm-chosen")
                card.layout.border = "2px solid #2e7d32"
                mark.value = '<div class="mm-chosen-mark"><b>In your draft</b></div>'
            else:
                card.remove_class("mm-chosen")
                card.layout.border = "1px solid #ddd"
                mark.value = ""

    def _say(self, text: str, kind: str = "info") -> None:
        self.status.value = notice_html(text, kind=kind)

    def _session_changed(self, aio: Any) -> None:
        """The draft's music changed elsewhere (the app, another grid): the mark goes."""
        if self.chosen is not None and self._chosen_music is not None and music_source(aio.draft) != self._chosen_music:
            previous = self.chosen
            self.mark(None)
            self._say(f"Your draft has other music now than variant {previous + 1}.")

    def files(self) -> list[Path]:
        return [path for variant in self.variants for path in (variant.preview, variant.music) if path is not None]

    def retire(self) -> None:
        """Let go of this grid: its players close and its variant files are deleted."""
        self._stop_following()
        for player in (*self.players, *self.music_players):
            player.close()
        for path in self.files():
            path.unlink(missing_ok=True)
        for variant in self.variants:
            variant.preview = variant.music = None
        self._sync_buttons()
        self._say("Replaced by a newer comparison: its files are deleted.")

    def close(self) -> None:
        self._stop_following()
        super().close()


def clean_variant_files(folder: Path, keep: Sequence[Path]) -> list[Path]:
    """Delete the variant files (videos, music) in ``folder`` other than ``keep``; returns what was deleted."""
    kept = {path.resolve() for path in keep}
    stale = [path for path in folder.glob("variant_*.*") if path.resolve() not in kept]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


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
            draft = session.draft
            music_id = music_source(draft)
            if draft is None or music_id is None:
                raise MusicMakerError(f"No music came back. The backend said: {reply.text}")
            item = next((item for item in session.generated_media if item.get("id") == music_id), {"id": music_id})
            _from_generated(variant, item)
            target = work_dir(grid.root, "variants") / f"variant_{index + 1}_{session.session_id[:12]}.mp4"
            frame = preview_frame(draft.width, draft.height)
            if frame is None:
                variant.preview = await session.export(target, quality=quality, warn_without_music=False)
            else:  # a light preview, as the player's: small frame, the music at full quality
                light = draft.with_canvas(*frame)
                variant.preview = await session.client.export(session.session_id, light, target, quality=quality)
            variant.music = await _music_alone(session, item, target)
            variant.picture = await _music_picture(variant.music, item)
        except Exception as exc:
            variant.error = plain_error(exc)
    grid.fill(index)


async def _music_alone(session: Any, item: dict[str, Any], video: Path) -> Path | None:
    """The generated music's own file next to the variant's video, to hear it without the clip's
    sound; None when the backend gives no URL or the download fails (the video still has it)."""
    url = item.get("url")
    if not url:
        return None
    suffix = Path(str(url).split("?", 1)[0]).suffix or ".wav"
    try:
        return await session.client.download(url, video.with_suffix(suffix))
    except Exception:
        _log.debug("the music of %s did not download", item.get("id"), exc_info=True)
        return None


async def _music_picture(music: Path | None, item: dict[str, Any]) -> str:
    """The waveform and loudness of the variant's music with its sections; empty when the music
    is not a WAV this reader knows (a hosted MP3): the card then goes without the picture."""
    if music is None or music.suffix.lower() != ".wav":
        return ""
    try:
        samples, rate = await asyncio.to_thread(read_wav, music)
        curves = await asyncio.to_thread(music_curves, samples, rate, buckets=320)
    except (OSError, ValueError, EOFError):
        _log.debug("no picture of %s", music, exc_info=True)
        return ""
    sections = (item.get("plan") or {}).get("sections") or ()
    return music_picture_svg(*curves, sections, width=420)


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
    if compare.last_grid is not None:
        compare.last_grid.retire()  # a new comparison replaces the last one, and its files
    clean_variant_files(work_dir(grid.root, "variants"), keep=[])  # left by earlier kernels
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
