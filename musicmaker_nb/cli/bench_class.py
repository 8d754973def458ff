"""The class part of ``musicmaker bench engine``: many students on one shared engine.

Each client uploads its own 720p clip (with a scene cut), asks for music and exports at once.
Measured on an engine in its own process, as a teacher runs it (``musicmaker serve``):

* completion and wall time, and the chat replies' p50/p95 during the class;
* the key figure: chats sent while the other exports are queued or running (p95 over 10),
  against the same chats on the idle engine, same run;
* fairness: one client queues 10 exports, then five others one each; how many of the ten
  start before each of the five;
* throughput against the old all-at-once engine (a render worker per core, not niced).
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from .bench_batch import scene_clip
from .bench_engine import Row, _EngineProcess

__all__ = ["class_rows", "percentile"]

CHAT = "create an upbeat background track for my travel video"
_PROBE_CHATS = 10


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-round(q * len(ordered) * 1000) // 1000) - 1))]


def _connect(base_url: str) -> Any:
    import musicmaker_nb

    return musicmaker_nb.connect(base_url=base_url)


def _timed_chats(session: Any, count: int) -> list[float]:
    took = []
    for _ in range(count):
        started = time.perf_counter()
        session.say(CHAT)
        took.append(time.perf_counter() - started)
    return took


def _student(base_url: str, clip: Path, out: Path) -> dict[str, Any]:
    session = _connect(base_url)
    try:
        session.upload(clip)
        started = time.perf_counter()
        session.say(CHAT)
        chat_s = time.perf_counter() - started
        render_id = session.start_render(path=out)
        session.wait_render(render_id)
        return {"chat_s": chat_s, "done_at": time.perf_counter()}
    finally:
        session.close()


def _load(base_url: str) -> dict[str, Any]:
    return httpx.get(f"{base_url}/api/health", timeout=10, trust_env=False).json()["data"]["load"]


def _class_run(engine: _EngineProcess, clips: list[Path], probe_clip: Path, out: Path) -> dict[str, Any]:
    """All clients at once; a probe client chats while the others' exports are queued or running."""
    idle_probe = _connect(engine.base_url)  # a token's 100 credits pay for 10 generations: one probe each
    idle_probe.upload(probe_clip)
    idle = _timed_chats(idle_probe, _PROBE_CHATS)  # the same chats, the engine idle
    idle_probe.close()
    probe = _connect(engine.base_url)
    probe.upload(probe_clip)
    loaded: list[float] = []
    busy_enough = threading.Event()

    def chat_when_busy() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            load = _load(engine.base_url)
            if load["queued"] + load["running"] >= len(clips) - 1:
                busy_enough.set()
                loaded.extend(_timed_chats(probe, _PROBE_CHATS))
                return
            time.sleep(0.2)

    started = time.perf_counter()
    results, errors = [], []
    with concurrent.futures.ThreadPoolExecutor(len(clips) + 1) as pool:
        prober = pool.submit(chat_when_busy)
        futures = [pool.submit(_student, engine.base_url, clip, out / f"class_{n}.mp4") for n, clip in enumerate(clips)]
        for future in futures:
            try:
                results.append(future.result())
            except Exception as exc:  # a failed student is a figure, not a crash
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
        prober.result()
    probe.close()
    wall = max((r["done_at"] for r in results), default=time.perf_counter()) - started
    return {"wall_s": wall, "completed": len(results), "errors": errors, "chat_s": [r["chat_s"] for r in results],
            "idle_chat_s": idle, "loaded_chat_s": loaded, "probe_ran": busy_enough.is_set()}


def _fairness_run(engine: _EngineProcess, clip: Path, out: Path) -> dict[str, Any]:
    """Ten exports from one client, then one from each of five others: the order they start in."""
    greedy = _connect(engine.base_url)
    others = [_connect(engine.base_url) for _ in range(5)]
    try:
        for session in (greedy, *others):
            session.upload(clip)
        mine = [greedy.start_render(path=out / f"greedy_{n}.mp4") for n in range(10)]
        theirs = [session.start_render(path=out / f"other_{n}.mp4") for n, session in enumerate(others)]
        owners = {render_id: greedy for render_id in mine} | dict(zip(theirs, others))
        started: dict[str, float] = {}
        deadline = time.monotonic() + 900
        while len(started) < len(owners) and time.monotonic() < deadline:
            for render_id, session in owners.items():
                if render_id not in started and session.client.render_status(render_id).status != "queued":
                    started[render_id] = time.monotonic()
            time.sleep(0.1)
        for render_id, session in owners.items():
            session.wait_render(render_id)
        waits = [sum(1 for g in mine if started.get(g, float("inf")) < started.get(t, float("inf"))) for t in theirs]
        return {"greedy_started_before_each_other": waits}
    finally:
        for session in (greedy, *others):
            session.close()


def class_rows(work: Path, clients: int = 30, seconds: float = 30.0, *, compare: bool = True,
               workers: int | None = None) -> list[Row]:
    """``workers``: the engine's render workers (None: its default)."""
    folder = work / "class"
    folder.mkdir(parents=True, exist_ok=True)
    clips = [scene_clip(folder / f"student_{n:02d}.mp4", n, seconds, size="1280x720") for n in range(clients)]
    probe_clip = scene_clip(folder / "probe.mp4", 99, 10.0, size="1280x720")
    short = scene_clip(folder / "short.mp4", 7, 5.0, size="1280x720")

    engine = _EngineProcess(work / "home_class", workers=workers)
    try:
        run = _class_run(engine, clips, probe_clip, folder)
        fair = _fairness_run(engine, short, folder)
    finally:
        engine.stop()
    old_wall = None
    if compare:  # the engine before: a render worker per core, all at once, not niced
        (folder / "old").mkdir(exist_ok=True)
        old = _EngineProcess(work / "home_class_old", workers=os.cpu_count() or 1, extra=("--nice", "0"))
        try:
            old_wall = _class_run(old, clips, probe_clip, folder / "old")["wall_s"]
        finally:
            old.stop()

    p50, p95 = percentile(run["chat_s"], 0.5), percentile(run["chat_s"], 0.95)
    loaded95, idle95 = percentile(run["loaded_chat_s"], 0.95), percentile(run["idle_chat_s"], 0.95)
    rows = [Row(f"class: {clients} clients, {seconds:g} s 720p clips", run["wall_s"],
                target="all complete", ok=run["completed"] == clients and not run["errors"],
                note=f"{run['completed']}/{clients} completed; chat p50 {p50:.2f} s, p95 {p95:.2f} s"
                     + (f"; first error: {run['errors'][0]}" if run["errors"] else ""),
                extra={"chat_p50_s": p50, "chat_p95_s": p95, "errors": run["errors"]})]
    rows.append(Row(f"chat while {clients - 1} exports wait or run (p95 of {_PROBE_CHATS})", loaded95, idle95,
                    target="<= 1.5 s (idle < 1 s)",
                    ok=run["probe_ran"] and loaded95 is not None and loaded95 <= 1.5 and (idle95 or 0) < 1.0,
                    note=f"idle engine p95 {idle95:.2f} s (the baseline column), same chats",
                    extra={"loaded": run["loaded_chat_s"], "idle": run["idle_chat_s"]}))
    worst = max(fair["greedy_started_before_each_other"])
    rows.append(Row("fairness: 10 exports from one, then 1 each from 5", None, target="<= 2 of the 10 first",
                    ok=worst <= 2, note=f"of the 10, started before each of the 5: "
                                         f"{fair['greedy_started_before_each_other']}", extra=fair))
    if old_wall is not None:
        ratio = old_wall / run["wall_s"]
        rows.append(Row("throughput against all at once", run["wall_s"], old_wall,
                        target="falls by <= 10 %", ok=ratio >= 0.9,
                        note=f"class wall {run['wall_s']:.1f} s; old engine (a worker per core, not niced) "
                             f"{old_wall:.1f} s"))
    return rows
