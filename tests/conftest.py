from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    """Every test gets its own data directory and no token or backend from the developer's shell."""
    monkeypatch.setenv("MUSICMAKER_HOME", str(tmp_path_factory.mktemp("musicmaker_home")))
    monkeypatch.delenv("NEMO_TOKEN", raising=False)
    monkeypatch.delenv("MUSICMAKER_BASE_URL", raising=False)


@pytest.fixture
def anyio_backend():
    return "asyncio"
