"""File paths a pack may carry and the reference packer keeps: nested, Unicode,
hypothesis-made names; no secret, vendored or generated files; trees portable to
case-insensitive file systems."""

from __future__ import annotations

import random
from collections.abc import Iterable
from functools import cache

from hypothesis import strategies as st

from packverify.format import VENDORED_DIRS
from packverify.oracles.security import path_problems, secret_file_reason
from packverify.packer.discover import GENERATED_NAMES, GENERATED_SUFFIXES
from packverify.strategies._text import SEEDS

# The first entry of every list is the simplest: that is where shrinking goes.
_EXTS = (".py", ".md", ".txt", ".toml", ".js", ".yaml", ".json", ".rs", ".go", ".c", ".sh", ".rst", ".cfg", "")
_DIRS = ("src", "lib", "docs", "pkg", "app", "tests", "core", "utils", "examples", "scripts", "web", "api")
_UNICODE_DIRS = ("données", "数据", "ünïcode", "my dir", "Ωmega", "naïve café", "😀")
_STEMS = ("util", "main", "core", "helpers", "models", "views", "index", "notes", "guide", "parser", "lexer",
          "server", "client", "README", "setup", "test_core", "app", "schema")
_UNICODE_STEMS = ("café", "naïve", "Büro", "データ", "файл", "λ", "emoji 😀", "ǅ", "e\u0301")
# Path characters a pack may carry (no '/', no backslash, no control characters).
_NAME_CHARS = st.characters(categories=("L", "N", "Pd", "Pc", "Zs", "So"), exclude_characters="/\\\x85\xa0")


def _free_name(name: str) -> bool:
    return bool(name) and name not in (".", "..")


def _build_path(unicode: bool, drawn: tuple) -> str:
    depth, seed, ext, free = drawn
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
def file_paths(unicode: bool, max_depth: int = 3):
    """Paths a pack may carry and the reference packer keeps (see :func:`safe_path`)."""
    free = st.none()
    if unicode:
        names = st.text(_NAME_CHARS, min_size=1, max_size=10).map(str.strip).filter(_free_name)
        free = st.one_of(st.none(), st.none(), st.none(), names)
    return st.tuples(st.integers(0, max_depth), SEEDS, st.sampled_from(_EXTS), free).map(
        lambda drawn: _build_path(unicode, drawn)).filter(safe_path)


def safe_path(path: str) -> bool:
    """A path a pack may carry and the reference packer keeps (not secret, not vendored or generated)."""
    parts = path.split("/")
    if path_problems(path) or secret_file_reason(path) is not None:
        return False
    if any(p in VENDORED_DIRS or p.startswith(".") for p in parts) or len(path.encode()) > 200:
        return False
    if any(len(p.encode()) > 100 for p in parts):
        return False
    return parts[-1] not in GENERATED_NAMES and not parts[-1].endswith(GENERATED_SUFFIXES)


def no_prefix_conflicts(paths: Iterable[str]) -> bool:
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


@cache
def path_lists(unicode: bool, min_files: int, max_files: int):
    return st.lists(file_paths(unicode), min_size=min_files, max_size=max_files, unique=True).filter(
        no_prefix_conflicts)
