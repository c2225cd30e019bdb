"""Cut a file into line-range chunks at natural boundaries.

A chunk grows line by line; once it has ``MIN_LINES`` it ends before the next
boundary — a blank line followed by a line that starts at column 0 (a top-level
definition, a heading, a new paragraph) — and it never exceeds ``MAX_LINES``.
Lines follow docs/format.md §Lines (split on ``\\n``, each keeping its ``\\n``).
"""

from __future__ import annotations

from packverify.format import split_lines

MIN_LINES = 12
MAX_LINES = 80


def chunk_ranges(text: str, *, min_lines: int = MIN_LINES, max_lines: int = MAX_LINES) -> list[tuple[int, int]]:
    """1-based inclusive (start, end) line ranges covering the whole text."""
    lines = split_lines(text)
    ranges: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(lines) + 1):
        size = i - start
        at_end = i == len(lines)
        boundary = not at_end and _is_boundary(lines, i)
        if at_end or size >= max_lines or (size >= min_lines and boundary):
            ranges.append((start + 1, i))
            start = i
    return ranges


def _is_boundary(lines: list[str], i: int) -> bool:
    """A chunk may end after line i−1 and a new one start at line i."""
    previous, current = lines[i - 1], lines[i]
    return previous.strip() == "" and current[:1] not in ("", " ", "\t", "\n", "\r")
