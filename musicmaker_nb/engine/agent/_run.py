"""The agent's hands: run the tool calls of :func:`._interpret.interpret` on a session's draft and
tell what happened as ADK-shaped events (a ``functionCall`` and a ``functionResponse`` per tool,
then the reply text), with ``: ping`` heartbeats while a tool is still working.

Everything that blocks (SQLite, ffmpeg's scene detection, music generation) runs in worker
threads; the event loop only relays events.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import random
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Iterator

import anyio.to_thread
from sse_starlette import ServerSentEvent

from ...protocol import APP_NAME, Code, Draft, DraftError, ToolCall, aspect_name, describe_changes
from .._config import EngineConfig
from .._errors import EngineError
from ..store._store import Store, is_disk_full, storage_full_error
from . import _edits as edits
from ._interpret import AgentContext, Clip, Interpretation, well_formed

__all__ = ["HEARTBEAT_S", "AgentRunner", "adk_event", "agent_context", "format_clock"]

log = logging.getLogger(__name__)
HEARTBEAT_S = 2.0
_SCENE_CUT_CACHE_SIZE = 256


def adk_event(invocation_id: str, parts: list[dict[str, Any]], role: str = "model") -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "author": APP_NAME, "invocationId": invocation_id, "partial": False,
            "timestamp": time.time(), "content": {"role": role, "parts": parts}}


def _sse(event: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(event, ensure_ascii=False), sep="\n")


def _ping() -> ServerSentEvent:
    return ServerSentEvent(comment="ping", sep="\n")


def format_clock(ms: float) -> str:
    """5000 -> '0:05', 65500 -> '1:05.5'."""
    minutes, seconds = divmod(round(ms) / 1000, 60)
    return f"{int(minutes)}:{seconds:04.1f}" if seconds % 1 else f"{int(minutes)}:{int(seconds):02d}"


def agent_context(media: list[dict[str, Any]], draft: Draft | None, generated: list[dict[str, Any]]) -> AgentContext:
    """What the interpreter needs to know about a session."""
    spans = edits.clip_spans(draft) if draft is not None else {}
    clips = tuple(Clip(m["id"], m["name"], m["kind"], m["duration_ms"] or 0, spans.get(m["id"], (0, 0))[0])
                  for m in media)
    segments = edits.music_segments(draft)
    return AgentContext(clips=clips, has_music=bool(segments), music_segments=len(segments),
                        last_prompt=generated[-1]["prompt"] if generated else None)


@dataclass
class _Outcome:
    draft: Draft
    sentence: str
    response: dict[str, Any] = field(default_factory=dict)


def _short_description(description: str) -> str:
    """'Lo-fi hip hop, 84 BPM, A minor, piano + bass, 30.0 s' -> 'Lo-fi hip hop, 84 BPM, A minor'."""
    return ", ".join(description.split(", ")[:3])


_T = {  # reply sentences: (english, chinese)
    "generated": ("Added {what} ({seconds:.1f} s) as background music{where} at {pct}%, because: {why}.",
                  "已添加背景音乐：{what}（{seconds:.1f} 秒）{where}，音量 {pct}%，依据：{why}。"),
    "replaced": ("Replaced the music{where} with {what} ({seconds:.1f} s) at {pct}%, because: {why}.",
                 "已将{where}音乐换成：{what}（{seconds:.1f} 秒），音量 {pct}%，依据：{why}。"),
    "no_reasons": ("no style, mood or occasion words I know, so a bright default",
                   "没有识别到风格、情绪或场合词，所以用明快的默认风格"),
    "edited": ("Changed the music: {what}. Now: {now}.", "已修改音乐：{what}。现在是：{now}。"),
    "edit_same": ("The music already is that way: {now}.", "音乐已经是这样了：{now}。"),
    "undone": ('Undid "{label}". {changes}', "已撤销“{label}”。{changes}"),
    "redone": ('Redid "{label}". {changes}', "已重做“{label}”。{changes}"),
    "nothing_undo": ("There is nothing to undo.", "没有可以撤销的操作。"),
    "nothing_redo": ("There is nothing to redo.", "没有可以重做的操作。"),
    "volume_music": ("Set the music volume to {pct}%.", "音乐音量已设为 {pct}%。"),
    "volume_clip": ("Set the original sound of {name} to {pct}%.", "{name} 的原声音量已设为 {pct}%。"),
    "volume_original": ("Set the original sound of the video to {pct}%.", "视频原声音量已设为 {pct}%。"),
    "fade": ("The music now has {what}.", "音乐已设置{what}。"),
    "place": ("The music now plays from {start} to {end}.", "音乐现在从 {start} 播放到 {end}。"),
    "title": ('Added the title "{text}" from {start} to {end}.', "已添加标题“{text}”（{start} 至 {end}）。"),
    "text": ('Added the text "{text}" from {start} to {end}.', "已添加文字“{text}”（{start} 至 {end}）。"),
    "remove_title": ("Removed the title.", "已删除标题。"),
    "aspect": ("Changed the frame to {name} ({width}x{height}).", "画面比例已改为 {name}（{width}x{height}）。"),
    "aspect_blur": ("Changed the frame to {name} ({width}x{height}), with a blurred background where the picture's "
                    "shape differs (or say 'fill the frame', 'letterbox it').",
                    "画面比例已改为 {name}（{width}x{height}），形状不同处用模糊背景填充（也可以说“裁剪”或“加黑边”）。"),
    "fit_fill": ("{who} now fills the {frame} frame, cropped at the middle.", "{who}已裁剪铺满 {frame} 画面（居中）。"),
    "fit_fill_motion": ("{who} now fills the {frame} frame, cropped around where it moves most.",
                        "{who}已裁剪铺满 {frame} 画面（跟随画面中运动最多的部分）。"),
    "fit_blur": ("{who} now sits in the {frame} frame over a blurred copy of itself.",
                 "{who}现在以模糊背景填满 {frame} 画面。"),
    "fit_letterbox": ("{who} is now letterboxed in the {frame} frame: scaled to fit, black bars where its shape differs.",
                      "{who}现在完整显示在 {frame} 画面中，形状不同处加黑边。"),
    "fit_same_shape": (" The clips have the frame's shape, so this shows once the frame changes.",
                       "（片段与画面形状相同，改变画面比例后才会看到效果。）"),
    "duck_on": ("The music now ducks under speech in the original audio.", "原声中有人说话时，音乐会自动压低。"),
    "duck_off": ("The music no longer ducks under the original audio.", "已取消音乐闪避。"),
    "remove_music": ("Removed the background music.", "已删除背景音乐。"),
    "failed": ("I could not {action}: {problem}", "无法完成{action}：{problem}"),
    "no_credits": ("You are out of credits: generating music costs {cost} credits and {left} are left.",
                   "积分不足：生成音乐需要 {cost} 积分，剩余 {left}。"),
}
_ACTIONS = {"generate_music": ("make the music", "生成音乐"), "set_volume": ("change the volume", "调整音量"),
            "fade_music": ("add the fade", "设置淡入淡出"), "place_music": ("place the music", "放置音乐"),
            "add_title": ("add the title", "添加标题"), "add_text": ("add the text", "添加文字"),
            "remove_title": ("remove the title", "删除标题"), "set_aspect": ("change the frame", "更改画面比例"),
            "set_fit": ("frame the picture", "设置画面填充方式"),
            "duck_music": ("duck the music", "设置音乐闪避"), "remove_music": ("remove the music", "删除音乐"),
            "edit_music": ("change the music", "修改音乐"), "undo": ("undo", "撤销"), "redo": ("redo", "重做")}
_HISTORY_TOOLS = ("undo", "redo")
_LABEL_CHARS = 80


class _Step:
    """One message's changes to the draft, kept as one undo step: the draft before the first
    change is remembered, and recorded when the message ends or an undo/redo intervenes."""

    def __init__(self, store: Store, session_id: str, message: str) -> None:
        self.store, self.session_id = store, session_id
        self.label = message if len(message) <= _LABEL_CHARS else message[: _LABEL_CHARS - 1] + "…"
        self._before: dict[str, Any] | None = None
        self._open = False

    def before(self, closing: bool) -> None:
        """Called before each tool (``closing`` for undo/redo) and once at the end (closing)."""
        if closing:
            if self._open and self._before is not None and self.store.draft(self.session_id) != self._before:
                self.store.record_step(self.session_id, self._before, self.label)
            self._open = False
        elif not self._open:
            self._before, self._open = self.store.draft(self.session_id), True


class AgentRunner:
    """Runs interpretations against one engine's store."""

    def __init__(self, store: Store, config: EngineConfig, *, cluster: Any = None) -> None:
        """``cluster``: a ``distributed.Client`` to compose on (None: threads of this process)."""
        self.store, self.config = store, config
        self._cluster = cluster
        # Scene cuts by content hash: found once, in the background from the upload on.
        self._cuts: dict[str, _Cuts] = {}
        self._cuts_lock = threading.Lock()
        self._analysis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="musicmaker-scenes")
        self._speculation = ThreadPoolExecutor(max_workers=1, thread_name_prefix="musicmaker-compose")

    async def stream(self, session: dict[str, Any], message: str,
                     interpretation: Interpretation) -> AsyncIterator[ServerSentEvent]:
        """The events of one ``/run_sse`` call, ending with the reply text."""
        invocation = "e-" + uuid.uuid4().hex[:12]
        lang = interpretation.language
        message = well_formed(message)
        await anyio.to_thread.run_sync(self.store.add_message, session["id"], "user", message)
        if interpretation.question:
            sentences = [interpretation.question]
        else:
            sentences = []
            step = _Step(self.store, session["id"], message)
            for call in interpretation.calls:
                await anyio.to_thread.run_sync(step.before, call.name in _HISTORY_TOOLS)
                call_id = "call_" + uuid.uuid4().hex[:10]
                yield _sse(adk_event(invocation, [{"functionCall": {"id": call_id, "name": call.name, "args": call.args}}]))
                outcome: list[_Outcome | Exception] = []
                applied = _with_fit_said(call, interpretation.calls)
                async for ping in self._heartbeats(lambda: self._apply(session, applied, lang), outcome):
                    yield ping
                sentence, response = self._describe(outcome[0], call, lang)
                sentences.append(sentence)
                yield _sse(adk_event(invocation, [{"functionResponse": {
                    "id": call_id, "name": call.name, "response": response}}], role="user"))
            await anyio.to_thread.run_sync(step.before, True)
        if interpretation.note:
            sentences.append(interpretation.note)
        reply = " ".join(sentences)
        await anyio.to_thread.run_sync(self.store.add_message, session["id"], "assistant", reply)
        yield _sse(adk_event(invocation, [{"text": reply}]))

    async def _heartbeats(self, work: Callable[[], _Outcome], outcome: list) -> AsyncIterator[ServerSentEvent]:
        """Run ``work`` in a thread; ping at once and then every HEARTBEAT_S until it is done."""
        task = asyncio.ensure_future(anyio.to_thread.run_sync(work))
        yield _ping()
        while True:
            done, _ = await asyncio.wait({task}, timeout=HEARTBEAT_S)
            if done:
                break
            yield _ping()
        try:
            outcome.append(task.result())
        except Exception as exc:  # a failed tool is told in the reply; the stream goes on
            if not isinstance(exc, (DraftError, EngineError, ValueError, OSError)):
                log.exception("agent tool failed")
            outcome.append(exc)

    def _describe(self, outcome: _Outcome | Exception, call: ToolCall, lang: str) -> tuple[str, dict[str, Any]]:
        if isinstance(outcome, _Outcome):
            return outcome.sentence, {"status": "ok", **outcome.response,
                                      "timeline": outcome.draft.summary()}
        problem = getattr(outcome, "problem", None) or getattr(outcome, "message", None) or str(outcome)
        if isinstance(outcome, EngineError) and outcome.code == Code.INSUFFICIENT_CREDITS:
            return problem, {"status": "error", "code": 2001, "error": problem}
        action = _ACTIONS[call.name][lang == "zh"]
        return _say("failed", lang, action=action, problem=problem), {"status": "error", "error": problem}

    # -- tools (each runs in a worker thread) -------------------------------------------
    def _apply(self, session: dict[str, Any], call: ToolCall, lang: str) -> _Outcome:
        with self.store.draft_lock(session["id"]):
            current = self.store.draft(session["id"])
            if current is None:
                raise DraftError("", "there is nothing on the timeline yet: upload a clip first")
            tool = getattr(self, f"_tool_{call.name}")
            outcome = tool(session, Draft.from_dict(current), lang, **call.args)
            self.store.set_draft(session["id"], outcome.draft.to_dict())
        return outcome

    def _tool_generate_music(self, session: dict[str, Any], draft: Draft, lang: str, *, prompt: str,
                             clip: str | None = None, replace: bool = False, seed: int | None = None) -> _Outcome:
        spans = edits.clip_spans(draft)
        start, end = spans.get(clip, (0.0, draft.duration_ms)) if clip else (0.0, draft.duration_ms)
        if end <= start:
            raise DraftError("d", "the timeline has no length to score")
        with self._charge(session, lang) as charge:
            edited = self._edited_music(draft, prompt, start, end) if seed is None else None
            if edited is not None:  # asked again after edits: another take of the music as it is now
                music = type(edited).from_dict({**edited.to_dict(), "seed": random.randrange(1, 2**31)})
                audio = self._generate(music)
            else:
                if seed is None:
                    previous = [g for g in self.store.session_generated(session["id"]) if g["prompt"] == prompt]
                    seed = random.randrange(1, 2**31) if previous else None  # asking again means another take
                music, audio = self._compose(prompt, (end - start) / 1000, seed, draft, start, end)
            generated = self._store_audio(session["id"], prompt, music, audio)
        short = _short_description(music.describe())
        had_music = bool(edits.music_segments(draft))
        why = ", ".join(music.reasons) or _say("no_reasons", lang)
        new = edits.put_music(draft, generated["id"], start_ms=start, duration_ms=end - start, label=short,
                              meta={"prompt": prompt, "plan": _plan_meta(music)})
        segment = next(s for s in edits.music_segments(new) if s.source_id == generated["id"])
        name = next((m["name"] for m in self.store.session_media(session["id"]) if m["id"] == clip), None)
        where = (f" for {name}" if lang == "en" else f"（{name}）") if name else ""
        sentence = _say("replaced" if replace and had_music else "generated", lang, what=_without_length(music),
                        seconds=music.duration_s, where=where, pct=round((segment.volume or 0) * 100), why=why)
        return _Outcome(new, sentence, {"generated_media_id": generated["id"], "description": music.describe(),
                                        "credits_spent": charge["cost"]})

    def _edited_music(self, draft: Draft, prompt: str, start: float, end: float) -> Any:
        """The plan of the music in ``start``..``end`` when it was asked for with ``prompt`` and
        edited since (tempo, instruments ... forced): "try another version" then means another
        take of it as it is, not of the first words. None otherwise."""
        from ...music import MusicPlan

        segments = edits.music_segments(draft)
        if len(segments) != 1 or segments[0].source_id is None:
            return None
        segment, source_id = segments[0], segments[0].source_id
        record = self.store.generated(source_id)
        if record is None or record["prompt"] != prompt or (segment.start_ms, segment.duration_ms) != (start, end - start):
            return None
        music = MusicPlan.from_dict(json.loads(record["plan"]))
        return music if music.overrides else None

    def _store_audio(self, session_id: str, prompt: str, music: Any, audio: Any) -> dict[str, Any]:
        temp = self.store.temp_path(".wav")
        try:
            audio.write_wav(temp)
            room = self.store.room_bytes()
            if room is not None and room < 0:
                raise storage_full_error("quota reached while saving the generated music")
            digest = _sha256(temp)
            relative = self.store.adopt_file(temp, digest, ".wav")
        except OSError as exc:
            temp.unlink(missing_ok=True)
            if is_disk_full(exc):
                raise storage_full_error("disk full while saving the generated music") from exc
            raise
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return self.store.add_generated(
            session_id, sha256=digest, path=relative, prompt=prompt, duration_ms=round(audio.duration_s * 1000),
            description=music.describe(), tempo_bpm=music.tempo_bpm, key=music.key_name,
            lufs=_finite(getattr(audio, "lufs", None)), plan=music.to_dict())

    def _compose(self, prompt: str, duration_s: float, seed: int | None, draft: Draft, start: float,
                 end: float) -> tuple[Any, Any]:
        """The plan and its audio. While the scene cuts are still being found, the piece is composed
        meanwhile with the cuts the keyframes already give (found in a few tenths of a second); when
        the full analysis agrees, or changes nothing but the cut list the plan keeps, that piece is the
        answer. Most clips are one shot, or were cut by an encoder that marks its cuts with keyframes."""
        from ...music import plan

        guess = None
        if not self._scene_cuts_known(draft):
            quick = self._cuts_between(draft, start, end, scenes="quick")
            guessed_plan = plan(prompt, duration_s, seed=seed, cuts=quick)
            guess = (guessed_plan, self._speculation.submit(self._generate, guessed_plan))
        music = plan(prompt, duration_s, seed=seed, cuts=self._cuts_between(draft, start, end))
        if guess is not None and _same_music(guess[0], music):
            return music, guess[1].result()
        return music, self._generate(music)

    def _scene_cuts_known(self, draft: Draft) -> bool:
        return all(self._cuts_of(media).full.done() for media in self._videos(draft))

    def _videos(self, draft: Draft) -> list[dict[str, Any]]:
        """The store's rows of the videos on the draft's video track."""
        video_index = draft.find_track("video")
        sources = {s.source_id for s in draft.tracks[video_index].segments} if video_index is not None else set()
        rows = [self.store.media(media_id) for media_id in sorted(sources - {None})]
        return [row for row in rows if row is not None and row["kind"] == "video"]

    def _cuts_between(self, draft: Draft, start: float, end: float, *,
                      scenes: str = "full") -> list[tuple[float, float]]:
        """Scene cuts (``full``: all of them; ``quick``: those the keyframes give) and clip boundaries
        inside ``[start, end)``, in seconds from ``start``."""
        cuts: list[tuple[float, float]] = []
        video_index = draft.find_track("video")
        segments = draft.tracks[video_index].segments if video_index is not None else ()
        for segment in segments:
            if segment.end_ms <= start or segment.start_ms >= end or not segment.source_id:
                continue
            if start < segment.start_ms:
                cuts.append(((segment.start_ms - start) / 1000, 1.0))
            for time_s, score in self._scene_cuts(segment.source_id, scenes):
                at = segment.start_ms + time_s * 1000 - (segment.offset_ms or 0)
                if segment.start_ms < at < min(segment.end_ms, end) and at > start:
                    cuts.append(((at - start) / 1000, score))
        return sorted(cuts)

    def close(self) -> None:
        self._analysis.shutdown(wait=False, cancel_futures=True)
        self._speculation.shutdown(wait=False, cancel_futures=True)

    def prefetch_cuts(self, media: dict[str, Any]) -> None:
        """Start finding a video's scene cuts in the background, if not known yet."""
        if media["kind"] == "video":
            self._cuts_of(media)

    def known_cuts(self, media: dict[str, Any]) -> list[tuple[float, float]] | None:
        """A video's scene cuts once the full analysis has found them; None before (or after a failure)."""
        with self._cuts_lock:
            cuts = self._cuts.get(media["sha256"])
        if cuts is None:
            return self._saved_cuts(media["sha256"])  # found before this engine started
        if not cuts.full.done() or cuts.full.cancelled() or cuts.full.exception() is not None:
            return None
        return cuts.full.result()

    # A video's cuts, once found, are kept in the home beside the store: a restarted engine knows
    # them (the session's state stays the same) and does not analyse the video again.
    def _cuts_file(self, sha256: str) -> Any:
        return self.store.home / "scene_cuts" / f"{sha256}.json"

    def _saved_cuts(self, sha256: str) -> list[tuple[float, float]] | None:
        try:
            return [(float(time_s), float(score)) for time_s, score in json.loads(self._cuts_file(sha256).read_text())]
        except (OSError, ValueError, TypeError):  # none saved, or unreadable: found again when needed
            return None

    def _save_cuts(self, sha256: str, full: Future[list[tuple[float, float]]]) -> None:
        if full.cancelled() or full.exception() is not None:
            return
        path = self._cuts_file(sha256)
        try:
            path.parent.mkdir(exist_ok=True)
            temp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
            temp.write_text(json.dumps(full.result()))
            temp.replace(path)  # whole or not at all
        except OSError:
            log.debug("could not keep the scene cuts of %s", sha256, exc_info=True)

    def _cuts_of(self, media: dict[str, Any]) -> _Cuts:
        with self._cuts_lock:
            cuts = self._cuts.get(media["sha256"])
            if cuts is None or (cuts.full.done() and (cuts.full.cancelled() or cuts.full.exception() is not None)):
                if len(self._cuts) >= _SCENE_CUT_CACHE_SIZE:  # a failure above is retried
                    self._cuts = {k: c for k, c in self._cuts.items() if not c.full.done()}
                sha256 = media["sha256"]
                quick: Future[list[tuple[float, float]]] = Future()
                saved = self._saved_cuts(sha256) if cuts is None else None
                if saved is not None:
                    full: Future[list[tuple[float, float]]] = Future()
                    quick.set_result(saved)
                    full.set_result(saved)
                else:
                    full = self._analysis.submit(_find_cuts, self.store.path(media["path"]), _media_info(media), quick)
                    full.add_done_callback(lambda done: quick.cancel() if done.cancelled() else None)
                    full.add_done_callback(lambda done: self._save_cuts(sha256, done))
                cuts = self._cuts[sha256] = _Cuts(quick, full)
            return cuts

    def _scene_cuts(self, media_id: str, which: str = "full") -> list[tuple[float, float]]:
        media = self.store.media(media_id)
        if media is None or media["kind"] != "video":
            return []
        cuts = self._cuts_of(media)
        return (cuts.quick if which == "quick" else cuts.full).result()

    def _tool_edit_music(self, session: dict[str, Any], draft: Draft, lang: str, **change: Any) -> _Outcome:
        """Re-plan the music there is with the change forced, render it, and put it in its place."""
        from ...music import MusicPlan, changes, edit

        records = [(s, self.store.generated(s.source_id)) for s in edits.music_segments(draft) if s.source_id]
        pieces = [(segment, record) for segment, record in records if record is not None]
        if not pieces:
            raise DraftError("bgm", "there is no generated music to change yet: ask for some music first")
        with self._charge(session, lang) as charge:
            said, new = [], draft
            for segment, record in pieces:
                before = MusicPlan.from_dict(json.loads(record["plan"]))
                after = edit(before, change)
                changed = changes(before, after)
                said += [c for c in changed if c not in said]
                if not changed:
                    continue
                generated = self._store_audio(session["id"], record["prompt"], after, self._generate(after))
                new = edits.put_music(new, generated["id"], start_ms=segment.start_ms, duration_ms=segment.duration_ms,
                                      label=_short_description(after.describe()),
                                      meta={"prompt": record["prompt"], "plan": _plan_meta(after)})
            charge["spent"] = new is not draft  # nothing rendered, nothing paid
        now = _without_length(after)
        if new is draft:
            return _Outcome(draft, _say("edit_same", lang, now=now), {"changes": []})
        return _Outcome(new, _say("edited", lang, what=", ".join(said), now=now),
                        {"changes": said, "description": after.describe(), "credits_spent": charge["cost"]})

    @contextmanager
    def _charge(self, session: dict[str, Any], lang: str) -> Iterator[dict[str, Any]]:
        """Freeze a generation's credits (2001 when short); spend them when the work succeeds,
        unless it sets ``spent`` False; give them back when it fails."""
        cost = self.config.generation_credits
        if not self.store.freeze_credits(session["token"], cost):
            left = self.store.token(session["token"])["credits"]
            raise EngineError(Code.INSUFFICIENT_CREDITS, _say("no_credits", lang, cost=cost, left=left))
        charge: dict[str, Any] = {"cost": cost, "spent": True}
        try:
            yield charge
        except BaseException:
            self.store.settle_credits(session["token"], cost, spent=False)
            raise
        self.store.settle_credits(session["token"], cost, spent=charge["spent"])

    def _generate(self, music: Any) -> Any:
        """The audio of a plan: here, or as a task on the cluster (the same function; the same
        plan gives the same samples anywhere)."""
        from ...music import generate

        if self._cluster is not None:
            return self._cluster.submit(generate, music, pure=False).result()
        return generate(music)

    def _tool_undo(self, session: dict[str, Any], draft: Draft, lang: str) -> _Outcome:
        return self._history(session, draft, lang, "undo")

    def _tool_redo(self, session: dict[str, Any], draft: Draft, lang: str) -> _Outcome:
        return self._history(session, draft, lang, "redo")

    def _history(self, session: dict[str, Any], draft: Draft, lang: str, side: str) -> _Outcome:
        stepped = self.store.step(session["id"], side)
        if stepped is None:
            return _Outcome(draft, _say(f"nothing_{side}", lang))
        label, restored = stepped
        new = Draft.from_dict(restored) if restored else draft
        return _Outcome(new, _say("undone" if side == "undo" else "redone", lang, label=label,
                                  changes=describe_changes(draft, new)), {"label": label})

    def _tool_set_volume(self, session: dict[str, Any], draft: Draft, lang: str, *, target: str,
                         volume: float | None = None, factor: float | None = None) -> _Outcome:
        if target == "music":
            new = edits.set_music_volume(draft, volume=volume, factor=factor)
            pct = round((edits.music_segments(new)[0].volume or 0) * 100)
            return _Outcome(new, _say("volume_music", lang, pct=pct), {"volume": pct / 100})
        media_id = None if target == "original" else target
        new = edits.set_clip_volume(draft, media_id, volume=volume, factor=factor)
        levels = [s.volume for t in new.tracks for s in t.segments
                  if t.role != "bgm" and s.source_id and (media_id is None or s.source_id == media_id)]
        pct = round((levels[0] if levels and levels[0] is not None else 1.0) * 100)
        if media_id is None:
            return _Outcome(new, _say("volume_original", lang, pct=pct), {"volume": pct / 100})
        name = (self.store.media(media_id) or {}).get("name", media_id)
        return _Outcome(new, _say("volume_clip", lang, name=name, pct=pct), {"volume": pct / 100})

    def _tool_fade_music(self, session: dict[str, Any], draft: Draft, lang: str, *,
                         fade_in_ms: float | None = None, fade_out_ms: float | None = None) -> _Outcome:
        new = edits.fade_music(draft, fade_in_ms=fade_in_ms, fade_out_ms=fade_out_ms)
        meta = edits.music_segments(new)[0].meta or {}
        return _Outcome(new, _say("fade", lang, what=_fade_words(meta, lang)),
                        {"fade_in_ms": meta.get("fade_in", 0), "fade_out_ms": meta.get("fade_out", 0)})

    def _tool_place_music(self, session: dict[str, Any], draft: Draft, lang: str, *,
                          start_ms: float | None = None, end_ms: float | None = None) -> _Outcome:
        new = edits.place_music(draft, start_ms, end_ms)
        segment = edits.music_segments(new)[0]
        return _Outcome(new, _say("place", lang, start=format_clock(segment.start_ms), end=format_clock(segment.end_ms)),
                        {"start_ms": segment.start_ms, "end_ms": segment.end_ms})

    def _tool_add_title(self, session: dict[str, Any], draft: Draft, lang: str, *, text: str,
                        start_ms: float = 0, duration_ms: float = 3000) -> _Outcome:
        new = draft.with_title(text, start_ms=start_ms, duration_ms=duration_ms)
        return _Outcome(new, _say("title", lang, text=text, start=format_clock(start_ms),
                                  end=format_clock(start_ms + duration_ms)), {"text": text})

    def _tool_add_text(self, session: dict[str, Any], draft: Draft, lang: str, *, text: str,
                       start_ms: float = 0, duration_ms: float = 3000) -> _Outcome:
        new = edits.add_text(draft, text, start_ms=start_ms, duration_ms=duration_ms)
        return _Outcome(new, _say("text", lang, text=text, start=format_clock(start_ms),
                                  end=format_clock(start_ms + duration_ms)), {"text": text})

    def _tool_remove_title(self, session: dict[str, Any], draft: Draft, lang: str) -> _Outcome:
        return _Outcome(edits.remove_title(draft), _say("remove_title", lang))

    def _tool_set_aspect(self, session: dict[str, Any], draft: Draft, lang: str, *, width: int, height: int,
                         name: str, fit_said: bool = False) -> _Outcome:
        """A new frame; a picture of another shape then goes over a blurred copy of itself (what creators
        expect of a 16:9 clip in a 9:16 frame), unless the draft or this message says how to frame it."""
        new = draft.with_canvas(width, height)
        blur = not fit_said and "fit" not in (draft.meta or {}) and self._shape_differs(new)
        if blur:
            new = new.with_fit("blur")
        return _Outcome(new, _say("aspect_blur" if blur else "aspect", lang, name=name, width=width, height=height),
                        {"width": width, "height": height, "fit": new.fit})

    def _tool_set_fit(self, session: dict[str, Any], draft: Draft, lang: str, *, fit: str,
                      focus: str | None = None, clip: str | None = None) -> _Outcome:
        new = edits.set_fit(draft, fit, focus=focus, media_id=clip)
        width, height = int(new.width or 1920), int(new.height or 1080)
        shape = aspect_name(width, height)
        frame = f"{width}x{height}" + (f" ({shape})" if shape else "")
        name = (self.store.media(clip) or {}).get("name", clip) if clip else None
        who = name or ("The picture" if lang == "en" else "画面")
        sentence = _say("fit_fill_motion" if fit == "fill" and focus == "motion" else f"fit_{fit}", lang,
                        who=who, frame=frame)
        if not self._shape_differs(new, clip):
            sentence += _say("fit_same_shape", lang)
        return _Outcome(new, sentence, {"fit": fit, "focus": focus, "clip": clip})

    def _shape_differs(self, draft: Draft, media_id: str | None = None) -> bool:
        """Whether a video or image on the draft (or the clip ``media_id``) has another shape than its frame."""
        frame = int(draft.width or 1920) / int(draft.height or 1080)
        index = draft.find_track("video")
        ids = {s.source_id for s in draft.tracks[index].segments} if index is not None else set()
        rows = [self.store.media(each) for each in ([media_id] if media_id else sorted(ids - {None}))]
        shapes = [row["width"] / row["height"] for row in rows
                  if row is not None and row["kind"] in ("video", "image") and row["width"] and row["height"]]
        return any(abs(shape / frame - 1) > 0.01 for shape in shapes)

    def _tool_duck_music(self, session: dict[str, Any], draft: Draft, lang: str, *, enabled: bool) -> _Outcome:
        return _Outcome(edits.duck_music(draft, enabled), _say("duck_on" if enabled else "duck_off", lang),
                        {"duck": enabled})

    def _tool_remove_music(self, session: dict[str, Any], draft: Draft, lang: str) -> _Outcome:
        if not edits.music_segments(draft):
            raise DraftError("bgm", "there is no background music to remove")
        return _Outcome(draft.without_bgm(), _say("remove_music", lang))


def _with_fit_said(call: ToolCall, calls: tuple[ToolCall, ...]) -> ToolCall:
    """``set_aspect`` told (internally, not in its event) that the same message also says how to frame
    the whole video."""
    if call.name == "set_aspect" and any(c.name == "set_fit" and c.args.get("clip") is None for c in calls):
        return ToolCall(call.name, {**call.args, "fit_said": True})
    return call


@dataclass(frozen=True)
class _Cuts:
    """A video's scene cuts as they are found: ``quick`` those the keyframes give, ``full`` all."""

    quick: Future[list[tuple[float, float]]]
    full: Future[list[tuple[float, float]]]


def _media_info(media: dict[str, Any]) -> Any:
    """What the upload's probe found (kept in the store), or None to probe again."""
    from ..media._probe import MediaInfo

    return MediaInfo.from_dict(json.loads(media["info"])) if media.get("info") else None


def _find_cuts(path: Any, info: Any, quick: Future[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """The full analysis; on the way, the keyframes' cuts go to ``quick`` (a failure too)."""
    from ..media._probe import probe
    from ..media._scenes import keyframe_pass, scene_cuts

    try:
        info = info if info is not None else probe(path)
        first = keyframe_pass(path, info) if info.kind == "video" else None
    except BaseException as exc:
        quick.set_exception(exc)
        raise
    quick.set_result([(float(t), float(s)) for t, s in first.cuts] if first else [])
    if first is None:
        return []
    return [(float(t), float(s)) for t, s in scene_cuts(path, info=info, first=first)]


def _same_music(guessed: Any, refined: Any) -> bool:
    """The two plans make the same audio: they differ in nothing but the cuts they keep and the
    report of how the music fits them (the audio is made from the sections, tempo and the rest)."""
    return dataclasses.replace(guessed, cuts=refined.cuts, fit=refined.fit) == refined


def _without_length(music: Any) -> str:
    """'Sleepy lullaby, 57 BPM, D major, strings + harp + music box' (the length is said apart)."""
    return music.describe().rsplit(", ", 1)[0]


def _say(key: str, lang: str, **values: Any) -> str:
    return _T[key][lang == "zh"].format(**values)


def _fade_words(meta: dict[str, Any], lang: str) -> str:
    fade_in, fade_out = meta.get("fade_in") or 0, meta.get("fade_out") or 0
    if lang == "zh":
        parts = [f"{fade_in / 1000:g} 秒淡入" if fade_in else "", f"{fade_out / 1000:g} 秒淡出" if fade_out else ""]
        return "和".join(p for p in parts if p) or "无淡入淡出"
    parts = [f"a {fade_in / 1000:g} s fade-in" if fade_in else "", f"a {fade_out / 1000:g} s fade-out" if fade_out else ""]
    return " and ".join(p for p in parts if p) or "no fades"


def _plan_meta(music: Any) -> dict[str, Any]:
    return {"seed": music.seed, "mood": music.mood, "style": music.style, "tempo_bpm": music.tempo_bpm,
            "key": music.key_name}


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
