"""The JSON schema of the language model's answer, built from the music tables and the project,
and a validator for the part of JSON Schema it uses. Pure, no I/O.

The answer is ``{"calls": [{"name": ..., "args": {...}}, ...], "question": str | null}``; each
call is one branch of an ``anyOf``, with its own arguments. The schema keeps to what OpenAI's
strict structured outputs accept (every property required, optional ones nullable, no additional
properties, ``anyOf`` only below the root), which llama.cpp's and Ollama's grammars also follow,
so a server that constrains its decoding to it can only write well-formed calls. Names that must
come from a table are enums: styles, moods, instruments, note names, frame names, and the ids of
the project's clips.

The validator checks the answer again, since a server may ignore ``response_format``. It knows the
keywords the schema uses (``type``, ``enum``, ``minimum``, ``maximum``, ``exclusiveMinimum``,
``minLength``, ``maxLength``, ``properties``, ``required``, ``additionalProperties``, ``items``,
``maxItems``, ``anyOf``) with JSON's meaning: a boolean is not a number, ``1`` equals ``1.0``.
The tests hold it to the ``jsonschema`` package's verdicts.
"""

from __future__ import annotations

from typing import Any, Sequence

from ...music import EDITS
from ...music._instruments import INSTRUMENTS
from ...music._reading import MAX_BPM, MIN_BPM
from ...music._styles import STYLES
from ...music._vocabulary import MOODS
from ...protocol import FITS, FOCUSES
from ._interpret import ASPECT_SIZES

__all__ = ["answer_schema", "tool_arguments", "schema_errors", "KEYWORDS", "NOTE_SPELLINGS", "MAX_CALLS",
           "TOOLS"]

KEYWORDS = frozenset({"type", "enum", "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength",
                      "properties", "required", "additionalProperties", "items", "maxItems", "anyOf"})
NOTE_SPELLINGS = ("C", "C#", "Db", "D", "D#", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "A#", "Bb", "B")
MAX_CALLS = 12  # "undo three times", several edits and a title fit; a run-away list does not
TOOLS = ("generate_music", "edit_music", "set_volume", "fade_music", "place_music", "add_title", "add_text",
         "remove_title", "set_aspect", "set_fit", "duck_music", "remove_music", "undo", "redo")

_TIME = {"type": "number", "minimum": 0}
_LENGTH = {"type": "number", "exclusiveMinimum": 0}


def _text(longest: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": longest}


def _choice(*options: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(options)}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    out = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        out["enum"] = [*schema["enum"], None]
    return out


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _edit_arguments() -> dict[str, Any]:
    """``edit_music``: every key of ``music.EDITS``, null when it does not change."""
    instrument = _choice(*INSTRUMENTS)
    changes = {
        "energy": _choice("up", "down"), "tempo": _choice("faster", "slower"),
        "tempo_bpm": {"type": "number", "minimum": MIN_BPM, "maximum": MAX_BPM},
        "mode": _choice("major", "minor"), "key": _choice(*NOTE_SPELLINGS),
        "brightness": _choice("darker", "brighter"), "style": _choice(*STYLES), "mood": _choice(*MOODS),
        "swap": _object({"from": instrument, "to": instrument}),
        "add": _choice(*INSTRUMENTS, "drums"), "remove": _choice(*INSTRUMENTS, "drums"),
        "drums": {"type": "boolean"}, "intro": _choice("shorter", "longer"), "ending": _choice("shorter", "longer"),
        "drop_ms": _LENGTH,
    }
    return _object({key: _nullable(changes[key]) for key in EDITS})


def tool_arguments(clip_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each tool's ``args`` schema, for a project with these clips."""
    words = {"text": _text(200), "start_ms": _TIME, "duration_ms": _LENGTH}
    return {
        "generate_music": _object({"prompt": _text(400), "clip": _nullable(_choice(*clip_ids))}),
        "edit_music": _edit_arguments(),
        "set_volume": _object({"target": _choice("music", "original", *clip_ids),
                               "volume": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
                               "factor": _nullable({"type": "number", "exclusiveMinimum": 0, "maximum": 4})}),
        "fade_music": _object({"fade_in_ms": _nullable(_TIME), "fade_out_ms": _nullable(_TIME)}),
        "place_music": _object({"start_ms": _nullable(_TIME), "end_ms": _nullable(_TIME)}),
        "add_title": _object(words),
        "add_text": _object(words),
        "remove_title": _object({}),
        "set_aspect": _object({"name": _choice(*ASPECT_SIZES)}),
        "set_fit": _object({"fit": _choice(*FITS), "focus": _nullable(_choice(*FOCUSES)),
                            "clip": _nullable(_choice(*clip_ids))}),
        "duck_music": _object({"enabled": {"type": "boolean"}}),
        "remove_music": _object({}),
        "undo": _object({}),
        "redo": _object({}),
    }


def answer_schema(clip_ids: Sequence[str]) -> dict[str, Any]:
    """The schema of the whole answer, for a project with these clips."""
    calls = [_object({"name": _choice(name), "args": args}) for name, args in tool_arguments(clip_ids).items()]
    return _object({"calls": {"type": "array", "items": {"anyOf": calls}, "maxItems": MAX_CALLS},
                    "question": _nullable(_text(1000))})


# -- the validator --------------------------------------------------------------------------------
_PYTHON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(value: Any, type_name: str) -> bool:
    if type_name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _PYTHON_TYPES[type_name])


def _same(value: Any, option: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``1`` is ``1.0``."""
    return value == option and isinstance(value, bool) == isinstance(option, bool)


def _kind(value: Any) -> str:
    return next((name for name in ("null", "boolean", "number", "string", "array", "object") if _is(value, name)),
                type(value).__name__)


def schema_errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """What is wrong with ``value`` under ``schema`` (the keywords in ``KEYWORDS``), ``[]`` if nothing."""
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is(value, name) for name in names):
            return [f"{path}: expected {' or '.join(names)}, got {_kind(value)}"]
    if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
        return [f"{path}: {value!r} is not one of the allowed values"]
    if "anyOf" in schema:
        return _any_of(value, schema["anyOf"], path)
    if _is(value, "number"):
        return _number_errors(value, schema, path)
    if isinstance(value, str):
        return _string_errors(value, schema, path)
    if isinstance(value, list):
        return _array_errors(value, schema, path)
    if isinstance(value, dict):
        return _object_errors(value, schema, path)
    return []


def _number_errors(value: float, schema: dict[str, Any], path: str) -> list[str]:
    errors = []
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: {value} is below {schema['minimum']}")
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        errors.append(f"{path}: {value} must be above {schema['exclusiveMinimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: {value} is above {schema['maximum']}")
    return errors


def _string_errors(value: str, schema: dict[str, Any], path: str) -> list[str]:
    if len(value) < schema.get("minLength", 0):
        return [f"{path}: shorter than {schema['minLength']} characters"]
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return [f"{path}: longer than {schema['maxLength']} characters"]
    return []


def _array_errors(value: list[Any], schema: dict[str, Any], path: str) -> list[str]:
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        return [f"{path}: more than {schema['maxItems']} items"]
    items = schema.get("items")
    return [error for index, item in enumerate(value) for error in schema_errors(item, items, f"{path}[{index}]")] \
        if items is not None else []


def _object_errors(value: dict[str, Any], schema: dict[str, Any], path: str) -> list[str]:
    properties = schema.get("properties", {})
    errors = [f"{path}: missing {key!r}" for key in schema.get("required", ()) if key not in value]
    if schema.get("additionalProperties") is False:
        errors += [f"{path}: unexpected {key!r}" for key in value if key not in properties]
    for key, sub in properties.items():
        if key in value:
            errors += schema_errors(value[key], sub, f"{path}.{key}")
    return errors


def _any_of(value: Any, branches: list[dict[str, Any]], path: str) -> list[str]:
    """No errors if one branch fits; else the errors of the branch that fit best (for a call: the
    branch of the tool it names, whose name matched, so its argument errors are the ones told)."""
    verdicts = [schema_errors(value, branch, path) for branch in branches]
    if any(not errors for errors in verdicts):
        return []
    return min(verdicts, key=lambda errors: (any(e.startswith(f"{path}.name:") for e in errors), len(errors)))
