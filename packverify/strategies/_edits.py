"""Edits of a valid pack document that keep every derived field consistent, so that
only the planted defect shows: the injectors' shared tools. Every derived field is
recomputed by the strategies' own implementation of the format
(:mod:`packverify.strategies._reference`), never by the code the oracles use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

from packverify.strategies._packs import filler_text
from packverify.strategies._reference import (
    REFERENCE_UNDERFLOW,
    reference_bytes,
    reference_chunk_id,
    reference_content_hash,
    reference_digest,
    reference_sorted,
    reference_spans,
    reference_token_count,
    reference_underflow_floor,
)


def recount(doc: dict, text: str) -> int:
    """The real token count of ``text`` under the pack's tokenizer."""
    return reference_token_count(doc["tokenizer_info"]["name"], text)


def underflow_allowed_of(doc: dict) -> float:
    value = doc["budget_info"].get("underflow_allowed")
    return REFERENCE_UNDERFLOW if value is None else value


def digest_of(doc: dict) -> str:
    return reference_digest(doc["tokenizer_info"]["name"], doc["chunks"])


def files_per_language(chunks: Sequence[dict]) -> dict[str, int]:
    """Distinct files per ``language`` among ``chunks`` (the least statistics may say)."""
    files: dict[str, set[str]] = {}
    for c in chunks:
        if c.get("language") is not None:
            files.setdefault(c["language"], set()).add(c["file_path"])
    return {language: len(paths) for language, paths in files.items()}


def _refresh_budget(doc: dict, selected: int) -> None:
    info, statistics = doc["budget_info"], doc["statistics"]
    info["actual_tokens"] = selected
    info["target_budget"] = max(info["target_budget"], selected)
    total = max(statistics["total_tokens"], selected)
    if selected < reference_underflow_floor(info["target_budget"], total, underflow_allowed_of(doc)):
        statistics["total_tokens"] = selected
    info["utilization"] = info["actual_tokens"] / info["target_budget"]


def _refresh_statistics(doc: dict) -> None:
    statistics, chunks = doc["statistics"], doc["chunks"]
    statistics["total_chunks"] = max(statistics["total_chunks"], len(chunks))
    statistics["total_files"] = max(statistics["total_files"], len({c["file_path"] for c in chunks}))
    statistics["total_tokens"] = max(statistics["total_tokens"], sum(c["tokens"] for c in chunks))
    distribution = statistics.get("language_distribution")
    if distribution is not None:
        for language, count in files_per_language(chunks).items():
            distribution[language] = max(distribution.get(language, 0), count)
        statistics["total_files"] = max(statistics["total_files"], sum(distribution.values()))


def refresh(doc: dict, *, order: bool = True, budget: bool = True, stats: bool = True,
            digest: bool = True, spans: bool = True, ids: bool = False) -> dict:
    """Recompute what follows from the chunks: canonical ids (``ids``), order,
    actual_tokens and utilization (raising target_budget / lowering total_tokens
    when needed so the budget rules hold), statistics lower bounds, digest, spans."""
    chunks = doc["chunks"]
    if ids:
        for c in chunks:
            c["id"] = reference_chunk_id(c["file_path"], c["start_line"], c["end_line"])
    if order:
        chunks[:] = reference_sorted(chunks)
    if budget:
        _refresh_budget(doc, sum(c["tokens"] for c in chunks))
    if stats:
        _refresh_statistics(doc)
    if digest and "manifest_digest" in doc:
        doc["manifest_digest"] = digest_of(doc)
    if spans and "body_spans" in doc:
        doc["body_spans"] = reference_spans(chunks)
    return doc


def new_chunk(doc: dict, path: str, start: int, end: int, content: str, *, mode: str = "full",
              language: str | None = "text") -> dict:
    chunk = {"id": reference_chunk_id(path, start, end), "file_path": path, "start_line": start, "end_line": end,
             "tokens": recount(doc, content), "content_hash": reference_content_hash(content), "content": content,
             "selected_mode": mode}
    if language is not None:
        chunk["language"] = language
    return chunk


def is_full(c: dict) -> bool:
    return c.get("selected_mode", "full") == "full" and "content" in c


def grow(doc: dict, *, chunks: int = 1, tokens: int = 0, lines: int = 1) -> dict:
    """Make sure the pack has at least ``chunks`` chunks, ``tokens`` tokens and a full
    chunk with content of at least ``lines`` lines, by adding filler files (valid,
    consistent: every derived field refreshed)."""
    k = 0
    while True:
        have = doc["chunks"]
        total = sum(c["tokens"] for c in have)
        long_enough = any(is_full(c) and c["end_line"] - c["start_line"] + 1 >= lines for c in have)
        if len(have) >= chunks and total >= tokens and long_enough:
            return doc
        text, n = filler_text(max(tokens - total, 17 * lines))
        paths = {c["file_path"] for c in have}
        while f"zz-grow/part{k}.txt" in paths:
            k += 1
        have.append(new_chunk(doc, f"zz-grow/part{k}.txt", 1, n, text))
        refresh(doc)


def pick_chunk(draw, doc: dict, test: Callable[[dict], bool] = lambda c: True) -> int:
    indexes = [i for i, c in enumerate(doc["chunks"]) if test(c)]
    return draw(st.sampled_from(indexes))


def choose(draw, options: Sequence):
    return draw(st.sampled_from(list(options)))


def set_at(doc: dict, keys: Sequence, value: Any) -> None:
    node = doc
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def planted(doc: dict, note: str) -> tuple[dict, bytes, str]:
    """What a document injector returns: the document, its canonical bytes, the note."""
    return doc, reference_bytes(doc), note


def rename_file(doc: dict, old: str, new: str) -> None:
    for c in doc["chunks"]:
        if c["file_path"] == old:
            c["file_path"] = new
    refresh(doc, ids=doc["metadata"].get("chunk_id_scheme") == "packverify-v1", budget=False, stats=False)


def edit_content(doc: dict, i: int, content: str) -> dict:
    """Give chunk ``i`` new content, with its hash and real token count (then refresh)."""
    c = doc["chunks"][i]
    c["content"] = content
    c["content_hash"] = reference_content_hash(content)
    c["tokens"] = recount(doc, content)
    return c
