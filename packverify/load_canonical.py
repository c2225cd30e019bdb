"""Reading a canonical pack file in pieces, so peak memory is the document, not
the document plus the file plus the parser's copy of it (issue 13).

Parsing 155 MB at once held the raw bytes, orjson's transient copy (its yyjson
tree, about the size of the input) and the document together: 3.9× the file. Here
the file is read in blocks; the top-level object's members, and each element of
a member that is an array (``chunks``, ``body_spans``), are parsed one at a time by
orjson, and every piece is proved canonical as it goes: its RFC 8785 serialisation
must equal the bytes it was parsed from. The file is therefore byte for byte the
canonical serialisation of the document, which is what the whole-file path
establishes too (load.parse_bytes: canonical bytes, so no duplicate keys).

Where a piece ends is found by trying the next plausible end (``}`` or ``]``
or ``"`` followed by ``,`` ``]`` or ``}``) and letting orjson judge: a cut inside a
string or a nested value never parses, because a JSON text cannot end inside one.

Anything else — not canonical, not an object, a finding of any kind, a value
that takes too many tries — returns ``None`` and the caller reads the file the
ordinary way, which gives the findings. This module never reports findings and
never raises on content. Leaves alone: every diagnosis (packverify.load).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from itertools import repeat
from typing import IO, Any

import orjson

from packverify.canonical import _utf16_key, jcs_bytes

# The loader's scan of a parsed value: (value, base=place) -> an object with ``problems``
# (a list) and ``needs_prepare`` (a bool) — packverify.load._scan.
Scanner = Callable[..., Any]

BLOCK = 4 << 20
BATCH = 1 << 20
QUICK_SLACK = 64 << 10  # bytes past a batch's size searched for a cut before counting quotes
MAX_TRIES = 1000  # plausible ends tried per value before giving up: a pathology, not content
_TERMINATORS = {b"{": b"}", b"[": b"]", b'"': b'"'}


class _NotCanonical(Exception):
    """This file is not for the streaming path; read it the ordinary way."""


class _Reader:
    """A window on the file: ``buf[pos:]`` is unread; blocks are hashed as they arrive.
    ``base`` is the file offset of ``buf[0]``: places kept across a refill are file
    offsets, so dropping consumed bytes never invalidates them."""

    def __init__(self, handle: IO[bytes], scanner: Scanner) -> None:
        self.handle = handle
        self.buf = bytearray()
        self.base = 0
        self.pos = 0
        self.eof = False
        self.digest = hashlib.sha256()
        self.size = 0
        self.scanner = scanner

    def more(self) -> None:
        """Read one more block (``eof`` when there was none), dropping what was consumed."""
        del self.buf[:self.pos]
        self.base += self.pos
        self.pos = 0
        block = self.handle.read(BLOCK) if not self.eof else b""
        if not block:
            self.eof = True
            return
        self.digest.update(block)
        self.size += len(block)
        self.buf += block

    def fill(self, at_least: int) -> None:
        while len(self.buf) - self.pos < at_least and not self.eof:
            self.more()

    def expect(self, token: bytes) -> None:
        self.fill(len(token))
        if self.buf[self.pos:self.pos + len(token)] != token:
            raise _NotCanonical
        self.pos += len(token)

    def peek(self) -> bytes:
        self.fill(1)
        if self.pos >= len(self.buf):
            raise _NotCanonical
        return bytes(self.buf[self.pos:self.pos + 1])

    def value(self, terminators: bytes) -> tuple[Any, bool]:
        """The next JSON value, which is followed by one of ``terminators``; returns the
        value and whether JCS needed more than orjson (floats, big ints, non-BMP keys)."""
        return self._parse(_TERMINATORS.get(self.peek(), b""), terminators, b"", b"", 0)

    def elements(self) -> tuple[list, bool]:
        """The next elements of an array, about ``BATCH`` bytes of them, parsed as one
        array: a call per element cost more than the parsing (0.4 s per 100,000 chunks).
        The batch ends where the array ends, or at the first element end past ``BATCH``
        (elements are taken to be of the first one's kind; otherwise: not canonical)."""
        return self._parse(_TERMINATORS.get(self.peek(), b""), b",]", b"[", b"]", BATCH)

    def _quick(self, before: bytes, after: bytes, min_size: int) -> tuple[Any, bool] | None:
        """A batch of an array of objects cut at the first ``},{"`` past ``min_size``
        bytes, with no quote counting: a quote inside a string is always escaped, so
        ``{"`` lies inside one only when a string ends in ``},{``, and then orjson
        refuses the cut (as it refuses a cut past the array's end). ``None``: no such
        cut in the bytes at hand, or it did not parse — the counting search decides."""
        self.fill(min_size + QUICK_SLACK)
        at = self.buf.find(b'},{"', self.pos + min_size)
        return None if at < 0 else self._try(at + 1, before, after)

    def _parse(self, closer: bytes, terminators: bytes, before: bytes, after: bytes,
               min_size: int) -> tuple[Any, bool]:
        """Parse ``before + buf[pos:end] + after`` for the first plausible ``end``: a
        terminator preceded by ``closer``, outside strings (an even number of string
        delimiters since ``pos``), ``min_size`` bytes on or the closing terminator
        (the last of ``terminators``). Content full of ``},`` or ``}]`` costs one count of
        its quotes, not a parse per lookalike. Batches of objects try :meth:`_quick` first."""
        if min_size and closer == b"}":
            found = self._quick(before, after, min_size)
            if found is not None:
                return found
        start = self.base + self.pos  # file offsets from here on
        mark, odd = start, 0  # the quotes in [start, mark) are odd in number when odd == 1
        search = start + 1
        closing = closer + terminators[-1:]
        self.fill(min_size)
        target = min(start + min_size, self.base + len(self.buf))
        tries = 0
        while tries < MAX_TRIES:  # every pass moves ``search`` on; the end of the file stops it
            if search < target:  # below the batch size only the closing terminator ends the batch
                at = self.buf.find(closing, max(search - len(closer), mark) - self.base, target - self.base)
                if at < 0:
                    search = target
                    continue
                end = self.base + at + len(closer)
            else:
                end = self._next_end(closer, terminators, search)
            odd ^= _quotes(self.buf, mark - self.base, end - self.base) & 1
            mark, search = end, end + 1
            if odd:
                continue  # inside a string
            tries += 1
            found = self._try(end - self.base, before, after)
            if found is not None:
                return found
        raise _NotCanonical

    def _next_end(self, closer: bytes, terminators: bytes, start: int) -> int:
        """The file offset of the first terminator at or after file offset ``start``
        preceded by ``closer``; reads on as needed. Each terminator after the first
        is looked for only up to the best so far: ``}]`` closes the whole array and
        must not be searched across the buffer for every element."""
        while True:
            best = -1
            for t in terminators:
                needle = closer + bytes([t])
                lo = max(start - len(closer) - self.base, self.pos)
                at = self.buf.find(needle, lo) if best < 0 else self.buf.find(needle, lo, best + 1)
                if at >= 0 and (best < 0 or at + len(closer) < best):
                    best = at + len(closer)
            if best >= 0:
                return self.base + best
            if self.eof:
                raise _NotCanonical
            self.more()

    def _try(self, end: int, before: bytes, after: bytes) -> tuple[Any, bool] | None:
        """Parse ``before + buf[pos:end] + after``; ``None`` when that is not JSON (the
        cut was inside a nested value), the value when it is and is canonical (then
        ``pos`` moves to ``end``); raises when it is JSON but not canonical."""
        piece = before + bytes(self.buf[self.pos:end]) + after
        try:
            value = orjson.loads(piece)
        except orjson.JSONDecodeError:
            return None
        special = _canonical(value, piece, ("",), self.scanner)
        self.pos = end
        return value, special


def _quotes(buf: bytearray, lo: int, hi: int) -> int:
    """String delimiters in ``buf[lo:hi]``: quotes not escaped by an odd run of
    backslashes (``lo`` must not be inside such a run). Deleting every pair of
    backslashes (left to right, runs never merge) leaves one before a quote exactly when
    its run was odd: three passes whatever the longest run (counting quotes after at
    least j backslashes for every j took 1.6 s per 155 MB of code full of ``\\\\``)."""
    total = buf.count(b'"', lo, hi)
    if not total or buf.find(b'\\"', lo, hi) < 0:
        return total
    return total - buf[lo:hi].replace(b"\\\\", b"").count(b'\\"')


def _canonical(value: Any, piece: bytes, base: tuple, scanner: Scanner) -> bool:
    """Raise unless ``piece`` is the RFC 8785 serialisation of ``value`` and the value
    passes the loader's scan; return whether it needed the JCS number/key pass.
    ``base``: the value's place under the top level, for the depth limit."""
    scan = scanner(value, base=base)
    if scan.problems:
        raise _NotCanonical
    if jcs_bytes(value, prepared=not scan.needs_prepare) != piece:
        raise _NotCanonical
    return scan.needs_prepare


def read_canonical(handle: IO[bytes], scanner: Scanner) -> tuple[dict, str, int, bool] | None:
    """(document, sha256, size, plain) when ``handle`` holds a canonical pack object;
    ``None`` otherwise (read it the ordinary way). ``scanner`` is the loader's own check of
    a parsed value (``packverify.load``: depth, I-JSON numbers, keys), given by the caller
    so the rule stays written once and the two modules do not import each other."""
    reader = _Reader(handle, scanner)
    try:
        document, special = _document(reader)
        reader.fill(1)
        if reader.pos != len(reader.buf) or not reader.eof:
            raise _NotCanonical  # anything after the closing brace
    except (_NotCanonical, RecursionError, MemoryError):
        return None
    return document, reader.digest.hexdigest(), reader.size, not special


def _document(reader: _Reader) -> tuple[dict, bool]:
    reader.expect(b"{")
    document: dict = {}
    special = False
    previous: str | None = None
    if reader.peek() == b"}":
        raise _NotCanonical  # an empty pack: the ordinary path is as cheap and says what is wrong
    while True:
        key, _ = reader.value(b":")
        if type(key) is not str or (previous is not None and _utf16_key(key) <= _utf16_key(previous)):
            raise _NotCanonical  # keys out of RFC 8785 order, or a duplicate
        reader.expect(b":")
        if reader.peek() == b"[":
            document[key], needed = _array(reader)
        else:
            document[key], needed = reader.value(b",}")
        special |= needed
        previous = key
        if reader.peek() == b"}":
            reader.expect(b"}")
            break
        reader.expect(b",")
    return document, special


# Chunk fields whose values repeat from chunk to chunk: one str object per distinct
# value instead of one per chunk (16 MB less for the bench's 100,000 chunks).
_SHARED = ("file_path", "language", "selected_mode")


def _share(items: list, memo: dict) -> None:
    """Each shared field's value replaced by the memo's equal string: a C loop (``map``)
    per field when every item is an object holding a string there, as in every pack
    (0.8 s → 0.05 s for 100,000 chunks); item by item otherwise."""
    if set(map(type, items)) == {dict}:
        for key in _SHARED:
            values = list(map(dict.get, items, repeat(key)))
            if set(map(type, values)) == {str}:
                deque(map(dict.__setitem__, items, repeat(key), map(memo.setdefault, values, values)), maxlen=0)
            else:
                _share_one(items, key, memo)
        return
    for key in _SHARED:
        _share_one(items, key, memo)


def _share_one(items: list, key: str, memo: dict) -> None:
    for item in items:
        if type(item) is dict:
            value = item.get(key)
            if type(value) is str:
                item[key] = memo.setdefault(value, value)


def _array(reader: _Reader) -> tuple[list, bool]:
    reader.expect(b"[")
    items: list = []
    memo: dict = {}
    special = False
    if reader.peek() == b"]":
        reader.expect(b"]")
        return items, False
    while True:
        batch, needed = reader.elements()
        _share(batch, memo)
        items.extend(batch)
        special |= needed
        if reader.peek() == b"]":
            reader.expect(b"]")
            return items, special
        reader.expect(b",")
