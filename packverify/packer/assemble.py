"""Assemble a pack document from selected line ranges — correct by construction.

Given what a packer selected (file, lines, content), this computes everything an
oracle checks: real token counts, content hashes, canonical ids and order, budget
figures, statistics, ``manifest_digest`` and optional ``body_spans``, and writes the
RFC 8785 bytes. The reference packer, the test suites and the benchmark all build
packs here, so "valid" means one thing everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from packverify import tokenizer as _tokenizer
from packverify._version import tool_info
from packverify.canonical import jcs_bytes
from packverify.format import (
    CHUNK_ID_SCHEME,
    SERIALIZATION,
    ZERO_COMMIT,
    body_spans_of,
    canonical_chunk_id,
    chunk_order_key,
    hash_content,
    manifest_digest,
    manifest_rows,
    selection_totals,
)

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
    ordered = sorted(selections, key=lambda s: chunk_order_key(s.file_path, s.start_line, s.end_line))
    if token_counts is None:
        counts = _tokenizer.count_many(_tokenizer.get_encoding(tokenizer), [s.content for s in ordered], jobs=jobs)
    else:
        by_selection = dict(zip(map(id, selections), token_counts))
        counts = [by_selection[id(s)] for s in ordered]
    chunks = [_chunk(sel, tokens) for sel, tokens in zip(ordered, counts)]
    chosen = selection_totals((s.file_path, tokens, s.language) for s, tokens in zip(ordered, counts))
    statistics: dict[str, Any] = {
        "total_files": chosen.files if total_files is None else total_files,
        "total_chunks": len(chunks) if total_chunks is None else total_chunks,
        "total_tokens": chosen.tokens if total_tokens is None else total_tokens,
    }
    distribution = chosen.languages if language_distribution is None else language_distribution
    if distribution:
        statistics["language_distribution"] = dict(distribution)
    for key, value in (("ignored_files", ignored_files), ("duplicates_removed", duplicates_removed)):
        if value is not None:
            statistics[key] = value
    metadata: dict[str, Any] = {
        "version": "1.0.0", "created_at": created_at, "repo_info": {"path": repo_path, "commit": commit},
        "generator": tool_info(), "serialization": SERIALIZATION, "chunk_id_scheme": CHUNK_ID_SCHEME,
        **(extra_metadata or {}),
    }
    document: dict[str, Any] = {
        "metadata": metadata,
        "tokenizer_info": {"name": tokenizer, "version": TOKENIZER_VERSIONS.get(tokenizer, tokenizer)},
        "budget_info": {"target_budget": target_budget, "actual_tokens": chosen.tokens,
                        "utilization": chosen.tokens / target_budget if target_budget else 0.0},
        "chunks": chunks,
        "statistics": statistics,
    }
    if digest:
        document["manifest_digest"] = manifest_digest(tokenizer, manifest_rows(chunks))
    if body_spans:
        document["body_spans"] = body_spans_of(chunks)
    return document


def _chunk(sel: Selection, tokens: int) -> dict[str, Any]:
    chunk: dict[str, Any] = {
        "id": canonical_chunk_id(sel.file_path, sel.start_line, sel.end_line),
        "file_path": sel.file_path,
        "start_line": sel.start_line,
        "end_line": sel.end_line,
        "tokens": tokens,
        "content_hash": hash_content(sel.content),
        "content": sel.content,
        "selected_mode": sel.mode,
    }
    if sel.language is not None:
        chunk["language"] = sel.language
    return chunk


def serialize(document: dict[str, Any]) -> bytes:
    """The canonical (RFC 8785) bytes of a pack document."""
    return jcs_bytes(document)
