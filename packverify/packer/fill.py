"""Filling the budget: which lines of the ranked chunks the reference packer takes.

Walk the chunks in rank order and take from each the longest run of its lines, from
its first line, that still fits: the whole chunk when it fits, else a line prefix,
else nothing; stop once less than a quarter of the allowance (``budget ×
DEFAULT_UNDERFLOW``) is left. If that leaves more than the allowance unused — every
line left out is longer than what is left — give back up to ``REPAIR_LINES``
trailing lines of one of the last ``REPAIR_CHUNKS`` chunks taken when that lets the
lines after it fill the budget (docs/packer.md).

Every candidate is counted with the real tokenizer, never estimated. Leaves alone:
what the chunks are and how they rank (``build``), and the pack's fields (``assemble``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from packverify import tokenizer as _tokenizer
from packverify.format import DEFAULT_UNDERFLOW

REPAIR_LINES = 64  # how many lines of one chunk the repair may give back
REPAIR_CHUNKS = 8  # how many of the last chunks taken it may give lines of


@dataclass(frozen=True)
class Piece:
    """A chunk a packer may take: lines ``start..end`` of ``path`` (1-based, inclusive)."""

    path: str
    start: int
    end: int
    lines: Sequence[str]  # every line of the file, shared by the file's pieces
    content: str  # lines start..end joined
    tokens: int  # the content's real token count


@dataclass(frozen=True)
class Pick:
    """What was taken from the piece at rank ``position``: its first ``lines`` lines."""

    position: int
    piece: Piece
    lines: int
    tokens: int

    @property
    def end(self) -> int:
        return self.piece.start + self.lines - 1

    @property
    def whole(self) -> bool:
        return self.end == self.piece.end

    @property
    def content(self) -> str:
        piece = self.piece
        return piece.content if self.whole else "".join(piece.lines[piece.start - 1:self.end])


@dataclass(frozen=True)
class Fill:
    """The lines taken, in rank order; the budget left unused; and, when that is more
    than the allowance, the tokens of the shortest line left out (it did not fit)."""

    picks: list[Pick]
    remaining: int
    smallest_left_out: int | None = None

    @property
    def split(self) -> int:
        """Chunks cut to a line prefix (each counts as two in ``statistics.total_chunks``)."""
        return sum(not pick.whole for pick in self.picks)


def fill_budget(encoding, ranked: Sequence[Piece], budget: int) -> Fill:
    """Rank-order line prefixes, then the repair when they leave more than the allowance unused."""
    return _Filler(encoding, ranked, budget).fill()


@dataclass
class _Greedy:
    """One greedy walk: what it took and what it left, and whether it stopped because
    the budget is full (within a quarter of the allowance)."""

    picks: list[Pick]
    remaining: int
    full: bool


@dataclass
class _Filler:
    encoding: object
    ranked: Sequence[Piece]
    budget: int
    first_lines: dict[int, int] = field(default_factory=dict)  # rank position → tokens of its first line

    @property
    def allowance(self) -> float:
        return self.budget * DEFAULT_UNDERFLOW

    def fill(self) -> Fill:
        walk = self.greedy(0, self.budget)
        if not walk.full and walk.remaining > self.allowance and walk.picks:
            walk = self.repair(walk)
        smallest = self.smallest_left_out(walk.picks) if walk.remaining > self.allowance else None
        return Fill(walk.picks, walk.remaining, smallest)

    def first_line(self, position: int) -> int:
        if position not in self.first_lines:
            piece = self.ranked[position]
            self.first_lines[position] = _tokenizer.count(self.encoding, piece.lines[piece.start - 1])
        return self.first_lines[position]

    def greedy(self, begin: int, remaining: int) -> _Greedy:
        """From rank position ``begin`` on, take from each piece the longest line prefix
        that fits (the whole piece when it does)."""
        target_gap = self.allowance / 4  # aim well inside the allowance the format gives
        picks = []
        for position in range(begin, len(self.ranked)):
            if remaining <= target_gap:
                return _Greedy(picks, remaining, True)
            piece = self.ranked[position]
            if piece.tokens <= remaining:
                picks.append(Pick(position, piece, piece.end - piece.start + 1, piece.tokens))
                remaining -= piece.tokens
                continue
            if self.first_line(position) > remaining:
                continue
            k, tokens = longest_prefix(self.encoding, piece.lines, piece.start, piece.end, remaining)
            if k:
                picks.append(Pick(position, piece, k, tokens))
                remaining -= tokens
        return _Greedy(picks, remaining, remaining <= target_gap)

    def repair(self, walk: _Greedy) -> _Greedy:
        """Give back the last 1, 2, … (up to REPAIR_LINES) lines of the last piece taken
        and re-run the greedy after it with the tokens freed; then the same with the
        piece before it (up to REPAIR_CHUNKS pieces back). The first trade that fills the
        budget wins (the fewest lines traded, the latest in rank); if none does, nothing
        changes."""
        taken = walk.picks
        for back in range(1, min(REPAIR_CHUNKS, len(taken)) + 1):
            pick = taken[-back]
            piece = pick.piece
            freed_after = walk.remaining + sum(p.tokens for p in taken[len(taken) - back + 1:])
            for kept in range(pick.lines - 1, max(pick.lines - REPAIR_LINES, 0) - 1, -1):
                kept_tokens = (_tokenizer.count(self.encoding, "".join(piece.lines[piece.start - 1:piece.start - 1 + kept]))
                               if kept else 0)
                tail = self.greedy(pick.position + 1, freed_after + pick.tokens - kept_tokens)
                if tail.remaining <= self.allowance:
                    head = [*taken[:len(taken) - back], *([Pick(pick.position, piece, kept, kept_tokens)] if kept else [])]
                    return _Greedy([*head, *tail.picks], tail.remaining, tail.full)
        return walk

    def smallest_left_out(self, picks: Sequence[Pick]) -> int:
        """Tokens of the shortest line left out: the next line of every piece not taken whole."""
        lines_taken = {pick.position: pick.lines for pick in picks}
        smallest = None
        for position, piece in enumerate(self.ranked):
            first = piece.start + lines_taken.get(position, 0)
            if first <= piece.end:
                tokens = (self.first_line(position) if first == piece.start
                          else _tokenizer.count(self.encoding, piece.lines[first - 1]))
                smallest = tokens if smallest is None else min(smallest, tokens)
        return smallest


def longest_prefix(encoding, lines: Sequence[str], start: int, end: int, limit: int) -> tuple[int, int]:
    """Largest k < the range's length whose first k lines fit in ``limit`` tokens, with
    their real count (galloping then binary search, so a chunk whose first line does
    not fit costs one count; every candidate is counted, never estimated)."""
    most = end - start  # at most all but one line (the whole range did not fit)

    def fits(k: int) -> int | None:
        tokens = _tokenizer.count(encoding, "".join(lines[start - 1:start - 1 + k]))
        return tokens if tokens <= limit else None

    best, probe = (0, 0), 1
    while probe <= most:
        tokens = fits(probe)
        if tokens is None:
            break
        best, probe = (probe, tokens), probe * 2
    lo, hi = best[0], min(probe, most + 1) - 1  # the answer is in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        tokens = fits(mid)
        if tokens is None:
            hi = mid - 1
        else:
            lo, best = mid, (mid, tokens)
    return best
