"""A packer that skips a chunk which does not fit whole and goes on with the next ones,
then tops up with line prefixes: not monotone in the budget — a larger budget lets a
skipped chunk in, which pushes out the lines packed after it."""

from _common import arguments, build, write

import packverify.packer.build as packer

_longest_prefix = packer._longest_prefix


def _select(encoding, pieces, contents, counts, order, budget):
    remaining, chosen, left_out, split = budget, [], [], 0
    for i in order:
        path, start, end, _ = pieces[i]
        if counts[i] <= remaining:
            chosen.append((path, start, end, contents[i], counts[i]))
            remaining -= counts[i]
        else:
            left_out.append(i)
    for i in left_out:
        path, start, end, lines = pieces[i]
        k, tokens = _longest_prefix(encoding, lines, start, end, remaining)
        if k:
            chosen.append((path, start, start + k - 1, "".join(lines[start - 1:start + k - 1]), tokens))
            remaining -= tokens
            split += 1
    return chosen, split, remaining, None


packer._select = _select
args = arguments(__doc__)
write(args, build(args).document)
