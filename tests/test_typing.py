"""The blocking facade as type checkers and editors see it: each method and property of the async
classes has a written-out sync twin with the same parameters, return type and docstring, and a
user's script passes ``mypy --strict``."""

from __future__ import annotations

import asyncio
import inspect
import re
import subprocess
import sys
import textwrap
from typing import Any, Callable, Iterator

import httpx
import pytest

import musicmaker_nb as mm
from musicmaker_nb import AsyncMusicMaker, AsyncSession, MusicMaker, Session, SessionInfo
from musicmaker_nb.client._records import RecordBook

PAIRS = [(AsyncMusicMaker, MusicMaker), (AsyncSession, Session)]

# Deliberate differences, each with its reason; anything else missing or different is drift.
NOT_MIRRORED = {
    "AsyncMusicMaker.aclose": "the blocking twin is close()",
    "AsyncSession.aclose": "the blocking twin is close()",
    "AsyncSession.create": "a blocking session is opened with connect(), which also picks the backend",
    "AsyncSession.resume": "Session.resume is musicmaker_nb.resume: it takes connect()'s arguments, not a client",
}
OWN_SIGNATURE = {
    "AsyncSession.__init__": "a Session wraps an AsyncSession (and the embedded engine that serves it)",
}
OWN_ATTRIBUTE = {
    "AsyncSession.client": "Session.client is the blocking MusicMaker around the async session's client",
}

# What a blocking call returns instead: the awaited value, or a plain iterator of the same items.
_BLOCKING_RETURNS = [
    (re.compile(r"Awaitable\[(.+)\]"), r"\1"),
    (re.compile(r"Coroutine\[Any, Any, (.+)\]"), r"\1"),
    (re.compile(r"Async(?:Iterator|Iterable)\[(.+)\]"), r"Iterator[\1]"),
    (re.compile(r"AsyncGenerator\[(.+), None\]"), r"Iterator[\1]"),
]


def _blocking_return(annotation: str) -> str:
    for pattern, blocking in _BLOCKING_RETURNS:
        match = pattern.fullmatch(annotation)
        if match:
            return match.expand(blocking)
    return annotation


def _text(annotation: Any) -> str:
    # Both sides use ``from __future__ import annotations``: compare what was written.
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _members(cls: type) -> Iterator[tuple[str, Any]]:
    """``__init__`` and the public methods and properties, as written in the class."""
    for name, member in inspect.getmembers_static(cls):
        if (name == "__init__" or not name.startswith("_")) and name in vars(cls):
            yield name, member


def _function(member: Any) -> Any:
    return member.fget if isinstance(member, property) else getattr(member, "__func__", member)


def _doc(function: Callable[..., Any]) -> str | None:
    return inspect.cleandoc(function.__doc__) if function.__doc__ else None


def _parameters(function: Callable[..., Any]) -> list[tuple[str, Any, Any, str]]:
    return [(p.name, p.kind, p.default, _text(p.annotation)) for p in inspect.signature(function).parameters.values()]


def _mirrored() -> list[Any]:
    cases = []
    for async_cls, sync_cls in PAIRS:
        for name, member in _members(async_cls):
            key = f"{async_cls.__name__}.{name}"
            if key not in NOT_MIRRORED:
                cases.append(pytest.param(key, member, inspect.getattr_static(sync_cls, name, None), id=key))
    return cases


def test_the_comparison_sees_the_api():
    compared = {case.values[0] for case in _mirrored()}
    assert {"AsyncMusicMaker.__init__", "AsyncMusicMaker.token", "AsyncMusicMaker.stream", "AsyncSession.say",
            "AsyncSession.timeline", "AsyncSession.export"} <= compared
    existing = {f"{cls.__name__}.{name}" for cls, _ in PAIRS for name, _ in _members(cls)}
    assert set(NOT_MIRRORED) | set(OWN_SIGNATURE) <= existing, "an exception names nothing"


def test_blocking_returns_unwrap_async_types():
    assert _blocking_return("AsyncIterator[StreamItem]") == "Iterator[StreamItem]"
    assert _blocking_return("Coroutine[Any, Any, list[Media]]") == "list[Media]"
    assert _blocking_return("Awaitable[Path]") == "Path"
    assert _blocking_return("Reply") == "Reply"


@pytest.mark.parametrize("key, async_member, sync_member", _mirrored())
def test_the_sync_twin_matches(key, async_member, sync_member):
    assert sync_member is not None, f"{key} has no blocking twin"
    assert type(sync_member) is type(async_member), f"{key}: {type(sync_member).__name__} here"
    async_function, sync_function = _function(async_member), _function(sync_member)
    assert not inspect.iscoroutinefunction(sync_function) and not inspect.isasyncgenfunction(sync_function), key
    assert _doc(sync_function) == _doc(async_function), f"{key}: docstring drifted"
    if key in OWN_SIGNATURE:
        return
    assert _parameters(sync_function) == _parameters(async_function), f"{key}: parameters drifted"
    expected = _blocking_return(_text(inspect.signature(async_function).return_annotation))
    assert _text(inspect.signature(sync_function).return_annotation) == expected, f"{key}: return type drifted"


@pytest.fixture
def async_session(tmp_path):
    client = AsyncMusicMaker("https://api.test", transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    yield AsyncSession(client, SessionInfo("s-1", "t-1"), backend="test", records=RecordBook(tmp_path / "s.json"))
    asyncio.run(client.aclose())


def test_the_async_objects_attributes_are_read_through(async_session):
    session = Session(async_session)
    for async_object, sync_object in ((async_session.client, session.client), (async_session, session)):
        names = [name for name in vars(async_object) if not name.startswith("_")]
        assert names, "nothing to compare"
        for name in names:
            key = f"{type(async_object).__name__}.{name}"
            if key in OWN_ATTRIBUTE:
                continue
            assert isinstance(inspect.getattr_static(type(sync_object), name, None), property), key
            assert getattr(sync_object, name) is getattr(async_object, name), key
    assert session.client.aio is async_session.client


def test_session_resume_is_written_on_the_class():
    assert isinstance(vars(Session)["resume"], staticmethod)
    assert Session.resume.__module__ == Session.__module__, "patched in from another module"
    assert mm.resume is Session.resume


def test_importing_the_package_loads_no_widgets():
    code = "import sys, musicmaker_nb; print(sorted(m for m in sys.modules if 'widgets' in m))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


USER_SCRIPT = """
from pathlib import Path

import musicmaker_nb as mm
import musicmaker_nb.widgets

# Returning from functions with declared types: mypy --strict fails if any of these were Any.


def say(session: mm.Session) -> mm.Reply:
    return session.say("calm piano")


def export(session: mm.Session) -> Path:
    return session.export("out.mp4")


def app(session: mm.Session) -> mm.widgets.MusicMakerApp:
    return session.app()


def reopen() -> mm.Session:
    return mm.Session.resume()


def blocking() -> None:
    session = mm.connect()
    reply = say(session)
    print(reply.text, session.summary(), session.session_id, session.draft)
    table = session.timeline
    print(len(table))
    path = export(session)
    print(path.name)
    panel = mm.widgets.MusicMakerApp(session)
    print(app(session), panel, reopen())
    for item in session.client.stream(session.session_id, "hello"):
        print(item)
    session.close()


async def main() -> None:
    s = await mm.aconnect()
    reply: mm.Reply = await s.say("x")
    path: Path = await s.export("o.mp4")
    print(reply, path)
    await s.aclose()
"""


def test_a_users_script_passes_mypy_strict(tmp_path):
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent(USER_SCRIPT))
    # Run where a user would, outside the checkout: mypy finds the installed package through
    # py.typed. follow-imports=silent judges the script only, not the package's own strictness.
    command = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
               "--cache-dir", str(tmp_path / "mypy_cache"), str(script)]
    result = subprocess.run(command, check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
