"""stats — ``statistics`` agree with the chunks.

The statistics describe the repository the pack was made from, so they can only
be bounded from below by what was selected: ``total_chunks >= len(chunks)``,
``total_files >=`` distinct selected files, ``total_tokens >=`` selected tokens,
``language_distribution[lang] >=`` distinct selected files of that language (by
the chunks' ``language``), and the distribution never counts more files than
``total_files``. Leaves alone: figures no pack can check (``ignored_files``).

A pack in another format: every count of files or chunks it states about itself (scribe's
``total_files`` and ``files_included``; PackRepo's ``selected_chunks``, ``processed_files``,
``mode_breakdown``) must equal what it holds, reported at the claim's line:column.
"""

from __future__ import annotations

from collections.abc import Iterator

from packverify.format import selection_totals
from packverify.model import Finding
from packverify.oracles._base import ERROR, Code
from packverify.view import as_int

NAME = "stats"

CODES = {
    "stats.total-chunks": Code("total_chunks below selection", ERROR, "More chunks selected than the statistics say exist.",
                               "total_chunks 10 with 12 chunks"),
    "stats.total-files": Code("total_files below selection", ERROR, "More distinct files selected than exist.",
                              "total_files 3 with chunks from 5 files"),
    "stats.total-tokens": Code("total_tokens below selection", ERROR, "More tokens selected than the repository has.",
                               "total_tokens 5000, selected 6000"),
    "stats.language-distribution": Code("Language distribution inconsistent", ERROR,
                                        "A language's file count is below the files selected in it, or the counts exceed total_files.",
                                        '{"python": 1} with two .py files selected'),
    "stats.count-mismatch": Code("Stated count differs from the pack", ERROR,
                                 "A pack in another format states how many files or chunks it holds, and holds another "
                                 "number: a file was dropped or duplicated after the count, or the count was never true.",
                                 "scribe header total_files 15 with 14 sections"),
}


def requires(pack, ctx) -> str | None:
    if not isinstance(pack.doc.get("statistics"), dict):
        return "statistics is missing or not an object (see schema findings)"
    if pack.chunk_list is None:
        return "chunks is missing or not an array (see schema findings)"
    return None


def check(pack, ctx) -> Iterator[Finding]:
    stats = pack.doc["statistics"]
    total_chunks = as_int(stats.get("total_chunks"))
    if total_chunks is not None and total_chunks < len(pack.chunk_list):
        yield Finding("stats.total-chunks", ("statistics", "total_chunks"),
                      f"total_chunks {total_chunks} but {len(pack.chunk_list)} chunks are selected",
                      expected=f">= {len(pack.chunk_list)}", actual=total_chunks)
    chosen = selection_totals((c.file_path, c.tokens, c.language) for c in pack.chunks)
    total_files = as_int(stats.get("total_files"))
    if total_files is not None and total_files < chosen.files:
        yield Finding("stats.total-files", ("statistics", "total_files"),
                      f"total_files {total_files} but chunks come from {chosen.files} distinct files",
                      expected=f">= {chosen.files}", actual=total_files)
    total_tokens = as_int(stats.get("total_tokens"))
    if total_tokens is not None and total_tokens < chosen.tokens:
        yield Finding("stats.total-tokens", ("statistics", "total_tokens"),
                      f"total_tokens {total_tokens} but the selected chunks hold {chosen.tokens}",
                      expected=f">= {chosen.tokens}", actual=total_tokens)
    distribution = stats.get("language_distribution")
    if isinstance(distribution, dict):
        for language, count in sorted(chosen.languages.items()):
            claimed = as_int(distribution.get(language))
            if claimed is None or claimed < count:
                yield Finding("stats.language-distribution", ("statistics", "language_distribution"),
                              f"{language!r}: {count} selected file(s) but the distribution says {claimed or 0}",
                              expected=f">= {count}", actual=claimed or 0)
        counted = sum(v for v in distribution.values() if as_int(v) is not None)
        if total_files is not None and counted > total_files:
            yield Finding("stats.language-distribution", ("statistics", "language_distribution"),
                          f"the distribution counts {counted} files, more than total_files {total_files}",
                          expected=f"<= {total_files}", actual=counted)


def requires_foreign(view, ctx) -> str | None:
    return view.unjudgeable("file or chunk counts", "files", "chunks", "bytes")


def check_foreign(view, ctx) -> Iterator[Finding]:
    for stated, value, where, note in view.false_claims("files", "chunks", "bytes"):
        claim = stated.claim
        yield Finding("stats.count-mismatch", (), f"{claim.subject} is {claim.claimed!r}, but the pack holds "
                      f"{value!r}{note}", expected=value, actual=claim.claimed, location=where)
