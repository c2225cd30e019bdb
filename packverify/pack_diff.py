"""``packverify diff A B``: where two packs differ, as JSON pointers with both values.

The differ is ``repro``'s (``packverify.repro.compare``: the first differing byte with
an excerpt of each side, then every differing JSON pointer, objects as unordered maps,
``1``/``1.0``/``true`` told apart); this module only reads the two packs and decides.
Two packs are the *same* when their documents are equal JSON values — byte-identical,
or differing only in serialisation (key order, whitespace, escapes), which is said.

Reading goes through :func:`read_for_diff`, the one place that turns a file into a
document: our JSON packs today (recognised by :func:`packverify.pack_files.not_a_pack_data`,
parsed by the strict loader); the readers of foreign formats plug in there.
Leaves alone: whether either pack is valid (``check``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, BinaryIO

from packverify.load import DEFAULT_MAX_BYTES, LoadError, parse_bytes, read_pack
from packverify.pack_files import STDIN, not_a_pack_data
from packverify.repro.compare import LIMIT, excerpt, first_differing_byte, json_diff
from packverify.repro.results import Difference


class Unreadable(Exception):
    """A side cannot be read as a pack (exit 2); the message says which and why."""


@dataclass(frozen=True)
class PackDiff:
    a: str
    b: str
    difference: Difference | None  # None: byte-identical

    @property
    def same(self) -> bool:
        return self.difference is None or (self.difference.json is not None and self.difference.json.total == 0)

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": "same" if self.same else "different", "a": self.a, "b": self.b,
                "difference": None if self.difference is None else self.difference.to_dict()}


def read_for_diff(path: str, *, stdin: BinaryIO | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, Any]:
    """(bytes, document) of the pack at ``path`` (``-``: standard input). Raises
    :class:`Unreadable` when it is missing, not a pack, or not parseable."""
    if path == STDIN:
        raw = (stdin or sys.stdin.buffer).read(max_bytes + 1)
        loaded = parse_bytes(raw, path=path)
    else:
        try:
            loaded = read_pack(path, max_bytes=max_bytes)
        except LoadError as exc:
            raise Unreadable(str(exc)) from exc
    if loaded.findings:
        first = loaded.findings[0]
        raise Unreadable(f"{path}: {first.code}: {first.message}")
    reason = not_a_pack_data(loaded.raw)
    if reason is not None:
        raise Unreadable(f"{path}: {reason}")
    return loaded.raw, loaded.document


def diff_packs(a: str, b: str, *, stdin: BinaryIO | None = None, limit: int = LIMIT) -> PackDiff:
    """How pack ``b`` differs from pack ``a``."""
    if a == STDIN and b == STDIN:
        raise Unreadable("only one side can be standard input ('-')")
    raw_a, doc_a = read_for_diff(a, stdin=stdin)
    raw_b, doc_b = read_for_diff(b, stdin=stdin)
    offset = first_differing_byte(raw_a, raw_b)
    if offset is None:
        return PackDiff(a, b, None)
    diff = json_diff(doc_a, doc_b, limit=limit)
    note = ("equal as JSON values: only the serialization differs (key order, spacing, escapes, number format)"
            if diff.total == 0 else "")
    return PackDiff(a, b, Difference(a=a, b=b, first_byte_offset=offset, sizes=(len(raw_a), len(raw_b)),
                                     context=(excerpt(raw_a, offset), excerpt(raw_b, offset)), json=diff, note=note))
