"""Each worker of a local Dask cluster on a core of its own (Linux).

An item's ffmpeg runs start a thread per core they see. With one single-threaded worker process
per core, every worker's ffmpeg would fight over every core; kept each to its own, a worker and
the programs it starts use one core, as a single-threaded worker should. Imported only where
Dask is (it is an optional dependency).
"""

from __future__ import annotations

import os
from typing import Any

from distributed import WorkerPlugin

__all__ = ["OneCoreEach", "core_of"]


def core_of(worker_name: Any, cores: list[int]) -> int | None:
    """The core a LocalCluster's worker (named 0, 1, ...) keeps to; None for another name."""
    return cores[int(worker_name) % len(cores)] if str(worker_name).isdigit() and cores else None


class OneCoreEach(WorkerPlugin):
    """Keeps each worker process, and the programs it starts (children inherit it), to its core;
    where the system cannot pin (not Linux) the worker is left as it is."""

    name = "musicmaker-one-core-each"
    idempotent = True

    def setup(self, worker: Any) -> None:
        if not hasattr(os, "sched_setaffinity"):
            return
        core = core_of(worker.name, sorted(os.sched_getaffinity(0)))
        if core is None:
            return
        for thread in os.listdir("/proc/self/task"):  # every thread: the task threads already exist
            try:
                os.sched_setaffinity(int(thread), {core})
            except OSError:  # a thread that ended meanwhile
                pass
