"""One batch item's whole pipeline, in this process: probe, scene cuts, read the instruction,
compose, mix and render, with the very functions the engine's routes call and no HTTP.

It is what a Dask worker runs for an item, and what runs locally to compare with it: the same
item gives the same music bit for bit on any machine (the plan is seeded, the synthesis is
deterministic). Inputs and outputs may be URLs; :mod:`._places` fetches and stores them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ...protocol import Draft, DraftError, MusicMakerError, ToolCall
from ...protocol._batch import BatchItem, BatchResult
from ..agent import _edits as edits
from ..agent._interpret import AgentContext, Clip, interpret, split_seed
from ..media._graph import RenderSource
from ..media._probe import probe
from ..media._render import render_draft
from ..media._scenes import scene_cuts
from ._places import local_input, output_place, stored_output

__all__ = ["make_video", "plan_item", "ItemPlan", "BATCH_TOOLS"]

# What an instruction may ask of a batch item; the rest (undo, volume of another clip...) needs
# a conversation, and an item that asks for it fails with a sentence that says so.
BATCH_TOOLS = ("generate_music", "add_title", "add_text", "set_aspect", "set_fit", "duck_music", "fade_music")
_CLIP_ID, _MUSIC_ID = "clip", "music"


@dataclass(frozen=True)
class ItemPlan:
    """What the instruction asks for: the music's prompt and seed, and the other edits."""

    prompt: str
    seed: int | None
    edits: tuple[ToolCall, ...]


def plan_item(instruction: str, clip: Clip, seed: int | None = None) -> ItemPlan:
    """Read an item's instruction the way the engine's agent reads a chat message. Pure."""
    reading = interpret(instruction, AgentContext(clips=(clip,)))
    if reading.question:
        raise MusicMakerError(f"the instruction needs an answer first: {reading.question}")
    music = [call for call in reading.calls if call.name == "generate_music"]
    other = [call.name for call in reading.calls if call.name not in BATCH_TOOLS]
    if other:
        raise MusicMakerError(f"a batch item can ask for music, a title or text, a frame, fades and ducking; "
                              f"{', '.join(sorted(set(other)))} needs a session (session.say)")
    rest = tuple(call for call in reading.calls if call.name != "generate_music")
    if not music:  # a batch is for music: "calm lo-fi with the title 'Hi'" still asks for some
        said_seed, words = split_seed(instruction)
        return ItemPlan(" ".join(words.split()), seed if seed is not None else said_seed, rest)
    chosen = music[-1].args
    return ItemPlan(str(chosen["prompt"]), seed if seed is not None else chosen.get("seed"), rest)


def _apply(draft: Draft, call: ToolCall, clip_shape: tuple[int, int] | None) -> Draft:
    """One edit, as the engine's agent makes it (a new frame of another shape than the clip gets
    a blurred background unless the instruction says how to frame it)."""
    args = call.args
    if call.name == "add_title":
        return draft.with_title(args["text"], start_ms=args.get("start_ms", 0), duration_ms=args.get("duration_ms", 3000))
    if call.name == "add_text":
        return edits.add_text(draft, args["text"], start_ms=args.get("start_ms", 0),
                              duration_ms=args.get("duration_ms", 3000))
    if call.name == "set_aspect":
        width, height = int(args["width"]), int(args["height"])
        new = draft.with_canvas(width, height)
        other_shape = clip_shape is not None and clip_shape[0] * height != clip_shape[1] * width
        if other_shape and not args.get("fit_said") and "fit" not in (draft.meta or {}):
            new = new.with_fit("blur")
        return new
    if call.name == "set_fit":
        return edits.set_fit(draft, args["fit"], focus=args.get("focus"))
    if call.name == "duck_music":
        return edits.duck_music(draft, args["enabled"])
    if call.name == "fade_music":
        return edits.fade_music(draft, fade_in_ms=args.get("fade_in_ms"), fade_out_ms=args.get("fade_out_ms"))
    raise DraftError("t", f"{call.name} is not a batch edit")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_video(item: BatchItem, out_dir: str | os.PathLike[str], *, quality: str = "high") -> BatchResult:
    """Run ``item`` and write its video to ``out_dir`` (a folder or a URL); never raises: a
    failure is the result's ``error``, in words, so one bad clip never stops a batch."""
    from ...music import generate, plan

    started = time.perf_counter()
    result = BatchResult(item.source, item.prompt)
    work = Path(tempfile.mkdtemp(prefix="musicmaker-batch-"))
    try:
        with local_input(item.source, work) as clip_path:
            info = probe(clip_path)
            name = Path(item.source.split("?", 1)[0]).name or "clip"
            media = {"id": _CLIP_ID, "kind": info.kind, "name": name, "duration_ms": info.duration_ms,
                     "width": info.width, "height": info.height, "fps": info.fps}
            draft = edits.add_clip(None, media)
            wanted = plan_item(item.prompt, Clip(_CLIP_ID, name, info.kind, info.duration_ms or 0), item.seed)
            cuts = scene_cuts(clip_path, info=info) if info.kind == "video" else []
            music = plan(wanted.prompt, draft.duration_ms / 1000, seed=wanted.seed, cuts=cuts)
            wav = generate(music).write_wav(work / "music.wav")
            draft = edits.put_music(draft, _MUSIC_ID, start_ms=0, duration_ms=draft.duration_ms,
                                    label=", ".join(music.describe().split(", ")[:3]),
                                    meta={"prompt": wanted.prompt, "plan": {"seed": music.seed, "style": music.style}})
            shape = (info.display_width, info.height) if info.display_width and info.height else None
            for call in wanted.edits:
                draft = _apply(draft, call, shape)
            sources = {_CLIP_ID: RenderSource(clip_path, info), _MUSIC_ID: RenderSource(wav, probe(wav))}
            place = output_place(out_dir, item.output)
            with stored_output(place, work) as target:
                render_draft(draft, sources, target, quality=quality)
            result.output = place
            result.description = music.describe()
            result.music_sha256 = _sha256(wav)
    except Exception as exc:  # noqa: BLE001 — every failure becomes the item's error, said plainly
        result.error = _plain(exc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        result.seconds = round(time.perf_counter() - started, 3)
    return result


def _plain(exc: BaseException) -> str:
    if isinstance(exc, MusicMakerError):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {exc.filename or exc}"
    if isinstance(exc, (PermissionError, IsADirectoryError)):
        return f"cannot use {exc.filename!r}: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"
