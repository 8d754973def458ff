"""A 200 MB upload is streamed: the client never holds the file in memory."""

import tracemalloc

import pytest

from musicmaker_nb import AsyncMusicMaker, MAX_UPLOAD_BYTES
from tests.fakes import FakeService

pytestmark = pytest.mark.anyio


async def test_200_mb_upload_is_streamed_with_small_memory(tmp_path):
    big = tmp_path / "big.mp4"
    with big.open("wb") as out:  # sparse: instant to make, takes no disk
        out.write(b"\x00\x00\x00\x18ftypmp42")
        out.truncate(MAX_UPLOAD_BYTES)
    service = FakeService()
    async with AsyncMusicMaker("https://api.test", transport=service.streaming_transport()) as client:
        session = await client.create_session()
        tracemalloc.start()
        try:
            [media] = await client.upload(session.session_id, big)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert media.name == "big.mp4"
    assert service.uploaded_bytes > MAX_UPLOAD_BYTES  # the whole file (plus multipart framing) went out
    assert peak < 50 * 1024 * 1024, f"peak memory during upload: {peak / 1e6:.0f} MB"
