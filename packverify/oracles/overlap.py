"""overlap — chunks are distinct, well-formed line ranges.

* no two chunks of the same ``file_path`` share a line (sort + sweep, n·log n —
  the PackRepo verifier compared all pairs and took ~60 s for 50k chunks);
* chunk ids are unique;
* ``start_line <= end_line``;
* a ``full`` chunk's content has exactly ``end_line − start_line + 1`` lines
  (docs/format.md §Lines: every ``\\n`` ends a line; a final line may lack one).

Leaves alone: whether those lines are the file's (``source``) and the chunk order
(``determinism``).

A pack in another format: no file is packed twice (formats without line ranges hold whole
files, so a second entry of a path is a duplicate; PackRepo's ranges are swept as above),
no range is inverted, and each line count the format states about an entry (PackRepo's
``lines: A-B`` of a full chunk, scribe's ``lines: N``) is the entry's — every finding at
its line:column.
"""

from __future__ import annotations

from collections.abc import Iterator

from packverify.format import count_lines
from packverify.model import Finding
from packverify.oracles._base import ERROR, Code

NAME = "overlap"

CODES = {
    "overlap.shared-lines": Code("Chunks share lines", ERROR,
                                 "The same lines twice spend the budget twice and mislead the reader.",
                                 "a.py 10–30 and a.py 25–40"),
    "overlap.duplicate-id": Code("Duplicate chunk id", ERROR, "Chunk ids must identify one chunk.", "two chunks 'c1'"),
    "overlap.inverted-range": Code("Inverted line range", ERROR, "start_line must not exceed end_line.",
                                   "start_line 20, end_line 10"),
    "overlap.line-count-mismatch": Code("Line count mismatch", ERROR,
                                        "A full chunk's content must hold exactly its line range.",
                                        "lines 1–10 with 9 lines of content"),
    "overlap.duplicate-file": Code("File packed twice", ERROR,
                                   "A pack without line ranges holds whole files; the same file twice spends its "
                                   "tokens twice, and the two copies may not even agree.",
                                   "two <file path=\"src/a.py\"> entries in a repomix pack"),
}


def check(pack, ctx) -> Iterator[Finding]:
    seen_ids: dict[str, int] = {}
    by_file: dict[str, list] = {}
    for chunk in pack.chunks:
        if chunk.id is not None:
            first = seen_ids.setdefault(chunk.id, chunk.index)
            if first != chunk.index:
                yield Finding("overlap.duplicate-id", chunk.path + ("id",),
                              f"id {chunk.id!r} is also the id of /chunks/{first}", actual=chunk.id)
        start, end = chunk.start_line, chunk.end_line
        if start is None or end is None:
            continue
        if start > end:
            yield Finding("overlap.inverted-range", chunk.path + ("end_line",),
                          f"end_line {end} is before start_line {start}", expected=f">= {start}", actual=end)
            continue
        if chunk.content is not None and chunk.is_full:
            lines = count_lines(chunk.content)
            if lines != end - start + 1:
                yield Finding("overlap.line-count-mismatch", chunk.path + ("content",),
                              f"lines {start}–{end} are {end - start + 1} lines; the content has {lines}",
                              expected=end - start + 1, actual=lines)
        if chunk.file_path is not None:
            by_file.setdefault(chunk.file_path, []).append((start, end, chunk.index))
    for file_path in sorted(by_file):
        ranges = sorted(by_file[file_path])
        reach_end, reach_index = ranges[0][1], ranges[0][2]
        for start, end, index in ranges[1:]:
            if start <= reach_end:
                shared_end = min(end, reach_end)
                yield Finding("overlap.shared-lines", ("chunks", index),
                              f"lines {start}–{shared_end} of {file_path} are also in /chunks/{reach_index}",
                              expected=f"start_line > {reach_end}", actual=start)
            if end > reach_end:
                reach_end, reach_index = end, index


def check_foreign(view, ctx) -> Iterator[Finding]:
    by_path: dict[str, list] = {}
    for entry in view.files:
        by_path.setdefault(view.relative(entry), []).append(entry)
        if entry.start_line is not None and entry.end_line is not None and entry.start_line > entry.end_line:
            yield Finding("overlap.inverted-range", (), f"{entry.path}: lines {entry.start_line}-{entry.end_line} end "
                          "before they start", expected=f">= {entry.start_line}", actual=entry.end_line,
                          location=entry.location)
    for path in sorted(by_path):
        entries = by_path[path]
        if all(e.start_line is not None and e.end_line is not None for e in entries):
            yield from _swept(path, entries)
        else:
            for entry in entries[1:]:
                yield Finding("overlap.duplicate-file", (), f"{entry.path} is packed again (first at line "
                              f"{entries[0].location})", actual=path, location=entry.location)
    for stated, value, where, note in view.false_claims("lines"):
        claim = stated.claim
        yield Finding("overlap.line-count-mismatch", (), f"{claim.subject}: {claim.claimed} lines stated, the text "
                      f"has {value}{note}", expected=value, actual=claim.claimed, location=where)


def _swept(path: str, entries: list) -> Iterator[Finding]:
    ranges = sorted((e.start_line, e.end_line, e.index, e) for e in entries if e.start_line <= e.end_line)
    if not ranges:
        return
    reach_end, reach = ranges[0][1], ranges[0][3]
    for start, end, _, entry in ranges[1:]:
        if start <= reach_end:
            yield Finding("overlap.shared-lines", (), f"lines {start}-{min(end, reach_end)} of {path} are also in the "
                          f"entry at line {reach.location}", expected=f"start_line > {reach_end}", actual=start,
                          location=entry.location)
        if end > reach_end:
            reach_end, reach = end, entry
