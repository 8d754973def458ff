"""``Session.batch``: many clips, each with its own instruction and its own render, over the API.

Against the embedded engine every item gets a session of its own (cheap there) and items run
concurrently, as many at once as the engine has render workers. Against the hosted service it
is the seed's batch style: the same session, one item after another, one render each, and the
render is the item's own clip with the music over it (:func:`excerpt`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..protocol import Draft, MusicMakerError, TrackType
from ..protocol._batch import BatchItem, BatchResult, is_url

if TYPE_CHECKING:
    from ._session import AsyncSession

__all__ = ["run_items", "excerpt", "music_description", "ResultListener"]

ResultListener = Callable[[BatchResult], None]


def excerpt(draft: Draft, start_ms: float, end_ms: float) -> Draft:
    """The part of ``draft`` between ``start_ms`` and ``end_ms``, moved to start at 0: segments
    cut to the span (their source offset moved along), those outside it dropped. Pure."""
    if not 0 <= start_ms < end_ms:
        raise ValueError(f"an excerpt needs 0 <= start < end, got {start_ms}..{end_ms}")
    tracks = []
    for track in draft.tracks:
        segments = []
        for segment in track.segments:
            begin, finish = max(segment.start_ms, start_ms), min(segment.end_ms, end_ms)
            if finish <= begin:
                continue
            offset = segment.offset_ms  # text has no source to move along in
            if track.type is not TrackType.TEXT:
                offset = (segment.offset_ms or 0) + begin - segment.start_ms
            segments.append(replace(segment, start_ms=begin - start_ms, duration_ms=finish - begin, offset_ms=offset))
        if segments:
            tracks.append(replace(track, segments=tuple(segments)))
    return replace(draft, duration_ms=end_ms - start_ms, tracks=tuple(tracks))


def music_description(session: AsyncSession) -> str:
    """What the music on the session's draft is, as the backend described it."""
    draft = session.draft
    index = None if draft is None else draft.find_track("bgm")
    if index is None or draft is None or not draft.tracks[index].segments:
        return ""
    segment = draft.tracks[index].segments[-1]
    item = next((g for g in session.generated_media if g.get("id") == segment.source_id), {})
    return str(item.get("description") or segment.label or "")


def _plain(exc: BaseException) -> str:
    if isinstance(exc, MusicMakerError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"cannot read {exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc)
    return f"{type(exc).__name__}: {exc}"


def _target(out_dir: Path, item: BatchItem) -> Path:
    if is_url(item.output):
        raise MusicMakerError(f"{item.output}: Session.batch writes to this machine; give a file name or path "
                              "(musicmaker_nb.batch writes to URLs)")
    path = Path(item.output).expanduser()
    return path if path.is_absolute() else out_dir / path


async def _one_session(session: AsyncSession, item: BatchItem, out_dir: Path, quality: str) -> BatchResult:
    """An item in a session of its own: upload, say, export."""
    from ._records import RecordBook
    from ._session import AsyncSession as SessionType

    result, started = BatchResult(item.source, item.prompt), time.perf_counter()
    try:
        # Its own record book: the person's session stays the one resume() reopens.
        records = RecordBook(session._records.path.with_name("batch_sessions.json"))
        own = await SessionType.create(session.client, backend=session.backend, records=records)
        await own.upload(item.source)
        await own.say(_with_seed(item))
        if own.draft is None or own.draft.find_track("bgm") is None:
            raise MusicMakerError(f"no music came back for {item.source}")
        result.output = str(await own.export(_target(out_dir, item), quality=quality, warn_without_music=False))
        result.description = music_description(own)
    except Exception as exc:  # one failing item never stops the others
        result.error = _plain(exc)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


async def _same_session(session: AsyncSession, item: BatchItem, out_dir: Path, quality: str) -> BatchResult:
    """An item in the person's own session: upload, say, render just this clip with its music."""
    result, started = BatchResult(item.source, item.prompt), time.perf_counter()
    try:
        media = await session.upload(item.source)
        await session.say(_with_seed(item))
        draft = session.draft
        span = _span(draft, media.id) if draft is not None else None
        if draft is None or span is None:
            raise MusicMakerError(f"the backend did not put {media.name or item.source} on the timeline")
        if draft.find_track("bgm") is None:
            raise MusicMakerError(f"no music came back for {item.source}")
        target = _target(out_dir, item)
        result.output = str(await session.client.export(session.session_id, excerpt(draft, *span), target,
                                                         quality=quality))
        result.description = music_description(session)
    except Exception as exc:
        result.error = _plain(exc)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _span(draft: Draft, media_id: str) -> tuple[float, float] | None:
    for track in draft.tracks:
        for segment in track.segments:
            if segment.source_id == media_id and track.role != "bgm":
                return segment.start_ms, segment.end_ms
    return None


def _with_seed(item: BatchItem) -> str:
    return item.prompt if item.seed is None else f"{item.prompt} (seed {item.seed})"


async def run_items(session: AsyncSession, items: list[BatchItem], out_dir: Path, *, quality: str = "high",
                    on_result: ResultListener | None = None) -> list[BatchResult]:
    """Run every item; results in the items' order. ``on_result`` hears each as it finishes."""
    out_dir.mkdir(parents=True, exist_ok=True)

    def heard(result: BatchResult) -> BatchResult:
        if on_result is not None:
            on_result(result)
        return result

    if not session.client.is_engine:
        return [heard(await _same_session(session, item, out_dir, quality)) for item in items]
    health: dict[str, Any] = await session.client.health()
    limit = asyncio.Semaphore(max(1, int(health.get("render_workers") or 1)))

    async def run(item: BatchItem) -> BatchResult:
        async with limit:
            return heard(await _one_session(session, item, out_dir, quality))

    return list(await asyncio.gather(*(run(item) for item in items)))
