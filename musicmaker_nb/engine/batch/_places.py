"""Where a batch item's clip comes from and where its video goes: a local path (a folder every
worker can read), or a URL that ``fsspec`` opens (``s3://``, ``gcs://``, ``https://`` ...)
when the user has that filesystem installed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ...protocol import MusicMakerError
from ...protocol._batch import is_url

__all__ = ["local_input", "output_place", "stored_output"]

_COPY_BLOCK = 4 << 20


def _filesystem(url: str):
    try:
        import fsspec
    except ImportError:
        raise MusicMakerError(f"{url} is a URL: install fsspec (pip install \"musicmaker-nb[dask]\") "
                              "and the filesystem for it (s3fs, gcsfs ...), or give a path") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise MusicMakerError(f"cannot open {url}: {exc}") from None


@contextmanager
def local_input(source: str, work: Path) -> Iterator[Path]:
    """A local path for ``source``: the file itself, or a copy fetched into ``work``."""
    if not is_url(source):
        path = Path(source).expanduser()
        if path.is_dir():
            raise MusicMakerError(f"{source} is a folder: give the clips inside it")
        if not path.is_file():
            raise FileNotFoundError(2, "No such file", source)
        yield path
        return
    filesystem, remote = _filesystem(source)
    suffix = PurePosixPath(remote.split("?", 1)[0]).suffix or ".mp4"
    local = work / f"input{suffix}"
    with filesystem.open(remote, "rb") as reader, open(local, "wb") as writer:
        shutil.copyfileobj(reader, writer, _COPY_BLOCK)
    yield local


def output_place(out_dir: str | os.PathLike[str], name: str) -> str:
    """Where an item's video goes: ``name`` as given when it is absolute or a URL, else in ``out_dir``."""
    if is_url(name) or Path(name).is_absolute():
        return name
    folder = os.fspath(out_dir)
    return folder.rstrip("/") + "/" + name if is_url(folder) else str(Path(folder).expanduser() / name)


@contextmanager
def stored_output(place: str, work: Path) -> Iterator[Path]:
    """A local path to render to; once the block ends without error, the file is at ``place``
    (moved there, or uploaded for a URL). Nothing half-written is left at ``place``."""
    if not is_url(place):
        target = Path(place)
        target.parent.mkdir(parents=True, exist_ok=True)
        yield target  # render_draft itself writes beside the target and renames
        return
    local = work / "output.mp4"
    yield local
    filesystem, remote = _filesystem(place)
    filesystem.put_file(str(local), remote)
