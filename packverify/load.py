"""Bytes → document, strictly and safely. Never raises on any input.

Canonical packs of ``STREAM_MIN_BYTES`` and more are read in pieces first
(packverify.load_canonical: the same proof, a third of the memory). Otherwise the
fast path is orjson (strict UTF-8, no NaN, 1024-level limit). orjson keeps the
last of duplicate keys silently, so duplicates are ruled out by a cheap proof — the
document re-serialised canonically equals the file byte for byte — or, failing
that, by a second parse with the standard library and an ``object_pairs_hook``.
Every failure of the fast path is diagnosed by that slow path too, which knows
line/column, the duplicate key, the offending number, and where it is.

The standard library's parser recurses once per level, and how deep it may go is the
interpreter's business (3.11 counts it against the recursion limit and the caller's
frames; 3.12+ has a separate, larger C limit). So the slow path measures the nesting
itself first: deeper than ``SLOW_PATH_DEPTH`` is ``parse.too-deep`` at the root without
parsing, on every Python alike; shallower, the parse finds where the limit is crossed.

Limits (docs/format.md §Parsing): at most ``MAX_DEPTH`` levels of nesting; every
number within the range of an IEEE double (I-JSON, RFC 7493: a number means its
double); integers beyond 2**53 in counted fields are the schema's ``maximum``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, repeat
from operator import is_
from typing import Any

import orjson

from packverify.canonical import first_noncanonical_byte
from packverify.load_canonical import read_canonical
from packverify.model import Finding, json_type

MAX_DEPTH = 128
# Files from this size on are first read in pieces (packverify.load_canonical): a
# canonical pack then costs its document in memory, not document + file + parser copy.
STREAM_MIN_BYTES = 1 << 20
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
SAFE_INT = 2**53 - 1
# The slow path parses at most this deep (see the module docstring): well below what
# CPython 3.11's stdlib parser reaches under a deep caller, above MAX_DEPTH so that a
# crossing within reach still gets its pointer.
SLOW_PATH_DEPTH = 512
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_DELTA = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_BOM = b"\xef\xbb\xbf"


class LoadError(Exception):
    """The file could not be read at all (missing, a directory, permissions): exit 2."""


@dataclass
class Loaded:
    """A pack file as read: its bytes, its document (``None`` if it did not parse)
    and the ``parse`` findings. ``canonical`` is ``True`` when the bytes are already
    known to equal the RFC 8785 serialisation of the document, ``None`` when unknown."""

    path: str
    raw: bytes
    sha256: str
    document: Any = None
    findings: list[Finding] = field(default_factory=list)
    canonical: bool | None = None
    plain: bool = False  # no floats, no big ints, no non-BMP keys: orjson sort == JCS
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.raw)

    def release_raw(self) -> None:
        """Drop the bytes once nothing needs them (they are already known canonical)."""
        if self.canonical:
            self.raw = b""


def read_pack(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Read and parse a pack file. Raises :class:`LoadError` only when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raw = b""
                return Loaded(path, raw, _sha256_file(handle), findings=[Finding(
                    "parse.too-large", (),
                    f"the file is {size} bytes, over the limit of {max_bytes} (--max-bytes)",
                    expected=max_bytes, actual=size)])
            if size >= STREAM_MIN_BYTES:
                streamed = read_canonical(handle, _scan)
                if streamed is not None and streamed[2] <= max_bytes:
                    document, sha256, read, plain = streamed
                    return _top_level(Loaded(path, b"", sha256, document, canonical=True, plain=plain, size=read))
                handle.seek(0)
            raw = handle.read(max_bytes + 1)
    except IsADirectoryError as exc:
        raise LoadError(f"{path}: is a directory") from exc
    except FileNotFoundError as exc:
        raise LoadError(f"{path}: no such file") from exc
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(raw) > max_bytes:  # grew while we read it
        return Loaded(path, b"", hashlib.sha256(raw).hexdigest(), findings=[Finding(
            "parse.too-large", (), f"the file is over the limit of {max_bytes} bytes (--max-bytes)",
            expected=max_bytes, actual=len(raw))])
    return parse_bytes(raw, path=path)


def _sha256_file(handle) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def parse_bytes(raw: bytes, *, path: str = "<bytes>") -> Loaded:
    """Parse pack bytes into a :class:`Loaded`. Never raises."""
    loaded = Loaded(path, raw, hashlib.sha256(raw).hexdigest())
    try:
        document = orjson.loads(raw)
    except (orjson.JSONDecodeError, RecursionError, MemoryError):
        document = None
    if document is not None or raw.strip() == b"null":
        scan = _scan(document)
        if scan.problems:
            loaded.findings.extend(scan.problems)
            return loaded
        plain = not scan.needs_prepare
        if first_noncanonical_byte(document, raw, prepared=plain) is None:
            # Canonical bytes: every key was written once, so no duplicates.
            loaded.document, loaded.canonical, loaded.plain = document, True, True
            return _top_level(loaded)
        del document
    _slow_parse(loaded)
    return _top_level(loaded) if not loaded.findings else loaded


def _top_level(loaded: Loaded) -> Loaded:
    if not isinstance(loaded.document, dict):
        kind = json_type(loaded.document)
        described = kind if kind == "null" else ("an " if kind[0] in "aeiou" else "a ") + kind
        loaded.findings.append(Finding(
            "parse.not-an-object", (), f"the top level is {described}; a pack is a JSON object",
            expected="object", actual=kind))
        loaded.document = None
    return loaded


# ---------------------------------------------------------------- the slow path

class _Bad:
    """Stands in for a value the standard parser accepted but a pack may not hold."""

    __slots__ = ("code", "text")

    def __init__(self, code: str, text: str) -> None:
        self.code, self.text = code, text


class _DupDict(dict):
    __slots__ = ("duplicates",)


def _pairs_hook(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set = set()
        dups = []
        for key, _ in pairs:
            if key in seen and key not in dups:
                dups.append(key)
            seen.add(key)
        result = _DupDict(result)
        result.duplicates = dups
    return result


def _parse_int(text: str) -> Any:
    digits = len(text) - (text[0] == "-")
    if digits > 16:
        if digits > 4000:
            return _Bad("parse.number-out-of-range", f"an integer of {digits} digits")
        value = int(text)
        if _lossy(value):
            return _Bad("parse.number-out-of-range", text)
        return value
    return int(text)


def _parse_float(text: str) -> Any:
    if len(text) > 4000:
        return _Bad("parse.number-out-of-range", f"a number of {len(text)} characters")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        return _Bad("parse.number-out-of-range", text)
    return value


def _parse_constant(text: str) -> Any:
    return _Bad("parse.non-finite-number", text)


def _slow_parse(loaded: Loaded) -> None:
    raw = loaded.raw
    add = loaded.findings.append
    if raw.startswith(_BOM):
        add(Finding("parse.byte-order-mark", (),
                    "the file starts with a UTF-8 byte order mark; JSON text must not (RFC 8259 §8.1)",
                    actual="EF BB BF"))
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        add(Finding("parse.invalid-utf8", (),
                    f"invalid UTF-8 at byte offset {exc.start} (line {line}): {exc.reason}",
                    actual=raw[exc.start:exc.start + 4].hex(" ")))
        return
    if _nesting_exceeds(raw, SLOW_PATH_DEPTH):
        add(_too_deep_at_root())
        return
    try:
        document = json.loads(text, object_pairs_hook=_pairs_hook, parse_int=_parse_int,
                              parse_float=_parse_float, parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        add(Finding("parse.invalid-json", (),
                    f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno} (character {exc.pos})"))
        return
    except RecursionError:  # defensive: a caller already deep in its own stack
        add(_too_deep_at_root())
        return
    except (ValueError, MemoryError) as exc:  # defensive: the parser's own limits
        add(Finding("parse.invalid-json", (), f"not parseable: {exc}"))
        return
    scan = _scan(document, slow=True)
    if scan.problems:
        loaded.findings.extend(scan.problems)
        return
    loaded.document = document
    loaded.plain = not scan.needs_prepare
    loaded.canonical = None


def _too_deep_at_root() -> Finding:
    return Finding("parse.too-deep", (), f"nesting deeper than {MAX_DEPTH} levels", expected=MAX_DEPTH)


def _nesting_exceeds(raw: bytes, limit: int) -> bool:
    """Whether brackets outside strings ever nest deeper than ``limit``, in linear time
    and without recursion (whatever else is wrong with the text). ``raw`` is valid UTF-8,
    so a quote or bracket byte is that character."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    # Escapes go first (an escaped backslash, then an escaped quote); then only quotes and
    # brackets are kept, and what lies between every other quote is inside a string (an
    # unterminated one runs to the end). Every step is a C loop; the first level past the
    # limit ends the count.
    plain = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    brackets = b"".join(plain.split(b'"')[::2])
    return next(filter(limit.__lt__, accumulate(map(_DELTA.__getitem__, brackets))), None) is not None


class _Scan:
    __slots__ = ("problems", "needs_prepare")

    def __init__(self) -> None:
        self.problems: list[Finding] = []
        self.needs_prepare = False


def _scan(document: Any, *, slow: bool = False, base: tuple = ()) -> _Scan:
    """Depth, numbers outside I-JSON, non-BMP keys, and (slow path) duplicate keys,
    NaN/Infinity and lone surrogates. ``base`` is where ``document`` sits in a larger one
    (the depth limit counts from the top). A document orjson parsed is first given the
    bulk check (:func:`_bulk_scan`); only what it cannot clear is walked node by node."""
    if not slow:
        needs_prepare = _bulk_scan(document, len(base))
        if needs_prepare is not None:
            scan = _Scan()
            scan.needs_prepare = needs_prepare
            return scan
    return _walk(document, slow, base)


_CLEAR = frozenset({str, int, float, bool, type(None), dict, list})


def _bulk_scan(document: Any, depth: int) -> bool | None:
    """Whether the JCS number/key pass is needed, or ``None`` when the document needs the
    node-by-node walk (nesting near the limit, an integer beyond 2**53, a type orjson
    does not make): level by level, every test a C loop over all the level's values
    (``map``/``compress``), not a Python step per value — 2.4 s of the 2.7 s the walk
    cost on the benchmark's 100,000-chunk pack. Never clears what the walk would report."""
    needs = False
    dicts = [document] if type(document) is dict else []
    lists = [document] if type(document) is list else []
    if depth >= MAX_DEPTH:  # the walk judges the root's depth whatever its type
        return None
    while dicts or lists:
        if depth >= MAX_DEPTH:
            return None
        keys = "".join(chain.from_iterable(dicts))
        if not keys.isascii() and any(ord(c) > 0xFFFF for c in keys):
            needs = True
        values = list(chain(chain.from_iterable(map(dict.values, dicts)), chain.from_iterable(lists)))
        types = list(map(type, values))
        kinds = set(types)
        if not kinds <= _CLEAR:
            return None
        needs |= float in kinds
        if int in kinds:
            ints = list(compress(values, map(is_, types, repeat(int))))
            if max(ints) > SAFE_INT or min(ints) < -SAFE_INT:
                return None
        dicts = list(compress(values, map(is_, types, repeat(dict)))) if dict in kinds else []
        lists = list(compress(values, map(is_, types, repeat(list)))) if list in kinds else []
        depth += 1
    return needs


def _walk(document: Any, slow: bool, base: tuple) -> _Scan:
    """The node-by-node scan: every finding with its path."""
    scan = _Scan()
    problems = scan.problems
    stack: list[tuple[Any, tuple]] = [(document, base)]
    while stack:
        node, path = stack.pop()
        if len(path) >= MAX_DEPTH:
            problems.append(Finding("parse.too-deep", path,
                                    f"nesting deeper than {MAX_DEPTH} levels", expected=MAX_DEPTH,
                                    actual=f"> {MAX_DEPTH}"))
            break
        if type(node) is dict or type(node) is _DupDict:
            if type(node) is _DupDict:
                for key in node.duplicates:
                    problems.append(Finding("parse.duplicate-key", path,
                                            f"the key {key!r} appears more than once in this object",
                                            actual=key))
            keys = "".join(node)
            if not keys.isascii():
                if any(ord(c) > 0xFFFF for c in keys):
                    scan.needs_prepare = True
                if slow and _has_surrogate(keys):
                    for key in node:
                        if _has_surrogate(key):
                            problems.append(Finding("parse.lone-surrogate", path,
                                                    "a key holds an unpaired UTF-16 surrogate escape",
                                                    actual=key.encode("utf-8", "backslashreplace").decode()))
            items = node.items()
        elif type(node) is list:
            items = enumerate(node)
        else:
            items = ()
        for key, value in items:
            kind = type(value)
            if kind is dict or kind is list or kind is _DupDict:
                stack.append((value, path + (key,)))
            elif kind is float:
                scan.needs_prepare = True
            elif kind is int:
                if value > SAFE_INT or value < -SAFE_INT:
                    if _lossy(value):
                        problems.append(Finding("parse.number-out-of-range", path + (key,),
                                                "an integer beyond the range of an IEEE double has no value in "
                                                "other JSON implementations (I-JSON, RFC 7493)",
                                                expected="|n| < 1.8e308",
                                                actual=str(value)))
                    else:
                        scan.needs_prepare = True
            elif kind is _Bad:
                message = ("NaN and Infinity are not JSON" if value.code == "parse.non-finite-number"
                           else "a number that no IEEE double holds exactly or at all")
                problems.append(Finding(value.code, path + (key,), message, actual=value.text))
            elif slow and kind is str and not value.isascii() and _has_surrogate(value):
                problems.append(Finding("parse.lone-surrogate", path + (key,),
                                        "the string holds an unpaired UTF-16 surrogate escape; it is not Unicode text"))
    return scan


def _lossy(value: int) -> bool:
    """True when ``value`` is beyond any IEEE double (I-JSON: a number means its double).

    Integers beyond 2**53 that a double can approximate are the schema's business:
    every counted field has ``maximum: 2**53 − 1``."""
    try:
        float(value)
    except OverflowError:
        return True
    return False


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False

