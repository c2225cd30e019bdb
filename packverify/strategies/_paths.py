"""File paths a pack may carry and the reference packer keeps — safe by construction.

Nothing here asks the ``security`` oracle (or the packer) whether a path is acceptable:
a generator filtered by the oracle it feeds cannot find that oracle's mistakes. Paths
are built so that they cannot be anything docs/format.md or a packer rejects:

* directories and file names come from curated lists — ASCII and Unicode words,
  dots inside and in front (``.github``, ``v1.2``, ``.hidden``), ``~``, ``%``, quotes,
  spaces, emoji — and from *free names*: hypothesis-made text over an alphabet with
  **no ASCII letter**: ASCII digits and punctuation that a file name may hold (no
  ``/``, no backslash), and non-ASCII letters, digits and symbols that are their own
  NFC form and whose lower and case-folded forms hold no ASCII letter either. Every
  name a rule singles out — secret files (``.env``, ``id_rsa``, ``*.key``), vendored
  and generated names (``node_modules``, ``*.lock``), ``.git``, the ``.gitignore``
  rules of :func:`repos` (``tmp/``, ``*.log``) — needs ASCII letters, so a free name
  can spell none of them; a free name made only of dots gets a ``_`` (never ``.``/``..``);
* no control, format (bidi, zero-width), surrogate, private-use or unassigned
  character can occur: the alphabet has none;
* every path is NFC, and paths of one tree are distinct after NFKC case folding (a
  stronger equivalence than NFC or case alone), and none is a directory of another.

Leaves alone: paths a pack may *not* carry — the security injectors make those.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Final

from hypothesis import strategies as st

from packverify.strategies._text import SEEDS

# The first entry of every list is the simplest: that is where shrinking goes.
_EXTS = (".py", ".md", ".txt", ".toml", ".js", ".yaml", ".json", ".rs", ".go", ".c", ".sh", ".rst", ".cfg", "")
_DIRS = ("src", "lib", "docs", "pkg", "app", "tests", "core", "utils", "examples", "scripts", "web", "api",
         ".github", ".config", "v1.2", "~old", "50%", "it's", 'say "hi"', "my dir", "a.b.c")
_UNICODE_DIRS = ("données", "数据", "ünïcode", "Ωmega", "naïve café", "😀", "日本語 docs", "über~%")
_STEMS = ("util", "main", "core", "helpers", "models", "views", "index", "notes", "guide", "parser", "lexer",
          "server", "client", "README", "setup", "test_core", "app", "schema", ".hidden", "v2.0", "~draft",
          "100%", "don't", 'the "best"', "two words", "..dots")
_UNICODE_STEMS = ("café", "naïve", "Büro", "データ", "файл", "λ", "emoji 😀", "ǅ", "ñandú")
# ASCII a free name may hold: digits and punctuation, never a letter, '/' or a backslash.
_FREE_ASCII = "0123456789 .~%'\"-_+@#=,!()&"
_FREE_CATEGORIES: Final = ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "No", "So", "Sc")


def _free_char_ok(char: str) -> bool:
    """A non-ASCII character that is its own NFC form and whose lower and case-folded
    forms hold no ASCII letter (U+212A KELVIN SIGN lowers to ``k``, U+0130 to ``i``)."""
    if unicodedata.normalize("NFC", char) != char:
        return False
    return not any(c.isascii() and c.isalpha() for c in char.lower() + char.casefold())


_FREE_CHAR = st.one_of(st.sampled_from(_FREE_ASCII),
                       st.characters(categories=_FREE_CATEGORIES, min_codepoint=0xA1).filter(_free_char_ok))


def _free_name(text: str) -> str:
    name = unicodedata.normalize("NFC", text)  # NFC-stable characters can still compose with each other
    return name if name.strip(".") else name + "_"


FREE_NAMES = st.text(_FREE_CHAR, min_size=1, max_size=8).map(_free_name)


def _build_path(unicode: bool, drawn: tuple) -> str:
    depth, seed, ext, free = drawn
    rng = random.Random(seed)
    dirs_pool = _DIRS + (_UNICODE_DIRS if unicode else ())
    stems_pool = _STEMS + (_UNICODE_STEMS if unicode else ())
    dirs = [dirs_pool[rng.randrange(len(dirs_pool))] if seed else dirs_pool[0] for _ in range(depth)]
    stem = stems_pool[rng.randrange(len(stems_pool))] if seed else stems_pool[0]
    if free is not None:  # a hypothesis-made name for the file or one of its directories
        where = rng.randrange(depth + 1) if seed else depth
        if where == depth:
            stem = free
        else:
            dirs[where] = free
    return unicodedata.normalize("NFC", "/".join([*dirs, stem + ext]))


@cache
def file_paths(unicode: bool, max_depth: int = 3):
    """Paths a pack may carry and the reference packer keeps (see the module docstring)."""
    free = st.none()
    if unicode:
        free = st.one_of(st.none(), st.none(), FREE_NAMES)
    return st.tuples(st.integers(0, max_depth), SEEDS, st.sampled_from(_EXTS), free).map(
        lambda drawn: _build_path(unicode, drawn))


def folded(path: str) -> str:
    """``path`` under NFKC case folding: two paths equal here may be one file somewhere
    (macOS, Windows) or look the same to a reader."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", path).casefold())


def no_prefix_conflicts(paths: Iterable[str]) -> bool:
    """Distinct after folding, and no path is a directory of another (``a`` and ``a/b``
    cannot both be files), folded too."""
    paths = [folded(p) for p in paths]
    unique = set(paths)
    if len(unique) != len(paths):
        return False
    for p in unique:
        parts = p.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in unique:
                return False
    return True


@cache
def path_lists(unicode: bool, min_files: int, max_files: int):
    """``min_files``–``max_files`` paths of one tree: the count first — the larger of two
    draws, because hypothesis draws a range's lower bound far more often than uniformly
    (trees came out mostly empty or of one file) — then the paths."""
    count = st.integers(min_files, max_files)
    return st.tuples(count, count).map(max).flatmap(
        lambda n: st.lists(file_paths(unicode), min_size=n, max_size=n, unique_by=folded)).filter(
        no_prefix_conflicts)
