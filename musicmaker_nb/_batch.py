"""``musicmaker_nb.batch``: many clips without a server, here or on a Dask cluster."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

__all__ = ["batch"]

if TYPE_CHECKING:
    import pandas


def batch(
    items: Iterable[Any],
    out_dir: str | os.PathLike[str] = "musicmaker_batch",
    *,
    prompt: str | None = None,
    cluster: Any = None,
    quality: str = "high",
    progress: bool = True,
) -> pandas.DataFrame:
    """Give every clip its own music and its own video, without a server: each item's whole
    pipeline (probe, scene cuts, compose, mix, render) runs here, one after another, or as one
    task per item on a Dask cluster (``cluster``: a ``distributed.Client``, a scheduler address,
    or ``"local"``; ``pip install "musicmaker-nb[dask]"``). ``items`` as for ``Session.batch``;
    paths every worker can read, or URLs fsspec opens (``s3://``...). One row per item, in order;
    a failing item's row says why."""
    from .engine.batch import run_batch  # the engine (and Dask) load only when a batch runs

    return run_batch(items, out_dir, prompt=prompt, cluster=cluster, quality=quality, progress=progress)
