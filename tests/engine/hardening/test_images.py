"""Pixel bombs: small files that declare huge pictures are refused (422, naming the limit) from
their headers, before anything decodes them; pictures within the limit still go in."""

from __future__ import annotations

import pathlib
import struct
import subprocess
import sys
import zlib
from typing import Any

import pytest

from musicmaker_nb.engine.media._probe import MAX_PIXELS, TooManyPixelsError, pixels_refused, probe

from ..conftest import ffmpeg, package_env
from .conftest import ExpectCode


def png(path: pathlib.Path, width: int, height: int, *, whole: bool = True) -> pathlib.Path:
    """A black RGB PNG of ``width`` x ``height``, written in rows (small: zeros compress well); with
    ``whole=False`` only its header says so and its data is one row."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer, row = zlib.compressobj(9), b"\x00" * (1 + 3 * width)
    data = b"".join(packer.compress(row) for _ in range(height if whole else 1)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pathlib.Path]:
    """Huge pictures in small files: real encodings (one colour compresses well) and a forged header."""
    folder = tmp_path_factory.mktemp("bombs")
    made = {"huge.png": png(folder / "huge.png", 16000, 16000),  # the issue's: 768 MB once decoded
            "forged.png": png(folder / "forged.png", 100_000, 100_000, whole=False)}
    for name, size in (("wide.jpg", "12000x5000"), ("big.gif", "8000x8000")):
        ffmpeg("-f", "lavfi", "-i", f"color=c=black:size={size}", "-frames:v", "1", str(folder / name))
        made[name] = folder / name
    ffmpeg("-f", "lavfi", "-i", "color=c=black:size=8000x8000:rate=2:duration=1", "-c:v", "mjpeg", str(folder / "frames.avi"))
    made["frames.avi"] = folder / "frames.avi"
    return made


@pytest.mark.parametrize("name", ["huge.png", "forged.png", "wide.jpg", "big.gif", "frames.avi"])
def test_a_picture_over_50_megapixels_is_422(attacker: Any, expect: ExpectCode, bombs: dict[str, pathlib.Path],
                                             name: str) -> None:
    message = expect(attacker.upload(bombs[name]), 422, 422)
    assert "at most 50 megapixels" in message
    assert attacker.state()["video_infos"] == []


def test_the_bomb_is_not_decoded(bombs: dict[str, pathlib.Path]) -> None:
    """Probing the 16000x16000 PNG in a child: its ffmpeg stays small. Decoded, it takes 768 MB; the
    child's own size before ffmpeg replaces it counts too, so the bound is loose."""
    script = ("import resource, sys\n"
              "from musicmaker_nb.engine.media._probe import probe, TooManyPixelsError\n"
              "try:\n    probe(sys.argv[1])\nexcept TooManyPixelsError:\n    pass\n"
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", script, str(bombs["huge.png"])], capture_output=True, text=True,
                          env=package_env(), timeout=120, check=True)
    assert int(done.stdout.split()[-1]) < 400 * 1024, done.stdout  # kB


def test_the_refusal_names_the_size(bombs: dict[str, pathlib.Path]) -> None:
    with pytest.raises(TooManyPixelsError) as refused:
        probe(bombs["forged.png"])
    assert (refused.value.width, refused.value.height) == (100_000, 100_000) and refused.value.code == 422
    assert pixels_refused("[png] Picture size 16000x16000 exceeds specified max pixel count 50000000") == (16000, 16000)


@pytest.mark.slow
def test_pictures_at_the_limit(tmp_path: pathlib.Path) -> None:
    """7071x7071 is 49,999,041 pixels: in, although ffmpeg pads its rows to 7104 while decoding.
    7072x7072 is 50,013,184: out."""
    info = probe(png(tmp_path / "inside.png", 7071, 7071))
    assert (info.kind, info.width, info.height) == ("image", 7071, 7071) and 7071 * 7071 <= MAX_PIXELS
    with pytest.raises(TooManyPixelsError):
        probe(png(tmp_path / "outside.png", 7072, 7072))
