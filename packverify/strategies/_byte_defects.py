"""Injectors whose defect lives in the bytes, not the document: every ``parse`` code
(every other oracle is then skipped) and non-canonical serialisation."""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import strategies as st

from packverify.strategies._edits import choose
from packverify.strategies._injector import Plant
from packverify.strategies._reference import reference_bytes


def bytes_defect(mutate: Callable[[Callable, bytes], tuple[bytes, str]]) -> Plant:
    def plant(draw, doc):
        data, note = mutate(draw, reference_bytes(doc))
        return None, data, note

    return plant


def _key_value(raw: bytes, key: bytes) -> tuple[int, int]:
    """(start, end) of the number after ``"key":`` in canonical bytes (keys are never
    escaped in canonical JSON, and a quote inside a string always is)."""
    start = raw.index(b'"' + key + b'":') + len(key) + 3
    end = start
    while end < len(raw) and raw[end:end + 1] in b"0123456789.eE+-":
        end += 1
    return start, end


def truncate(draw, raw: bytes):
    cut = draw(st.integers(0, len(raw) - 1))
    while cut > 0 and (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence (that is invalid-utf8)
        cut -= 1
    return raw[:cut], f"truncated to {cut} of {len(raw)} bytes"


def replace_number(text: bytes, note: str):
    def mutate(draw, raw):
        start, end = _key_value(raw, b"utilization")
        return raw[:start] + text + raw[end:], note

    return mutate


def in_repo_path(insert: bytes, note: str):
    def mutate(draw, raw):
        at = raw.index(b'"path":"') + len(b'"path":"')
        return raw[:at] + insert + raw[at:], note

    return mutate


def too_deep(draw, raw):
    depth = draw(st.integers(129, 300))
    start, end = _key_value(raw, b"utilization")
    return raw[:start] + b"[" * depth + raw[start:end] + b"]" * depth + raw[end:], f"utilization nested {depth} deep"


def non_canonical(draw, doc):
    indent = choose(draw, [None, 1, 2, 4])
    data = json.dumps(doc, indent=indent, ensure_ascii=draw(st.booleans()), sort_keys=draw(st.booleans()),
                      allow_nan=False).encode("utf-8")
    return doc, data, f"json.dumps(indent={indent})"
