"""The prompt panel: a text area, Generate, example prompts, and the streamed conversation."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any, Awaitable, Callable

import ipywidgets as w

from ..client._intent import Action, route, translate_gui
from ..client._sync import Session
from ._log import ConversationLog
from ._tasks import Activity

__all__ = ["PromptPanel", "EXAMPLE_PROMPTS"]

EXAMPLE_PROMPTS = (
    "create an upbeat background track for my travel video",
    "make calm lo-fi music",
    "compose an epic cinematic score that builds to the end",
    "add the title 'Summer Trip'",
)

FollowUp = Callable[[Any], Awaitable[None] | None]


class PromptPanel(w.VBox):
    """Say what you want; the backend's text streams into the log as it arrives."""

    def __init__(self, session: Session, *, activity: Activity | None = None,
                 examples: tuple[str, ...] = EXAMPLE_PROMPTS, heartbeat_notice_s: float = 3.0) -> None:
        self.session = session
        self.heartbeat_notice_s = heartbeat_notice_s  # silence before "still working" shows
        self.activity = activity or Activity(session)
        self.conversation = ConversationLog(translate=lambda text: translate_gui(text)[0])
        self.text = w.Textarea(placeholder="What music do you want? e.g. " + examples[0],
                               layout=w.Layout(width="auto", height="4em"))
        self.generate_button = w.Button(description="Generate", button_style="primary", icon="music")
        self.example_buttons = [_suggestion(prompt) for prompt in examples]
        self.log_view = w.HTML(self.conversation.to_html())
        self.follow_ups: list[FollowUp] = []
        # Set by the app: "export" typed here goes to the Export panel (progress bar, link).
        self.export_handler: Callable[[], Future[Any] | None] | None = None
        self.activity.add_controls([self.generate_button, *self.example_buttons])
        self.generate_button.on_click(lambda _: self.generate())
        for button, prompt in zip(self.example_buttons, examples):
            button.on_click(lambda _, prompt=prompt: setattr(self.text, "value", prompt))
        super().__init__([w.HTML("<b>Prompt</b>"), self.text,
                          w.HBox([self.generate_button, *self.example_buttons],
                                 layout=w.Layout(flex_flow="row wrap")),
                          self.log_view])
        self.add_class("mm-prompt")

    def __repr__(self) -> str:
        return f"<PromptPanel turns={len(self.conversation.entries)}>"

    def after_reply(self, follow_up: FollowUp) -> None:
        """Run ``follow_up(reply)`` (plain or async) after each reply, inside the same job."""
        self.follow_ups.append(follow_up)

    def generate(self, text: str | None = None) -> Future[Any] | None:
        """Send ``text`` (default: the text area) and stream the answer into the log."""
        message = (self.text.value if text is None else text).strip()
        if not message:
            return self._error("Type what you want first, or click an example.")
        if self.export_handler is not None and route(message) is Action.EXPORT:
            self.conversation.user(message)
            self.conversation.note("Exporting: the Export panel shows the progress and then the download link.")
            self._show()
            return self.export_handler()

        def start() -> None:
            self.conversation.user(message)
            self.conversation.start_reply()
            self._show()

        async def job() -> Any:
            reply = await self.session.aio.say(message, on_text=self._on_text, on_heartbeat=self._on_heartbeat,
                                               heartbeat_notice_s=self.heartbeat_notice_s)
            self.conversation.finish(reply.text)
            self._show()
            for follow_up in self.follow_ups:
                result = follow_up(reply)
                if result is not None:
                    await result
            return reply

        return self.activity.run("working on your request", job, self._error, on_busy=self._note, on_start=start)

    def _on_text(self, chunk: str) -> None:
        self.conversation.stream(chunk)
        self._show()

    def _on_heartbeat(self) -> None:
        self.conversation.heartbeat()
        self._show()

    def _error(self, text: str) -> None:
        self.conversation.error(text)
        self._show()

    def _note(self, text: str) -> None:
        self.conversation.note(text)  # leaves a reply that is still streaming as it is
        self._show()

    def _show(self) -> None:
        self.log_view.value = self.conversation.to_html()


def _suggestion(prompt: str) -> w.Button:
    """A button with the whole prompt on it (the app's style wraps a long one), and as its tooltip."""
    button = w.Button(description=prompt, tooltip=f"Click to put this prompt in the box above: {prompt}",
                      layout=w.Layout(width="auto", height="auto", max_width="100%"))
    button.add_class("mm-suggestion")
    return button
