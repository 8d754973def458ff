"""The corpus's own guard: the witness notices what it is there to notice."""

from __future__ import annotations

import pytest

from .conftest import Witness


def test_the_witness_notices_lost_data(witness_engine: Witness) -> None:
    witness_engine.caller.say("remove the music")
    with pytest.raises(AssertionError):
        witness_engine.check()
    witness_engine.caller.say("undo")
    witness_engine.check()
