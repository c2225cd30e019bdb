"""A packer that skips a chunk which does not fit whole and goes on with the next ones,
then tops up with line prefixes: not monotone in the budget — a larger budget lets a
skipped chunk in, which pushes out the lines packed after it."""

from _common import arguments, build, write

import packverify.packer.build as packer
from packverify.packer.fill import Fill, Pick, longest_prefix


def fill_skipping(encoding, ranked, budget):
    remaining, picks, left_out = budget, [], []
    for position, piece in enumerate(ranked):
        if piece.tokens <= remaining:
            picks.append(Pick(position, piece, piece.end - piece.start + 1, piece.tokens))
            remaining -= piece.tokens
        else:
            left_out.append(position)
    for position in left_out:
        piece = ranked[position]
        k, tokens = longest_prefix(encoding, piece.lines, piece.start, piece.end, remaining)
        if k:
            picks.append(Pick(position, piece, k, tokens))
            remaining -= tokens
    return Fill(picks, remaining)


packer.fill_budget = fill_skipping
args = arguments(__doc__)
write(args, build(args).document)
