from __future__ import annotations

import ipywidgets
import pytest

import musicmaker_nb as mm
from tests.fakes import FakeService, add_bgm


@pytest.fixture
def service() -> FakeService:
    return FakeService(edit=add_bgm, render_steps=3)


@pytest.fixture
def session(service):
    session = mm.connect(base_url="https://musicmaker.test", transport=service.transport(), poll_interval_s=0.001)
    yield session
    session.close()
    ipywidgets.Widget.close_all()


@pytest.fixture
def clip(tmp_path):
    """A file the fake service accepts as a video (it never decodes it)."""
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(2000))
    return path


def values_of(widget, name: str = "value") -> list:
    """Every value a trait takes from now on, as the browser would see them."""
    seen: list = []
    widget.observe(lambda change: seen.append(change["new"]), names=name)
    return seen
