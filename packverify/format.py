"""The pack format's rules that every part of packverify shares (docs/format.md).

Lines (§Lines): a file's lines are split on ``\\n`` only; each line keeps its ``\\n``
(so the ``\\r`` of a CRLF file stays part of its line); the last line may lack one.
The packer, the oracles, the readers of foreign formats and the strategies all use
these functions; nothing else re-spells the rule.
"""

from __future__ import annotations


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` with their ``\\n`` kept (docs/format.md §Lines)."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
        return [line + "\n" for line in lines]
    return [line + "\n" for line in lines[:-1]] + lines[-1:]


def count_lines(text: str) -> int:
    """Lines in ``text``: every ``\\n`` ends one; a non-empty tail without one is a line too."""
    if not text:
        return 0
    newlines = text.count("\n")
    return newlines if text.endswith("\n") else newlines + 1
