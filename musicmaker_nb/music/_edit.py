"""Edits of a planned piece, and what they changed, in words. Pure.

An edit ("faster", "darker", "change the guitar to a piano", "put the drop at 0:15") keeps all it
does not name (the seed, the prompt's words, choices forced before) and re-plans with the change
forced, so the piece stays itself: the same progression choices, the same melody cells.
"""

from __future__ import annotations

from typing import Any, Mapping

from ._instruments import DRUM_KIT, INSTRUMENTS, family_of
from ._plan import MusicPlan
from ._reading import MAX_BPM, MIN_BPM
from ._styles import STYLES
from ._theory import NOTE_NAMES, pitch_class
from ._vocabulary import MOODS

__all__ = ["EDITS", "edit", "changes"]

EDITS = ("energy", "tempo", "tempo_bpm", "mode", "key", "brightness", "style", "mood", "swap", "add", "remove",
         "drums", "intro", "ending", "drop_ms")
_TEMPO_STEP = 1.15  # "faster": a step a listener notices, short of another piece
_ENERGY_STEP = 0.2
_ENERGY_TEMPO = 1.05  # more energy also moves a little faster
_FREE_ROLES = ("arp", "melody", "pad", "chords")
# parts a swap may name instead of an instrument: "play the melody on a flute"
SWAPPABLE_PARTS = ("melody", "chords", "pad", "arp")


def edit(music: MusicPlan, change: Mapping[str, Any]) -> MusicPlan:
    """``music`` re-planned with ``change`` (keys from ``EDITS``) forced. Raises ValueError naming
    what cannot be done ("there is no guitar in this music: it plays piano, bass and drums")."""
    unknown = sorted(set(change) - set(EDITS))
    if unknown:
        raise ValueError(f"edit: {unknown} are not edits; choose from {list(EDITS)}")
    forced: dict[str, Any] = {}
    tempo = music.tempo_bpm
    if change.get("style"):
        if change["style"] not in STYLES:
            raise ValueError(f"style: {change['style']!r} is not one of {sorted(STYLES)}")
        forced.update(style=change["style"], instruments=None)  # a new style brings its own band
    if change.get("mood"):
        if change["mood"] not in MOODS:
            raise ValueError(f"mood: {change['mood']!r} is not one of {sorted(MOODS)}")
        forced["mood"] = change["mood"]
    if change.get("energy") in ("up", "down"):
        up = change["energy"] == "up"
        forced["energy"] = round(min(1.0, max(0.1, music.level + (_ENERGY_STEP if up else -_ENERGY_STEP))), 3)
        tempo = tempo * (_ENERGY_TEMPO if up else 1 / _ENERGY_TEMPO)
    if change.get("tempo") in ("faster", "slower"):
        tempo = music.tempo_bpm * (_TEMPO_STEP if change["tempo"] == "faster" else 1 / _TEMPO_STEP)
    if tempo != music.tempo_bpm:  # a step past the range stops at its end
        forced["tempo_bpm"] = round(min(MAX_BPM, max(MIN_BPM, tempo)), 2)
    if change.get("tempo_bpm") is not None:  # a tempo asked for is kept or refused, never bent
        forced["tempo_bpm"] = change["tempo_bpm"]
    _key_changes(music, change, forced)
    instruments = _instrument_changes(music, change)
    if instruments is not None:
        forced["instruments"] = instruments
    for name in ("intro", "ending"):
        if change.get(name) in ("shorter", "longer"):
            forced[name] = _frame_change(music, name, change[name])
    if change.get("drop_ms") is not None:
        drop_s = float(change["drop_ms"]) / 1000
        if not 0 < drop_s < music.duration_s:
            raise ValueError(f"drop_ms: {change['drop_ms']!r} is outside the music (0-{music.duration_s:g} s)")
        forced["drop_s"] = drop_s
    # the style and key stay what they are unless the edit names them (a darker pop song is still pop)
    forced.setdefault("style", music.style)
    forced.setdefault("key", music.key)
    overrides = {k: v for k, v in {**music.overrides, **forced}.items() if v is not None}
    return MusicPlan.from_dict({**music.to_dict(), "overrides": overrides})


def _key_changes(music: MusicPlan, change: Mapping[str, Any], forced: dict[str, Any]) -> None:
    if change.get("key"):
        forced["key"] = NOTE_NAMES[pitch_class(str(change["key"]))]
    if change.get("mode") in ("major", "minor"):
        forced["mode"] = change["mode"]
    if change.get("brightness") == "darker":
        if music.mode == "major":
            forced["mode"] = "minor"
        else:
            forced.setdefault("mood", "dark")
    elif change.get("brightness") == "brighter":
        if music.mode == "minor":
            forced["mode"] = "major"
        else:
            forced.setdefault("mood", "happy")


def _instrument_changes(music: MusicPlan, change: Mapping[str, Any]) -> dict[str, str] | None:
    """The new band, or None when the edit leaves it as it is."""
    if not any(change.get(k) is not None for k in ("swap", "add", "remove", "drums")):
        return None
    parts = dict(music.instruments)
    if change.get("swap"):
        old, new = change["swap"]["from"], _known(change["swap"]["to"])
        roles = _roles_playing(parts, old)
        for role in roles:
            parts[role] = new
    if change.get("remove"):
        for role in _roles_playing(parts, change["remove"]):
            del parts[role]
        if not any(role != "drums" for role in parts):
            raise ValueError("remove: that would leave only the drums; name what should play instead")
    if change.get("add"):
        new = _known(change["add"])
        if new in parts.values():
            raise ValueError(f"add: the music already has {new}")
        natural = INSTRUMENTS[new].role
        role = natural if natural not in parts else next((r for r in _FREE_ROLES if r not in parts), natural)
        parts[role] = new
    if change.get("drums") is False:
        parts.pop("drums", None)
        parts.pop("timpani", None)
    elif change.get("drums") is True:
        parts["drums"] = DRUM_KIT
    return parts


def _known(instrument: str) -> str:
    if instrument not in INSTRUMENTS:
        raise ValueError(f"instrument: {instrument!r} is not one of {sorted(INSTRUMENTS)}")
    return instrument


def _roles_playing(parts: dict[str, str], instrument: str) -> list[str]:
    """The parts the named instrument plays, as itself or by its family ("the guitar"); a part's
    own name ("melody", "chords") names the part, whatever plays it."""
    if instrument in SWAPPABLE_PARTS:
        if instrument not in parts:
            raise ValueError(f"this music has no {instrument} part: it plays {', '.join(dict.fromkeys(parts.values()))}")
        return [instrument]
    exact = [role for role, name in parts.items() if name == instrument]
    roles = exact or [role for role, name in parts.items() if name in family_of(instrument)]
    if not roles:
        band = ", ".join(dict.fromkeys(parts.values()))
        raise ValueError(f"there is no {instrument} in this music: it plays {band}")
    return roles


def _frame_change(music: MusicPlan, name: str, direction: str) -> str:
    section = "intro" if name == "intro" else "outro"
    current = next((s.bars for s in music.sections if s.name == section), 0)
    if direction == "longer":
        return "long"
    return "short" if current > 1 else "none"


def changes(old: MusicPlan, new: MusicPlan) -> list[str]:
    """What differs between two plans, as a listener would say it: ['116 -> 133 BPM', 'guitar -> piano']."""
    out = []
    if (old.style, old.mood) != (new.style, new.mood):
        out.append(f"{old.title} -> {new.title}")
    if abs(old.tempo_bpm - new.tempo_bpm) >= 0.5:
        out.append(f"{old.tempo_bpm:.4g} -> {new.tempo_bpm:.4g} BPM")
    if old.key_name != new.key_name:
        out.append(f"{old.key_name} -> {new.key_name}")
    if old.style == new.style:
        for role in dict.fromkeys([*old.instruments, *new.instruments]):
            before, after = old.instruments.get(role), new.instruments.get(role)
            if before != after:
                out.append(f"{before} -> {after}" if before and after else f"added {after}" if after else f"no {before}")
    if abs(old.level - new.level) >= 0.05:
        out.append("more energy" if new.level > old.level else "less energy")
    for section in ("intro", "outro"):
        bars_before = next((s.bars for s in old.sections if s.name == section), 0)
        bars_after = next((s.bars for s in new.sections if s.name == section), 0)
        if bars_before != bars_after:
            out.append(f"{'ending' if section == 'outro' else section} {bars_before} -> {bars_after} bars")
    old_drop = next((s.start_s for s in old.sections if s.name == "chorus"), None)
    new_drop = next((s.start_s for s in new.sections if s.name == "chorus"), None)
    if new_drop is not None and old_drop != new_drop and "drop_s" in new.overrides:
        out.append(f"the drop at {int(new_drop // 60)}:{new_drop % 60:04.1f}")
    return out
