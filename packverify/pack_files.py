"""Which files ``check`` reads: the files it is given, the packs under the directories it
is given, and the matches of glob patterns.

A file named on the command line is always checked (a broken pack must fail, not vanish).
A directory is walked: files matching the ``include`` globs (default ``*.json``) that
no ``exclude`` glob matches, leaving out hidden directories and the trees no pack lives
in (:data:`SKIPPED_DIRS`: dependencies and tool state, from ``packverify.format``), and
then only the files :func:`not_a_pack` recognises as packs — so ``package.json``, a
``tsconfig.json``, our own run logs, reports and attestations are skipped *with the
reason*, never checked as broken packs. A pattern with ``*``, ``?`` or ``[`` that names no
existing file is expanded here (``**`` spans directories; hidden entries and the skipped
trees are left out unless the pattern names them), so a CI step can pass patterns
through unexpanded, on any shell.

Recognition is by content, never by file name: our JSON packs (the keys ``"chunks"``
and ``"budget_info"`` appear as object keys), and any file a reader of a foreign pack
format (``packverify/readers/``) recognises from its first bytes — a repomix JSON output,
or an XML/Markdown/text pack when ``--include`` lets such files in. :func:`not_a_pack`
is the one place that decides. Leaves alone: whether a recognised pack is valid (the oracles).
"""

from __future__ import annotations

import glob
import mmap
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pathspec

import packverify.readers as readers
from packverify.format import VENDORED_DIRS

STDIN = "-"
DEFAULT_INCLUDE = ("*.json",)
# Build output directories are where packs are usually written (`-o build/repo.pack.json`),
# so a walk enters them; every other vendored or tool-state directory holds no pack of ours.
SKIPPED_DIRS = frozenset(VENDORED_DIRS - {"build", "dist", "target"})
_GLOB_CHARS = re.compile(r"[*?\[]")
_KEYS = {name: re.compile(rb'"' + name.encode() + rb'"\s*:') for name in ("chunks", "budget_info")}


class NoPackFiles(Exception):
    """A path does not exist, a pattern matches nothing, or a directory holds no pack."""


@dataclass
class PackFiles:
    """The files to check, in order, and the files passed over with the reason."""

    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def not_a_pack(path: str) -> str | None:
    """Why the file at ``path`` is not a pack any reader recognises, or ``None`` if it is one.

    Our JSON packs by a byte search for the two keys every pack has (escaped quotes inside
    strings cannot match); any other file by the readers' detection of its first bytes."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return "not a pack: the file is empty"
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return not_a_pack_data(data)
    except (OSError, ValueError) as exc:
        return f"not readable: {getattr(exc, 'strerror', None) or exc}"


def not_a_pack_data(data) -> str | None:
    """:func:`not_a_pack` for bytes already read (standard input) or mapped."""
    if not len(data):
        return "not a pack: empty input"
    missing = [name for name, key in _KEYS.items() if not key.search(data)]
    if not missing or _foreign_format(data) is not None:
        return None
    return "not a pack: no " + " or ".join(f'"{name}"' for name in missing) + " key"


def _foreign_format(data) -> str | None:
    """The one foreign pack format a reader is sure of from the first bytes (a repomix
    JSON output under ``*.json``), else ``None`` (unknown, or several formats tie)."""
    try:
        return readers.detect(bytes(data[:readers.HEAD_BYTES])).NAME
    except (readers.UnknownFormat, readers.AmbiguousFormat):
        return None


def find_pack_files(paths: Sequence[str], *, include: Iterable[str] = DEFAULT_INCLUDE, exclude: Iterable[str] = (),
                    excluded_files: Iterable[str] = ()) -> PackFiles:
    """The files ``check`` reads for ``paths`` (files, directories, glob patterns, ``-``).

    ``excluded_files`` (our own run log and attestation) are never read as packs.
    Raises :class:`NoPackFiles` for a missing path, an empty pattern or a directory
    without a pack."""
    include, exclude = list(include), list(exclude)
    excluded = {os.path.realpath(p) for p in excluded_files}
    found = PackFiles()
    for path in paths:
        if path == STDIN or os.path.isfile(path):
            found.files.append(path)
        elif os.path.isdir(path):
            _walk(path, include, exclude, excluded, found)
        elif _GLOB_CHARS.search(path):
            _expand(path, excluded, found)
        else:
            raise NoPackFiles(f"{path}: no such file or directory")
    return found


def _recognised(candidates: Iterable[str], excluded: set[str], found: PackFiles) -> int:
    count = 0
    for candidate in candidates:
        reason = "packverify's own run log or attestation" if os.path.realpath(candidate) in excluded \
            else not_a_pack(candidate)
        if reason is None:
            found.files.append(candidate)
            count += 1
        else:
            found.skipped.append((candidate, reason))
    return count


def _walk(root: str, include: list[str], exclude: list[str], excluded: set[str], found: PackFiles) -> None:
    wanted = pathspec.GitIgnoreSpec.from_lines(include)
    unwanted = pathspec.GitIgnoreSpec.from_lines(exclude)
    candidates = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        for name in files:
            relative = PurePosixPath(Path(directory, name).relative_to(root)).as_posix()
            if wanted.match_file(relative) and not unwanted.match_file(relative):
                candidates.append(os.path.join(directory, name))
    if not _recognised(sorted(candidates), excluded, found):
        raise NoPackFiles(f"{root}: directory holds no pack file"
                          + (f" ({len(candidates)} file(s) matched, none is a pack)" if candidates else ""))


def _expand(pattern: str, excluded: set[str], found: PackFiles) -> None:
    named = set(re.split(r"[/\\]", pattern))
    matches = sorted(
        m for m in glob.glob(pattern, recursive=True)
        if os.path.isfile(m) and not any(part in SKIPPED_DIRS and part not in named for part in Path(m).parts[:-1])
    )
    if not matches:
        raise NoPackFiles(f"{pattern}: no file matches")
    if not _recognised(matches, excluded, found):
        raise NoPackFiles(f"{pattern}: no match is a pack file ({len(matches)} file(s) matched)")
