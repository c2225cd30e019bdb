"""Hypothesis strategies for packs, repositories and planted defects.

The one module of packverify that imports hypothesis (``packverify check`` never
loads it; ``packverify meta`` imports it lazily). Nothing is drawn at import time;
every option is keyword-only and validated when the strategy is built, so a typo
fails at collection, not in the middle of a run.

* :func:`packs` — semantically valid pack documents: built through
  :func:`packverify.packer.assemble.assemble` with real token counts, so every
  oracle passes with ``--strict``. :func:`pack_bytes` gives their canonical bytes,
  :func:`chunks` the selections they are built from, :func:`file_texts` realistic
  file text (code, markdown, config, prose, Unicode).
* :func:`repos` — synthetic repository trees (:class:`Repo`, a value) with code,
  markdown and config files, nested and Unicode names, large, oversized, binary
  and non-UTF-8 files, ``.gitignore``-d and vendored directories, optionally secret
  files; :func:`materialize` writes one to a directory, optionally as a git
  repository, in any file-creation order.
* :data:`INJECTORS` — one injector per finding code that can be planted in a
  document or its bytes; :func:`defects` draws a valid pack and plants exactly one
  named defect (plus the documented unavoidable couplings, ``Injector.couples``).
  :data:`SOURCE_INJECTORS` plant the ``source`` codes beside a repository made by
  :func:`pack_repo`; :data:`EXCLUDED` says which codes have no injector and why.

Shrinking: every strategy is built from lists, booleans, small integers and
``sampled_from`` whose first element is the simplest choice, so a failing case
shrinks to one file of one line (a pack), or a handful of tiny files (a repo).

Leaves alone: ``parse.too-large`` is a property of the reader's size limit, not of
any bytes; ``schema.violation`` has no schema keyword that maps to it (docs/properties.md).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from packverify import tokenizer as _tokenizer
from packverify.canonical import ZERO_COMMIT, canonical_chunk_id, count_lines, manifest_digest
from packverify.packer.assemble import EPOCH, Selection, assemble, serialize, split_lines

__all__ = [
    "EXCLUDED", "INJECTORS", "SOURCE_INJECTORS", "TOKENIZERS", "Defect", "Injector", "Repo", "RepoFile", "chunks",
    "defects", "file_texts", "git_commit", "synthetic_text", "materialize", "pack_bytes", "pack_repo", "packs", "repos", "with_commit",
]

TOKENIZERS = ("cl100k", "o200k")
DEFAULT_UNDERFLOW = 0.005

# ---------------------------------------------------------------- vocabulary
# The first entry of every list is the simplest: that is where shrinking goes.

_WORDS = ("a", "value", "index", "parse", "token", "budget", "chunk", "render", "cache", "queue", "node", "graph",
          "state", "model", "buffer", "stream", "packet", "widget", "layer", "config")
_UNICODE_WORDS = ("café", "naïve", "über", "Straße", "数据", "данные", "λόγος", "مرحبا", "שלום", "日本語", "e\u0301t\u0301e",
                  "Ωmega", "emoji😀", "ﬁle", "ǅungla")
_CODE = ("x = {n}", "def {w}({v}):", "    return {v} + {n}", "class {W}:", '    """{s}."""', "import {w}", "# {s}",
         "", "    if {v} > {n}:", "        {w}({v})", "print('<|endoftext|>')", "    {w}: int = {n}", "\t{w} = [{n}, {n}]",
         "    raise ValueError(\"{s}\")")
_MARKDOWN = ("{s}", "# {S}", "", "- {s}", "## {S}", "```python", "```", "> {s}", "| {w} | {n} |", "1. {S}.")
_CONFIG = ("{w} = {n}", "[{w}]", '{w} = "{s}"', "", "# {s}", "{w}:", "  {w}: {n}", "  - {s}", '"{w}": {n},')
_PROSE = ("{S}.", "{s}", "", "{S}, {s}; {s}!")
_KINDS = {"code": _CODE, "markdown": _MARKDOWN, "config": _CONFIG, "text": _PROSE}
_EXT_KIND = {".py": "code", ".js": "code", ".rs": "code", ".go": "code", ".c": "code", ".sh": "code",
             ".md": "markdown", ".rst": "markdown", ".toml": "config", ".yaml": "config", ".json": "config",
             ".cfg": "config", ".txt": "text", "": "text"}
_EXTS = (".py", ".md", ".txt", ".toml", ".js", ".yaml", ".json", ".rs", ".go", ".c", ".sh", ".rst", ".cfg", "")
_DIRS = ("src", "lib", "docs", "pkg", "app", "tests", "core", "utils", "examples", "scripts", "web", "api")
_UNICODE_DIRS = ("données", "数据", "ünïcode", "my dir", "Ωmega", "naïve café", "😀")
_STEMS = ("util", "main", "core", "helpers", "models", "views", "index", "notes", "guide", "parser", "lexer",
          "server", "client", "README", "setup", "test_core", "app", "schema")
_UNICODE_STEMS = ("café", "naïve", "Büro", "データ", "файл", "λ", "emoji 😀", "ǅ", "e\u0301")
# Path characters a pack may carry (no '/', no backslash, no control characters).
_NAME_CHARS = st.characters(categories=("L", "N", "Pd", "Pc", "Zs", "So"), exclude_characters="/\\\x85\xa0")


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidArgument(message)


def _check_int(name: str, value: Any, minimum: int = 0) -> None:
    _check(type(value) is int and value >= minimum, f"{name}={value!r} must be an integer >= {minimum}")


def _check_bool(name: str, value: Any) -> None:
    _check(type(value) is bool, f"{name}={value!r} must be True or False")


# ---------------------------------------------------------------- text


def _fill(template: str, seed: int, unicode: bool) -> str:
    """Fill a template's slots from ``seed``: 0 gives the simplest filling (first words,
    zeros), so shrinking the seed simplifies the line; two draws per line keep
    generation fast (one ``random.Random`` per line instead of a draw per word)."""
    import random

    words = _WORDS + _UNICODE_WORDS if unicode else _WORDS
    if seed == 0:
        def word(pool):
            return pool[0]

        def number():
            return 0

        def sentence():
            return words[0]
    else:
        rng = random.Random(seed)

        def word(pool):
            return pool[rng.randrange(len(pool))]

        def number():
            return rng.randrange(1000)

        def sentence():
            return " ".join(word(words) for _ in range(rng.randint(1, 6)))
    return template.format(n=number(), w=word(words), v=word(_WORDS), W=word(words).capitalize(), s=sentence(),
                           S=sentence().capitalize())


_SEED = st.integers(0, 2**24)
_BOOL = st.booleans()
# free Unicode text: anything but a newline, a lone surrogate or NUL (a NUL makes a file binary)
_FREE_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\n\x00"), max_size=30)

# Strategies are built once per parameter set and reused: building a strategy inside
# every draw costs more than the draw (measured here: 21 ms per repository before, 10 after).


@cache
def _sentence(unicode: bool):
    return _SEED.map(lambda seed: _fill("{s}", seed, unicode))


def _build_lines(kind: str, unicode: bool, max_lines: int, drawn: tuple) -> list[str]:
    count, seed, crlf, unterminated, free = drawn
    import random

    rng = random.Random(seed)
    templates = _KINDS[kind]
    bodies = [_fill(templates[rng.randrange(len(templates))] if seed else templates[0],
                    rng.randrange(1, 2**24) if seed else 0, unicode) for _ in range(count)]
    for position, line in free:  # hypothesis-made Unicode lines, where the list says
        bodies.insert(position % (len(bodies) + 1), line)
    del bodies[max_lines:]
    if not bodies:
        return []
    ending = "\r\n" if crlf else "\n"
    lines = [b + ending for b in bodies]
    if unterminated:  # no newline at the end of the file
        lines[-1] = lines[-1][: -len(ending)] or "x"
    return lines


@cache
def _lines(kind: str, unicode: bool, min_lines: int, max_lines: int):
    """A file's lines, each with its line ending (docs/format.md §Lines); the last may lack one.

    The lines come from a count and a seed (two draws per file, not two per line:
    hypothesis costs ~75 µs a draw here); shrinking lowers the count (fewer lines)
    and the seed (0 gives the simplest lines). With ``unicode``, hypothesis's own
    Unicode text is mixed in as extra lines, so its edge cases still occur."""
    free = st.lists(st.tuples(st.integers(0, 40), _FREE_TEXT), max_size=2) if unicode else st.just([])
    return st.tuples(st.integers(min_lines, max_lines), _SEED, _BOOL if unicode else st.just(False), _BOOL,
                     free).map(lambda drawn: _build_lines(kind, unicode, max_lines, drawn))


def synthetic_text(kind: str, seed: int, *, lines: int = 20, unicode: bool = False) -> str:
    """Deterministic realistic text (what :func:`file_texts` draws, without hypothesis):
    ``lines`` lines of ``kind`` from ``seed``; seed 0 is the simplest text.

    >>> synthetic_text("code", 0, lines=2)
    'x = 0\\nx = 0\\n'
    """
    _check(kind in _KINDS, f"kind={kind!r} must be one of {sorted(_KINDS)}")
    return "".join(_build_lines(kind, unicode, lines, (lines, seed, False, False, [])))


@cache
def _text(kind: str, unicode: bool):
    return _lines(kind, unicode, 1, 12).map("".join)


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
    _check(kind is None or kind in _KINDS, f"kind={kind!r} must be one of {sorted(_KINDS)} or None")
    _check_bool("unicode", unicode)
    _check_int("min_lines", min_lines)
    _check_int("max_lines", max_lines, max(min_lines, 1))
    kinds = st.just(kind) if kind else st.sampled_from(tuple(_KINDS))
    return kinds.flatmap(lambda k: _lines(k, unicode, min_lines, max_lines)).map("".join)


# ---------------------------------------------------------------- paths


def _free_name(name: str) -> bool:
    return bool(name) and name not in (".", "..")


def _build_path(unicode: bool, drawn: tuple) -> str:
    depth, seed, ext, free = drawn
    import random

    rng = random.Random(seed)
    dirs_pool = _DIRS + (_UNICODE_DIRS if unicode else ())
    stems_pool = _STEMS + (_UNICODE_STEMS if unicode else ())
    dirs = [dirs_pool[rng.randrange(len(dirs_pool))] if seed else dirs_pool[0] for _ in range(depth)]
    stem = stems_pool[rng.randrange(len(stems_pool))] if seed else stems_pool[0]
    if free is not None:  # a hypothesis-made Unicode name for the file or one of its directories
        where = rng.randrange(depth + 1) if seed else depth
        if where == depth:
            stem = free
        else:
            dirs[where] = free
    return "/".join([*dirs, stem + ext])


@cache
def _path(unicode: bool, max_depth: int = 3):
    """Paths a pack may carry and the reference packer keeps (see _safe_path)."""
    free = st.none()
    if unicode:
        names = st.text(_NAME_CHARS, min_size=1, max_size=10).map(str.strip).filter(_free_name)
        free = st.one_of(st.none(), st.none(), st.none(), names)
    return st.tuples(st.integers(0, max_depth), _SEED, st.sampled_from(_EXTS), free).map(
        lambda drawn: _build_path(unicode, drawn)).filter(_safe_path)


def _safe_path(path: str) -> bool:
    """A path a pack may carry and the reference packer keeps (not secret, not vendored or generated)."""
    from packverify.oracles.security import path_problems, secret_file_reason
    from packverify.packer.discover import GENERATED_NAMES, GENERATED_SUFFIXES, VENDORED_DIRS

    parts = path.split("/")
    if path_problems(path) or secret_file_reason(path) is not None:
        return False
    if any(p in VENDORED_DIRS or p.startswith(".") for p in parts) or len(path.encode()) > 200:
        return False
    if any(len(p.encode()) > 100 for p in parts):
        return False
    return parts[-1] not in GENERATED_NAMES and not parts[-1].endswith(GENERATED_SUFFIXES)


def _no_prefix_conflicts(paths: Iterable[str]) -> bool:
    """No path is a directory of another (``a`` and ``a/b`` cannot both be files)."""
    paths = set(paths)
    folded = {p.casefold() for p in paths}
    if len(folded) != len(paths):  # keep trees portable to case-insensitive file systems
        return False
    for p in paths:
        parts = p.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in paths:
                return False
    return True


def _kind_of(path: str) -> str:
    return _EXT_KIND.get(os.path.splitext(path)[1], "text")


def _language(path: str) -> str:
    from packverify.packer.build import language_of

    return language_of(path)


# ---------------------------------------------------------------- chunks and packs

_MODES = ("full", "full", "skip", "summary", "signature")
_MODE = st.sampled_from(_MODES)


@st.composite
def _file_selections(draw, path: str, unicode: bool, languages: bool, room: int) -> list[Selection]:
    lines = draw(_lines(_kind_of(path), unicode, 1, 10))
    cuts = [draw(_BOOL) for _ in range(len(lines) - 1)]
    segments, start = [], 1
    for i, cut in enumerate(cuts, 1):
        if cut:
            segments.append((start, i))
            start = i + 1
    segments.append((start, len(lines)))
    modes = [draw(_MODE) for _ in segments]
    if all(m == "skip" for m in modes):
        modes[0] = "full"
    language = _language(path) if languages else None
    out = []
    for (first, last), mode in zip(segments, modes):
        if mode == "skip" or len(out) >= room:
            continue
        text = "".join(lines[first - 1:last])
        if mode != "full":  # a shorter rendering of those lines, not line-counted
            text = text.strip().split("\n", 1)[0][:40] + " …\n"
        out.append(Selection(path, first, last, text, mode, language))
    return out


@cache
def _path_lists(unicode: bool, min_files: int, max_files: int):
    return st.lists(_path(unicode), min_size=min_files, max_size=max_files, unique=True).filter(_no_prefix_conflicts)


@st.composite
def _selections(draw, min_files: int, max_files: int, max_chunks: int, unicode: bool) -> list[Selection]:
    from packverify.oracles.security import find_secrets

    paths = draw(_path_lists(unicode, min_files, max_files))
    languages = draw(_BOOL)
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
    _check_int("min_files", min_files)
    _check_int("max_files", max_files, max(min_files, 1))
    _check_int("max_chunks", max_chunks, max(min_files, 1))
    _check_bool("unicode", unicode)
    return _selections(min_files, max_files, max_chunks, unicode)


_FILL_LINE = "fill" + " fill" * 15 + "\n"  # 17 tokens under cl100k and o200k; lines add up exactly


def _filler(tokens: int) -> tuple[str, int]:
    """Text of exactly ``tokens`` tokens (under cl100k and o200k) and its line count."""
    lines, rest = divmod(tokens, 17)
    text = _FILL_LINE * lines + ("fill" + " fill" * (rest - 1) if rest else "")
    return text, count_lines(text)


def _ceiling_ok(actual: int, target: int, total: int, allowed: float) -> bool:
    """The budget oracle's underflow rule, computed exactly as it does."""
    return not actual < min(target, total) * (1 - allowed)


@st.composite
def _packs(draw, tokenizer, min_files, max_files, max_chunks, unicode, allow_empty, near_full) -> dict:
    name = tokenizer or draw(st.sampled_from(TOKENIZERS))
    selections = draw(_selections(max(min_files, 0 if allow_empty else 1), max_files, max_chunks, unicode))
    encoding = _tokenizer.get_encoding(name)
    counts = _tokenizer.count_many(encoding, [s.content for s in selections])
    actual = sum(counts)
    allowed = draw(st.sampled_from((None, DEFAULT_UNDERFLOW)))
    rule = DEFAULT_UNDERFLOW if allowed is None else allowed
    if near_full:
        target = max(1000, actual) + draw(st.integers(0, 3000))
        lowest_fill = math.ceil(target * (1 - rule))
        gap = draw(st.integers(0, max(target - max(actual, lowest_fill), 0)))
        need = max(target - gap - actual, 0)
        if need:
            text, lines = _filler(need)
            filler = Selection("zz-filler/filler.txt", 1, lines, text, "full", "text")
            selections = [*selections, filler]
            counts = [*counts, _tokenizer.count(encoding, text)]
            actual = sum(counts)
        total = target + draw(st.integers(0, 20_000))
    else:
        target = max(1000, actual) + draw(st.integers(0, 3000))
        if _ceiling_ok(actual, target, target, rule):
            total = actual + draw(st.integers(0, 20_000))
        else:  # nothing (or almost nothing) was left out
            top = int(actual / (1 - rule)) + 2
            while top > actual and not _ceiling_ok(actual, target, top, rule):
                top -= 1
            total = draw(st.integers(actual, max(top, actual)))
    files = {s.file_path for s in selections}
    commit = draw(st.sampled_from((ZERO_COMMIT, None)))
    if commit is None:
        commit = draw(st.binary(min_size=20, max_size=20)).hex()
    created = EPOCH
    if draw(st.booleans()):
        moment = draw(st.datetimes(min_value=_dt(1990), max_value=_dt(2099)))
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


def _dt(year: int):
    from datetime import datetime

    return datetime(year, 1, 1)


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
    _check(tokenizer is None or tokenizer in TOKENIZERS, f"tokenizer={tokenizer!r} must be one of {TOKENIZERS} or None")
    _check_int("min_files", min_files)
    _check_int("max_files", max_files, max(min_files, 1))
    _check_int("max_chunks", max_chunks, max(min_files, 1))
    _check_bool("unicode", unicode)
    _check_bool("allow_empty", allow_empty)
    _check_bool("near_full", near_full)
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


# ---------------------------------------------------------------- repositories


@dataclass(frozen=True)
class RepoFile:
    """One file of a synthetic repository: ``data`` repeated ``repeat`` times (so a
    megabyte file is a small value that shrinks by lowering ``repeat``).

    ``kind`` says what a packer should make of it: ``code``, ``markdown``,
    ``config``, ``text`` (packable text), ``gitignore``, ``ignored`` (matched by
    ``.gitignore``), ``vendored`` (under ``node_modules/``, ``vendor/``,
    ``third_party/``), ``binary``, ``latin1`` (not UTF-8), ``empty``, ``oversized``
    (over the reference packer's 1 MiB limit), ``secret`` (a secret file or a
    credential inside)."""

    path: str
    data: bytes
    repeat: int = 1
    kind: str = "text"

    @property
    def content(self) -> bytes:
        return self.data * self.repeat

    @property
    def size(self) -> int:
        return len(self.data) * self.repeat

    @property
    def packable(self) -> bool:
        """A packer is expected to offer this file's text (it may still leave it out for budget)."""
        return self.kind in ("code", "markdown", "config", "text", "gitignore")

    def __repr__(self) -> str:
        shown = self.data if len(self.data) <= 60 else self.data[:57] + b"..."
        times = f" * {self.repeat}" if self.repeat != 1 else ""
        return f"RepoFile({self.path!r}, {shown!r}{times}, kind={self.kind!r})"


@dataclass(frozen=True)
class Repo:
    """A synthetic repository tree: files sorted by path. A value — compare, hash,
    transform (:meth:`with_file`, :meth:`without`, :meth:`renamed`) and write it with
    :func:`materialize`."""

    files: tuple[RepoFile, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.files, key=lambda f: f.path))
        object.__setattr__(self, "files", ordered)

    def __iter__(self):
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    @property
    def paths(self) -> list[str]:
        return [f.path for f in self.files]

    def get(self, path: str) -> RepoFile | None:
        return next((f for f in self.files if f.path == path), None)

    def with_file(self, file: RepoFile) -> Repo:
        return Repo(tuple(f for f in self.files if f.path != file.path) + (file,))

    def without(self, path: str) -> Repo:
        return Repo(tuple(f for f in self.files if f.path != path))

    def renamed(self, old: str, new: str) -> Repo:
        return Repo(tuple(RepoFile(new, f.data, f.repeat, f.kind) if f.path == old else f for f in self.files))

    def digest(self) -> str:
        """sha256 over paths and contents: equal trees, equal digests."""
        h = hashlib.sha256()
        for f in self.files:
            h.update(f.path.encode("utf-8", "surrogateescape") + b"\0")
            h.update(hashlib.sha256(f.content).digest())
        return h.hexdigest()

    def text(self, path: str) -> str | None:
        """The file's text if it is UTF-8, else ``None``."""
        f = self.get(path)
        if f is None:
            return None
        try:
            return f.content.decode("utf-8")
        except UnicodeDecodeError:
            return None

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def __repr__(self) -> str:
        return "Repo([" + ", ".join(repr(f) for f in self.files) + "])"


_VENDOR_DIRS = ("node_modules", "vendor", "third_party")
_IGNORE_RULES = (("*.log", "debug.log"), ("tmp/", "tmp/scratch.py"), ("/local.cfg", "local.cfg"),
                 ("*.bak", "src/old.py.bak"), ("cache/", "cache/data.json"))
_BINARY = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"\x00\x01\x02\x03", b"PK\x03\x04\x14\x00\x00\x00")


def _aws_like_key() -> str:
    # Built at run time: a literal here would make this very file a "file holding a
    # credential" for the reference packer (it would leave packverify/strategies.py out).
    return "AK" + "IA" + "QWERTYUIOPASDFGH"


@st.composite
def _text_file(draw, unicode: bool, large: bool) -> RepoFile:
    path = draw(_path(unicode))
    kind = _kind_of(path)
    text = "".join(draw(_lines(kind, unicode, 1, 16)))
    repeat = 1
    if large and draw(st.integers(0, 5)) == 5:
        if not text.endswith("\n"):
            text += "\n"
        repeat = draw(st.integers(2, 400))
    return RepoFile(path, text.encode("utf-8"), repeat, kind)


def _folded(f: RepoFile) -> str:
    return f.path.casefold()


@cache
def _text_files(unicode: bool, large: bool, min_files: int, max_files: int):
    return st.lists(_text_file(unicode, large), min_size=min_files, max_size=max_files, unique_by=_folded)


@st.composite
def _extra_files(draw, unicode: bool, binary: bool, large: bool, ignored: bool, vendored: bool,
                 secrets: bool) -> list[RepoFile]:
    out: list[RepoFile] = []
    if draw(st.booleans()):
        out.append(RepoFile("README.md", ("# " + draw(_sentence(unicode)) + "\n\n" + draw(_text("markdown", unicode))).encode(), 1, "markdown"))
    if ignored and draw(st.booleans()):
        rules = draw(st.lists(st.sampled_from(_IGNORE_RULES), min_size=1, max_size=3, unique=True))
        out.append(RepoFile(".gitignore", "".join(rule + "\n" for rule, _ in rules).encode(), 1, "gitignore"))
        for _, path in rules:
            out.append(RepoFile(path, b"ignored = True\n", 1, "ignored"))
    if vendored and draw(st.booleans()):
        top = draw(st.sampled_from(_VENDOR_DIRS))
        for i in range(draw(st.integers(1, 3))):
            body = draw(_text("code", False)).encode()
            out.append(RepoFile(f"{top}/pkg{i}/index.js", body, draw(st.integers(1, 50)), "vendored"))
    if binary and draw(st.booleans()):
        out.append(RepoFile("assets/logo.png", draw(st.sampled_from(_BINARY)), 1, "binary"))
        if draw(st.booleans()):
            out.append(RepoFile("docs/latin1.txt", "caf\xe9 cr\xe8me\n".encode("latin-1"), 1, "latin1"))
        if draw(st.booleans()):
            out.append(RepoFile("empty.txt", b"", 1, "empty"))
    if large and draw(st.integers(0, 9)) == 9:
        line = b"x = 1  # generated\n"
        out.append(RepoFile("data/huge.py", line, (1 << 20) // len(line) + 1, "oversized"))
    if secrets and draw(st.booleans()):
        out.append(RepoFile(draw(st.sampled_from((".env", "config/.env", "deploy/id_rsa", "certs/server.key"))),
                            b"SECRET=1\n", 1, "secret"))
        if draw(st.booleans()):
            out.append(RepoFile("settings/keys.py", f"AWS_KEY = '{_aws_like_key()}'\n".encode(), 1, "secret"))
    return out


@st.composite
def _repos(draw, min_files, max_files, unicode, binary, large, ignored, vendored, secrets) -> Repo:
    texts = draw(_text_files(unicode, large, min_files, max_files))
    extras = draw(_extra_files(unicode, binary, large, ignored, vendored, secrets))
    by_path: dict[str, RepoFile] = {}
    for f in extras + texts:  # extras first: a drawn text file never shadows them
        by_path.setdefault(f.path, f)
    files = list(by_path.values())
    # Drop files whose path is another's directory (a/b and a/b/c), keeping the first.
    kept: list[RepoFile] = []
    for f in files:
        if _no_prefix_conflicts([k.path for k in kept] + [f.path]):
            kept.append(f)
    return Repo(tuple(kept))


def repos(*, min_files: int = 0, max_files: int = 6, unicode: bool = True, binary: bool = True, large: bool = True,
          ignored: bool = True, vendored: bool = True, secrets: bool = False):
    """Synthetic repository trees (:class:`Repo`): ``min_files``–``max_files`` text files
    (code, markdown, config, prose; nested, Unicode names; ``large`` ones repeated
    up to 400 times) plus, each with some probability, a ``README.md``, a
    ``.gitignore`` with files it ignores, a vendored directory, binary / non-UTF-8 /
    empty files, a file over 1 MiB (``large``), and secret files (``secrets``).

    >>> import tempfile
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(repos(max_files=2))
    ... def test(repo):
    ...     with tempfile.TemporaryDirectory() as tmp:
    ...         root = materialize(repo, tmp + "/repo")
    ...         assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == repo.paths
    >>> test()
    """
    _check_int("min_files", min_files)
    _check_int("max_files", max_files, max(min_files, 0))
    for name, value in (("unicode", unicode), ("binary", binary), ("large", large), ("ignored", ignored),
                        ("vendored", vendored), ("secrets", secrets)):
        _check_bool(name, value)
    return _repos(min_files, max_files, unicode, binary, large, ignored, vendored, secrets)


GIT_DATE = "2021-02-03T04:05:06Z"


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE, "GIT_AUTHOR_NAME": "packverify",
                "GIT_AUTHOR_EMAIL": "packverify@example.invalid", "GIT_COMMITTER_NAME": "packverify",
                "GIT_COMMITTER_EMAIL": "packverify@example.invalid", "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"})
    return env


def git_commit(root: str | os.PathLike) -> None:
    """Make ``root`` a git repository holding its working tree as one commit with a
    fixed author, committer and date (so the commit id depends on the tree only).
    ``.gitignore`` is honoured as git does."""
    env = _git_env()
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", "packverify test tree"]):
        subprocess.run(["git", "-C", os.fspath(root), *args], check=True, capture_output=True, env=env)


def materialize(repo: Repo, path: str | os.PathLike, *, git: bool = False, order: Sequence[str] | None = None) -> Path:
    """Write ``repo`` under ``path`` (created; must not hold other files) and return it.

    ``order``: the file-creation order (a permutation of ``repo.paths``; default
    sorted), so inode numbers and directory-creation order follow it. ``git=True``
    commits the tree (see :func:`git_commit`)."""
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    files = {f.path: f for f in repo.files}
    sequence = list(order) if order is not None else sorted(files)
    if sorted(sequence) != sorted(files):
        raise ValueError("order must be a permutation of the repository's paths")
    for rel in sequence:
        target = root.joinpath(*rel.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[rel].content)
    if git:
        git_commit(root)
    return root


# ---------------------------------------------------------------- defects


@dataclass(frozen=True)
class Defect:
    """A pack with one planted defect: ``data`` are the bytes to check, ``document``
    the defective document (``None`` when the defect lives in the bytes),
    ``expected`` the codes that must be reported: ``code`` plus the injector's
    documented couplings — nothing else."""

    code: str
    data: bytes
    document: dict | None
    expected: frozenset[str]
    note: str

    def __repr__(self) -> str:
        return f"Defect({self.code!r}, {self.note!r}, {len(self.data)} bytes)"


Plant = Callable[[Callable, dict], tuple[dict | None, bytes, str]]


@dataclass(frozen=True)
class Injector:
    """Plants one finding code into a valid pack document. ``plant(draw, doc)``
    mutates a deep copy and returns (document or ``None``, bytes, note);
    ``couples`` are the codes it unavoidably brings along (docs/properties.md);
    ``needs`` is empty, or for :data:`SOURCE_INJECTORS` the repository it needs
    (``"repo"``, ``"git"``, ``"plain"``)."""

    code: str
    plant: Plant
    couples: frozenset[str] = field(default_factory=frozenset)
    needs: str = ""

    def strategy(self, doc: dict):
        """A strategy of :class:`Defect` planted in (a copy of) ``doc``."""

        @st.composite
        def _defect(draw) -> Defect:
            document, data, note = self.plant(draw, copy.deepcopy(doc))
            return Defect(self.code, data, document, frozenset({self.code}) | self.couples, note)

        return _defect()


# -- helpers that keep every derived field consistent, so only the planted defect shows


def _encoding(doc: dict):
    return _tokenizer.get_encoding(doc["tokenizer_info"]["name"])


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _allowed(doc: dict) -> float:
    value = doc["budget_info"].get("underflow_allowed")
    return DEFAULT_UNDERFLOW if value is None else value


def _refresh(doc: dict, *, order: bool = True, budget: bool = True, stats: bool = True,
             digest: bool = True, spans: bool = True, ids: bool = False) -> dict:
    """Recompute what follows from the chunks: canonical ids (``ids``), order,
    actual_tokens and utilization (raising target_budget / lowering total_tokens
    when needed so the budget rules hold), statistics lower bounds, digest, spans."""
    chunks_ = doc["chunks"]
    if ids:
        for c in chunks_:
            c["id"] = canonical_chunk_id(c["file_path"], c["start_line"], c["end_line"])
    if order:
        chunks_.sort(key=lambda c: (c["file_path"], c["start_line"], c["end_line"], c["id"]))
    info, statistics = doc["budget_info"], doc["statistics"]
    selected = sum(c["tokens"] for c in chunks_)
    if budget:
        info["actual_tokens"] = selected
        info["target_budget"] = max(info["target_budget"], selected)
        if not _ceiling_ok(selected, info["target_budget"], max(statistics["total_tokens"], selected), _allowed(doc)):
            statistics["total_tokens"] = selected
        info["utilization"] = info["actual_tokens"] / info["target_budget"]
    if stats:
        files = {c["file_path"] for c in chunks_}
        statistics["total_chunks"] = max(statistics["total_chunks"], len(chunks_))
        statistics["total_files"] = max(statistics["total_files"], len(files))
        statistics["total_tokens"] = max(statistics["total_tokens"], selected)
        distribution = statistics.get("language_distribution")
        if distribution is not None:
            per: dict[str, set] = {}
            for c in chunks_:
                if "language" in c:
                    per.setdefault(c["language"], set()).add(c["file_path"])
            for language, paths in per.items():
                distribution[language] = max(distribution.get(language, 0), len(paths))
            statistics["total_files"] = max(statistics["total_files"], sum(distribution.values()))
    if digest and "manifest_digest" in doc:
        doc["manifest_digest"] = _digest(doc)
    if spans and "body_spans" in doc:
        doc["body_spans"] = _spans(chunks_)
    return doc


def _digest(doc: dict) -> str:
    return manifest_digest(doc["tokenizer_info"]["name"], [
        (c["id"], c["file_path"], c["start_line"], c["end_line"], c["tokens"], c["content_hash"])
        for c in doc["chunks"]])


def _spans(chunks_: list[dict]) -> list[dict]:
    spans, offset = [], 0
    for c in chunks_:
        size = len(c.get("content", "").encode("utf-8"))
        spans.append({"chunk_id": c["id"], "start": offset, "end": offset + size})
        offset += size
    return spans


def _new_chunk(doc: dict, path: str, start: int, end: int, content: str, *, mode: str = "full",
               language: str | None = "text") -> dict:
    chunk = {"id": canonical_chunk_id(path, start, end), "file_path": path, "start_line": start, "end_line": end,
             "tokens": _tokenizer.count(_encoding(doc), content), "content_hash": _hash(content), "content": content,
             "selected_mode": mode}
    if language is not None:
        chunk["language"] = language
    return chunk


def _grow(doc: dict, *, chunks_: int = 1, tokens: int = 0, lines: int = 1) -> dict:
    """Make sure the pack has at least ``chunks_`` chunks, ``tokens`` tokens and a full
    chunk with content of at least ``lines`` lines, by adding filler files (valid,
    consistent: every derived field refreshed)."""
    k = 0
    while True:
        have = doc["chunks"]
        total = sum(c["tokens"] for c in have)
        long_enough = any(_full(c) and c["end_line"] - c["start_line"] + 1 >= lines for c in have)
        if len(have) >= chunks_ and total >= tokens and long_enough:
            return doc
        text, n = _filler(max(tokens - total, 17 * lines))
        paths = {c["file_path"] for c in have}
        while f"zz-grow/part{k}.txt" in paths:
            k += 1
        have.append(_new_chunk(doc, f"zz-grow/part{k}.txt", 1, n, text))
        _refresh(doc)


def _pick(draw, doc: dict, test: Callable[[dict], bool] = lambda c: True) -> int:
    indexes = [i for i, c in enumerate(doc["chunks"]) if test(c)]
    return draw(st.sampled_from(indexes))


def _full(c: dict) -> bool:
    return c.get("selected_mode", "full") == "full" and "content" in c


def _bytes(doc: dict) -> bytes:
    return serialize(doc)


def _set(doc: dict, keys: Sequence, value: Any) -> None:
    node = doc
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def _doc_result(doc: dict, note: str) -> tuple[dict, bytes, str]:
    return doc, _bytes(doc), note


# -- parse: defects in the bytes (every other oracle is then skipped)


def _bytes_defect(mutate: Callable[[Callable, bytes], tuple[bytes, str]]) -> Plant:
    def plant(draw, doc):
        data, note = mutate(draw, _bytes(doc))
        return None, data, note

    return plant


def _key_value(raw: bytes, key: bytes) -> tuple[int, int]:
    """(start, end) of the number after ``"key":`` in canonical bytes (keys are never
    escaped in canonical JSON, and a quote inside a string always is)."""
    start = raw.index(b'"' + key + b'":') + len(key) + 3
    end = start
    while end < len(raw) and raw[end:end + 1] in b"0123456789.eE+-":
        end += 1
    return start, end


def _truncate(draw, raw: bytes):
    cut = draw(st.integers(0, len(raw) - 1))
    while cut > 0 and (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence (that is invalid-utf8)
        cut -= 1
    return raw[:cut], f"truncated to {cut} of {len(raw)} bytes"


def _replace_number(text: bytes, note: str):
    def mutate(draw, raw):
        start, end = _key_value(raw, b"utilization")
        return raw[:start] + text + raw[end:], note

    return mutate


def _in_repo_path(insert: bytes, note: str):
    def mutate(draw, raw):
        at = raw.index(b'"path":"') + len(b'"path":"')
        return raw[:at] + insert + raw[at:], note

    return mutate


def _too_deep(draw, raw):
    depth = draw(st.integers(129, 300))
    start, end = _key_value(raw, b"utilization")
    return raw[:start] + b"[" * depth + raw[start:end] + b"]" * depth + raw[end:], f"utilization nested {depth} deep"


# -- schema: one violation in a field no other oracle reads


def _choice(draw, options: Sequence):
    return draw(st.sampled_from(list(options)))


def _schema_type(draw, doc):
    keys = _choice(draw, [("tokenizer_info", "version"), ("metadata", "repo_info", "path"),
                          ("metadata", "generator", "name")])
    value = _choice(draw, [1, True, None, [], {}])
    _set(doc, keys, value)
    return _doc_result(doc, f"{'/'.join(keys)} = {value!r}")


def _schema_required(draw, doc):
    keys = _choice(draw, [("tokenizer_info", "version"), ("metadata", "created_at"), ("metadata", "repo_info", "path"),
                          ("metadata", "version"), ("metadata", "generator", "version")])
    node = doc
    for key in keys[:-1]:
        node = node[key]
    del node[keys[-1]]
    return _doc_result(doc, f"deleted {'/'.join(keys)}")


def _schema_additional(draw, doc):
    places: list[tuple] = [(), ("metadata",), ("tokenizer_info",), ("budget_info",), ("statistics",),
                           ("metadata", "repo_info")]
    places += [("chunks", i) for i in range(len(doc["chunks"]))]
    place = _choice(draw, places)
    name = _choice(draw, ["conent", "tokns", "extra", "ünknown", "x_note"])
    node = doc
    for key in place:
        node = node[key]
    node[name] = _choice(draw, [0, "x", None])
    return _doc_result(doc, f"added {name!r} at /{'/'.join(map(str, place))}")


def _schema_pattern(draw, doc):
    keys, value = _choice(draw, [(("metadata", "version"), "1.0"), (("metadata", "version"), "v1.0.0"),
                                 (("metadata", "repo_info", "commit"), "0" * 39),
                                 (("metadata", "repo_info", "commit"), "A" * 40)])
    _set(doc, keys, value)
    return _doc_result(doc, f"{'/'.join(keys)} = {value!r}")


def _schema_format(draw, doc):
    value = _choice(draw, ["yesterday", "2024-13-01T00:00:00Z", "1970-01-01", "2021-02-03T25:00:00Z"])
    doc["metadata"]["created_at"] = value
    return _doc_result(doc, f"created_at = {value!r}")


def _schema_range(draw, doc):
    options: list[tuple[tuple, Any]] = [(("tokenizer_info", "vocab_size"), 999), (("statistics", "ignored_files"), -1),
                                        (("budget_info", "underflow_allowed"), 0.01)]
    options += [(("chunks", i, "importance_score"), 1.5) for i in range(len(doc["chunks"]))]
    keys, value = _choice(draw, options)
    _set(doc, keys, value)
    return _doc_result(doc, f"{'/'.join(map(str, keys))} = {value!r}")


def _schema_enum(draw, doc):
    options: list[tuple[tuple, Any]] = [(("metadata", "serialization"), "json"),
                                        (("metadata", "chunk_id_scheme"), "v2")]
    options += [(("chunks", i, "chunk_type"), "video") for i in range(len(doc["chunks"]))]
    options += [(("chunks", i, "selected_mode"), "partial") for i in range(len(doc["chunks"]))]
    keys, value = _choice(draw, options)
    _set(doc, keys, value)
    return _doc_result(doc, f"{'/'.join(map(str, keys))} = {value!r}")


def _schema_length(draw, doc):
    keys = _choice(draw, [("metadata", "generator", "name"), ("metadata", "generator", "version")])
    _set(doc, keys, "")
    return _doc_result(doc, f"{'/'.join(keys)} = ''")


# -- budget


def _budget_overflow(draw, doc):
    _grow(doc, tokens=1002)
    actual = doc["budget_info"]["actual_tokens"]
    lowest = max(1000, math.ceil(actual / 1.005))
    while actual / lowest > 1.005:
        lowest += 1
    target = draw(st.integers(lowest, actual - 1))
    doc["budget_info"].update(target_budget=target, utilization=actual / target)
    return _doc_result(doc, f"target_budget {target} < actual_tokens {actual}")


def _budget_sum(draw, doc):
    info = doc["budget_info"]
    actual, target = info["actual_tokens"], info["target_budget"]
    if actual < target:
        claimed = actual + draw(st.integers(1, target - actual))
    else:
        claimed = actual - 1
        floor = min(target, doc["statistics"]["total_tokens"]) * (1 - _allowed(doc))
        if claimed < floor:
            doc["statistics"]["total_tokens"] = actual
    info.update(actual_tokens=claimed, utilization=claimed / target)
    return _doc_result(doc, f"actual_tokens {claimed}, chunks sum to {actual}")


def _budget_utilization(draw, doc):
    info = doc["budget_info"]
    ratio = info["actual_tokens"] / info["target_budget"]
    delta = _choice(draw, [0.001, 0.01, 1e-6])
    info["utilization"] = ratio + delta if ratio + delta <= 1.005 else ratio - delta
    return _doc_result(doc, f"utilization {info['utilization']!r} for {ratio!r}")


def _budget_underflow(draw, doc):
    info, statistics = doc["budget_info"], doc["statistics"]
    actual, allowed = info["actual_tokens"], _allowed(doc)
    target = max(info["target_budget"], int(actual / (1 - allowed)) + 2 + draw(st.integers(0, 1000)))
    info.update(target_budget=target, utilization=actual / target)
    statistics["total_tokens"] = max(statistics["total_tokens"], target + draw(st.integers(0, 1000)))
    return _doc_result(doc, f"actual_tokens {actual} of target {target} with {statistics['total_tokens']} available")


# -- tokens


def _tokens_mismatch(draw, doc):
    _grow(doc)
    info = doc["budget_info"]
    up = info["actual_tokens"] + 1 <= info["target_budget"]
    i = _pick(draw, doc, lambda c: "content" in c and (up or c["tokens"] >= 1))
    chunk = doc["chunks"][i]
    if up and (chunk["tokens"] == 0 or draw(st.booleans())):
        chunk["tokens"] += 1
    else:
        chunk["tokens"] -= 1
    _refresh(doc, order=False)
    return _doc_result(doc, f"/chunks/{i}/tokens {chunk['tokens']}")


def _tokens_real_overflow(draw, doc):
    _grow(doc, tokens=1003)
    info = doc["budget_info"]
    actual = info["actual_tokens"]
    i = _pick(draw, doc, lambda c: c["tokens"] >= 1 and "content" in c)
    chunk = doc["chunks"][i]
    cut = draw(st.integers(1, min(actual - 1000, chunk["tokens"])))
    chunk["tokens"] -= cut
    info.update(target_budget=actual - cut, actual_tokens=actual - cut, utilization=1.0)
    _refresh(doc, order=False, stats=False, budget=False)
    return _doc_result(doc, f"/chunks/{i} claims {cut} fewer tokens; real {actual} > target {actual - cut}")


def _tokens_not_recounted(draw, doc):
    _grow(doc, chunks_=2)  # a pack where no chunk has content skips the oracle (docs/properties.md)
    i = _pick(draw, doc, lambda c: "content" in c)
    del doc["chunks"][i]["content"]
    _refresh(doc, order=False, budget=False, stats=False)
    return _doc_result(doc, f"/chunks/{i}/content removed")


# -- integrity


def _content_hash(draw, doc):
    _grow(doc)
    i = _pick(draw, doc, lambda c: "content" in c)
    chunk = doc["chunks"][i]
    chunk["content_hash"] = _hash(chunk["content"] + _choice(draw, ["x", " ", "\n"]))
    _refresh(doc, order=False, budget=False, stats=False)
    return _doc_result(doc, f"/chunks/{i}/content_hash of other text")


def _manifest(draw, doc):
    right = _digest(doc)
    doc["manifest_digest"] = _hash(right + _choice(draw, ["x", "y"]))
    return _doc_result(doc, "manifest_digest of other chunks")


def _with_spans(doc: dict) -> list[dict]:
    doc["body_spans"] = _spans(doc["chunks"])
    return doc["body_spans"]


def _span_count(draw, doc):
    spans = _with_spans(doc)
    if spans and draw(st.booleans()):
        spans.pop()
        return _doc_result(doc, "last body span dropped")
    end = spans[-1]["end"] if spans else 0
    spans.append({"chunk_id": "extra", "start": end, "end": end})
    return _doc_result(doc, "one body span too many")


def _span_mismatch(draw, doc):
    _grow(doc)
    spans = _with_spans(doc)
    k = draw(st.integers(0, len(spans) - 1))
    spans[k]["chunk_id"] = spans[k]["chunk_id"] + "-other"
    return _doc_result(doc, f"/body_spans/{k}/chunk_id names another chunk")


def _span_order(draw, doc):
    _grow(doc)
    spans = _with_spans(doc)
    k = draw(st.integers(0, len(spans) - 1))
    spans[k]["start"] = spans[k]["end"] + draw(st.integers(1, 5))
    return _doc_result(doc, f"/body_spans/{k} inverted")


def _span_length(draw, doc):
    _grow(doc)
    spans = _with_spans(doc)
    k = draw(st.integers(0, len(spans) - 1))
    d = draw(st.integers(1, 5))
    spans[k]["end"] += d
    for later in spans[k + 1:]:
        later["start"] += d
        later["end"] += d
    return _doc_result(doc, f"/body_spans/{k} {d} bytes too long")


# -- overlap


def _shared_lines(draw, doc):
    _grow(doc, lines=2)
    i = _pick(draw, doc, lambda c: _full(c) and c["end_line"] > c["start_line"])
    c = doc["chunks"][i]
    line = draw(st.integers(c["start_line"] + 1, c["end_line"]))
    text = split_lines(c["content"])[line - c["start_line"]]
    doc["chunks"].append(_new_chunk(doc, c["file_path"], line, line, text, language=c.get("language")))
    _refresh(doc)
    return _doc_result(doc, f"{c['file_path']} line {line} in two chunks")


def _duplicate_id(draw, doc):
    _grow(doc, chunks_=2)
    n = len(doc["chunks"])
    i = draw(st.integers(0, n - 1))
    j = draw(st.integers(0, n - 2))
    j = j if j < i else j + 1
    # Isolation: with chunk_id_scheme declared a duplicate id is necessarily non-canonical.
    doc["metadata"].pop("chunk_id_scheme", None)
    doc["chunks"][j]["id"] = doc["chunks"][i]["id"]
    _refresh(doc, order=False, budget=False, stats=False)
    return _doc_result(doc, f"/chunks/{j}/id = /chunks/{i}/id")


def _inverted(draw, doc):
    _grow(doc)
    i = _pick(draw, doc)
    c = doc["chunks"][i]
    c["start_line"] = c["end_line"] + draw(st.integers(1, 20))
    _refresh(doc, ids=True, budget=False, stats=False)
    return _doc_result(doc, f"{c['file_path']} start_line {c['start_line']} > end_line {c['end_line']}")


def _line_count(draw, doc):
    _grow(doc)
    i = _pick(draw, doc, _full)
    c = doc["chunks"][i]
    extra = _choice(draw, ["x", "extra line", ""])
    if draw(st.booleans()) and c["end_line"] > c["start_line"]:
        c["content"] = "".join(split_lines(c["content"])[:-1])  # one line short
    else:
        c["content"] += (extra or "x") + "\n" if c["content"].endswith("\n") else "\n" + (extra or "x")
    c["content_hash"] = _hash(c["content"])
    c["tokens"] = _tokenizer.count(_encoding(doc), c["content"])
    _refresh(doc, order=False)
    return _doc_result(doc, f"/chunks/{i}/content has {count_lines(c['content'])} lines for "
                            f"{c['end_line'] - c['start_line'] + 1}")


# -- determinism


def _chunk_order(draw, doc):
    _grow(doc, chunks_=2)
    i = draw(st.integers(0, len(doc["chunks"]) - 2))
    doc["chunks"][i], doc["chunks"][i + 1] = doc["chunks"][i + 1], doc["chunks"][i]
    _refresh(doc, order=False, budget=False, stats=False)
    return _doc_result(doc, f"/chunks/{i} and /chunks/{i + 1} swapped")


def _unstable_id(draw, doc):
    _grow(doc)
    i = _pick(draw, doc)
    doc["chunks"][i]["id"] = _choice(draw, ["chunk-", "c", "uuid-"]) + str(i)
    _refresh(doc, order=False, budget=False, stats=False)
    return _doc_result(doc, f"/chunks/{i}/id = {doc['chunks'][i]['id']!r}")


def _non_canonical(draw, doc):
    indent = _choice(draw, [None, 1, 2, 4])
    data = json.dumps(doc, indent=indent, ensure_ascii=draw(st.booleans()), sort_keys=draw(st.booleans()),
                      allow_nan=False).encode("utf-8")
    return doc, data, f"json.dumps(indent={indent})"


# -- stats


def _total_chunks(draw, doc):
    _grow(doc)
    n = len(doc["chunks"])
    doc["statistics"]["total_chunks"] = draw(st.integers(0, n - 1))
    return _doc_result(doc, f"total_chunks {doc['statistics']['total_chunks']} for {n} chunks")


def _total_files(draw, doc):
    _grow(doc)
    files = {c["file_path"] for c in doc["chunks"]}
    total = draw(st.integers(0, len(files) - 1))
    statistics = doc["statistics"]
    statistics["total_files"] = total
    distribution = statistics.get("language_distribution")
    if distribution is not None:
        # Isolation: the distribution must stay within total_files; when even its
        # lower bounds cannot, it goes (it is optional) — docs/properties.md.
        per: dict[str, set] = {}
        for c in doc["chunks"]:
            if "language" in c:
                per.setdefault(c["language"], set()).add(c["file_path"])
        minimal = {k: len(v) for k, v in per.items()}
        if sum(minimal.values()) <= total:
            statistics["language_distribution"] = minimal
        else:
            del statistics["language_distribution"]
    return _doc_result(doc, f"total_files {total} for {len(files)} files")


def _total_tokens(draw, doc):
    _grow(doc, tokens=1)
    selected = sum(c["tokens"] for c in doc["chunks"])
    doc["statistics"]["total_tokens"] = draw(st.integers(0, selected - 1))
    return _doc_result(doc, f"total_tokens {doc['statistics']['total_tokens']} for {selected} selected")


def _language_distribution(draw, doc):
    statistics = doc["statistics"]
    per: dict[str, set] = {}
    for c in doc["chunks"]:
        if "language" in c:
            per.setdefault(c["language"], set()).add(c["file_path"])
    if per and draw(st.booleans()):
        language = _choice(draw, sorted(per))
        distribution = statistics.setdefault("language_distribution", {})
        distribution[language] = len(per[language]) - 1
        return _doc_result(doc, f"language_distribution[{language!r}] one below the selection")
    distribution = statistics.setdefault("language_distribution", {})
    distribution["cobol"] = statistics["total_files"] + 1
    return _doc_result(doc, "language_distribution counts more files than total_files")


# -- security


def _rename_file(doc: dict, old: str, new: str) -> None:
    for c in doc["chunks"]:
        if c["file_path"] == old:
            c["file_path"] = new
    _refresh(doc, ids=doc["metadata"].get("chunk_id_scheme") == "packverify-v1", budget=False, stats=False)


def _path_defect(code: str, make: Callable[[Callable, str], str]) -> Plant:
    def plant(draw, doc):
        from packverify.oracles.security import path_problems, secret_file_reason

        _grow(doc)
        old = _choice(draw, sorted({c["file_path"] for c in doc["chunks"]}))
        new = make(draw, old)
        codes = {c for c, _ in path_problems(new)} | ({"security.secret-file"} if secret_file_reason(new) else set())
        assert codes == {code}, (new, codes)  # the injector's own contract
        assert new not in {c["file_path"] for c in doc["chunks"]}
        _rename_file(doc, old, new)
        return _doc_result(doc, f"{old!r} renamed {new!r}")

    return plant


def _insert_control(draw, path: str) -> str:
    head, _, name = path.rpartition("/")
    at = draw(st.integers(0, len(name)))
    char = _choice(draw, ["\x1b", "\x07", "\x7f", "\x85", "\t"])
    return (head + "/" if head else "") + name[:at] + char + name[at:]


def _non_normalized(draw, path: str) -> str:
    options = ["./" + path, path + "/", "src\\" + path]
    if "/" in path:
        options.append(path.replace("/", "//", 1))
        options.append(path.replace("/", "/./", 1))
    return _choice(draw, options)


def _secret_name(draw, path: str) -> str:
    head, _, _ = path.rpartition("/")
    return (head + "/" if head else "") + _choice(draw, [".env", "id_rsa", "deploy.key", ".netrc", ".env.production"])


def _secret_line() -> list[str]:
    return [f"aws_key = '{_aws_like_key()}'", "token = '" + "gh" + "p_" + "a1B2" * 9 + "'",
            "SLACK=" + "xo" + "xb-1234567890-abcdefghij", "-----BEGIN RSA " + "PRIVATE KEY-----"]


def _secret(draw, doc):
    _grow(doc)
    i = _pick(draw, doc, _full)
    c = doc["chunks"][i]
    lines = split_lines(c["content"])
    k = draw(st.integers(0, len(lines) - 1))
    ending = "\n" if lines[k].endswith("\n") else ""
    lines[k] = _choice(draw, _secret_line()) + ending
    c["content"] = "".join(lines)
    c["content_hash"] = _hash(c["content"])
    c["tokens"] = _tokenizer.count(_encoding(doc), c["content"])
    _refresh(doc, order=False)
    return _doc_result(doc, f"a credential in /chunks/{i}/content line {k + 1}")


_COUPLED_BUDGET = frozenset({"tokens.real-overflow"})
_COUPLED_TOKENS = frozenset({"tokens.mismatch"})

INJECTORS: Mapping[str, Injector] = MappingProxyType({inj.code: inj for inj in (
    Injector("parse.invalid-utf8", _bytes_defect(_in_repo_path(b"\xff", "0xFF inside repo_info.path"))),
    Injector("parse.byte-order-mark", _bytes_defect(lambda draw, raw: (b"\xef\xbb\xbf" + raw, "UTF-8 BOM prepended"))),
    Injector("parse.invalid-json", _bytes_defect(_truncate)),
    Injector("parse.duplicate-key", _bytes_defect(lambda draw, raw: (b'{"chunks":[],' + raw[1:], "a second 'chunks'"))),
    Injector("parse.non-finite-number", _bytes_defect(_replace_number(b"NaN", "utilization NaN"))),
    Injector("parse.number-out-of-range", _bytes_defect(_replace_number(b"1e400", "utilization 1e400"))),
    Injector("parse.lone-surrogate", _bytes_defect(_in_repo_path(b"\\ud800", "\\ud800 in repo_info.path"))),
    Injector("parse.too-deep", _bytes_defect(_too_deep)),
    Injector("parse.not-an-object", _bytes_defect(lambda draw, raw: (b"[" + raw + b"]", "the pack inside an array"))),
    Injector("schema.type", _schema_type),
    Injector("schema.required", _schema_required),
    Injector("schema.additional-property", _schema_additional),
    Injector("schema.pattern", _schema_pattern),
    Injector("schema.format", _schema_format),
    Injector("schema.range", _schema_range),
    Injector("schema.enum", _schema_enum),
    Injector("schema.length", _schema_length),
    Injector("budget.overflow", _budget_overflow, _COUPLED_BUDGET),
    Injector("budget.sum-mismatch", _budget_sum),
    Injector("budget.utilization-mismatch", _budget_utilization),
    Injector("budget.underflow", _budget_underflow),
    Injector("tokens.mismatch", _tokens_mismatch),
    Injector("tokens.real-overflow", _tokens_real_overflow, _COUPLED_TOKENS),
    Injector("tokens.not-recounted", _tokens_not_recounted),
    Injector("integrity.content-hash-mismatch", _content_hash),
    Injector("integrity.manifest-digest-mismatch", _manifest),
    Injector("integrity.body-span-count", _span_count),
    Injector("integrity.body-span-mismatch", _span_mismatch),
    Injector("integrity.body-span-order", _span_order),
    Injector("integrity.body-span-length", _span_length),
    Injector("overlap.shared-lines", _shared_lines),
    Injector("overlap.duplicate-id", _duplicate_id),
    Injector("overlap.inverted-range", _inverted),
    Injector("overlap.line-count-mismatch", _line_count),
    Injector("determinism.chunk-order", _chunk_order),
    Injector("determinism.unstable-id", _unstable_id),
    Injector("determinism.non-canonical-bytes", _non_canonical),
    Injector("stats.total-chunks", _total_chunks),
    Injector("stats.total-files", _total_files),
    Injector("stats.total-tokens", _total_tokens),
    Injector("stats.language-distribution", _language_distribution),
    Injector("security.absolute-path", _path_defect(
        "security.absolute-path", lambda draw, p: _choice(draw, ["/", "/home/ci/repo/"]) + p)),
    Injector("security.path-traversal", _path_defect(
        "security.path-traversal", lambda draw, p: _choice(draw, ["../", "src/../../"]) + p)),
    Injector("security.non-normalized-path", _path_defect("security.non-normalized-path", _non_normalized)),
    Injector("security.control-character", _path_defect("security.control-character", _insert_control)),
    Injector("security.secret-file", _path_defect("security.secret-file", _secret_name)),
    Injector("security.secret", _secret),
)})

# -- source: defects that only show against a repository (see pack_repo)


def pack_repo(doc: dict) -> Repo:
    """A repository a valid pack could have been taken from: each file's lines are
    the pack's ``full`` chunks' lines, and ``gap`` lines where no full chunk says
    what is there. With it (materialised, and ``metadata.repo_info.commit`` set to
    its HEAD or forty zeros — :func:`with_commit`) the ``source`` oracle passes.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(packs(max_files=2))
    ... def test(doc):
    ...     repo = pack_repo(doc)
    ...     assert {c["file_path"] for c in doc["chunks"]} <= set(repo.paths)
    >>> test()
    """
    by_file: dict[str, dict[int, str]] = {}
    for c in doc["chunks"]:
        lines = by_file.setdefault(c["file_path"], {})
        if _full(c):
            for offset, line in enumerate(split_lines(c["content"])):
                lines[c["start_line"] + offset] = line
        else:
            for number in range(c["start_line"], c["end_line"] + 1):
                lines.setdefault(number, None)
    files = []
    for path, lines in by_file.items():
        last = max(lines)
        text = "".join(lines.get(n) or "gap\n" for n in range(1, last + 1))
        files.append(RepoFile(path, text.encode("utf-8"), 1, _kind_of(path)))
    return Repo(tuple(files))


def with_commit(doc: dict, commit: str) -> dict:
    """``doc`` (a copy) claiming ``commit`` (``repo_info.commit`` is in no derived field)."""
    doc = copy.deepcopy(doc)
    doc["metadata"]["repo_info"]["commit"] = commit
    return doc


def _source_content(draw, doc):
    i = _pick(draw, doc, _full)
    c = doc["chunks"][i]
    lines = split_lines(c["content"])
    k = draw(st.integers(0, len(lines) - 1))
    lines[k] = ("changed" if lines[k].rstrip("\r\n") != "changed" else "edited") + ("\n" if lines[k].endswith("\n") else "")
    c["content"] = "".join(lines)
    c["content_hash"] = _hash(c["content"])
    c["tokens"] = _tokenizer.count(_encoding(doc), c["content"])
    _refresh(doc, order=False)
    return _doc_result(doc, f"/chunks/{i}/content line {k + 1} edited")


def _source_missing(draw, doc):
    old = _choice(draw, sorted({c["file_path"] for c in doc["chunks"] if _full(c)}))
    _rename_file(doc, old, "zz-missing/" + old)
    return _doc_result(doc, f"{old!r} renamed to a path the repository lacks")


def _source_line_range(draw, doc):
    path = _choice(draw, sorted({c["file_path"] for c in doc["chunks"]}))
    end = max(c["end_line"] for c in doc["chunks"] if c["file_path"] == path)
    start = end + draw(st.integers(1, 3))
    language = next((c["language"] for c in doc["chunks"] if c["file_path"] == path and "language" in c), None)
    doc["chunks"].append(_new_chunk(doc, path, start, start, "beyond\n", language=language))
    _refresh(doc)
    return _doc_result(doc, f"{path} line {start}, past its end")


def _source_commit(draw, doc):
    doc["metadata"]["repo_info"]["commit"] = f"{draw(st.integers(1, 2**160 - 1)):040x}"  # never forty zeros
    return _doc_result(doc, "a commit the repository does not have")


def _source_working_tree(draw, doc):
    doc["metadata"]["repo_info"]["commit"] = "f" * 40
    return _doc_result(doc, "a commit, but the repository is a plain directory")


SOURCE_INJECTORS: Mapping[str, Injector] = MappingProxyType({inj.code: inj for inj in (
    Injector("source.content-mismatch", _source_content, needs="repo"),
    Injector("source.file-missing", _source_missing, needs="repo"),
    Injector("source.line-range", _source_line_range, needs="repo"),
    Injector("source.commit-not-found", _source_commit, needs="git"),
    Injector("source.working-tree", _source_working_tree, needs="plain"),
)})
"""Injectors for the ``source`` codes: plant in a pack whose repository is
:func:`pack_repo` of the *original* pack, materialised (``needs``: ``"repo"`` either
kind, ``"git"`` a git repository, ``"plain"`` a plain directory) with the pack's
commit set to match (:func:`with_commit`). Each needs at least one full chunk."""

EXCLUDED: Mapping[str, str] = MappingProxyType({
    "parse.too-large": "a property of the reader's size limit (read_pack / --max-bytes), not of the bytes",
    "schema.violation": "no keyword of spec/index.schema.json maps to it (every keyword it uses has its own code)",
    **{code: f"needs a repository beside the pack: see SOURCE_INJECTORS (needs={inj.needs!r})"
       for code, inj in SOURCE_INJECTORS.items()},
})


def defects(codes: Iterable[str] | None = None, *, packs_strategy=None):
    """A valid pack with exactly one planted defect (:class:`Defect`), for any of
    ``codes`` (default: every code in :data:`INJECTORS`). ``packs_strategy``: where
    the valid packs come from (default ``packs(tokenizer=None)``).

    >>> import packverify
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(defects(["budget.overflow"]))
    ... def test(defect):
    ...     report = packverify.check_loaded(packverify.parse_bytes(defect.data), packverify.Context())
    ...     assert {f.code for f in report.findings} == defect.expected
    >>> test()
    """
    chosen = sorted(INJECTORS) if codes is None else list(codes)
    _check(bool(chosen), "codes must name at least one finding code")
    for code in chosen:
        if code not in INJECTORS:
            reason = EXCLUDED.get(code)
            _check(False, f"no injector for {code!r}" + (f": {reason}" if reason else " (not a finding code)"))
    source = packs_strategy if packs_strategy is not None else packs(tokenizer=None)

    @st.composite
    def _defects(draw) -> Defect:
        code = draw(st.sampled_from(chosen))
        doc = draw(source)
        return draw(INJECTORS[code].strategy(doc))

    return _defects()
