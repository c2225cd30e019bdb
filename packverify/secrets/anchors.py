"""Where a credential can start: every occurrence of the strings the rules start with, in one pass.

Every rule of :mod:`packverify.secrets.rules` and every shape of
:mod:`packverify.secrets.private_keys` starts with one of a few literal strings, its
*anchors* (``ghp_``, ``AKIA``, ``://``, ``-----BEGIN `` …). Running each rule's regular
expression over a whole text cost ≈40 passes over it. Instead, :class:`AnchorFinder` finds the
occurrences of every anchor in one pass, and :func:`matches` tries a rule only where one
of its anchors is (``pattern.match`` there): the matches ``finditer`` gives, since a match
can start nowhere else.

Several texts can be searched as one (:class:`AnchoredTexts`: joined by a separator, each
text's bounds kept): a rule is matched with ``endpos`` at the end of its own text, so
``$``, ``\\Z`` and every look-ahead see that text's end — what scanning the text alone
sees; nothing matches across two texts.

The one pass is Hyperscan (``hyperscan`` on PyPI: Intel's multi-literal matcher, linear,
GB/s) where it is installed and runs, else ``str.find`` per anchor (standard library: as
many passes as anchors, correct and slow). Both give the same positions
(tests/secrets/test_anchors.py). Hyperscan reads bytes: an ASCII text is scanned as its
own bytes; any other as UTF-8, byte offsets turned back into character offsets (every
anchor is ASCII, so every offset found is a character boundary).

Leaves alone: what a match means (the rules) and overlaps between rules
(:mod:`packverify.secrets.scan`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

Positions = dict[str, list[int]]  # anchor -> ascending start offsets, overlapping occurrences included


def find_each(text: str, anchors: Iterable[str]) -> Positions:
    """Every occurrence of every anchor with ``str.find`` (the standard-library engine)."""
    out: Positions = {}
    for anchor in anchors:
        found, position = [], text.find(anchor)
        while position != -1:
            found.append(position)
            position = text.find(anchor, position + 1)
        out[anchor] = found
    return out


def _hyperscan(anchors: tuple[str, ...]) -> Callable[[str], Positions] | None:
    """The Hyperscan engine for ``anchors``, or None where it is not installed or cannot
    run on this CPU (it needs SSSE3): the caller then uses :func:`find_each`."""
    try:
        import hyperscan
    except ImportError:
        return None
    try:
        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(expressions=[a.encode("ascii") for a in anchors], ids=list(range(len(anchors))),
                         elements=len(anchors), flags=0, literal=True)
    except hyperscan.error:
        return None
    lengths = [len(a) for a in anchors]

    def find(text: str) -> Positions:
        found: list[tuple[int, int]] = []

        def on_match(anchor: int, _start: int, end: int, _flags: int, _context: object) -> None:
            found.append((end - lengths[anchor], anchor))

        ascii_text = text.isascii()
        data = text.encode("ascii") if ascii_text else text.encode("utf-8", "surrogatepass")
        database.scan(data, match_event_handler=on_match)
        found.sort()
        starts = [start for start, _ in found]
        if not ascii_text:
            starts = _characters(data, starts)
        out: Positions = {a: [] for a in anchors}
        for start, (_, anchor) in zip(starts, found, strict=True):
            out[anchors[anchor]].append(start)
        return out

    return find


def _characters(data: bytes, offsets: list[int]) -> list[int]:
    """Character offsets of ascending byte ``offsets`` into UTF-8 ``data``, each at a
    character boundary: one left-to-right pass (linear in ``data``)."""
    out, characters, previous = [], 0, 0
    for offset in offsets:
        characters += len(data[previous:offset].decode("utf-8", "surrogatepass"))
        previous = offset
        out.append(characters)
    return out


class AnchorFinder:
    """Finds every occurrence of a fixed set of anchors, with the fastest engine that runs here."""

    def __init__(self, anchors: Iterable[str], *, fast: bool = True) -> None:
        """``fast=False``: the standard-library engine even where Hyperscan runs (tests)."""
        self.anchors = tuple(sorted(set(anchors)))
        if not all(a and a.isascii() for a in self.anchors):
            raise ValueError("anchors are non-empty ASCII strings")
        self._fast = _hyperscan(self.anchors) if fast else None
        self.engine = "hyperscan" if self._fast is not None else "str.find"

    def find(self, text: str) -> Positions:
        return self._fast(text) if self._fast is not None else find_each(text, self.anchors)


@dataclass(frozen=True, slots=True)
class AnchoredTexts:
    """Texts joined as ``text`` (or one text alone: ``starts == [0]``), where each begins
    and ends, and where every anchor occurs in them."""

    text: str
    starts: list[int]
    ends: list[int]
    positions: Positions

    def bounds(self, position: int) -> tuple[int, int]:
        """(start, end) of the text ``position`` is in."""
        k = bisect.bisect_right(self.starts, position) - 1
        return self.starts[k], self.ends[k]

    def at(self, anchors: tuple[str, ...]) -> list[int]:
        """Ascending offsets at which one of ``anchors`` occurs."""
        if len(anchors) == 1:
            return self.positions[anchors[0]]
        return sorted(p for a in anchors for p in self.positions[a])


def matches(pattern: re.Pattern, where: AnchoredTexts, anchors: tuple[str, ...]) -> Iterator[re.Match]:
    """What ``pattern.finditer`` gives over each text of ``where`` alone (left to right,
    not overlapping), for a pattern every match of which starts with one of ``anchors``."""
    end = -1
    for position in where.at(anchors):
        if position < end:
            continue
        m = pattern.match(where.text, position, where.bounds(position)[1])
        if m is not None:
            end = max(m.end(), position + 1)
            yield m
