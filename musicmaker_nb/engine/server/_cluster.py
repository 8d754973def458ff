"""The Dask cluster a shared engine hands its heavy work to (``musicmaker serve --dask-scheduler``)."""

from __future__ import annotations

from typing import Any

from ...protocol import MusicMakerError

__all__ = ["connect_cluster"]


def connect_cluster(address: str) -> Any:
    """A ``distributed.Client`` for the scheduler at ``address``; a clear error without Dask."""
    try:
        from distributed import Client
    except ImportError:
        raise MusicMakerError('working on a Dask cluster needs Dask: pip install "musicmaker-nb[dask]"') from None
    return Client(address, set_as_default=False)
