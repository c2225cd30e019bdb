"""JSON with offsets: the members of an object and the elements of an array, each with
where it begins in the text, so JSON-based formats can locate their entries and claims.

Values are decoded by the standard library's C scanner (``raw_decode``), which is linear;
only the levels a reader asks for are walked here. Duplicate keys anywhere raise
:class:`DuplicateKey` (formats must mean one thing). Never used for huge nesting: the
depth of what is walked is fixed by the caller.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")


class DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs)


class JSONError(ValueError):
    """Where and why the JSON could not be read; ``code`` is the finding code."""

    def __init__(self, message: str, offset: int, code: str = "parse.invalid-json") -> None:
        super().__init__(message)
        self.offset = offset
        self.code = code


@dataclass(frozen=True, slots=True)
class Member:
    key: str
    key_offset: int
    value_offset: int
    value: Any
    end: int


def skip(text: str, offset: int) -> int:
    space = _WS.match(text, offset)
    if space is None:  # never: the pattern matches the empty string
        raise AssertionError("_WS did not match")
    return space.end()


def value(text: str, offset: int) -> tuple[Any, int]:
    """The JSON value at ``offset`` and the offset after it."""
    try:
        return _DECODER.raw_decode(text, offset)
    except DuplicateKey as exc:
        raise JSONError(str(exc), offset, "parse.duplicate-key") from exc
    except json.JSONDecodeError as exc:
        raise JSONError(exc.msg, exc.pos) from exc
    except RecursionError as exc:
        raise JSONError("nested too deeply", offset) from exc


def members(text: str, offset: int) -> tuple[list[Member], int]:
    """The members of the object at ``offset`` (``{`` there, after whitespace) and the offset after it."""
    offset = skip(text, offset)
    if not text.startswith("{", offset):
        raise JSONError("expected '{'", offset)
    out: list[Member] = []
    seen: set[str] = set()
    offset = skip(text, offset + 1)
    if text.startswith("}", offset):
        return out, offset + 1
    while True:
        if not text.startswith('"', offset):
            raise JSONError("expected a key in double quotes", offset)
        key_offset = offset
        try:
            # typeshed leaves json.decoder.scanstring undeclared; it is public at run time (the C
            # scanner, else the pure-Python one), so this is a false positive
            key, offset = json.decoder.scanstring(text, offset + 1)  # type: ignore[attr-defined]
        except json.JSONDecodeError as exc:
            raise JSONError(exc.msg, exc.pos) from exc
        if key in seen:
            raise JSONError(f"duplicate key {key!r}", key_offset, "parse.duplicate-key")
        seen.add(key)
        offset = skip(text, offset)
        if not text.startswith(":", offset):
            raise JSONError("expected ':'", offset)
        value_offset = skip(text, offset + 1)
        item, offset = value(text, value_offset)
        out.append(Member(key, key_offset, value_offset, item, offset))
        offset = skip(text, offset)
        if text.startswith(",", offset):
            offset = skip(text, offset + 1)
            continue
        if text.startswith("}", offset):
            return out, offset + 1
        raise JSONError("expected ',' or '}'", offset)


def elements(text: str, offset: int) -> tuple[list[tuple[int, Any]], int]:
    """The elements of the array at ``offset`` with their offsets, and the offset after it."""
    offset = skip(text, offset)
    if not text.startswith("[", offset):
        raise JSONError("expected '['", offset)
    out: list[tuple[int, Any]] = []
    offset = skip(text, offset + 1)
    if text.startswith("]", offset):
        return out, offset + 1
    while True:
        start = offset
        item, offset = value(text, offset)
        out.append((start, item))
        offset = skip(text, offset)
        if text.startswith(",", offset):
            offset = skip(text, offset + 1)
            continue
        if text.startswith("]", offset):
            return out, offset + 1
        raise JSONError("expected ',' or ']'", offset)
