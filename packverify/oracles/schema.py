"""schema — the document is valid against spec/index.schema.json (draft 2020-12).

Every violation is reported, each with the JSON pointer of the offending value
(for a missing property: the object that lacks it; for an unexpected property:
the property itself). Formats are enforced (``created_at`` must be an RFC 3339
date-time; the finding says which part is missing or wrong, e.g. the UTC offset). Validation is jsonschema-rs: measured ≈150× faster than jsonschema
on pack-like documents (bench/check_bench.py), same draft, all errors with paths.
Leaves alone: every invariant between fields (the other oracles).
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

import jsonschema_rs

from packverify.model import Finding, json_type
from packverify.oracles._base import ERROR, Code, NotApplicable, short

NAME = "schema"

CODES = {
    "schema.type": Code("Wrong type", ERROR, "A field of the wrong JSON type breaks every consumer that reads it.",
                        '"tokens": "12"'),
    "schema.required": Code("Missing property", ERROR, "A required field is absent.", "a chunk without content_hash"),
    "schema.additional-property": Code("Unknown property", ERROR,
                                       "A property the format does not define (often a typo); extensions go under an 'x-' name.",
                                       '"conent": "..."'),
    "schema.pattern": Code("Pattern mismatch", ERROR, "A string does not have the required form.",
                           "content_hash in upper case"),
    "schema.format": Code("Format violation", ERROR, "A string is not of its declared format.",
                          '"created_at": "yesterday"'),
    "schema.range": Code("Out of range", ERROR, "A number is outside its allowed range.", '"start_line": 0'),
    "schema.enum": Code("Not an allowed value", ERROR, "A value outside its fixed set.", '"selected_mode": "partial"'),
    "schema.length": Code("Wrong length", ERROR, "A string or array is too short or too long.", '"id": ""'),
    "schema.violation": Code("Schema violation", ERROR, "Any other schema keyword failed.", ""),
}

_KIND_CODES = {
    "Type": "schema.type", "Required": "schema.required", "AdditionalProperties": "schema.additional-property",
    "Pattern": "schema.pattern", "Format": "schema.format", "Minimum": "schema.range", "Maximum": "schema.range",
    "ExclusiveMinimum": "schema.range", "ExclusiveMaximum": "schema.range", "Enum": "schema.enum",
    "Constant": "schema.enum", "MinLength": "schema.length", "MaxLength": "schema.length",
    "MinItems": "schema.length", "MaxItems": "schema.length",
}

def schema_text() -> str:
    """The pack schema as shipped (spec/index.schema.json)."""
    return resources.files("packverify").joinpath("data", "index.schema.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(schema_text())


@lru_cache(maxsize=1)
def validator():
    return jsonschema_rs.Draft202012Validator(schema(), validate_formats=True)


@lru_cache(maxsize=1)
def chunk_validator():
    """The ``$defs/chunk`` subschema on its own: chunks are validated one by one."""
    return jsonschema_rs.Draft202012Validator({"$ref": "#/$defs/chunk", "$defs": schema()["$defs"]},
                                              validate_formats=True)


def _errors(doc):
    """(path prefix, error) for every violation, lazily.

    jsonschema-rs builds every error object before it yields the first (11 s for a
    pack of 100,000 empty chunks), so the chunks are judged one at a time — cheap
    ``is_valid`` first — and the engine's ``--max-findings`` can stop early."""
    chunks = doc.get("chunks")
    if type(chunks) is not list:
        yield from (((), e) for e in validator().iter_errors(doc))
        return
    rest = dict(doc)
    rest["chunks"] = []
    yield from (((), e) for e in validator().iter_errors(rest))
    single = chunk_validator()
    for index, chunk in enumerate(chunks):
        if not single.is_valid(chunk):
            yield from ((("chunks", index), e) for e in single.iter_errors(chunk))



def _schema_value(schema_path) -> object:
    node: object = schema()
    for part in schema_path:
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return node


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?")
_OFFSET = re.compile(r"[Zz]|[+-](\d{2}):(\d{2})")
_EXAMPLE = "e.g. 2024-01-31T12:00:00Z"


def date_time_problem(text: str) -> str:
    """What keeps ``text`` from being an RFC 3339 ``date-time``, in words: the part that is
    missing or out of range (``the UTC offset is missing: add Z or ±HH:MM``)."""
    date = _DATE.match(text)
    if date is None:
        return f"it does not start with a date YYYY-MM-DD ({_EXAMPLE})"
    year, month, day = map(int, date.groups())
    if not 1 <= month <= 12:
        return f"month {month:02d} does not exist"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"day {day:02d} does not exist in {year:04d}-{month:02d}"
    rest = text[10:]
    if not rest:
        return f"the time and the UTC offset are missing: a date-time is a date, 'T', a time and an offset ({_EXAMPLE})"
    if rest[0] not in "Tt":
        return f"the date and the time must be separated by 'T', not {rest[0]!r} ({_EXAMPLE})"
    time = _TIME.match(rest, 1)
    if time is None:
        return f"the time is not HH:MM:SS ({_EXAMPLE})"
    hour, minute, second = int(time[1]), int(time[2]), time[3]
    if second is None:
        return f"the seconds are missing: the time is HH:MM:SS ({_EXAMPLE})"
    if hour > 23 or minute > 59 or int(second) > 60:
        return f"the time {time[0]} is out of range (hours 00-23, minutes 00-59, seconds 00-60)"
    offset = rest[time.end():]
    if not offset:
        return f"the UTC offset is missing: add Z or ±HH:MM after the time ({_EXAMPLE})"
    if _OFFSET.fullmatch(offset) is None:
        return f"the UTC offset {offset!r} is not Z or ±HH:MM ({_EXAMPLE})"
    return f"it is not an RFC 3339 date-time ({_EXAMPLE})"


def check(pack, ctx) -> Iterator[Finding]:
    for prefix, error in _errors(pack.doc):
        kind = type(error.kind).__name__
        code = _KIND_CODES.get(kind, "schema.violation")
        path = prefix + tuple(error.instance_path)
        keyword = list(error.schema_path)
        instance = error.instance
        if code == "schema.additional-property":
            for key in sorted(getattr(error.kind, "unexpected", []) or []):
                yield Finding(code, path + (key,), f"property {key!r} is not defined by the pack format",
                              actual=key)
            continue
        if code == "schema.required":
            missing = getattr(error.kind, "property", None)
            yield Finding(code, path, f"required property {missing!r} is missing", expected=missing)
            continue
        expected = _schema_value(keyword)
        if code == "schema.type":
            actual = json_type(instance)
            message = f"{json_type(instance)} where {expected} is required"
        elif code == "schema.enum":
            actual = instance if not isinstance(instance, (dict, list)) else json_type(instance)
            message = f"{short(instance, 60)} is not one of {expected}"
        elif code == "schema.format":
            actual = short(instance, 200) if isinstance(instance, str) else instance
            message = f"{short(instance, 60)} is not a valid {expected}"
            if expected == "date-time" and isinstance(instance, str):
                message += f": {date_time_problem(instance)}"
        elif code == "schema.pattern":
            actual = short(instance, 200) if isinstance(instance, str) else instance
            message = f"{short(instance, 60)} does not match {expected}"
        elif code == "schema.range":
            actual = instance
            word = keyword[-1] if keyword else "range"
            message = f"{short(instance, 60)} violates {word} {expected}"
        elif code == "schema.length":
            actual = len(instance) if isinstance(instance, (str, list)) else None
            message = f"length {actual} violates {keyword[-1] if keyword else 'length'} {expected}"
        else:
            actual = None
            message = short(error.message, 300)
        yield Finding(code, path, message, expected=expected, actual=actual)


def requires_foreign(view, ctx) -> str:
    return NotApplicable(f"{view.noun} has no JSON Schema: its reader judges its structure (see structure)")
