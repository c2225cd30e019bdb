"""The pack format's rules that every part of packverify shares (docs/format.md).

One home for each rule, so the packer that writes packs, the oracles that judge
them, the readers of foreign formats and the strategies that generate them cannot
drift apart:

* lines (§Lines): split on ``\\n`` only, each line keeping its ``\\n``;
* chunk order (§Chunk order) and the canonical chunk id (§Chunk id);
* ``content_hash``, ``manifest_digest`` and its rows, ``body_spans``;
* what the chunks of a pack select — the lower bounds of ``statistics``
  (distinct files, tokens, files per language);
* the underflow rule and its default allowance; the schema's utilization ceiling;
* repository conventions the format relies on: the commit of forty zeros (a
  working tree) and the directories every packer is expected to leave out.

Canonical *bytes* stay in :mod:`packverify.canonical`: RFC 8785 is a JSON
standard that the loader and the fuzzers use on any document, not a rule of this
format; the ids and the digest here are defined over it.

Leaves alone: judging a pack against these rules (``packverify/oracles/``) and
choosing what to pack (``packverify/packer/``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, AnyStr

from packverify.canonical import jcs_bytes, plain_scalars

SERIALIZATION = "rfc8785"  # metadata.serialization of a pack in canonical bytes
CHUNK_ID_SCHEME = "packverify-v1"  # metadata.chunk_id_scheme of a pack with canonical ids
ZERO_COMMIT = "0" * 40  # repo_info.commit of a pack made from a working tree, not a commit


def is_zero_commit(commit: str) -> bool:
    """All zeros, SHA-1 (40) or SHA-256 (64) wide: the content is a working tree, not a commit."""
    return len(commit) in (40, 64) and commit.count("0") == len(commit)
DEFAULT_UNDERFLOW = 0.005  # budget_info.underflow_allowed when the pack does not say
_SAFE_INT = 2**53 - 1  # RFC 8785 writes integers beyond this as doubles
MANIFEST_ROW = ("id", "file_path", "start_line", "end_line", "tokens", "content_hash")  # §manifest_digest

# Directories no pack should draw from: dependencies, build output, tool state. The
# reference packer leaves them out; relation M5 expects every packer to leave out the
# first three (docs/metamorphic.md), so generators plant vendored code there.
COMMON_VENDOR_DIRS = ("node_modules", "vendor", "third_party")
VENDORED_DIRS = frozenset({
    *COMMON_VENDOR_DIRS, "third-party", "bower_components", ".git", ".hg", ".svn", "__pycache__", ".venv", "venv",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", "dist", "build", "target", ".eggs",
    "site-packages", "mutants", "artifacts",
})


# ---------------------------------------------------------------- lines

def split_lines(text: AnyStr) -> list[AnyStr]:
    """Lines of ``text`` (``str`` or ``bytes``) with their ``\\n`` kept (docs/format.md §Lines)."""
    newline = "\n" if isinstance(text, str) else b"\n"
    lines = text.split(newline)
    if not lines[-1]:
        lines.pop()
        return [line + newline for line in lines]
    return [line + newline for line in lines[:-1]] + lines[-1:]


def count_lines(text: str) -> int:
    """Lines in ``text``: every ``\\n`` ends one; a non-empty tail without one is a line too."""
    if not text:
        return 0
    newlines = text.count("\n")
    return newlines if text.endswith("\n") else newlines + 1


# ---------------------------------------------------------------- chunks

def chunk_order_key(file_path: str, start_line: int, end_line: int, chunk_id: str = "") -> tuple:
    """Canonical chunk order (§Chunk order): path by code point, then start line, end line, id."""
    return (file_path, start_line, end_line, chunk_id)


def canonical_chunk_id(file_path: str, start_line: int, end_line: int) -> str:
    """Scheme ``packverify-v1``: first 16 hex digits of sha256(JCS([path, start, end]))."""
    plain = (type(file_path) is str and type(start_line) is int and type(end_line) is int
             and abs(start_line) <= _SAFE_INT and abs(end_line) <= _SAFE_INT)  # orjson writes JCS already
    return hashlib.sha256(jcs_bytes([file_path, start_line, end_line], prepared=plain)).hexdigest()[:16]


def content_digest(content: str) -> bytes:
    """The sha256 of a chunk's content's UTF-8 bytes: ``content_hash`` in hex, and the
    key of every per-content cache (packverify.result_cache, the count cache)."""
    return hashlib.sha256(content.encode("utf-8")).digest()


def hash_content(content: str) -> str:
    """A chunk's ``content_hash``: sha256 of its content's UTF-8 bytes, lowercase hex."""
    return content_digest(content).hex()


def utf8_length(content: str) -> int:
    """The length of a chunk's content in a rendered body: its UTF-8 bytes (§body_spans)."""
    return len(content.encode("utf-8"))


def manifest_rows(chunks: Iterable[Mapping[str, Any]]) -> list[tuple]:
    """The ``manifest_digest`` row of every chunk document (fields in :data:`MANIFEST_ROW` order)."""
    return [tuple(chunk[name] for name in MANIFEST_ROW) for chunk in chunks]


def manifest_digest(tokenizer: str, rows: Iterable[tuple]) -> str:
    """sha256 of JCS({"tokenizer": name, "chunks": [[id, path, start, end, tokens, hash], ...]})
    with the rows in canonical chunk order (§manifest_digest)."""
    ordered = sorted(rows, key=lambda row: chunk_order_key(row[1], row[2], row[3], row[0]))
    return ordered_manifest_digest(tokenizer, ordered)


def ordered_manifest_digest(tokenizer: str, ordered: Iterable[tuple]) -> str:
    """:func:`manifest_digest` of rows already in canonical chunk order, taken from
    ``ordered`` a batch at a time: neither the rows nor their serialisation are ever held
    whole (−26 MB for the serialisation, −10 MB for the rows on the benchmark's pack;
    the peak of a check is held to 2× the file, issue 13)."""
    # "chunks" sorts before "tokenizer"
    digest = hashlib.sha256(b'{"chunks":[')
    rows = iter(ordered)
    first = True
    while batch := list(islice(rows, _DIGEST_BATCH)):
        plain = plain_scalars(chain.from_iterable(batch))
        body = jcs_bytes([list(row) for row in batch], prepared=plain)[1:-1]
        digest.update(body if first else b"," + body)
        first = False
    digest.update(b'],"tokenizer":' + jcs_bytes(tokenizer) + b"}")
    return digest.hexdigest()


_DIGEST_BATCH = 512


def body_spans_of(chunks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``body_spans`` of a body that is the chunks' contents one after another, in
    order (§body_spans); a chunk without content takes no bytes."""
    spans, offset = [], 0
    for chunk in chunks:
        size = utf8_length(chunk.get("content", ""))
        spans.append({"chunk_id": chunk["id"], "start": offset, "end": offset + size})
        offset += size
    return spans


# ---------------------------------------------------------------- statistics and budget

@dataclass(frozen=True)
class SelectionTotals:
    """What the chunks of a pack select — the least ``statistics`` can say (§statistics):
    distinct files, tokens, and distinct files per language (by the chunks' ``language``;
    languages in the order the chunks name them first)."""

    files: int
    tokens: int
    languages: dict[str, int]


def selection_totals(chunks: Iterable[tuple[str | None, int | None, str | None]]) -> SelectionTotals:
    """:class:`SelectionTotals` for (file_path, tokens, language) of every chunk; ``None`` (a field
    missing or mistyped) counts for nothing."""
    files: set[str] = set()
    tokens = 0
    per_language: dict[str, set[str]] = {}
    for file_path, chunk_tokens, language in chunks:
        if file_path is not None:
            files.add(file_path)
            if language is not None:
                per_language.setdefault(language, set()).add(file_path)
        if chunk_tokens is not None:
            tokens += chunk_tokens
    return SelectionTotals(len(files), tokens, {language: len(paths) for language, paths in per_language.items()})


def underflow_floor(target_budget: int, total_tokens: int | None, underflow_allowed: float) -> float:
    """The fewest tokens a pack may hold: ``min(target_budget, total_tokens) × (1 −
    underflow_allowed)`` (§budget_info); without ``total_tokens`` the budget alone."""
    ceiling = target_budget if total_tokens is None else min(target_budget, total_tokens)
    # Every JSON number reaches here (out-of-range values are schema findings and still
    # judged): compute in doubles that saturate to ±inf instead of raising on an integer
    # beyond the double range; inf × 0 (a NaN) means no floor at all.
    product = _saturating_float(ceiling) * (1.0 - _saturating_float(underflow_allowed))
    return -math.inf if math.isnan(product) else product


def _saturating_float(value: int | float) -> float:
    """``value`` as a double; an integer beyond the double range saturates to ±inf."""
    try:
        return float(value)
    except OverflowError:
        return math.copysign(math.inf, value)
