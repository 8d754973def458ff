"""Batch items: many clips, each with its own instruction and its own output. Pure.

The same items run three ways (``Session.batch`` over the API, ``musicmaker_nb.batch`` on a
Dask cluster, ``musicmaker make --each``), so what an item is, how a person may write a list of
them and where each output goes is decided once, here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

__all__ = ["BatchItem", "BatchResult", "RESULT_COLUMNS", "batch_items", "is_url", "output_name"]

RESULT_COLUMNS = ("source", "prompt", "output", "description", "seconds", "error")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_SOURCE_KEYS = ("source", "path", "clip", "url", "file")
_PROMPT_KEYS = ("prompt", "instruction", "message", "text")


@dataclass(frozen=True)
class BatchItem:
    """One clip (a path or a URL), what music it should get, and the output's file name."""

    source: str
    prompt: str
    output: str  # a file name (or a path/URL the caller chose); joined to the output folder when relative
    seed: int | None = None


@dataclass
class BatchResult:
    """What became of one item: its output, the music's description and the time it took, or why it failed."""

    source: str
    prompt: str
    output: str | None = None
    description: str = ""
    seconds: float = 0.0
    error: str | None = None
    music_sha256: str | None = None

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RESULT_COLUMNS}


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):  # pandas' empty cell
        return ""
    return str(value).strip()


def _pick(record: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    lowered = {str(key).strip().lower(): value for key, value in record.items()}
    return next((_text(lowered[key]) for key in keys if key in lowered and _text(lowered[key])), "")


def _seed(value: Any, where: str) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        raise ValueError(f"{where}: the seed must be a whole number, got {text!r}") from None


def _stem(source: str) -> str:
    name = PurePosixPath(source.split("?", 1)[0].split("#", 1)[0].rstrip("/").replace("\\", "/")).name
    stem = re.sub(r"[^\w.-]+", "_", name.rsplit(".", 1)[0] if "." in name else name).strip("._-")
    return stem or "clip"


def output_name(source: str, taken: set[str]) -> str:
    """``trip.mov`` -> ``trip_music.mp4``; ``trip_music_2.mp4`` when that name is taken (two
    folders may both hold a ``trip.mov``). Adds the name it returns to ``taken``."""
    stem = _stem(source)
    name, number = f"{stem}_music.mp4", 1
    while name.lower() in taken:
        number += 1
        name = f"{stem}_music_{number}.mp4"
    taken.add(name.lower())
    return name


def batch_items(items: Iterable[Any], prompt: str | None = None) -> list[BatchItem]:
    """Items as people write them (or ready ``BatchItem`` objects): paths or URLs (with one ``prompt`` for all), ``(source,
    prompt)`` pairs, mappings with ``source``/``path`` and ``prompt`` keys (rows of a CSV or a
    JSON list), or a pandas DataFrame with such columns. An item's own prompt wins over
    ``prompt``. Raises ``ValueError`` naming the item that has no source or no prompt."""
    if hasattr(items, "to_dict") and hasattr(items, "columns"):  # a DataFrame, without importing pandas
        items = items.to_dict("records")
    if isinstance(items, (str, bytes, Mapping)):
        raise ValueError("batch items must be a list (of paths, (path, prompt) pairs or rows), not a single "
                         f"{type(items).__name__}")
    default = _text(prompt)
    out: list[BatchItem] = []
    taken: set[str] = set()
    for number, item in enumerate(items, 1):
        where = f"item {number}"
        output, seed = "", None
        if isinstance(item, BatchItem):  # already read: kept as it is
            out.append(item)
            taken.add(item.output.lower())
            continue
        if isinstance(item, Mapping):
            source, said = _pick(item, _SOURCE_KEYS), _pick(item, _PROMPT_KEYS)
            output, seed = _pick(item, ("output", "out")), _seed(item.get("seed"), where)
        elif isinstance(item, Sequence) and not isinstance(item, (str, bytes)):
            if not 1 <= len(item) <= 2:
                raise ValueError(f"{where}: expected (source, prompt), got {len(item)} values")
            source, said = _text(item[0]), _text(item[1]) if len(item) == 2 else ""
        else:
            source, said = _text(item), ""
        if not source:
            raise ValueError(f"{where} has no clip: give a path or URL ({', '.join(_SOURCE_KEYS[:2])} column)")
        said = said or default
        if not said:
            raise ValueError(f"{where} ({source}) has no instruction: give it a prompt, or one prompt for all")
        if output:
            if output.lower() in taken:
                raise ValueError(f"{where}: another item already writes {output!r}")
            taken.add(output.lower())
        out.append(BatchItem(source, said, output or output_name(source, taken), seed))
    if not out:
        raise ValueError("the batch is empty: give at least one clip")
    return out


def is_url(source: str) -> bool:
    """``https://…``, ``s3://…``: anything with a scheme is fetched, not opened."""
    return bool(_URL.match(source))
