"""Assemble a pack document from selected line ranges — correct by construction.

Given what a packer selected (file, lines, content), this computes everything an
oracle checks: real token counts, content hashes, canonical ids and order, budget
figures, statistics, ``manifest_digest`` and optional ``body_spans``, and writes the
RFC 8785 bytes. The reference packer, the test suites and the benchmark all build
packs here, so "valid" means one thing everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from packverify import __version__
from packverify import tokenizer as _tokenizer
from packverify.canonical import (
    CHUNK_ID_SCHEME,
    SERIALIZATION,
    ZERO_COMMIT,
    canonical_chunk_id,
    jcs_bytes,
    manifest_digest,
)
from packverify.format import split_lines  # noqa: F401  (re-exported; the rule lives in format)

TOKENIZER_VERSIONS = {"cl100k": "cl100k_base", "o200k": "o200k_base", "gpt2": "gpt2"}
EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Selection:
    """One selected range: lines ``start_line..end_line`` of ``file_path`` with their text."""

    file_path: str
    start_line: int
    end_line: int
    content: str
    mode: str = "full"
    language: str | None = None


def assemble(
    selections: Sequence[Selection],
    *,
    target_budget: int,
    tokenizer: str = "cl100k",
    repo_path: str = ".",
    commit: str = ZERO_COMMIT,
    created_at: str = EPOCH,
    total_files: int | None = None,
    total_chunks: int | None = None,
    total_tokens: int | None = None,
    language_distribution: dict[str, int] | None = None,
    ignored_files: int | None = None,
    duplicates_removed: int | None = None,
    token_counts: Sequence[int] | None = None,
    body_spans: bool = False,
    digest: bool = True,
    jobs: int = 1,
    extra_metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The pack document for ``selections`` (any order; output is canonical)."""
    ordered = sorted(selections, key=lambda s: (s.file_path, s.start_line, s.end_line))
    if token_counts is None:
        encoding = _tokenizer.get_encoding(tokenizer)
        counts = _tokenizer.count_many(encoding, [s.content for s in ordered], jobs=jobs)
    else:
        by_selection = dict(zip(map(id, selections), token_counts))
        counts = [by_selection[id(s)] for s in ordered]
    chunks = []
    for sel, tokens in zip(ordered, counts):
        chunk: dict[str, Any] = {
            "id": canonical_chunk_id(sel.file_path, sel.start_line, sel.end_line),
            "file_path": sel.file_path,
            "start_line": sel.start_line,
            "end_line": sel.end_line,
            "tokens": tokens,
            "content_hash": hashlib.sha256(sel.content.encode("utf-8")).hexdigest(),
            "content": sel.content,
            "selected_mode": sel.mode,
        }
        if sel.language is not None:
            chunk["language"] = sel.language
        chunks.append(chunk)
    actual = sum(counts)
    files = {s.file_path for s in ordered}
    statistics: dict[str, Any] = {
        "total_files": len(files) if total_files is None else total_files,
        "total_chunks": len(chunks) if total_chunks is None else total_chunks,
        "total_tokens": actual if total_tokens is None else total_tokens,
    }
    if language_distribution is None:
        per_language: dict[str, set] = {}
        for s in ordered:
            if s.language is not None:
                per_language.setdefault(s.language, set()).add(s.file_path)
        language_distribution = {k: len(v) for k, v in per_language.items()}
    if language_distribution:
        statistics["language_distribution"] = dict(language_distribution)
    if ignored_files is not None:
        statistics["ignored_files"] = ignored_files
    if duplicates_removed is not None:
        statistics["duplicates_removed"] = duplicates_removed
    metadata: dict[str, Any] = {
        "version": "1.0.0",
        "created_at": created_at,
        "repo_info": {"path": repo_path, "commit": commit},
        "generator": {"name": "packverify", "version": __version__},
        "serialization": SERIALIZATION,
        "chunk_id_scheme": CHUNK_ID_SCHEME,
    }
    metadata.update(extra_metadata or {})
    document: dict[str, Any] = {
        "metadata": metadata,
        "tokenizer_info": {"name": tokenizer, "version": TOKENIZER_VERSIONS.get(tokenizer, tokenizer)},
        "budget_info": {"target_budget": target_budget, "actual_tokens": actual,
                        "utilization": actual / target_budget if target_budget else 0.0},
        "chunks": chunks,
        "statistics": statistics,
    }
    if digest:
        document["manifest_digest"] = manifest_digest(tokenizer, [
            (c["id"], c["file_path"], c["start_line"], c["end_line"], c["tokens"], c["content_hash"]) for c in chunks])
    if body_spans:
        spans, offset = [], 0
        for c in chunks:
            size = len(c["content"].encode("utf-8"))
            spans.append({"chunk_id": c["id"], "start": offset, "end": offset + size})
            offset += size
        document["body_spans"] = spans
    return document


def serialize(document: dict[str, Any]) -> bytes:
    """The canonical (RFC 8785) bytes of a pack document."""
    return jcs_bytes(document)


def whole_files(files: dict[str, str], *, language: str | None = None) -> list[Selection]:
    """One full chunk per non-empty file (a helper for tests and examples)."""
    out = []
    for path, text in files.items():
        lines = split_lines(text)
        if lines:
            out.append(Selection(path, 1, len(lines), "".join(lines), language=language))
    return out
