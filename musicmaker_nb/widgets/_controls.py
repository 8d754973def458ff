"""Controls for the music's plan, and undo / redo: each sends the words the chat would.

A control never edits the draft itself: it says what a person would type ("change the style
to jazz", "set the tempo to 100 BPM") through ``session.aio.say``, so it works against the
hosted service's agent as well as against the embedded engine. The words are built by the
pure :func:`control_message`; the choice lists are static (widgets know nothing of the
engine) and the tests check each one against the embedded engine's understanding.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any, Awaitable, Callable, Iterable, Mapping, Sequence

import ipywidgets as w

from ..client._sync import Session
from ..protocol import Draft
from ._log import ConversationLog
from ._tasks import Activity

__all__ = [
    "PlanControls",
    "HistoryButtons",
    "control_message",
    "plan_of",
    "frame_of",
    "STYLE_CHOICES",
    "MOOD_CHOICES",
    "KEY_CHOICES",
    "INSTRUMENT_CHOICES",
    "FRAME_CHOICES",
    "FIT_CHOICES",
    "TEMPO_RANGE",
    "spoken_instrument",
    "changeable_part",
    "shared_name",
]

# (shown, the plan's name for it, the words that ask for it)
STYLE_CHOICES: tuple[tuple[str, str, str], ...] = (
    ("Pop", "pop", "pop"),
    ("Indie pop", "indie_pop", "indie pop"),
    ("Rock", "rock", "rock"),
    ("Indie rock", "indie_rock", "indie rock"),
    ("Metal", "metal", "metal"),
    ("Punk", "punk", "punk"),
    ("Lo-fi hip hop", "lofi", "lo-fi hip hop"),
    ("Hip hop", "hiphop", "hip hop"),
    ("Trap", "trap", "trap"),
    ("R&B / soul", "soul", "R&B"),
    ("Funk", "funk", "funk"),
    ("Disco", "disco", "disco"),
    ("Jazz", "jazz", "jazz"),
    ("Blues", "blues", "blues"),
    ("EDM", "edm", "EDM"),
    ("House", "house", "house"),
    ("Deep house", "deep_house", "deep house"),
    ("Techno", "techno", "techno"),
    ("Drum and bass", "drum_and_bass", "drum and bass"),
    ("Synthwave", "synthwave", "synthwave"),
    ("Chiptune", "chiptune", "chiptune"),
    ("Ambient", "ambient", "ambient"),
    ("Cinematic orchestral", "orchestral", "cinematic orchestral"),
    ("Epic trailer", "trailer", "epic trailer"),
    ("Classical piano", "classical_piano", "classical piano"),
    ("Classical strings", "classical_strings", "classical strings"),
    ("Solo piano", "piano", "solo piano"),
    ("Acoustic", "acoustic", "acoustic"),
    ("Folk", "folk", "folk"),
    ("Country", "country", "country"),
    ("Reggae", "reggae", "reggae"),
    ("Latin", "latin", "latin"),
    ("Bossa nova", "bossa_nova", "bossa nova"),
    ("Corporate", "corporate", "corporate"),
    ("Lullaby", "lullaby", "lullaby"),
    ("Children's music", "kids", "children's music"),
)
MOOD_CHOICES: tuple[str, ...] = (
    "happy", "calm", "chill", "energetic", "epic", "inspiring", "hopeful", "romantic", "dreamy", "nostalgic",
    "playful", "groovy", "cool", "sad", "melancholic", "dark", "mysterious", "tense", "dramatic", "spooky",
    "sleepy", "festive", "triumphant", "elegant",
)
KEY_CHOICES: tuple[str, ...] = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MODE_CHOICES: tuple[str, ...] = ("major", "minor")
# What a part can be changed to: names the agent reads as themselves.
INSTRUMENT_CHOICES: tuple[str, ...] = (
    "piano", "electric piano", "organ", "acoustic guitar", "nylon guitar", "clean guitar", "jazz guitar",
    "distortion guitar", "banjo", "mandolin", "harp", "strings", "pizzicato strings", "violin", "cello", "choir",
    "flute", "clarinet", "oboe", "saxophone", "trumpet", "trombone", "french horn", "brass", "tuba",
    "synth lead", "synth pad", "saw synth", "bass", "acoustic bass", "slap bass", "synth bass", "808 bass",
    "marimba", "vibraphone", "glockenspiel", "celesta", "xylophone", "kalimba", "steel drums",
    "accordion", "harmonica", "sitar", "koto", "erhu", "pan flute", "recorder", "tin whistle", "ocarina", "bagpipe",
)
# How the embedded agent reads the instrument names a plan may hold that are no words of their
# own ("warm pad" is a synth pad to it); None: it cannot name that part at all. The tests keep
# this in step with the engine's vocabulary.
_READ_AS: dict[str, str | None] = {
    "bright piano": "piano", "fm piano": "piano", "rock organ": "organ",
    "muted guitar": "acoustic guitar", "overdriven guitar": "acoustic guitar", "picked bass": "bass",
    "slow strings": "strings",
    "warm pad": "synth pad", "choir pad": "synth pad", "bowed pad": "synth pad", "halo pad": "synth pad",
    "sweep pad": "synth pad", "atmosphere": "synth pad", "brightness": "synth pad", "square lead": "synth lead",
    "crystal": "synth lead",
    "orchestra hit": None, "tenor saxophone": None, "synth brass": "synth lead",
    "music box": None,  # "change the music box to ..." reads as a request for other music
}
FRAME_CHOICES: tuple[tuple[str, str], ...] = (("16:9 landscape", "16:9"), ("9:16 vertical", "9:16"),
                                              ("1:1 square", "1:1"))
# (shown, the draft's m.fit ("motion": fill with m.focus motion), the words that ask for it)
FIT_CHOICES: tuple[tuple[str, str, str], ...] = (
    ("fill the frame (crop)", "fill", "and fill the frame"),
    ("fill, following the action", "motion", "and fill the frame following the action"),
    ("blurred background", "blur", "with a blurred background"),
    ("letterbox", "letterbox", "with letterbox bars"),
)
DEFAULT_FIT = "letterbox"
TEMPO_RANGE = (40, 240)  # the BPM the agent accepts
_ROLE_NAMES = {"melody": "Melody", "chords": "Chords", "bass": "Bass", "pad": "Pad", "arp": "Arpeggio",
               "timpani": "Timpani"}
_FRAME_SHAPES = {"16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1.0}


# Parts the agent takes by their own name, whatever plays them ("play the melody on a flute"): a
# control changes these without naming the instrument they play now.
_PART_WORDS = {"melody": "melody", "chords": "chords", "pad": "pad", "arp": "arpeggio"}


def spoken_instrument(name: str) -> str | None:
    """The words that name a part playing ``name`` to the agent; None when none do."""
    return _READ_AS.get(name, name)


def shared_name(role: str, instruments: Mapping[str, str]) -> str | None:
    """The words for ``role``'s instrument when another part answers to them too (the agent
    would change that part, or both); None when they name ``role``'s part alone."""
    words = spoken_instrument(instruments.get(role, ""))
    others = [name for other, name in instruments.items() if other != role]
    return words if words and any(words in (name, spoken_instrument(name)) for name in others) else None


def control_message(name: str, value: Any, *, current: Any = None, role: str | None = None) -> str:
    """What a person would type for a control's new ``value``; ``current`` is what the part
    plays now and ``role`` the part (for ``instrument``). Raises ValueError for what no words can
    ask for."""
    if name not in _MESSAGES:
        raise ValueError(f"no control is called {name!r}; the controls are {', '.join(_MESSAGES)}")
    if name == "instrument":
        return _instrument_message(str(current), str(value), role)
    return _MESSAGES[name](value, current)


def changeable_part(role: str, instrument: str) -> bool:
    """Whether a control can change what ``role`` plays: a part the agent knows by name, or an
    instrument it can name."""
    return role in _PART_WORDS or spoken_instrument(instrument) is not None


def _style_words(style: str) -> str:
    return next((said for _, key, said in STYLE_CHOICES if key == style), str(style).replace("_", " "))


def _frame_message(aspect: str, fit: str | None) -> str:
    words = next((said for _, key, said in FIT_CHOICES if key == fit), "")
    return f"make it {aspect} {words}".strip()


def _instrument_message(current: str, new: str, role: str | None = None) -> str:
    if role in _PART_WORDS:
        if current == new:
            raise ValueError(f"that part already plays {current}")
        # "strings", "steel drums", "brass", "choir": no article
        article = "" if new.endswith("s") or new in ("brass", "choir") else "an " if new[0] in "aeiou" else "a "
        return f"play the {_PART_WORDS[role]} on {article}{new}"
    old = spoken_instrument(current)
    if old is None:
        raise ValueError(f"the {current} cannot be changed by name; say what should play instead in the prompt")
    if old == new or current == new:
        raise ValueError(f"that part already plays {current}")
    return f"change the {old} to {new}"


def _another_message(plan: Mapping[str, Any]) -> str:
    """A new take of the music as it is now: its mood, style, tempo and key said again, since
    "try another version" alone would take the first prompt's words (before any edit)."""
    style = plan.get("style")
    if not style:
        return "try another version"
    parts = [f"try another take of {plan.get('mood') or ''} {_style_words(style)}".replace("  ", " ")]
    if plan.get("tempo_bpm"):
        parts.append(f"at {round(float(plan['tempo_bpm']))} BPM")
    if plan.get("key") and plan.get("mode"):
        parts.append(f"in {plan['key']} {plan['mode']}")
    return " ".join(parts)


_MESSAGES: dict[str, Callable[[Any, Any], str]] = {
    "style": lambda style, _: f"change the style to {_style_words(style)}",
    "mood": lambda mood, _: f"change the mood to {mood}",
    "tempo": lambda bpm, _: f"set the tempo to {round(float(bpm))} BPM",
    "key": lambda key, _: f"change the key to {key[0]} {key[1]}",
    "instrument": lambda instrument, current: _instrument_message(str(current), str(instrument)),
    "energy": lambda direction, _: {"up": "more energy", "down": "less energy"}[direction],
    "drums": lambda wanted, _: "add drums" if wanted else "remove the drums",
    "another": lambda plan, _: _another_message(plan or {}),
    "frame": lambda frame, _: _frame_message(*frame),
}


# -- reading the session ----------------------------------------------------------------------
_PLAN_KEYS = ("style", "mood", "tempo_bpm", "key", "mode", "instruments", "level", "seed")


def plan_of(draft: Draft | None, generated_media: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any] | None:
    """The plan of the music on the timeline: its first music segment's ``m.plan``, completed by
    the generated medium it plays (the backend's full plan); None when there is no music."""
    index = draft.find_track("bgm") if draft is not None else None
    if draft is None or index is None or not draft.tracks[index].segments:
        return None
    segment = draft.tracks[index].segments[0]
    plan = dict((segment.meta or {}).get("plan") or {})
    played = next((item for item in generated_media if item.get("id") == segment.source_id), None)
    full = (played or {}).get("plan") or {}
    plan.update({key: full[key] for key in _PLAN_KEYS if full.get(key) is not None})
    key = str(plan.get("key") or "")
    if " " in key and not plan.get("mode"):  # the segment says "D minor"; the full plan key and mode
        plan["key"], plan["mode"] = key.split(" ", 1)
    return plan


def frame_of(draft: Draft | None) -> tuple[str | None, str | None]:
    """The draft's frame ("16:9", "9:16", "1:1", or None for another size) and its fit (letterbox
    when the draft does not say: what every backend renders then)."""
    if draft is None:
        return None, None
    meta = draft.meta or {}
    fit = "motion" if meta.get("fit") == "fill" and meta.get("focus") == "motion" else meta.get("fit") or DEFAULT_FIT
    width, height = draft.width or 0, draft.height or 0
    ratio = width / height if width and height else 0
    aspect = next((name for name, shape in _FRAME_SHAPES.items() if abs(ratio - shape) < 0.01), None)
    return aspect, fit if isinstance(fit, str) else None


# -- saying it ----------------------------------------------------------------------------------
FollowUp = Callable[[Any], Awaitable[None] | None]


class _Talk:
    """Says a control's words as one job of the activity, with the reply in a conversation log."""

    def __init__(self, session: Session, activity: Activity, conversation: ConversationLog,
                 show: Callable[[], None]) -> None:
        self.session, self.activity = session, activity
        self.conversation, self.show = conversation, show
        self.follow_ups: list[FollowUp] = []
        self.after: list[Callable[[], None]] = []  # after each try, done or not (controls show the truth again)

    def say(self, words: str, call: Callable[[Callable[[str], None]], Awaitable[Any]] | None = None,
            label: str = "changing the music") -> Future[Any] | None:
        call = call or (lambda on_text: self.session.aio.say(words, on_text=on_text))

        def start() -> None:
            self.conversation.user(words)
            self.conversation.start_reply()
            self.show()

        async def job() -> Any:
            try:
                reply = await call(self._stream)
                self.conversation.finish(reply.text)
                self.show()
                for follow_up in self.follow_ups:
                    result = follow_up(reply)
                    if result is not None:
                        await result
                return reply
            finally:
                self._settled()

        started = self.activity.run(label, job, self._error, on_busy=self.note, on_start=start)
        if started is None:
            self._settled()
        return started

    def _stream(self, chunk: str) -> None:
        self.conversation.stream(chunk)
        self.show()

    def _error(self, text: str) -> None:
        self.conversation.error(text)
        self.show()

    def note(self, text: str) -> None:
        self.conversation.note(text)
        self.show()

    def _settled(self) -> None:
        for callback in self.after:
            callback()


class _Transcript:
    """Where a part writes its words and the replies: a conversation it is given (the prompt's),
    or its own, shown under it."""

    def __init__(self, conversation: ConversationLog | None, show: Callable[[], None] | None) -> None:
        self.view = w.HTML(layout=w.Layout(display="none" if conversation is not None else None))
        self.conversation = conversation or ConversationLog()
        self.show = show or (lambda: setattr(self.view, "value", self.conversation.to_html()))


def _row(children: Iterable[w.Widget]) -> w.HBox:
    return w.HBox(list(children), layout=w.Layout(flex_flow="row wrap", align_items="center"))


def _dropdown(description: str, options: Any, width: str = "200px") -> w.Dropdown:
    return w.Dropdown(options=options, value=None, description=description, style={"description_width": "initial"},
                      layout=w.Layout(width=width, max_width="100%"))


class PlanControls(w.VBox):
    """Style, mood, tempo, key, the instrument of each part, energy, another take, and the frame.

    Each change is said to the session as the chat would say it; the controls show the current
    plan and follow the session (``session.on_change``), whoever changed it. ``conversation`` and
    ``show``: a log to write the words and replies into (the app gives the prompt's); by
    default the controls show their own.
    """

    def __init__(self, session: Session, *, activity: Activity | None = None,
                 conversation: ConversationLog | None = None, show: Callable[[], None] | None = None) -> None:
        self.session = session
        self.activity = activity or Activity(session)
        self.transcript = _Transcript(conversation, show)
        self.talk = _Talk(session, self.activity, self.transcript.conversation, self.transcript.show)
        self.talk.after.append(self.refresh)
        self.plan: dict[str, Any] | None = None
        self._quiet = threading.local()  # set while the controls show the session: no edits sent then
        self.hint = w.HTML()
        self.style = _dropdown("Style", [(label, key) for label, key, _ in STYLE_CHOICES])
        self.mood = _dropdown("Mood", [(mood.capitalize(), mood) for mood in MOOD_CHOICES], "170px")
        self.tempo = w.IntSlider(value=100, min=TEMPO_RANGE[0], max=TEMPO_RANGE[1], description="Tempo (BPM)",
                                 continuous_update=False, style={"description_width": "initial"},
                                 layout=w.Layout(width="300px", max_width="100%"))
        self.key = _dropdown("Key", KEY_CHOICES, "110px")
        self.mode = _dropdown("", MODE_CHOICES, "90px")
        self.energy = w.HTML()
        self.less_energy = w.Button(description="less energy", icon="minus", layout=w.Layout(width="auto"))
        self.more_energy = w.Button(description="more energy", icon="plus", layout=w.Layout(width="auto"))
        self.another = w.Button(description="try another", icon="refresh", tooltip="a new take: same style, new seed",
                                layout=w.Layout(width="auto"))
        self.drums = w.Checkbox(description="drums", indent=False, layout=w.Layout(width="auto"))
        self.parts: dict[str, w.Dropdown] = {}
        self.parts_box = _row([])
        self.frame = _dropdown("Frame", FRAME_CHOICES, "190px")
        self.fit = _dropdown("Fit", [(label, key) for label, key, _ in FIT_CHOICES], "230px")
        self._wire()
        super().__init__([
            w.HTML("<b>Steer the music</b>"), self.hint,
            _row([self.style, self.mood]),
            _row([self.tempo, self.key, self.mode]),
            _row([self.energy, self.less_energy, self.more_energy, self.another]),
            self.parts_box,
            _row([self.frame, self.fit]),
            self.transcript.view,
        ])
        self.add_class("mm-controls")
        self._stop_following = session.on_change(lambda _: self.refresh())
        self.activity.on_change(lambda _: self._enable())
        self.refresh()

    def __repr__(self) -> str:
        plan = self.plan or {}
        return f"<PlanControls {plan.get('style', 'no music')} {plan.get('tempo_bpm', '')}>".replace(" >", ">")

    def after_reply(self, follow_up: FollowUp) -> None:
        """Run ``follow_up(reply)`` (plain or async) after each reply to a control, inside the job."""
        self.talk.follow_ups.append(follow_up)

    def send(self, name: str, value: Any, *, current: Any = None, role: str | None = None) -> Future[Any] | None:
        """Say what control ``name`` asks for ``value`` (as a click would)."""
        try:
            words = control_message(name, value, current=current, role=role)
        except ValueError as exc:
            self.talk.note(str(exc).capitalize() + ".")
            self.refresh()
            return None
        return self.talk.say(words, label="changing the frame" if name == "frame" else "changing the music")

    def close(self) -> None:
        getattr(self, "_stop_following", lambda: None)()  # closed before it was built: nothing to stop
        super().close()

    # -- showing the session -----------------------------------------------------------------
    def refresh(self) -> None:
        """Show the session's current plan and frame (sends nothing)."""
        session = self.session
        self.plan = plan_of(session.draft, session.generated_media)
        self._quiet.on = True
        try:
            self._show_plan(self.plan or {})
            self.frame.value, fit = frame_of(session.draft)
            self.fit.value = fit if fit in {key for _, key, _ in FIT_CHOICES} else None
        finally:
            self._quiet.on = False
        self._enable()

    def _show_plan(self, plan: Mapping[str, Any]) -> None:
        style = plan.get("style")
        if style and style not in {key for _, key, _ in STYLE_CHOICES}:  # a style the prompt chose
            self.style.options = [*[(label, key) for label, key, _ in STYLE_CHOICES],
                                  (str(style).replace("_", " ").capitalize(), style)]
        self.style.value = style or None
        mood = plan.get("mood")
        if mood and mood not in MOOD_CHOICES:
            self.mood.options = [*[(m.capitalize(), m) for m in MOOD_CHOICES], (str(mood).capitalize(), mood)]
        self.mood.value = mood or None
        if plan.get("tempo_bpm"):
            self.tempo.value = round(float(plan["tempo_bpm"]))
        self.key.value = plan.get("key") if plan.get("key") in KEY_CHOICES else None
        self.mode.value = plan.get("mode") if plan.get("mode") in MODE_CHOICES else None
        level = plan.get("level")
        self.energy.value = f"Energy: <b>{round(float(level) * 100)}%</b>" if level is not None else "Energy: –"
        instruments = dict(plan.get("instruments") or {})
        self.drums.value = "drums" in instruments
        self._show_parts({role: name for role, name in instruments.items() if role != "drums"})

    def _show_parts(self, instruments: dict[str, str]) -> None:
        if list(self.parts) != list(instruments):  # another band: one dropdown per part it has
            self.parts = {role: self._part_dropdown(role) for role in instruments}
            self.parts_box.children = [*self.parts.values(), self.drums]
        for role, dropdown in self.parts.items():
            name = instruments[role]
            dropdown.options = INSTRUMENT_CHOICES if name in INSTRUMENT_CHOICES else (name, *INSTRUMENT_CHOICES)
            dropdown.value = name
            dropdown.tooltip = None if changeable_part(role, name) else f"the {name} cannot be changed by name"

    def _part_dropdown(self, role: str) -> w.Dropdown:
        dropdown = _dropdown(_ROLE_NAMES.get(role, role.capitalize()), INSTRUMENT_CHOICES, "220px")
        dropdown.observe(lambda change, role=role: self._part_changed(role, change["new"]), names="value")
        return dropdown

    def _part_changed(self, role: str, instrument: str) -> None:
        if getattr(self._quiet, "on", False) or instrument is None:
            return
        band = (self.plan or {}).get("instruments") or {}
        shared = None if role in _PART_WORDS else shared_name(role, band)
        if shared is not None:
            self.talk.note(f"Another part also answers to '{shared}': say in the prompt which one should become "
                           f"{instrument}.")
            self.refresh()
            return
        self.send("instrument", instrument, current=band.get(role), role=role)

    def _enable(self) -> None:
        busy, music = self.activity.busy, self.plan is not None
        for control in (self.style, self.mood, self.tempo, self.key, self.mode, self.less_energy,
                        self.more_energy, self.another, self.drums, *self.parts.values()):
            control.disabled = busy or not music
        for role, dropdown in self.parts.items():
            if not changeable_part(role, (self.plan or {}).get("instruments", {}).get(role, "")):
                dropdown.disabled = True
        has_clips = self.session.draft is not None and bool(self.session.draft.tracks)
        self.frame.disabled = self.fit.disabled = busy or not has_clips
        self.hint.value = "" if music else ('<div class="mm-notice">No music yet: generate some with the prompt, '
                                            "then steer it here.</div>")

    # -- sending -------------------------------------------------------------------------------
    def _wire(self) -> None:
        self.style.observe(lambda change: self._changed("style", change["new"]), names="value")
        self.mood.observe(lambda change: self._changed("mood", change["new"]), names="value")
        self.tempo.observe(lambda change: self._changed("tempo", change["new"]), names="value")
        self.key.observe(lambda change: self._changed("key", (change["new"], self.mode.value)), names="value")
        self.mode.observe(lambda change: self._changed("key", (self.key.value, change["new"])), names="value")
        self.drums.observe(lambda change: self._changed("drums", change["new"]), names="value")
        # a new frame alone: the agent picks the fit (a blurred background for another shape)
        self.frame.observe(lambda change: self._changed("frame", (change["new"], None)), names="value")
        self.fit.observe(lambda change: self._changed("frame", (self.frame.value, change["new"])), names="value")
        self.less_energy.on_click(lambda _: self.send("energy", "down"))
        self.more_energy.on_click(lambda _: self.send("energy", "up"))
        self.another.on_click(lambda _: self.send("another", self.plan))

    def _changed(self, name: str, value: Any, *, current: Any = None) -> None:
        wanted = value[0] if name == "frame" else value  # a frame without a fit is still a frame
        if getattr(self._quiet, "on", False) or wanted is None or (isinstance(wanted, tuple) and None in wanted):
            return
        self.send(name, value, current=current)


class HistoryButtons(w.HBox):
    """Undo and redo on the draft's history; the replies go to the conversation log."""

    def __init__(self, session: Session, *, activity: Activity | None = None,
                 conversation: ConversationLog | None = None, show: Callable[[], None] | None = None) -> None:
        self.session = session
        self.activity = activity or Activity(session)
        self.transcript = _Transcript(conversation, show)
        self.talk = _Talk(session, self.activity, self.transcript.conversation, self.transcript.show)
        self.undo_button = w.Button(description="Undo", icon="undo", tooltip="take back the last change",
                                    layout=w.Layout(width="auto"))
        self.redo_button = w.Button(description="Redo", icon="repeat", tooltip="put back what undo took back",
                                    layout=w.Layout(width="auto"))
        self.activity.add_controls([self.undo_button, self.redo_button])
        self.undo_button.on_click(lambda _: self.undo())
        self.redo_button.on_click(lambda _: self.redo())
        super().__init__([self.undo_button, self.redo_button, self.transcript.view])
        self.add_class("mm-history")

    def __repr__(self) -> str:
        return f"<HistoryButtons {self.activity.label}>"

    def after_reply(self, follow_up: FollowUp) -> None:
        self.talk.follow_ups.append(follow_up)

    def undo(self) -> Future[Any] | None:
        return self.talk.say("undo", lambda on_text: self.session.aio.undo(on_text=on_text), "undoing")

    def redo(self) -> Future[Any] | None:
        return self.talk.say("redo", lambda on_text: self.session.aio.redo(on_text=on_text), "redoing")
