import pytest

from musicmaker_nb import (
    AuthenticationError,
    FileTooLargeError,
    InsufficientCreditsError,
    MissingClientIdError,
    PlanRestrictedError,
    RateLimitError,
    ServerError,
    SessionNotFoundError,
    UnsupportedFileTypeError,
    __version__,
)
from musicmaker_nb.client._wire import (
    RetryStep,
    attribution_headers,
    decide_retry,
    decode_answer,
    detect_platform,
    new_render_id,
    parse_retry_after,
)


@pytest.mark.parametrize(
    "path, platform",
    [
        ("/home/u/.clawhub/skills/musicmaker_nb/_protocol.py", "clawhub"),
        ("/Users/u/.cursor/extensions/musicmaker_nb/_protocol.py", "cursor"),
        ("/usr/lib/python3/site-packages/musicmaker_nb/_protocol.py", "unknown"),
    ],
)
def test_platform_from_install_path(path, platform):
    assert detect_platform(path) == platform


def test_attribution_headers():
    assert attribution_headers("cursor") == {
        "X-Skill-Source": "music-maker", "X-Skill-Version": __version__, "X-Skill-Platform": "cursor"}


@pytest.mark.parametrize(
    "code, cls",
    [
        (1001, AuthenticationError),
        (1002, SessionNotFoundError),
        (2001, InsufficientCreditsError),
        (4001, UnsupportedFileTypeError),
        (4002, FileTooLargeError),
        (400, MissingClientIdError),
        (402, PlanRestrictedError),
        (429, RateLimitError),
        (5005, ServerError),
    ],
)
def test_each_code_in_a_200_envelope_becomes_its_exception(code, cls):
    with pytest.raises(cls) as info:
        decode_answer(200, b'{"code": %d, "message": "nope"}' % code, {}, client_id="cid")
    assert info.value.code == code
    assert "nope" in str(info.value)


def test_http_status_without_envelope_uses_the_status():
    with pytest.raises(RateLimitError) as info:
        decode_answer(429, b"", {"retry-after": "7"})
    assert info.value.retry_after == 7
    with pytest.raises(ServerError, match="Bad Gateway"):
        decode_answer(502, b"<html>", {})


def test_success_with_and_without_envelope():
    assert decode_answer(200, b'{"code": 0, "data": {"a": 1}}', {}) == {"a": 1}
    assert decode_answer(200, b'{"a": 1}', {}) == {"a": 1}
    assert decode_answer(200, b"", {}) == {}
    with pytest.raises(ServerError, match="not JSON"):
        decode_answer(200, b"<html>", {})


def test_messages_tell_people_what_to_do():
    with pytest.raises(InsufficientCreditsError) as info:
        decode_answer(200, b'{"code": 2001, "message": "no credits"}', {}, client_id="abc")
    assert "?bind=abc" in str(info.value)
    with pytest.raises(UnsupportedFileTypeError, match="mp4, mov"):
        decode_answer(415, b'{"code": 4001}', {})
    with pytest.raises(FileTooLargeError, match="200 MB"):
        decode_answer(413, b'{"code": 4002}', {})
    with pytest.raises(PlanRestrictedError, match="not a lack of credits"):
        decode_answer(402, b'{"code": 402}', {})


def test_retry_after_forms():
    assert parse_retry_after("12") == 12
    assert parse_retry_after("100000") == 120  # capped
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == pytest.approx(10)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_rules_each_recoverable_error_once():
    expired = AuthenticationError("x")
    assert decide_retry(expired, 0, token_from_user=False).step is RetryStep.NEW_TOKEN
    assert decide_retry(expired, 0, token_from_user=True) is None  # the person's own token: tell them
    assert decide_retry(expired, 1, token_from_user=False) is None
    assert decide_retry(MissingClientIdError("x"), 0, token_from_user=True).step is RetryStep.NEW_CLIENT_ID
    wait = decide_retry(RateLimitError("x"), 0, token_from_user=False, rate_limit_wait_s=30)
    assert (wait.step, wait.delay_s) == (RetryStep.WAIT, 30)
    assert decide_retry(RateLimitError("x", retry_after=3), 0, token_from_user=False).delay_s == 3
    for error in (SessionNotFoundError("x"), InsufficientCreditsError("x"), PlanRestrictedError("x")):
        assert decide_retry(error, 0, token_from_user=False) is None


def test_render_ids_are_unique_and_shaped_like_the_seed():
    ids = {new_render_id(now=1700000000) for _ in range(100)}
    assert len(ids) == 100
    assert all(i.startswith("render_1700000000000_") for i in ids)
