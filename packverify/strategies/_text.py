"""File text: lines of code, markdown, config and prose, with CRLF, a missing final
newline, ``<|endoftext|>`` and free Unicode. The vocabulary and the line builder are
:mod:`packverify.sample_text` (hypothesis-free); here are only the draws.

No credential by construction: the vocabulary's words are short and lower case and its
templates put punctuation or blanks between them (no run of 16 token characters, no
``://``, no key header), and free text holds no ASCII letter, digit or punctuation
(``tests/properties/test_packs.py`` checks both on what is drawn, with its own regexes).

Strategies are built once per parameter set and reused: building a strategy inside
every draw costs more than the draw (measured: 21 ms per repository before, 10 after).
"""

from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

from packverify.sample_text import KINDS, build_lines, fill_template
from packverify.strategies._validate import check_argument, check_bool_argument, check_int_argument

SEEDS = st.integers(0, 2**24)
BOOLEANS = st.booleans()
# Free Unicode text: hypothesis' own characters beyond ASCII (controls, format characters,
# combining marks, astral planes …) and ASCII blanks — never a lone surrogate, a NUL (it makes
# a file binary) or a newline, and never an ASCII letter, digit or punctuation mark. Every
# credential format a scanner knows is spelled in ASCII (issuer prefixes, key headers,
# ``scheme://user:password@host``), so free text cannot hold one: no secret is generated
# except by the secret injectors, and no generator asks a secret scanner.
_FREE_CHAR = st.one_of(st.sampled_from(" \t"), st.characters(min_codepoint=0x80, exclude_categories=("Cs",)))
_FREE_TEXT = st.text(_FREE_CHAR, max_size=30)


@cache
def sentences(unicode: bool):
    return SEEDS.map(lambda seed: fill_template("{s}", seed, unicode))


@cache
def file_lines(kind: str, unicode: bool, min_lines: int, max_lines: int, bulky: bool = False):
    """A file's lines, each with its line ending (docs/format.md §Lines); the last may lack one.

    The lines come from a count and a seed (two draws per file, not two per line:
    hypothesis costs ~75 µs a draw here); shrinking lowers the count (fewer lines)
    and the seed (0 gives the simplest lines). With ``unicode``, hypothesis's own
    Unicode text is mixed in as extra lines, so its edge cases still occur.

    ``bulky``: the count is the larger of two draws. Hypothesis draws a range's lower
    bound far more often than uniformly (a third of the files of ``packs()`` had one
    line, measured); the larger of two keeps most files long and still shrinks to one
    line."""
    free = st.lists(st.tuples(st.integers(0, 40), _FREE_TEXT), max_size=2) if unicode else st.just([])
    count = st.integers(min_lines, max_lines)
    if bulky:
        count = st.tuples(count, count).map(max)
    return st.tuples(count, SEEDS, BOOLEANS if unicode else st.just(False), BOOLEANS,
                     free).map(lambda drawn: build_lines(kind, count=drawn[0], seed=drawn[1], unicode=unicode,
                                                         max_lines=max_lines, crlf=drawn[2], unterminated=drawn[3],
                                                         free=drawn[4]))


@cache
def texts_of_kind(kind: str, unicode: bool):
    return file_lines(kind, unicode, 1, 12).map("".join)


def file_texts(*, kind: str | None = None, unicode: bool = True, min_lines: int = 1, max_lines: int = 12):
    """Realistic text of one file: ``kind`` is ``"code"``, ``"markdown"``, ``"config"``,
    ``"text"`` or ``None`` (any). CRLF line endings, a missing final newline,
    ``<|endoftext|>`` and free Unicode (with ``unicode=True``) all occur.

    >>> from hypothesis import given
    >>> @given(file_texts(kind="code", max_lines=3))
    ... def test(text):
    ...     assert text.count("\\n") <= 3
    >>> test()
    """
    check_argument(kind is None or kind in KINDS, f"kind={kind!r} must be one of {sorted(KINDS)} or None")
    check_bool_argument("unicode", unicode)
    check_int_argument("min_lines", min_lines)
    check_int_argument("max_lines", max_lines, max(min_lines, 1))
    kinds = st.just(kind) if kind else st.sampled_from(tuple(KINDS))
    return kinds.flatmap(lambda k: file_lines(k, unicode, min_lines, max_lines)).map("".join)
