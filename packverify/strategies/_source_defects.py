"""Injectors for the ``source`` codes, which only show against a repository beside
the pack: :func:`pack_repo` (a repository a valid pack could have been taken from),
:func:`with_commit`, and :data:`SOURCE_INJECTORS`."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import MappingProxyType

from hypothesis import strategies as st

from packverify.repo_fixtures import Repo, RepoFile
from packverify.sample_text import kind_of
from packverify.strategies._edits import (
    choose,
    edit_content,
    is_full,
    new_chunk,
    pick_chunk,
    planted,
    refresh,
    rename_file,
)
from packverify.strategies._injector import Injector
from packverify.strategies._reference import reference_lines


def pack_repo(doc: dict) -> Repo:
    """A repository a valid pack could have been taken from: each file's lines are
    the pack's ``full`` chunks' lines, and ``gap`` lines where no full chunk says
    what is there. With it (materialised, and ``metadata.repo_info.commit`` set to
    its HEAD or forty zeros — :func:`with_commit`) the ``source`` oracle passes.

    >>> from hypothesis import given, settings
    >>> from packverify.strategies import packs
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
        if is_full(c):
            for offset, line in enumerate(reference_lines(c["content"])):
                lines[c["start_line"] + offset] = line
        else:
            for number in range(c["start_line"], c["end_line"] + 1):
                lines.setdefault(number, None)
    files = []
    for path, lines in by_file.items():
        last = max(lines)
        text = "".join(lines.get(n) or "gap\n" for n in range(1, last + 1))
        files.append(RepoFile(path, text.encode("utf-8"), 1, kind_of(path)))
    return Repo(tuple(files))


def with_commit(doc: dict, commit: str) -> dict:
    """``doc`` (a copy) claiming ``commit`` (``repo_info.commit`` is in no derived field)."""
    doc = copy.deepcopy(doc)
    doc["metadata"]["repo_info"]["commit"] = commit
    return doc


def _source_content(draw, doc):
    i = pick_chunk(draw, doc, is_full)
    c = doc["chunks"][i]
    lines = reference_lines(c["content"])
    k = draw(st.integers(0, len(lines) - 1))
    lines[k] = ("changed" if lines[k].rstrip("\r\n") != "changed" else "edited") + ("\n" if lines[k].endswith("\n") else "")
    edit_content(doc, i, "".join(lines))
    refresh(doc, order=False)
    return planted(doc, f"/chunks/{i}/content line {k + 1} edited")


def _source_missing(draw, doc):
    old = choose(draw, sorted({c["file_path"] for c in doc["chunks"] if is_full(c)}))
    rename_file(doc, old, "zz-missing/" + old)
    return planted(doc, f"{old!r} renamed to a path the repository lacks")


def _source_line_range(draw, doc):
    path = choose(draw, sorted({c["file_path"] for c in doc["chunks"]}))
    end = max(c["end_line"] for c in doc["chunks"] if c["file_path"] == path)
    start = end + draw(st.integers(1, 3))
    language = next((c["language"] for c in doc["chunks"] if c["file_path"] == path and "language" in c), None)
    doc["chunks"].append(new_chunk(doc, path, start, start, "beyond\n", language=language))
    refresh(doc)
    return planted(doc, f"{path} line {start}, past its end")


def _source_commit(draw, doc):
    doc["metadata"]["repo_info"]["commit"] = f"{draw(st.integers(1, 2**160 - 1)):040x}"  # never forty zeros
    return planted(doc, "a commit the repository does not have")


def _source_working_tree(draw, doc):
    doc["metadata"]["repo_info"]["commit"] = "f" * 40
    return planted(doc, "a commit, but the repository is a plain directory")


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
