"""Files that appear whole or not at all: written beside their target under a temporary name and
renamed over it only when complete, so a crash or a cancelled download never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO, Iterator

__all__ = ["atomic_path", "atomic_file", "copy_atomically"]


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A fresh temporary name beside ``target`` (nothing is created there yet), renamed to
    ``target`` if the block completes and removed if it fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        yield temp
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """``target`` opened for writing bytes, complete or absent."""
    with atomic_path(target) as temp, open(temp, "xb") as out:
        yield out


def copy_atomically(source: Path, target: Path, chunk_bytes: int) -> Path:
    """Link ``source`` to ``target`` (instant, no second copy on disk) or else copy it."""
    with atomic_path(target) as temp:
        try:
            os.link(source, temp)
        except OSError:  # another file system, or links not allowed
            with source.open("rb") as data, open(temp, "xb") as out:
                shutil.copyfileobj(data, out, chunk_bytes)
    return target
