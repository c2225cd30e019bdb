"""Valid packs: the line ranges a packer could select (:func:`chunks`) and the pack
documents built from them (:func:`packs`, :func:`pack_bytes`) — every oracle passes
with ``--strict``.

Built by the strategies' own implementation of the format
(:mod:`packverify.strategies._reference`: ``rfc8785``, :mod:`hashlib`, tiktoken's own
loader), never by the reference packer's assembler, which shares its ids, digests,
canonical bytes and token counts with the oracles: an oracle bug and an assembler bug
cannot cancel out. The budget figures follow the underflow rule as that module
models it from docs/format.md.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from typing import Any

from hypothesis import strategies as st

from packverify.sample_text import kind_of
from packverify.strategies._paths import path_lists
from packverify.strategies._reference import (
    REFERENCE_EPOCH,
    REFERENCE_UNDERFLOW,
    REFERENCE_ZERO_COMMIT,
    Excerpt,
    reference_bytes,
    reference_line_count,
    reference_pack,
    reference_token_count,
    reference_underflow_floor,
)
from packverify.strategies._text import BOOLEANS, SEEDS, file_lines
from packverify.strategies._validate import check_argument, check_bool_argument, check_int_argument

TOKENIZERS = ("cl100k", "o200k")
_MODES = ("full", "full", "skip", "summary", "signature")
_MODE = st.sampled_from(_MODES)
# One pack in sixteen is empty when empty packs are allowed. A sampled flag, not a file count
# of zero: hypothesis draws a range's lower bound far more often than uniformly (about a
# third of packs came out empty when the count of files could be 0).
_EMPTY = st.sampled_from((False,) * 15 + (True,))
MAX_FILE_LINES = 40  # lines of one file in packs(): enough for a file cut into several chunks
_MAX_PIECES = 6  # line ranges one file is cut into, at most
# language of a chunk by extension (informational in the format; counted in statistics)
_LANGUAGES = {".py": "python", ".md": "markdown", ".rst": "markdown", ".txt": "text", ".js": "javascript",
              ".rs": "rust", ".go": "go", ".c": "c", ".sh": "shell", ".toml": "toml", ".yaml": "yaml",
              ".json": "json", ".cfg": "ini"}


def _language(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return _LANGUAGES.get(name[dot:] if dot > 0 else "", "text")


def _larger_of_two(low: int, high: int):
    """An integer in [low, high], the larger of two draws (see ``_text.file_lines``: the
    lower bound is drawn far more often than uniformly); still shrinks to ``low``."""
    one = st.integers(low, high)
    return st.tuples(one, one).map(max)


def _cuts(count: int, pieces: int, seed: int) -> list[int]:
    """Where ``count`` lines are cut into ``pieces`` ranges: after the first lines for
    seed 0 (the simplest), anywhere otherwise."""
    if seed == 0:
        return list(range(1, pieces))
    return sorted(random.Random(seed).sample(range(1, count), pieces - 1))


@st.composite
def _file_excerpts(draw, path: str, unicode: bool, languages: bool, room: int) -> list[Excerpt]:
    lines = draw(file_lines(kind_of(path), unicode, 1, MAX_FILE_LINES, bulky=True))
    pieces = draw(_larger_of_two(1, min(len(lines), _MAX_PIECES)))
    bounds = [0, *_cuts(len(lines), pieces, draw(SEEDS)), len(lines)]
    modes = [draw(_MODE) for _ in range(pieces)]
    if all(m == "skip" for m in modes):
        modes[0] = "full"
    language = _language(path) if languages else None
    out = []
    for first, last, mode in zip(bounds, bounds[1:], modes):
        if mode == "skip" or len(out) >= room:
            continue
        text = "".join(lines[first:last])
        if mode != "full":  # a shorter rendering of those lines, not line-counted
            text = text.strip().split("\n", 1)[0][:40] + " …\n"
        out.append(Excerpt(path, first + 1, last, text, mode, language))
    return out


@st.composite
def _excerpts(draw, min_files: int, max_files: int, max_chunks: int, unicode: bool) -> list[Excerpt]:
    if min_files == 0 and draw(_EMPTY):
        return []
    paths = draw(path_lists(unicode, max(min_files, 1), max_files))
    languages = draw(BOOLEANS)
    out: list[Excerpt] = []
    for number, path in enumerate(paths):
        # leave one chunk for each file still needed to reach min_files
        room = max_chunks - len(out) - max(0, min_files - number - 1)
        if room <= 0:
            break
        out.extend(draw(_file_excerpts(path, unicode, languages, room)))
    return out


def chunks(*, min_files: int = 0, max_files: int = 6, max_chunks: int = 24, unicode: bool = True):
    """Lists of :class:`~packverify.strategies.Excerpt`: disjoint line ranges of
    ``min_files``–``max_files`` files (up to 40 lines each, cut into up to six ranges)
    whose ``full`` contents are exactly those lines (``summary``/``signature`` chunks
    carry a shorter rendering). Every file has at least one chunk (while
    ``max_chunks`` allows).

    >>> from hypothesis import given
    >>> @given(chunks(min_files=1, max_files=2))
    ... def test(excerpts):
    ...     assert 1 <= len({e.file_path for e in excerpts}) <= 2
    >>> test()
    """
    check_int_argument("min_files", min_files)
    check_int_argument("max_files", max_files, max(min_files, 1))
    check_int_argument("max_chunks", max_chunks, max(min_files, 1))
    check_bool_argument("unicode", unicode)
    return _excerpts(min_files, max_files, max_chunks, unicode)


FILLER_LINE = "fill" + " fill" * 15 + "\n"  # 17 tokens under cl100k and o200k; lines add up exactly


def filler_text(tokens: int) -> tuple[str, int]:
    """Text of exactly ``tokens`` tokens (under cl100k and o200k) and its line count."""
    lines, rest = divmod(tokens, 17)
    text = FILLER_LINE * lines + ("fill" + " fill" * (rest - 1) if rest else "")
    return text, reference_line_count(text)


def fills(actual: int, target: int, total: int, allowed: float) -> bool:
    """Whether ``actual`` tokens meet the underflow rule (as the reference models it)."""
    return actual >= reference_underflow_floor(target, total, allowed)


def _near_full(draw, excerpts: list[Excerpt], actual: int, tokenizer: str, rule: float):
    """Content was left out, and the chunks (topped up by a filler file) fill at least
    the underflow floor. Returns (excerpts, target, total)."""
    target = max(1000, actual) + draw(st.integers(0, 3000))
    lowest_fill = math.ceil(target * (1 - rule))
    gap = draw(st.integers(0, max(target - max(actual, lowest_fill), 0)))
    need = max(target - gap - actual, 0)
    if need:
        text, lines = filler_text(need)
        excerpts = [*excerpts, Excerpt("zz-filler/filler.txt", 1, lines, text, "full", "text")]
        actual += reference_token_count(tokenizer, text)
    return excerpts, target, max(target, actual) + draw(st.integers(0, 20_000))


def _roomy(draw, actual: int, rule: float) -> tuple[int, int]:
    """The budget has room and (almost) nothing was left out. Returns (target, total)."""
    target = max(1000, actual) + draw(st.integers(0, 3000))
    if fills(actual, target, target, rule):
        return target, actual + draw(st.integers(0, 20_000))
    top = int(actual / (1 - rule)) + 2  # nothing (or almost nothing) was left out
    while top > actual and not fills(actual, target, top, rule):
        top -= 1
    return target, draw(st.integers(actual, max(top, actual)))


@st.composite
def _packs(draw, tokenizer, min_files, max_files, max_chunks, unicode, allow_empty, near_full) -> dict:
    name = tokenizer or draw(st.sampled_from(TOKENIZERS))
    excerpts = draw(_excerpts(max(min_files, 0 if allow_empty else 1), max_files, max_chunks, unicode))
    actual = sum(reference_token_count(name, e.content) for e in excerpts)
    allowed = draw(st.sampled_from((None, REFERENCE_UNDERFLOW)))
    rule = REFERENCE_UNDERFLOW if allowed is None else allowed
    if near_full:
        excerpts, target, total = _near_full(draw, excerpts, actual, name, rule)
    else:
        target, total = _roomy(draw, actual, rule)
    files = {e.file_path for e in excerpts}
    commit = draw(st.sampled_from((REFERENCE_ZERO_COMMIT, None)))
    if commit is None:
        commit = draw(st.binary(min_size=20, max_size=20)).hex()
    created = REFERENCE_EPOCH
    if draw(st.booleans()):
        moment = draw(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 1, 1)))
        created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return reference_pack(
        excerpts, target_budget=target, tokenizer=name,
        repo_path=draw(st.sampled_from(("demo", ".", "my repo", "dépôt"))), commit=commit, created_at=created,
        total_files=len(files) + draw(st.integers(0, 5)),
        total_chunks=len(excerpts) + draw(st.integers(0, 20)), total_tokens=total,
        ignored_files=draw(st.one_of(st.none(), st.integers(0, 50))), underflow_allowed=allowed,
        body_spans=draw(st.booleans()), digest=not draw(st.integers(0, 3)) == 3,
    )


def packs(*, tokenizer: str | None = "cl100k", min_files: int = 0, max_files: int = 6, max_chunks: int = 24,
          unicode: bool = True, allow_empty: bool = True, near_full: bool = False):
    """Semantically valid pack documents (``dict``): every oracle passes with ``--strict``.

    Files of up to 40 lines with Unicode and nested paths, CRLF and missing final
    newlines, ``<|endoftext|>``, cut into ``full``, ``summary`` and ``signature``
    chunks; with or without ``manifest_digest``, ``body_spans``, ``language``,
    ``underflow_allowed``, ``ignored_files``; a real commit or forty zeros. Token counts
    are tiktoken's (``tokenizer``: ``"cl100k"``, ``"o200k"`` or ``None`` for either).

    ``near_full=True``: content was left out (``statistics.total_tokens >=
    target_budget``) and the chunks fill at least 99.5% of the budget — a filler
    file ``zz-filler/filler.txt`` tops them up, so ``actual_tokens >= 995``.
    Otherwise the budget has room and (almost) nothing was left out.

    >>> import packverify
    >>> from hypothesis import given
    >>> from packverify.strategies import reference_bytes
    >>> @given(packs(max_files=2))
    ... def test(doc):
    ...     loaded = packverify.parse_bytes(reference_bytes(doc))
    ...     report = packverify.check_loaded(loaded, packverify.Context(strict=True))
    ...     assert report.verdict.value == "pass"
    >>> test()
    """
    check_argument(tokenizer is None or tokenizer in TOKENIZERS,
                   f"tokenizer={tokenizer!r} must be one of {TOKENIZERS} or None")
    check_int_argument("min_files", min_files)
    check_int_argument("max_files", max_files, max(min_files, 1))
    check_int_argument("max_chunks", max_chunks, max(min_files, 1))
    check_bool_argument("unicode", unicode)
    check_bool_argument("allow_empty", allow_empty)
    check_bool_argument("near_full", near_full)
    return _packs(tokenizer, min_files, max_files, max_chunks, unicode, allow_empty, near_full)


def pack_bytes(**options: Any):
    """The canonical (RFC 8785) bytes of :func:`packs` (same options).

    >>> from hypothesis import given
    >>> @given(pack_bytes(max_files=1))
    ... def test(data):
    ...     assert data.startswith(b'{"b')  # keys sorted: body_spans or budget_info first
    >>> test()
    """
    return packs(**options).map(reference_bytes)
