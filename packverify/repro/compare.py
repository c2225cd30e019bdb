"""Compare two outputs: byte for byte, then structurally when both are JSON.

:func:`difference` gives the first differing byte offset, a short escaped excerpt of
both sides from there, and for JSON every differing JSON pointer (RFC 6901, made by
packverify.pointer) with both values — objects compared as unordered maps, arrays
index by index, ``1``/``1.0``/``true`` told apart. Output order is the document's
(keys sorted), so the same pair always gives the same diff. Long values are
abbreviated and at most ``limit`` pointers are listed (all are counted).

Outputs in a foreign pack format (repomix, gitingest, files-to-prompt, scribe, …:
``packverify.readers``) are also compared by what they carry — which file's text
differs and from which line, files added, removed or reordered (content_diff.py).

Deliberately left alone: array alignment (an element inserted near the front shows
as every later index changed — the byte offset and the count still say where and
how much), and formats no reader knows (the byte offset and excerpt are what we give).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from typing import Any

from packverify.pointer import to_pointer
from packverify.repro.content_diff import content_difference
from packverify.repro.results import Difference, JsonDiff

LIMIT = 50  # pointers listed per pair; a reshuffled pack would otherwise list thousands
VALUE_CHARS = 200  # a value longer than this (as JSON) is abbreviated
CONTEXT_BYTES = 48
_MAX_JSON_BYTES = 64 * 1024 * 1024  # beyond this, byte offsets only (parsing would dominate the run)
_ABSENT = object()


def first_differing_byte(a: bytes, b: bytes) -> int | None:
    """Offset of the first differing byte (the shorter length when one is a prefix); None if equal."""
    if a == b:
        return None
    # Compare in blocks: a Python-level loop over every byte of a 10 MB pack is slow.
    block = 4096
    offset = 0
    while a[offset:offset + block] == b[offset:offset + block]:
        offset += block
    for i, (x, y) in enumerate(zip(a[offset:offset + block], b[offset:offset + block])):
        if x != y:
            return offset + i
    return offset + min(len(a[offset:offset + block]), len(b[offset:offset + block]))


def excerpt(data: bytes, offset: int) -> str:
    """A few bytes of ``data`` from ``offset`` on, undecodable bytes escaped."""
    return data[offset:offset + CONTEXT_BYTES].decode("utf-8", "backslashreplace")


def _parse(data: bytes) -> tuple[bool, Any]:
    if len(data) > _MAX_JSON_BYTES:
        return False, None
    try:
        return True, json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False, None


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def abbreviate(value: Any) -> Any:
    """The value itself when short; otherwise a string that says what it was (ending in '…')."""
    if isinstance(value, str):
        return value if len(value) <= VALUE_CHARS else f"{value[:VALUE_CHARS]}… ({len(value)} characters)"
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if len(text) <= VALUE_CHARS:
            return value
        kind = f"object with {len(value)} members" if isinstance(value, dict) else f"array of {len(value)} items"
        return f"<{kind}: {text[:VALUE_CHARS]}…>"
    return value


def json_diff(a: Any, b: Any, *, limit: int = LIMIT, scrub: Callable[[Any], Any] = lambda v: v) -> JsonDiff:
    """Every pointer where the JSON values ``a`` and ``b`` differ (at most ``limit`` listed).
    ``scrub`` rewrites keys and values for display (the work directory becomes ``<work>``)."""
    changes: list[dict[str, Any]] = []
    total = 0

    def add(path: tuple, kind: str, *sides: tuple[str, Any]) -> None:
        nonlocal total
        total += 1
        if len(changes) < limit:
            change: dict[str, Any] = {"pointer": to_pointer(scrub(p) for p in path), "kind": kind}
            change.update((side, abbreviate(scrub(value))) for side, value in sides)
            changes.append(change)

    # An explicit stack, not recursion: a deeply nested output must not overflow ours.
    # Children are pushed in reverse so that changes come out in document order.
    stack: list[tuple[tuple, Any, Any]] = [((), a, b)]
    while stack:
        path, x, y = stack.pop()
        if x is _ABSENT:
            add(path, "added", ("b", y))
        elif y is _ABSENT:
            add(path, "removed", ("a", x))
        elif isinstance(x, dict) and isinstance(y, dict):
            keys = sorted(set(x) | set(y))
            stack.extend(((*path, k), x.get(k, _ABSENT), y.get(k, _ABSENT)) for k in reversed(keys))
        elif isinstance(x, list) and isinstance(y, list):
            indexes = range(max(len(x), len(y)) - 1, -1, -1)
            stack.extend(((*path, i), x[i] if i < len(x) else _ABSENT, y[i] if i < len(y) else _ABSENT)
                         for i in indexes)
        elif not _same(x, y):
            add(path, "changed", ("a", x), ("b", y))
    return JsonDiff(changes=tuple(changes), total=total)


def difference(name_a: str, a: bytes, name_b: str, b: bytes, *, limit: int = LIMIT,
               scrub: Callable[[Any], Any] = lambda v: v) -> Difference | None:
    """How output ``b`` differs from output ``a``; None when they are byte-identical."""
    offset = first_differing_byte(a, b)
    if offset is None:
        return None
    ok_a, doc_a = _parse(a)
    ok_b, doc_b = _parse(b)
    diff = json_diff(doc_a, doc_b, limit=limit, scrub=scrub) if ok_a and ok_b else None
    content = content_difference(a, b, limit=limit)
    if content is not None:
        content = dataclasses.replace(content, changes=tuple(scrub(c) for c in content.changes))
    if diff is None and content is not None:
        note = f"compared as {content.format} packs (not JSON)"
    elif diff is None:
        note = "not both JSON, not a pack format packverify reads: byte comparison only"
    elif diff.total == 0:
        note = "equal as JSON values: only the serialization differs (key order, spacing, escapes, number format)"
    else:
        note = ""
    return Difference(a=name_a, b=name_b, first_byte_offset=offset, sizes=(len(a), len(b)),
                      context=(scrub(excerpt(a, offset)), scrub(excerpt(b, offset))), json=diff, note=note,
                      content=content)
