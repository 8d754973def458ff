"""A kernel-side comm that hands what a widget sends to the test, through ``comm.create_comm``:
the hook the ``comm`` package provides for kernels to replace (ipykernel does the same)."""

from __future__ import annotations

from typing import Any, Callable

import comm
from comm import DummyComm

Sink = Callable[[dict[str, Any], list[Any]], None]


class RecordingComm(DummyComm):
    """Passes each custom message (content, buffers) a widget sends to ``sink``."""

    sink: Sink | None = None

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None,
                    **keys: Any) -> None:
        if self.sink is not None and msg_type == "comm_msg" and (data or {}).get("method") == "custom":
            self.sink(data["content"], list(buffers or []))


def use_recording_comms(monkeypatch: Any, sink: Sink) -> None:
    """From now on (for this test) widgets get comms that pass what they send to ``sink``."""
    monkeypatch.setattr(comm, "create_comm", RecordingComm)
    monkeypatch.setattr(RecordingComm, "sink", staticmethod(sink))


def page_asks(widget: Any, content: dict[str, Any]) -> None:
    """What the browser's ``model.send(content)`` becomes in the kernel."""
    widget.comm.handle_msg({"content": {"comm_id": widget.comm.comm_id,
                                        "data": {"method": "custom", "content": content}}, "buffers": []})
