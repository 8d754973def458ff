from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# pretty_midi's bank, found without importing it: the music tests must sound the same whatever
# SoundFonts the machine has installed (the search for the best one is tested on its own).
_BUNDLED_SOUNDFONT = Path(importlib.util.find_spec("pretty_midi").origin).with_name("TimGM6mb.sf2")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    """Every test gets its own data directory, the bundled SoundFont and no token, backend or
    language model from the developer's shell."""
    monkeypatch.setenv("MUSICMAKER_HOME", str(tmp_path_factory.mktemp("musicmaker_home")))
    monkeypatch.setenv("MUSICMAKER_SOUNDFONT", str(_BUNDLED_SOUNDFONT))
    monkeypatch.delenv("NEMO_TOKEN", raising=False)
    monkeypatch.delenv("MUSICMAKER_BASE_URL", raising=False)
    for name in ("MUSICMAKER_LLM_BASE_URL", "MUSICMAKER_LLM_MODEL", "MUSICMAKER_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)  # a language model only where a test names one


@pytest.fixture
def anyio_backend():
    return "asyncio"
