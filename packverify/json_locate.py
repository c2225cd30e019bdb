"""Where a byte offset falls in a JSON text: the JSON pointer path of the value (or key)
there, and that token's byte span when the offset is inside a string, number or literal.

Used to say *where* a file first differs from its canonical serialisation (the
``determinism`` oracle): "at /budget_info/utilization the file writes ``1.0`` where RFC
8785 writes ``1``". One forward scan of the text up to the offset; strings, numbers
and whitespace are matched by regular expressions (C speed), so the Python loop runs
once per token, not per byte.

Leaves alone: validating the text (the loader already parsed it; on text that is not
JSON the answer is the best effort so far) and deciding what differs (``canonical``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_SCALAR = re.compile(rb"[^\s,:\[\]{}\"]+")
_SPACE = re.compile(rb"[ \t\r\n]*")


@dataclass(frozen=True)
class Located:
    """``path``: keys and indexes from the root to the value (or key) at the offset, or to
    the innermost container when the offset is on whitespace or punctuation;
    ``token``: the (start, end) byte span of the string, number or literal containing
    the offset, else ``None``; ``is_key``: the token is an object key."""

    path: tuple
    token: tuple[int, int] | None = None
    is_key: bool = False


class _Frame:
    __slots__ = ("is_object", "key", "index", "expect_key", "pending")

    def __init__(self, is_object: bool) -> None:
        self.is_object, self.key, self.index, self.expect_key = is_object, None, 0, is_object
        self.pending = not is_object  # a member's value is still to come (after a key, '[' or ',')

    def member(self):
        return self.key if self.is_object else self.index


def locate(raw: bytes, offset: int) -> Located:
    """Where ``offset`` falls in the JSON text ``raw`` (see :class:`Located`)."""
    stack: list[_Frame] = []
    i = 0
    while True:
        space = _SPACE.match(raw, i)
        if space is None:  # never: the pattern matches the empty string
            raise AssertionError("_SPACE did not match")
        i = space.end()
        if i >= len(raw) or i > offset:  # the offset is on whitespace
            return Located(_path(stack, inner=bool(stack) and stack[-1].pending))
        char = raw[i:i + 1]
        if char in (b"{", b"["):
            if i == offset:
                return Located(_path(stack))
            stack.append(_Frame(char == b"{"))
            i += 1
        elif char in (b"}", b"]", b",", b":"):
            if i == offset:
                return Located(_path(stack, inner=char == b":"))
            i = _punctuation(stack, char, i)
        else:
            match = (_STRING if char == b'"' else _SCALAR).match(raw, i)
            end = match.end() if match else i + 1
            frame = stack[-1] if stack else None
            is_key = frame is not None and frame.is_object and frame.expect_key
            if frame is not None:
                if is_key:
                    frame.key = _decode_key(raw[i:end])
                    frame.expect_key = False
                frame.pending = is_key
            if i <= offset < end:
                return Located(_path(stack), (i, end), is_key)
            i = end


def _punctuation(stack: list[_Frame], char: bytes, i: int) -> int:
    if char in (b"}", b"]"):
        if stack:
            stack.pop()
        if stack:
            stack[-1].pending = False
    elif char == b"," and stack:
        frame = stack[-1]
        if frame.is_object:
            frame.expect_key = True
        else:
            frame.index += 1
            frame.pending = True
    return i + 1


def _path(stack: list[_Frame], *, inner: bool = True) -> tuple:
    """The path to the current member (``inner``) or to the innermost container."""
    frames = stack if inner else stack[:-1]
    path = tuple(frame.member() for frame in frames)
    return path if None not in path else tuple(p for p in path if p is not None)


def _decode_key(token: bytes):
    try:
        return json.loads(token)
    except ValueError:
        return token.decode("utf-8", "backslashreplace")
