"""Getting media in: streamed multipart bodies (URLs: ``_downloads``), written to disk as they arrive.

Nothing is held whole in memory: each file goes chunk by chunk to a temporary file in the data
directory while its SHA-256 is computed, and the size limit (4002) and the storage quota are
enforced as the bytes arrive. What the file *is* is decided afterwards by probing its content
(see :func:`accept`), never by its name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pathlib
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from typing import Any, AsyncIterable, Callable

import anyio
import anyio.to_thread
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from ...protocol import ACCEPTED_FORMATS, Code
from .._config import MAX_JSON_BODY_BYTES
from .._errors import EngineError
from ._store import Store, is_disk_full, storage_full_error

__all__ = [
    "Received",
    "FileSink",
    "sanitize_filename",
    "receive_multipart",
    "media_record",
    "suffix_for",
    "too_large_error",
]

_MAX_PART_HEADER_BYTES = 16 * 1024  # the headers of one part, all together
_MAX_FIELD_BYTES = MAX_JSON_BODY_BYTES  # the parts that are not files (ignored, but counted), all together
_SUFFIX_BY_FORMAT = {
    "mov,mp4,m4a,3gp,3g2,mj2": ".mp4", "matroska,webm": ".mkv", "avi": ".avi", "mp3": ".mp3",
    "wav": ".wav", "aac": ".aac", "gif": ".gif", "png_pipe": ".png", "jpeg_pipe": ".jpg",
    "webp_pipe": ".webp", "image2": ".jpg",
}


@dataclass(frozen=True)
class Received:
    """One file written to a temporary path, not yet probed."""

    name: str
    temp: pathlib.Path
    sha256: str
    size_bytes: int


def too_large_error(name: str, limit: int) -> EngineError:
    size = f"{limit / (1 << 20):g} MB" if limit >= 1 << 20 else f"{limit / 1024:g} KB"
    return EngineError(Code.FILE_TOO_LARGE, f"{name!r} is larger than the {size} upload limit: trim or compress it and upload again")


def sanitize_filename(raw: str | None, fallback: str = "upload") -> str:
    """A display name with no directories, control characters or leading dots."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name).strip().lstrip(". ")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + dot + ext[:9]) if dot and len(ext) < 10 else name[:120]
    return name or fallback


class FileSink:
    """Writes one incoming file to a temporary path, hashing it and enforcing the limits."""

    def __init__(self, store: Store, name: str, limit: int, room: int | None) -> None:
        self.name, self.limit, self.room = name, limit, room
        self.temp = store.temp_path()
        self._hash = hashlib.sha256()
        self._size = 0
        self._handle = open(self.temp, "wb")

    def write(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self.limit:
            raise too_large_error(self.name, self.limit)
        if self.room is not None and self._size > self.room:
            raise storage_full_error(f"quota reached while receiving {self.name!r}")
        self._hash.update(data)
        try:
            self._handle.write(data)
        except OSError as exc:
            if is_disk_full(exc):
                raise storage_full_error(f"disk full while receiving {self.name!r}") from exc
            raise

    def finish(self) -> Received:
        self._handle.close()
        return Received(self.name, self.temp, self._hash.hexdigest(), self._size)

    def discard(self) -> None:
        self._handle.close()
        self.temp.unlink(missing_ok=True)


class _MultipartReceiver:
    """python-multipart callbacks that send each file part (field ``files``) to a :class:`FileSink`."""

    def __init__(self, store: Store, limit: int, room: int | None) -> None:
        self.store, self.limit, self.room = store, limit, room
        self.received: list[Received] = []
        self.ended = False  # the closing boundary has been read
        self._sink: FileSink | None = None
        self._field = b""
        self._value = b""
        self._headers: dict[bytes, bytes] = {}
        self._header_bytes = 0
        self._field_bytes = 0

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._part_begin, "on_part_data": self._part_data, "on_part_end": self._part_end,
            "on_header_field": self._header_field, "on_header_value": self._header_value,
            "on_header_end": self._header_end, "on_headers_finished": self._headers_finished,
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self._header_bytes = 0

    def _count_header(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > _MAX_PART_HEADER_BYTES:
            raise EngineError(Code.INVALID_REQUEST, f"a multipart part's headers pass {_MAX_PART_HEADER_BYTES // 1024} KB")

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.strip().lower()] = self._value.strip()
        self._field = self._value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        filename = options.get(b"filename")
        if filename is None:
            return  # a plain form field: not a file, ignored
        # Clients percent-encode what a header cannot carry (httpx: control characters, quotes).
        name = sanitize_filename(urllib.parse.unquote(filename.decode("utf-8", "replace")))
        room = None if self.room is None else self.room - sum(r.size_bytes for r in self.received)
        self._sink = FileSink(self.store, name, self.limit, room)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._sink is not None:
            self._sink.write(data[start:end])
            return
        self._field_bytes += end - start
        if self._field_bytes > _MAX_FIELD_BYTES:
            raise EngineError(Code.BODY_TOO_LARGE, f"the upload's form fields (parts that are not files) pass "
                                                   f"{_MAX_FIELD_BYTES // (1 << 20)} MiB: send only files")

    def _part_end(self) -> None:
        if self._sink is not None:
            self.received.append(self._sink.finish())
            self._sink = None

    def _end(self) -> None:
        self.ended = True

    def discard(self) -> None:
        """Remove every temporary file of this body, finished or not."""
        if self._sink is not None:
            self._sink.discard()
            self._sink = None
        for item in self.received:
            item.temp.unlink(missing_ok=True)


async def receive_multipart(content_type: str, stream: AsyncIterable[bytes], store: Store,
                            limit: int) -> list[Received]:
    """Stream a multipart body to temporary files; 4002 as soon as one file passes ``limit``.

    On any error (a malformed or truncated body, a limit, a stalled or vanished client: whatever
    ``stream`` raises) every temporary file of the body is removed before the error goes on; the
    caller reads on after a refusal (``server._bodies.drain``), so the client hears it."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise EngineError(Code.INVALID_REQUEST, "multipart body without a boundary")
    room = await anyio.to_thread.run_sync(store.room_bytes)
    receiver = _MultipartReceiver(store, limit, room)
    try:
        await _parse(MultipartParser(boundary, receiver.callbacks()), receiver, stream)
    except BaseException:
        receiver.discard()
        raise
    return receiver.received


async def _parse(parser: MultipartParser, receiver: _MultipartReceiver, stream: AsyncIterable[bytes]) -> None:
    try:
        async for chunk in stream:
            await anyio.to_thread.run_sync(parser.write, chunk)
            if receiver.ended:
                break  # what follows the closing boundary is not read
        parser.finalize()
    except FormParserError as exc:
        raise EngineError(Code.INVALID_REQUEST, f"the multipart body is malformed: {exc}") from None
    if not receiver.ended:
        raise EngineError(Code.INVALID_REQUEST, "the multipart body ended before its closing boundary")
    if not receiver.received:
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, "the upload held no file: send it as multipart field 'files'")


# -- after probing ------------------------------------------------------------------------
def suffix_for(format_name: str | None, name: str) -> str:
    """The file suffix to store a medium under: its own if accepted, else one from the format."""
    own = pathlib.PurePath(name).suffix.lower()
    if own.lstrip(".") in ACCEPTED_FORMATS:
        return own
    return _SUFFIX_BY_FORMAT.get(format_name or "", ".bin")


def media_record(info: Any) -> dict[str, Any]:
    """The probe's fields as a plain dict (MediaInfo is a dataclass or a named tuple)."""
    if dataclasses.is_dataclass(info):
        return dataclasses.asdict(info)
    if hasattr(info, "_asdict"):
        return dict(info._asdict())
    return dict(vars(info))
