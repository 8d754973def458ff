"""Intent routing: what the person typed -> which API action, and backend GUI phrases -> actions.

Both directions are tables from the seed, in English and Chinese; no I/O here.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from ..protocol import QUOTED

__all__ = ["Action", "GuiHint", "route", "translate_gui", "ROUTES", "GUI_PHRASES"]


class Action(str, enum.Enum):
    EXPORT = "export"
    CREDITS = "credits"
    STATUS = "status"
    UPLOAD = "upload"
    CHAT = "chat"  # everything else goes to the event stream


# (action, patterns) in priority order. English words match on word boundaries; Chinese as substrings.
ROUTES: tuple[tuple[Action, tuple[str, ...]], ...] = (
    (Action.EXPORT, (r"\bexport\b", r"\bdownload\b", r"\bsend me the video\b", r"\brender (it|the video)\b", "导出", "下载")),
    (Action.CREDITS, (r"\bcredits?\b", r"\bbalance\b", "积分", "余额")),
    (Action.STATUS, (r"\bstatus\b", r"\bshow (the |my )?tracks\b", r"\bshow (the |my )?timeline\b", "状态")),
    (Action.UPLOAD, (r"^\s*upload\b", "上传")),
)

def route(text: str) -> Action:
    """Pick the action for a message, as in the seed's "Matching Input to Actions" table."""
    unquoted = QUOTED.sub(" ", text).lower()
    for action, patterns in ROUTES:
        if any(re.search(pattern, unquoted) for pattern in patterns):
            return action
    return Action.CHAT


@dataclass(frozen=True)
class GuiHint:
    """A GUI instruction found in the backend's text and what to do instead."""

    phrase: str  # the words the backend used
    action: str  # "export", "execute", "state", "edit" or "summary"
    advice: str  # what a notebook user should do instead


# (pattern, action, advice). Order matters: "click Export" must win over a generic "click".
GUI_PHRASES: tuple[tuple[str, str, str], ...] = (
    (r"(click(ing)?|press|tap|hit) (on )?(the )?[\"'“]?export[\"'”]?( button)?|export button|点击导出|导出按钮",
     "export", "run session.export() (or say \"export\")"),
    (r"preview (it )?in the timeline|在时间线(中|上)?预览",
     "summary", "here is the timeline"),
    (r"(click(ing)?|press|tap|hit) (on )?(the )?[\"'“]?[\w ]{1,30}?[\"'”]?( button)?(?=[\s.,!;:]|$)|点击\S{0,10}",
     "execute", "just ask for it here and it will be done for you"),
    (r"open(ing)? (the )?[\w ]{1,30}?(panel|tab|menu|settings)|打开\S{0,10}",
     "state", "the session state was read for you"),
    (r"drag(ging)?( and drop)?|drop (it|the \w+) (onto|into|on)|拖拽|拖动",
     "edit", "describe the change in words instead (e.g. \"start the music at 0:05\")"),
)


def translate_gui(text: str) -> tuple[str, tuple[GuiHint, ...]]:
    """Rewrite GUI instructions for a notebook user; return the new text and the hints found."""
    taken: list[tuple[int, int, GuiHint]] = []
    for pattern, action, advice in GUI_PHRASES:
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            start, end = match.span()
            if not any(start < other_end and other_start < end for other_start, other_end, _ in taken):
                taken.append((start, end, GuiHint(match.group(0), action, advice)))
    taken.sort(key=lambda span: span[0])
    pieces, cursor = [], 0
    for start, end, hint in taken:
        pieces += [text[cursor:end], f" [{hint.advice}]"]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), tuple(hint for _, _, hint in taken)
