"""The repository a pack is compared with: its files at a commit, read through one
``git cat-file --batch`` process (no checkout, no working-tree noise), or in its working
tree; and the files git tracks there.

A path that would leave the repository (absolute, ``..``, a symlink pointing out, a NUL or
a line break) is never read. Leaves alone: what the bytes are compared with (the ``source``
and ``coverage`` oracles).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# git's own test for a binary file (xdiff's buffer_is_binary): a NUL in the first 8,000 bytes.
BINARY_SNIFF = 8000


class RepoError(Exception):
    """The repository or revision cannot be used (exit 2 in the CLI)."""


def git(repo: Path, *args: str) -> str | None:
    """stdout of ``git -C repo ARGS`` (stripped), or ``None`` when it fails."""
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=60,
                              encoding="utf-8", errors="surrogateescape")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def is_git(repo: Path) -> bool:
    return git(repo, "rev-parse", "--is-inside-work-tree") == "true"


def unsafe_path(path: str) -> bool:
    """A path packverify never reads: it could name something outside the repository."""
    return "\n" in path or "\0" in path or path.startswith("/") or ".." in path.split("/")


def is_text(data: bytes) -> bool:
    """Text as git decides it: no NUL byte in the first 8,000 bytes."""
    return b"\x00" not in data[:BINARY_SNIFF]


class GitReader:
    """Blobs at one commit through ``git cat-file --batch``."""

    def __init__(self, repo: Path, commit: str) -> None:
        self.process = subprocess.Popen(
            ["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        self.commit = commit

    def read(self, path: str) -> bytes | None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{self.commit}:{path}\n".encode("utf-8", "surrogateescape"))
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) != 3 or not header[2].isdigit():
            # "<object> missing" (the object name may hold spaces): no body follows
            return None
        data = self.process.stdout.read(int(header[2]))
        self.process.stdout.read(1)
        # A tree (the path is a directory at that commit) is no file; its body was
        # consumed above so the next answer stays in step.
        return data if header[1] == b"blob" else None

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()


def read_working_tree(repo: Path, path: str) -> bytes | None:
    """The bytes of ``path`` in the working tree of ``repo`` (resolved), or ``None``."""
    target = os.path.realpath(os.path.join(repo, path))
    if not target.startswith(str(repo) + os.sep) or not os.path.isfile(target):
        return None
    try:
        with open(target, "rb") as handle:
            return handle.read()
    except OSError:
        return None


class RepoSource:
    """Files of ``repo`` at ``rev`` (any git revision), or in its working tree (``rev`` None)."""

    def __init__(self, repo: Path, rev: str | None = None) -> None:
        self.root = Path(repo).resolve()
        self.rev = rev
        self.commit: str | None = None
        self._reader: GitReader | None = None
        if rev is not None:
            if not is_git(self.root):
                raise RepoError(f"--rev {rev}: {repo} is not a git repository")
            self.commit = git(self.root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
            if not self.commit:
                raise RepoError(f"--rev {rev}: no such commit in {repo}")

    @property
    def where(self) -> str:
        return f"at {self.rev}" if self.rev is not None else "in the working tree"

    def read(self, path: str) -> bytes | None:
        if unsafe_path(path):
            return None
        if self.commit is None:
            return read_working_tree(self.root, path)
        if self._reader is None:
            self._reader = GitReader(self.root, self.commit)
        return self._reader.read(path)

    def tracked(self) -> list[str] | None:
        """Paths git tracks (at ``rev``, or in the index), sorted; ``None`` outside git."""
        if self.commit is not None:
            listed = git(self.root, "ls-tree", "-r", "-z", "--name-only", self.commit)
        elif is_git(self.root):
            listed = git(self.root, "-c", "core.quotePath=false", "ls-files", "-z")
        else:
            return None
        return sorted(p for p in (listed or "").split("\0") if p)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
