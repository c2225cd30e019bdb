"""determinism — the pack is in its one canonical form, so rebuilds compare byte for byte.

* chunks are in canonical order (``file_path`` by code point, then ``start_line``,
  ``end_line``, ``id``) — never locale collation or directory-listing order;
* ids are the canonical stable ids when ``metadata.chunk_id_scheme`` says
  ``packverify-v1``;
* the file's bytes are the RFC 8785 (JCS) serialisation of its document: an error
  when ``metadata.serialization`` says ``rfc8785``, a warning for foreign packs. The
  finding is located at the JSON pointer of the first difference and shows both
  spellings there (``1.0`` where RFC 8785 writes ``1``).

Leaves alone: whether two builds are equal (``packverify repro``) and timestamps
(``created_at`` is judged by format only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from packverify.canonical import first_noncanonical_byte, jcs_bytes
from packverify.format import CHUNK_ID_SCHEME, SERIALIZATION, canonical_chunk_id, chunk_order_key
from packverify.json_locate import locate
from packverify.model import Finding, Severity
from packverify.oracles._base import ERROR, WARNING, Code, NotApplicable
from packverify.pointer import to_pointer
from packverify.view import as_str

NAME = "determinism"

CODES = {
    "determinism.chunk-order": Code("Chunks out of canonical order", ERROR,
                                    "Order taken from a directory listing, a hash set or locale collation differs between machines.",
                                    "b.py before a.py; 'I.py' vs 'i.py' under tr_TR"),
    "determinism.unstable-id": Code("Non-canonical chunk id", ERROR,
                                    "The pack declares chunk_id_scheme packverify-v1 but an id is not the scheme's id.",
                                    "a random uuid4 as id"),
    "determinism.non-canonical-bytes": Code("Non-canonical serialisation", WARNING,
                                            "Bytes that are not the RFC 8785 serialisation differ between builds for no reason "
                                            "(key order, whitespace, number format). An error when the pack declares rfc8785.",
                                            "pretty-printed JSON, or keys in insertion order"),
}


def check(pack, ctx) -> Iterator[Finding]:
    yield from _order(pack)
    if as_str(pack.get("metadata", "chunk_id_scheme")) == CHUNK_ID_SCHEME:
        for c in pack.chunks:
            if None in (c.id, c.file_path, c.start_line, c.end_line):
                continue
            expected = canonical_chunk_id(c.file_path, c.start_line, c.end_line)
            if c.id != expected:
                yield Finding("determinism.unstable-id", c.path + ("id",),
                              f"id is not the {CHUNK_ID_SCHEME} id of {c.file_path}:{c.start_line}-{c.end_line}",
                              expected=expected, actual=c.id)
    yield from _bytes(pack)


def _order(pack) -> Iterator[Finding]:
    previous = None
    first_bad = None
    bad = 0
    for c in pack.chunks:
        if c.file_path is None or c.start_line is None or c.end_line is None:
            continue
        key = chunk_order_key(c.file_path, c.start_line, c.end_line, c.id or "")
        if previous is not None and key < previous[0]:
            bad += 1
            if first_bad is None:
                first_bad = (c, previous[1])
        previous = (key, c)
    if first_bad is not None:
        c, before = first_bad
        yield Finding("determinism.chunk-order", c.path,
                      f"{c.file_path}:{c.start_line} comes after {before.file_path}:{before.start_line} "
                      f"(/chunks/{before.index}) but sorts before it; {bad} such place(s) in all",
                      expected="ordered by file_path (code point), start_line, end_line, id",
                      actual=f"{bad} inversion(s)")


def _bytes(pack) -> Iterator[Finding]:
    loaded = pack.loaded
    if loaded.canonical:
        return
    offset = first_noncanonical_byte(pack.doc, loaded.raw, prepared=loaded.plain)
    if offset is None:
        return
    declared = as_str(pack.get("metadata", "serialization")) == SERIALIZATION
    path, written, canonical = _spellings(pack.doc, loaded.raw, offset)
    yield Finding("determinism.non-canonical-bytes", path,
                  f"the file is not the RFC 8785 serialisation of its content: first difference at byte {offset}, "
                  f"at {to_pointer(path) or 'the document root'}, where the file has {written} and RFC 8785 "
                  f"writes {canonical}"
                  + ("" if declared else " (the pack does not declare metadata.serialization 'rfc8785': warning)"),
                  expected=canonical, actual=written,
                  severity=Severity.ERROR if declared else Severity.WARNING)


def requires_foreign(view, ctx) -> str:
    return NotApplicable(f"canonical bytes, order and ids are rules of packverify JSON, not of {view.noun}; whether "
                         "its packer rebuilds it byte for byte is packverify repro's question (packverify convert "
                         "makes it canonical)")


def _spellings(doc, raw: bytes, offset: int) -> tuple[tuple, str, str]:
    """(path, the file's spelling, the canonical spelling) around the first difference:
    the whole token when it falls inside a number, string or literal (``1.0`` vs ``1``),
    otherwise ``EXCERPT`` bytes from the offset on each side (whitespace, key order)."""
    located = locate(raw, offset)
    if located.token is not None:
        start, end = located.token
        value = located.path[-1] if located.is_key else _value_at(doc, located.path)
        if value is not _MISSING:
            written = raw[start:end].decode("utf-8", "backslashreplace")
            return located.path, _shown(written), _shown(jcs_bytes(value).decode("utf-8"))
    canonical = jcs_bytes(doc)
    return located.path, _shown(_excerpt(raw, offset)), _shown(_excerpt(canonical, offset))


EXCERPT = 24  # bytes shown from the first difference on, when it is not inside one token
SPELLING_SHOWN = 60  # a longer spelling is cut (a 1,000-digit number stays readable)
_MISSING = object()


def _excerpt(data: bytes, offset: int) -> str:
    return data[offset:offset + EXCERPT].decode("utf-8", "backslashreplace")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _shown(text: str) -> str:
    """``text`` quoted, control characters (the whitespace that differs) made visible."""
    visible = _CONTROL.sub(lambda m: json.dumps(m.group())[1:-1], text)
    if len(visible) > SPELLING_SHOWN:
        visible = f"{visible[:SPELLING_SHOWN]}…' ({len(text)} characters)"
        return "'" + visible
    return f"'{visible}'"


def _value_at(doc, path: tuple):
    node = doc
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node
