"""``run_batch``: every item's pipeline as one task on a Dask cluster, or here, one after another.

The cluster is the user's: a ``distributed.Client``, a scheduler address, or ``"local"`` for a
``LocalCluster`` of single-threaded worker processes on this machine, one per core, each held to
its own core (Linux): an item's ffmpeg runs start threads for every core they see, and with one
per core they would all fight over all of them. A worker lost mid-task is Dask's to handle: the
scheduler runs the task again elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ...protocol import MusicMakerError
from ...protocol._batch import BatchItem, BatchResult, batch_items
from ._pipeline import make_video

if TYPE_CHECKING:
    import pandas

__all__ = ["run_batch", "results_frame", "local_cluster", "FRAME_COLUMNS"]

FRAME_COLUMNS = ["source", "prompt", "output", "description", "seconds", "error", "music_sha256"]
_RETRIES = 2  # beside Dask's own re-run of tasks whose worker died


def results_frame(results: Iterable[BatchResult]) -> pandas.DataFrame:
    import pandas

    return pandas.DataFrame([{name: getattr(result, name) for name in FRAME_COLUMNS} for result in results],
                            columns=FRAME_COLUMNS)


def local_cluster(workers: int | None = None) -> Any:
    """A client of a new ``LocalCluster`` here: ``workers`` single-threaded processes (default:
    one per core, at most 8), each kept to its own core. Closing the client's cluster is the
    caller's (``client.cluster.close()``)."""
    from distributed import Client, LocalCluster

    from ._cores import OneCoreEach

    count = workers or max(1, min(os.cpu_count() or 1, 8))
    client = Client(LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=":0"))
    client.register_plugin(OneCoreEach())
    return client


def _dask_client(cluster: Any) -> tuple[Any, bool]:
    """``(client, ours)``: ``ours`` when this call made the client and must close it."""
    try:
        from distributed import Client
    except ImportError:
        raise MusicMakerError('batches on a cluster need Dask: pip install "musicmaker-nb[dask]"') from None
    if isinstance(cluster, Client):
        return cluster, False
    if cluster == "local":
        return local_cluster(), True
    if isinstance(cluster, str):
        return Client(cluster), True
    if hasattr(cluster, "scheduler_address"):  # a cluster object (LocalCluster, a Kubernetes or SLURM one ...)
        return Client(cluster), True
    raise TypeError(f"cluster must be a distributed.Client, a scheduler address or 'local', not {type(cluster).__name__}")


def _show_dashboard(client: Any) -> None:
    link = getattr(client, "dashboard_link", None)
    if not link:
        return
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None and hasattr(get_ipython(), "kernel"):
        display(HTML(f'Dask dashboard: <a href="{link}" target="_blank">{link}</a>'))
    else:
        print(f"Dask dashboard: {link}")


def run_batch(
    items: Iterable[Any],
    out_dir: str | os.PathLike[str] = "musicmaker_batch",
    *,
    prompt: str | None = None,
    cluster: Any = None,
    quality: str = "high",
    progress: bool = True,
    on_result: Callable[[BatchResult], None] | None = None,
) -> pandas.DataFrame:
    """Give every item its own music and its own video in ``out_dir`` (a folder every worker can
    read and write, or a URL such as ``s3://bucket/out``); one row per item, in order.

    ``cluster`` None runs the items here, one after another; otherwise each item is one task on
    the Dask cluster (a ``Client``, a scheduler address, or ``"local"``). The dashboard link is
    shown and Dask's progress bar follows the tasks when ``progress``. A failing item never
    stops the others: its row says why.
    """
    todo: list[BatchItem] = batch_items(items, prompt)
    if cluster is None:
        results = []
        for item in todo:
            results.append(make_video(item, out_dir, quality=quality))
            if on_result is not None:
                on_result(results[-1])
        return results_frame(results)
    client, ours = _dask_client(cluster)
    try:
        if progress:
            _show_dashboard(client)
        run = uuid.uuid4().hex[:8]
        futures = [client.submit(make_video, item, os.fspath(out_dir), quality=quality, pure=False,
                                 retries=_RETRIES, key=f"musicmaker-{run}-{number}")
                   for number, item in enumerate(todo, 1)]
        if progress:
            from distributed import progress as dask_progress

            dask_progress(futures)  # a widget in a notebook, a text bar in a terminal
        if on_result is not None:
            from distributed import as_completed

            for future in as_completed(futures):
                on_result(future.result())
        return results_frame(client.gather(futures))
    finally:
        if ours:
            cluster_object = getattr(client, "cluster", None)
            client.close()
            if cluster_object is not None and cluster == "local":
                cluster_object.close()
