"""Synthetic repositories as values, written to disk — without hypothesis.

:class:`Repo` (files sorted by path) and :class:`RepoFile` are plain values that
compare, hash and transform; :func:`materialize` writes one to a directory in any
file-creation order, optionally as a git repository made by :func:`git_commit`
with a fixed identity and date (so the commit id depends on the tree only);
:func:`read_tree` reads a directory back. ``packverify.strategies.repos()`` draws
them, ``packverify meta`` runs packers on them, and a meta reproducer replays one
from disk — which is why this module must not import hypothesis (tests check it).

Leaves alone: generating trees (``packverify.strategies``) and judging what a
packer makes of them (``packverify.meta``).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packverify.format import COMMON_VENDOR_DIRS

# The fixed identity of every test commit: the commit id depends on the tree only.
GIT_DATE = "2021-02-03T04:05:06Z"
GIT_NAME = "packverify"
GIT_EMAIL = "packverify@example.invalid"
GIT_MESSAGE = "packverify test tree"
GIT_TIMEOUT = 60  # seconds per git command: a hung git must not hang a test or a fuzz run


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


def git_env() -> dict[str, str]:
    """The environment of a test commit: the fixed identity and date, no user or system
    configuration, the C locale."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_AUTHOR_DATE": GIT_DATE, "GIT_COMMITTER_DATE": GIT_DATE, "GIT_AUTHOR_NAME": GIT_NAME,
                "GIT_AUTHOR_EMAIL": GIT_EMAIL, "GIT_COMMITTER_NAME": GIT_NAME, "GIT_COMMITTER_EMAIL": GIT_EMAIL,
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"})
    return env


_GIT_STEPS = (("init", "-q"), ("add", "-A"),
              ("-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", GIT_MESSAGE))


def git_commit(root: str | os.PathLike) -> None:
    """Make ``root`` a git repository holding its working tree as one commit with a
    fixed author, committer and date (so the commit id depends on the tree only).
    ``.gitignore`` is honoured as git does. Raises :class:`subprocess.CalledProcessError`
    when git refuses (a file name it cannot store), ``subprocess.TimeoutExpired`` or
    ``OSError`` (no git)."""
    env = git_env()
    for args in _GIT_STEPS:
        subprocess.run(["git", "-C", os.fspath(root), *args], check=True, capture_output=True, env=env,
                       timeout=GIT_TIMEOUT)


def git_commit_script(repo: str) -> str:
    """:func:`git_commit` as one POSIX shell line, for people re-running a case by hand
    (``repo`` is inserted as given, so ``$work/...`` stays expandable)."""
    identity = (f"GIT_AUTHOR_DATE={GIT_DATE} GIT_COMMITTER_DATE={GIT_DATE} GIT_AUTHOR_NAME={GIT_NAME} "
                f"GIT_AUTHOR_EMAIL={GIT_EMAIL} GIT_COMMITTER_NAME={GIT_NAME} GIT_COMMITTER_EMAIL={GIT_EMAIL}")
    return " && ".join(f"{identity} git -C {repo} " + " ".join(shlex.quote(a) for a in args) for args in _GIT_STEPS)


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


def read_tree(root: str | os.PathLike, kinds: Mapping[str, str] | None = None) -> Repo:
    """A directory as a :class:`Repo`: every regular file except under ``.git/``
    (symbolic links are left out). ``kinds``: known kinds by path; otherwise a
    file is ``vendored`` under a vendored directory, ``binary`` when it holds a NUL
    byte or is not UTF-8, ``empty``, ``gitignore``, or ``text``."""
    base = Path(root)
    files = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if (rel.parts and rel.parts[0] == ".git") or path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        name = rel.as_posix()
        files.append(RepoFile(name, data, 1, (kinds or {}).get(name) or _guess_kind(name, data)))
    return Repo(tuple(files))


def _guess_kind(path: str, data: bytes) -> str:
    if any(part in COMMON_VENDOR_DIRS for part in path.split("/")[:-1]):
        return "vendored"
    if not data:
        return "empty"
    if b"\0" in data:
        return "binary"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "binary"
    return "gitignore" if path.rsplit("/", 1)[-1] == ".gitignore" else "text"
