"""The exact token count of one long text (a whole foreign pack as a model reads it),
counted on several threads.

Splitting a text anywhere and adding the pieces' counts is wrong: a token may straddle the
cut. tiktoken first splits text with its pattern (cl100k's and o200k's ``pat_str``) and
merges bytes only inside a piece, so the count is exact when every cut falls where the
pattern's split of the whole text also falls. A cut just after a ``\\n`` and before an
ASCII letter is such a place for both encodings: no alternative of either pattern matches
text holding a line break followed by a letter (the letter alternatives exclude
``\\r\\n`` from their optional prefix; the whitespace and punctuation alternatives end at
the break), the patterns have no look-behind, and the whitespace run before the cut ends
at the cut either way (cl100k's ``\\s++$`` then matches what ``\\s*[\\r\\n]`` matched). A
property test compares with tiktoken's count of the whole text
(tests/test_text_tokens.py). Text without such places is counted in one piece.
"""

from __future__ import annotations

from packverify.counting import Counter

_PIECES_PER_JOB = 4
_MIN_PIECE = 1 << 20  # below a MiB of text a thread costs more than it saves


def safe_cuts(text: str, pieces: int) -> list[int]:
    """Offsets (increasing, inside the text) where the text can be cut into about ``pieces``
    pieces without changing its token count."""
    cuts: list[int] = []
    step = len(text) // max(pieces, 1)
    target = step
    while 0 < step and target < len(text):
        newline = text.find("\n", target)
        while newline >= 0 and not _letter_at(text, newline + 1):
            newline = text.find("\n", newline + 1)
        if newline < 0:
            break
        cuts.append(newline + 1)
        target = max(newline + 1, target) + step
    return cuts


def _letter_at(text: str, offset: int) -> bool:
    return offset < len(text) and ("a" <= text[offset] <= "z" or "A" <= text[offset] <= "Z")


def count_text(counter: Counter, text: str, *, jobs: int = 1) -> int:
    """Tokens in ``text`` (special-token text as ordinary text), on ``jobs`` threads."""
    if jobs <= 1 or len(text) < 2 * _MIN_PIECE:
        return counter.count(text)
    pieces = min(jobs * _PIECES_PER_JOB, len(text) // _MIN_PIECE)
    bounds = [0, *safe_cuts(text, pieces), len(text)]
    parts = [text[start:end] for start, end in zip(bounds, bounds[1:])]
    return sum(counter.count_many(parts, jobs=jobs))
