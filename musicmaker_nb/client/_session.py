"""``AsyncSession``: one editing session, its state kept in the kernel (and its ids on disk)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import re
import time
import warnings
from pathlib import Path
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Callable

from ..protocol import (
    ACCEPTED_FORMATS,
    Draft,
    Heartbeat,
    MusicMakerError,
    TextPart,
    ToolCall,
    describe_changes,
)
from ..protocol._batch import RESULT_COLUMNS, BatchResult, batch_items
from ._batch import ResultListener, run_items
from ._client import AsyncMusicMaker, ProgressCallback
from ._constants import HEARTBEAT_NOTICE_S
from ._intent import Action, route, translate_gui
from ._models import Credits, Media, RenderStatus, Reply, SessionInfo, State, Turn
from ._records import RecordBook, SessionRecord
from ._timeline import Timeline

if TYPE_CHECKING:
    import pandas

__all__ = ["AsyncSession", "HeartbeatNotices", "NoMusicWarning", "NO_MUSIC_NOTE", "ChangeListener"]

_log = logging.getLogger("musicmaker_nb")
ChangeListener = Callable[["AsyncSession"], None]

_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_PATH = re.compile(r"""(?:"([^"]+)"|'([^']+)'|(\S+\.(?:""" + "|".join(ACCEPTED_FORMATS) + r""")))(?=\s|$)""", re.IGNORECASE)


class NoMusicWarning(UserWarning):
    """An export of a timeline with no music on it."""


NO_MUSIC_NOTE = ("the timeline has no music, so this export has only the clips' own sound; say what music you "
                 "want first, e.g. session.say('calm piano music')")


class HeartbeatNotices:
    """Decides when heartbeats deserve a "still working" notice: once per ``interval_s`` of silence."""

    def __init__(self, interval_s: float, clock: Callable[[], float]) -> None:
        self.interval_s, self._clock = interval_s, clock
        self._since = clock()

    def text_arrived(self) -> None:
        self._since = self._clock()

    def heartbeat(self) -> bool:
        now = self._clock()
        if now - self._since >= self.interval_s:
            self._since = now
            return True
        return False


class AsyncSession:
    """What a notebook works with: upload, say, look at the timeline, export.

    Create one with ``await musicmaker_nb.aconnect()`` (or ``AsyncSession.create(client)``).
    """

    def __init__(self, client: AsyncMusicMaker, info: SessionInfo, *, backend: str, records: RecordBook | None = None):
        self.client = client
        self.session_id = info.session_id
        self.task_id = info.task_id
        self.backend = backend
        self.media: tuple[Media, ...] = ()
        self.draft: Draft | None = None
        self.generated_media: list[dict] = []
        self.video_infos: list[dict] = []  # the media as the backend lists them (with their scene cuts)
        self._listeners: list[ChangeListener] = []
        self.conversation: list[Turn] = []
        self.render_ids: list[str] = []
        self._records = records if records is not None else RecordBook()
        self._pending: dict[str, str] = {}

    @classmethod
    async def create(
        cls, client: AsyncMusicMaker, *, language: str = "en", backend: str | None = None,
        records: RecordBook | None = None,
    ) -> AsyncSession:
        session = cls(client, await client.create_session(language=language),
                      backend=backend or client.base_url, records=records)
        session._remember()
        return session

    @classmethod
    async def resume(
        cls, client: AsyncMusicMaker, *, session_id: str | None = None, backend: str | None = None,
        records: RecordBook | None = None,
    ) -> AsyncSession:
        """Reopen the latest (or the named) session of this backend and re-read its state."""
        book = records if records is not None else RecordBook()
        backend = backend or client.base_url
        record = book.find(backend, session_id)
        if record is None:
            raise MusicMakerError(f"no saved session for {backend}" + (f" with id {session_id}" if session_id else ""))
        session = cls(client, SessionInfo(record.session_id), backend=backend, records=book)
        session._pending = dict(record.pending_renders)
        session.render_ids = list(record.pending_renders)
        await session.state()
        return session

    def __repr__(self) -> str:
        summary = self.draft.summary() if self.draft else "no draft yet"
        return f"<Session {self.session_id} · {len(self.media)} media · {summary}>"

    def _repr_html_(self) -> str:
        import html

        media = ", ".join(html.escape(m.describe()) for m in self.media) or "none yet"
        table = self.timeline._repr_html_() if self.draft and self.draft.tracks else ""
        return (f"<div><b>Music Maker session</b> <code>{html.escape(self.session_id)}</code><br>"
                f"Media: {media}<br>{html.escape(self.summary())}{table}</div>")

    # -- looking -----------------------------------------------------------------------------
    @property
    def timeline(self) -> Timeline:
        """The draft as a picture in the notebook (lanes, music sections and beats, the scene cuts on or
        off the beat, titles, the frame); ``timeline.frame`` is the table, one row per segment."""
        return Timeline(self.draft, self._known_media(), self.generated_media)

    def _known_media(self) -> list[Media]:
        """The media the backend lists, with what this client knows of its own uploads (their source)."""
        listed = {item.id: item for item in (Media.from_payload(info) for info in self.video_infos)}
        mine = {item.id: item for item in self.media}
        return [dataclasses.replace(mine[key], scene_cuts_ms=listed[key].scene_cuts_ms or mine[key].scene_cuts_ms)
                if key in mine and key in listed else mine.get(key) or listed[key] for key in {**mine, **listed}]

    def summary(self) -> str:
        return self.draft.summary() if self.draft else "Timeline (0 tracks): empty (upload a clip to begin)"

    @property
    def pending_renders(self) -> dict[str, str]:
        """Renders started but not yet downloaded: render id -> target path."""
        return dict(self._pending)

    async def state(self) -> State:
        """Read the session state from the backend and keep its draft."""
        state = await self.client.state(self.session_id)
        seen = (state.draft, state.generated_media, state.video_infos)
        changed = seen != (self.draft, self.generated_media, self.video_infos)
        self.draft, self.generated_media, self.video_infos = seen
        if changed:
            self._changed()
        return state

    def on_change(self, listener: ChangeListener) -> Callable[[], None]:
        """Call ``listener(session)`` whenever what the backend says of the session (its draft,
        its media, the music generated for it) changes, whoever changed it; returns a function that stops the calls. Every
        view of a session (app, timeline, player, variants) follows it this way."""
        self._listeners.append(listener)

        def stop() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return stop

    def _changed(self) -> None:
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:  # a broken view must not break the session's own work
                _log.warning("a session change listener failed", exc_info=True)

    async def credits(self) -> Credits:
        return await self.client.credits()

    # -- doing -------------------------------------------------------------------------------
    async def upload(self, source: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None) -> Media:
        """Upload a file or URL to this session and refresh the draft."""
        stored = await self.client.upload(self.session_id, source, on_progress=on_progress)
        if not stored:
            raise MusicMakerError(f"the backend accepted {source} but returned no media")
        self.media += tuple(stored)
        await self.state()
        return stored[0]

    async def say(
        self,
        text: str,
        *,
        on_text: Callable[[str], None] | None = None,
        on_heartbeat: Callable[[], None] | None = None,
        heartbeat_notice_s: float = HEARTBEAT_NOTICE_S,
    ) -> Reply:
        """Say what you want. Export, credits, status and upload requests are done directly;
        everything else goes to the backend's agent, whose text streams to ``on_text``."""
        if not text.strip():
            raise ValueError("say() needs some text, e.g. 'create an upbeat background track for my travel video'")
        self.conversation.append(Turn("user", text))
        action = route(text)
        if action is Action.CHAT:
            reply = await self._chat(text, on_text, on_heartbeat, heartbeat_notice_s)
        else:
            reply = await self._direct(action, text)
            if on_text is not None:
                on_text(reply.text)
        self.conversation.append(Turn("assistant", reply.text))
        return reply

    async def undo(self, *, on_text: Callable[[str], None] | None = None) -> Reply:
        """Take back the last change to the timeline (one message's edits, or an upload). The
        backend keeps the history of the session's draft; ``redo()`` puts the change back."""
        return await self.say("undo", on_text=on_text)

    async def redo(self, *, on_text: Callable[[str], None] | None = None) -> Reply:
        """Put back the change that ``undo()`` took back."""
        return await self.say("redo", on_text=on_text)

    @property
    def _without_music(self) -> bool:
        """Clips on the timeline and no music: an export would keep only their own sound."""
        return self.draft is not None and self.draft.find_track("bgm") is None

    async def _direct(self, action: Action, text: str) -> Reply:
        if action is Action.CREDITS:
            return Reply(f"You have {await self.credits()}.", action.value, self.draft)
        if action is Action.STATUS:
            await self.state()
            return Reply(self.summary(), action.value, self.draft)
        if action is Action.EXPORT:  # said in words, so the reply says it (no warning)
            silent = self._without_music
            path = await self.export(warn_without_music=False)
            note = f" Note: {NO_MUSIC_NOTE}." if silent else ""
            return Reply(f"Exported the video to {path}.{note}", action.value, self.draft)
        source = _upload_source(text)
        if source is None:
            return Reply("Which file? Call session.upload('clip.mp4') or say 'upload <path or URL>'.",
                         action.value, self.draft)
        media = await self.upload(source)
        return Reply(f"Uploaded {media.describe()}. {self.summary()}", action.value, self.draft)

    async def _chat(
        self, text: str, on_text: Callable[[str], None] | None, on_heartbeat: Callable[[], None] | None,
        heartbeat_notice_s: float,
    ) -> Reply:
        before = self.draft
        notices = HeartbeatNotices(heartbeat_notice_s, asyncio.get_running_loop().time)
        chunks: list[str] = []
        tools: list[str] = []
        async for item in self.client.stream(self.session_id, text):
            if isinstance(item, TextPart):
                chunks.append(item.text)
                notices.text_arrived()
                if on_text is not None:
                    on_text(item.text)
            elif isinstance(item, ToolCall):
                tools.append(item.name)
            elif isinstance(item, Heartbeat) and notices.heartbeat() and on_heartbeat is not None:
                on_heartbeat()
        await self.state()
        changes = describe_changes(before, self.draft) if before != self.draft else None
        said = "".join(chunks).strip()
        if not said:
            # The hosted service closes about 30 % of edits without a word: tell what changed.
            return Reply(changes or "Done; nothing changed in the timeline.", Action.CHAT.value, self.draft,
                         changes, tuple(tools))
        translated, hints = translate_gui(said)
        if any(hint.action in ("summary", "state") for hint in hints):
            translated += "\n\n" + self.summary()
        return Reply(translated, Action.CHAT.value, self.draft, changes, tuple(tools))

    async def batch(
        self, items: Iterable[Any], prompt: str | None = None, *, out_dir: str | os.PathLike[str] = "musicmaker_batch",
        quality: str = "high", progress: bool = True, on_result: ResultListener | None = None,
    ) -> pandas.DataFrame:
        """Give each clip its own music and its own render; one row per item, in order (source,
        prompt, output, description, seconds, error). ``items``: paths or URLs (with one
        ``prompt`` for all), ``(path, prompt)`` pairs, rows with ``path``/``prompt`` or a
        DataFrame. On the embedded engine items run side by side, one session each; on the
        hosted service one after another in this session. A failing item never stops the others."""
        import pandas

        todo = batch_items(items, prompt)
        bar = _batch_progress(len(todo)) if progress else None

        def heard(result: BatchResult) -> None:
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(("failed: " if result.error else "done: ") + Path(result.source).name)
            if on_result is not None:
                on_result(result)

        try:
            results = await run_items(self, todo, Path(out_dir), quality=quality, on_result=heard)
        finally:
            if bar is not None:
                bar.close()
        return pandas.DataFrame([result.row() for result in results], columns=list(RESULT_COLUMNS))

    async def start_render(self, *, quality: str = "high", path: str | os.PathLike[str] | None = None) -> str:
        """Start exporting the current draft; the id survives a kernel restart (see ``resume``)."""
        if self.draft is None:
            await self.state()
        if self.draft is None or not self.draft.tracks:
            raise MusicMakerError("nothing to export yet: upload a clip first")
        render_id = await self.client.start_render(self.session_id, self.draft, quality=quality)
        self.render_ids.append(render_id)
        self._pending[render_id] = str(Path(path or _default_export_name()).expanduser().resolve())
        self._remember()
        return render_id

    async def wait_render(
        self, render_id: str, path: str | os.PathLike[str] | None = None, *,
        on_progress: ProgressCallback | None = None,
    ) -> Path:
        """Wait for a render and download it (to ``path`` or where ``start_render`` was told)."""
        target = path or self._pending.get(render_id) or _default_export_name()
        result = await self.client.fetch_render(render_id, target, on_progress=on_progress)
        self._pending.pop(render_id, None)
        self._remember()
        return result

    async def cancel_render(self, render_id: str | None = None) -> RenderStatus:
        """Cancel a render of this session (default: the latest one still pending); the embedded
        engine only. It is forgotten, so ``resume`` will not wait for it again."""
        render_id = render_id or next(reversed(self._pending), None)
        if render_id is None:
            raise MusicMakerError("no export is in progress to cancel")
        status = await self.client.cancel_render(render_id)
        if status.done:
            self._pending.pop(render_id, None)
            self._remember()
        return status

    async def export(
        self, path: str | os.PathLike[str] | None = None, *, quality: str = "high",
        on_progress: ProgressCallback | None = None, warn_without_music: bool = True,
    ) -> Path:
        """Render the draft to a 1080p MP4 at ``path`` (default: a new file in the working directory).
        Warns (``NoMusicWarning``) when the timeline has no music: the video keeps only its own sound;
        ``warn_without_music=False`` for callers that say so themselves (or preview on purpose)."""
        if warn_without_music and self._without_music:
            warnings.warn(NoMusicWarning(NO_MUSIC_NOTE), stacklevel=2)
        render_id = await self.start_render(quality=quality, path=path)
        return await self.wait_render(render_id, on_progress=on_progress)

    async def restart(self, *, language: str = "en") -> None:
        """Begin a new session on the same backend (for 1002, or to start over)."""
        info = await self.client.create_session(language=language)
        self.session_id, self.task_id = info.session_id, info.task_id
        self.media, self.draft, self.generated_media, self.video_infos = (), None, [], []
        self.conversation.append(Turn("assistant", f"Started a new session ({self.session_id})."))
        self._pending.clear()
        self._remember()

    async def aclose(self) -> None:
        await self.client.aclose()

    def _remember(self) -> None:
        token = None if self.client.token_from_user else self.client.token
        self._records.save(SessionRecord(self.backend, self.session_id, self.client.client_id, token,
                                         dict(self._pending)))


def _batch_progress(total: int) -> Any:
    """tqdm's bar: a widget in a notebook, a text line in a terminal."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="batch", unit="clip")


def _default_export_name() -> str:
    return f"musicmaker_{time.strftime('%Y%m%d_%H%M%S')}.mp4"


def _upload_source(text: str) -> str | None:
    url = _URL.search(text)
    if url:
        return url.group(0).rstrip(".,;)")
    for match in _PATH.finditer(text):
        candidate = next(group for group in match.groups() if group)
        if Path(candidate).expanduser().exists() or candidate.lower().endswith(ACCEPTED_FORMATS):
            return candidate
    return None
