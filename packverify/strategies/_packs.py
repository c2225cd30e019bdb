"""Valid packs: the line ranges a packer could select (:func:`chunks`) and the pack
documents built from them by the reference assembler with real token counts
(:func:`packs`, :func:`pack_bytes`) — every oracle passes with ``--strict``."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from packverify import tokenizer as _tokenizer
from packverify.format import DEFAULT_UNDERFLOW, ZERO_COMMIT, count_lines, underflow_floor
from packverify.oracles.security import find_secrets
from packverify.packer.assemble import EPOCH, Selection, assemble, serialize
from packverify.packer.build import language_of
from packverify.sample_text import kind_of
from packverify.strategies._paths import path_lists
from packverify.strategies._text import BOOLEANS, file_lines
from packverify.strategies._validate import check_argument, check_bool_argument, check_int_argument

TOKENIZERS = ("cl100k", "o200k")
_MODES = ("full", "full", "skip", "summary", "signature")
_MODE = st.sampled_from(_MODES)


@st.composite
def _file_selections(draw, path: str, unicode: bool, languages: bool, room: int) -> list[Selection]:
    lines = draw(file_lines(kind_of(path), unicode, 1, 10))
    cuts = [draw(BOOLEANS) for _ in range(len(lines) - 1)]
    segments, start = [], 1
    for i, cut in enumerate(cuts, 1):
        if cut:
            segments.append((start, i))
            start = i + 1
    segments.append((start, len(lines)))
    modes = [draw(_MODE) for _ in segments]
    if all(m == "skip" for m in modes):
        modes[0] = "full"
    language = language_of(path) if languages else None
    out = []
    for (first, last), mode in zip(segments, modes):
        if mode == "skip" or len(out) >= room:
            continue
        text = "".join(lines[first - 1:last])
        if mode != "full":  # a shorter rendering of those lines, not line-counted
            text = text.strip().split("\n", 1)[0][:40] + " …\n"
        out.append(Selection(path, first, last, text, mode, language))
    return out


@st.composite
def _selections(draw, min_files: int, max_files: int, max_chunks: int, unicode: bool) -> list[Selection]:
    paths = draw(path_lists(unicode, min_files, max_files))
    languages = draw(BOOLEANS)
    out: list[Selection] = []
    for number, path in enumerate(paths):
        # leave one chunk for each file still needed to reach min_files
        room = max_chunks - len(out) - max(0, min_files - number - 1)
        if room <= 0:
            break
        out.extend(draw(_file_selections(path, unicode, languages, room)))
    # Free Unicode text could, in principle, spell a credential: a valid pack has none.
    assume(not any(find_secrets(s.content) for s in out))
    return out


def chunks(*, min_files: int = 0, max_files: int = 4, max_chunks: int = 12, unicode: bool = True):
    """Lists of :class:`~packverify.packer.assemble.Selection`: disjoint line ranges of
    ``min_files``–``max_files`` files whose ``full`` contents are exactly those lines
    (``summary``/``signature`` chunks carry a shorter rendering). Every file has at
    least one chunk (while ``max_chunks`` allows).

    >>> from hypothesis import given
    >>> @given(chunks(min_files=1, max_files=2))
    ... def test(selections):
    ...     assert 1 <= len({s.file_path for s in selections}) <= 2
    >>> test()
    """
    check_int_argument("min_files", min_files)
    check_int_argument("max_files", max_files, max(min_files, 1))
    check_int_argument("max_chunks", max_chunks, max(min_files, 1))
    check_bool_argument("unicode", unicode)
    return _selections(min_files, max_files, max_chunks, unicode)


FILLER_LINE = "fill" + " fill" * 15 + "\n"  # 17 tokens under cl100k and o200k; lines add up exactly


def filler_text(tokens: int) -> tuple[str, int]:
    """Text of exactly ``tokens`` tokens (under cl100k and o200k) and its line count."""
    lines, rest = divmod(tokens, 17)
    text = FILLER_LINE * lines + ("fill" + " fill" * (rest - 1) if rest else "")
    return text, count_lines(text)


def fills(actual: int, target: int, total: int, allowed: float) -> bool:
    """Whether ``actual`` tokens meet the underflow rule (the format's, packverify.format)."""
    return actual >= underflow_floor(target, total, allowed)


def _near_full(draw, selections: list[Selection], counts: list[int], encoding, rule: float):
    """Content was left out, and the chunks (topped up by a filler file) fill at least
    the underflow floor. Returns (selections, counts, target, total)."""
    actual = sum(counts)
    target = max(1000, actual) + draw(st.integers(0, 3000))
    lowest_fill = math.ceil(target * (1 - rule))
    gap = draw(st.integers(0, max(target - max(actual, lowest_fill), 0)))
    need = max(target - gap - actual, 0)
    if need:
        text, lines = filler_text(need)
        selections = [*selections, Selection("zz-filler/filler.txt", 1, lines, text, "full", "text")]
        counts = [*counts, _tokenizer.count(encoding, text)]
    return selections, counts, target, target + draw(st.integers(0, 20_000))


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
    selections = draw(_selections(max(min_files, 0 if allow_empty else 1), max_files, max_chunks, unicode))
    encoding = _tokenizer.get_encoding(name)
    counts = _tokenizer.count_many(encoding, [s.content for s in selections])
    allowed = draw(st.sampled_from((None, DEFAULT_UNDERFLOW)))
    rule = DEFAULT_UNDERFLOW if allowed is None else allowed
    if near_full:
        selections, counts, target, total = _near_full(draw, selections, counts, encoding, rule)
    else:
        target, total = _roomy(draw, sum(counts), rule)
    files = {s.file_path for s in selections}
    commit = draw(st.sampled_from((ZERO_COMMIT, None)))
    if commit is None:
        commit = draw(st.binary(min_size=20, max_size=20)).hex()
    created = EPOCH
    if draw(st.booleans()):
        moment = draw(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 1, 1)))
        created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    doc = assemble(
        selections, target_budget=target, tokenizer=name,
        repo_path=draw(st.sampled_from(("demo", ".", "my repo", "dépôt"))), commit=commit, created_at=created,
        total_files=len(files) + draw(st.integers(0, 5)),
        total_chunks=len(selections) + draw(st.integers(0, 20)), total_tokens=total,
        ignored_files=draw(st.one_of(st.none(), st.integers(0, 50))), token_counts=counts,
        body_spans=draw(st.booleans()), digest=not draw(st.integers(0, 3)) == 3,
    )
    if allowed is not None:
        doc["budget_info"]["underflow_allowed"] = allowed
    return doc


def packs(*, tokenizer: str | None = "cl100k", min_files: int = 0, max_files: int = 4, max_chunks: int = 12,
          unicode: bool = True, allow_empty: bool = True, near_full: bool = False):
    """Semantically valid pack documents (``dict``): every oracle passes with ``--strict``.

    Files with Unicode and nested paths, CRLF and missing final newlines,
    ``<|endoftext|>``, ``summary``/``signature`` chunks, with or without
    ``manifest_digest``, ``body_spans``, ``language``, ``underflow_allowed``,
    ``ignored_files``; a real commit or forty zeros. Token counts are real
    (``tokenizer``: ``"cl100k"``, ``"o200k"`` or ``None`` for either).

    ``near_full=True``: content was left out (``statistics.total_tokens >=
    target_budget``) and the chunks fill at least 99.5% of the budget — a filler
    file ``zz-filler/filler.txt`` tops them up, so ``actual_tokens >= 995``.
    Otherwise the budget has room and (almost) nothing was left out.

    >>> import packverify
    >>> from hypothesis import given
    >>> from packverify.packer.assemble import serialize
    >>> @given(packs(max_files=2))
    ... def test(doc):
    ...     loaded = packverify.parse_bytes(serialize(doc))
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
    return packs(**options).map(serialize)
