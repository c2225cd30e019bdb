"""JSON Pointers (RFC 6901): the one place they are made.

Inside packverify a location is a tuple of keys (``str``) and indexes (``int``);
only reports turn it into a pointer string. Nothing here resolves pointers
against documents except :func:`resolve`, which tests and fuzzers use to prove
that every reported pointer exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Path = tuple  # tuple[str | int, ...]


def to_pointer(path: Iterable[str | int]) -> str:
    """Render a path as an RFC 6901 pointer: ``~`` becomes ``~0``, ``/`` becomes ``~1``."""
    parts = []
    for part in path:
        text = str(part)
        if "~" in text or "/" in text:
            text = text.replace("~", "~0").replace("/", "~1")
        parts.append("/" + text)
    return "".join(parts)


def from_pointer(pointer: str) -> tuple[str, ...]:
    """Split an RFC 6901 pointer into its unescaped reference tokens."""
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON pointer starts with '/': {pointer!r}")
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))


def resolve(document: Any, pointer: str) -> Any:
    """Return the value a pointer designates; ``KeyError`` when it designates nothing."""
    node = document
    for token in from_pointer(pointer):
        if isinstance(node, dict):
            if token not in node:
                raise KeyError(pointer)
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or (len(token) > 1 and token[0] == "0"):
                raise KeyError(pointer)
            index = int(token)
            if index >= len(node):
                raise KeyError(pointer)
            node = node[index]
        else:
            raise KeyError(pointer)
    return node


def sort_key(path: Iterable[str | int]) -> tuple:
    """A total order on paths: indexes numerically, keys by code point, indexes first."""
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)
