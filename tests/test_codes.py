"""One table of codes: the client's exceptions and the engine's answers both follow protocol.Code."""

from __future__ import annotations

import pytest

import musicmaker_nb as mm
from musicmaker_nb.client import _exceptions
from musicmaker_nb.engine._errors import EngineError, error_body, http_status
from musicmaker_nb.protocol import Code


@pytest.mark.parametrize("code", [code for code in Code if code.exception])
def test_every_code_names_a_client_exception_that_carries_it(code: Code) -> None:
    cls = getattr(_exceptions, code.exception)
    assert issubclass(cls, mm.APIError)
    error = _exceptions.make_api_error(int(code), "boom", status_code=code.http_status)
    assert type(error) is cls and error.code == code
    assert cls is mm.ServerError or cls.code == code  # a class of its own is the class of one code


@pytest.mark.parametrize("code", list(Code))
def test_the_engine_answers_each_code_with_its_status(code: Code) -> None:
    assert http_status(code) == code.http_status
    assert error_body(code, "why") == {"code": int(code), "message": "why", "data": None}


def test_an_unknown_code_is_a_server_error_on_both_sides() -> None:
    assert Code.known(4242) is None
    assert http_status(4242) == 500 and error_body(4242, "x")["code"] == 500
    assert type(_exceptions.make_api_error(4242, "x")) is mm.ServerError


def test_codes_travel_as_plain_integers() -> None:
    assert str(EngineError(Code.SESSION_NOT_FOUND, "gone")) == "[1002] gone"
    assert f"{Code.FILE_TOO_LARGE}" == "4002" and Code(4002) is Code.FILE_TOO_LARGE
