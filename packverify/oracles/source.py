"""source — with ``--repo DIR``: every chunk's content is those lines of that file.

Files are read at ``metadata.repo_info.commit`` through one ``git cat-file --batch``
process (no checkout, no working-tree noise) — in a work tree or a bare repository,
SHA-1 (40 hex) or SHA-256 (64 hex) object format alike; a commit of all zeros, or a
directory that is not a git repository, means the working tree. Lines are split on
``\\n`` only (docs/format.md §Lines), compared as bytes.

Every chunk's file must exist and hold its line range — ``summary`` and
``signature`` chunks too, and chunks without content; only ``full`` chunks with
content are compared line for line (a summary is not the file's lines). Paths that
would leave the repository are never read. Leaves alone: path safety (``security``).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from packverify.format import ZERO_COMMIT, is_zero_commit, split_lines
from packverify.model import Finding
from packverify.oracles._base import ERROR, WARNING, Code
from packverify.view import as_str

NAME = "source"

CODES = {
    "source.content-mismatch": Code("Content differs from the source", ERROR,
                                    "The pack claims lines of a file that say something else.",
                                    "a chunk edited, or taken from another revision"),
    "source.file-missing": Code("File not in the repository", ERROR,
                                "The pack holds a file that the repository does not have at that commit.",
                                "a generated file, or a path from another machine"),
    "source.line-range": Code("Lines beyond the end of the file", ERROR,
                              "The chunk's line range reaches past the file's last line.", "lines 90–120 of an 100-line file"),
    "source.commit-not-found": Code("Commit not in the repository", ERROR,
                                    "repo_info.commit is not in --repo; the pack cannot be compared with its source.",
                                    "a pack made from an unpushed commit"),
    "source.working-tree": Code("Compared with the working tree", WARNING,
                                "--repo is not a git repository, so the pack's commit cannot be checked out; "
                                "the working tree was compared instead.", ""),
}


def requires(pack, ctx) -> str | None:
    if ctx.repo is None:
        return "no --repo given"
    if not Path(ctx.repo).is_dir():
        return f"--repo {ctx.repo} is not a directory"
    if not any(c.file_path and c.start_line and c.end_line for c in pack.chunks):
        return "no chunk names a file and a line range"
    commit = as_str(pack.get("metadata", "repo_info", "commit")) or ZERO_COMMIT
    if is_zero_commit(commit) and _git(Path(ctx.repo), "rev-parse", "--is-bare-repository") == "true":
        return f"--repo {ctx.repo} is a bare repository and the pack's commit is all zeros (a working tree): nothing to compare with"
    return None


class _GitReader:
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


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def check(pack, ctx) -> Iterator[Finding]:
    repo = Path(ctx.repo).resolve()
    commit = as_str(pack.get("metadata", "repo_info", "commit")) or ZERO_COMMIT
    in_git = _git(repo, "rev-parse", "--git-dir") is not None  # a work tree or a bare repository
    reader = None
    if not is_zero_commit(commit):
        if in_git:
            if _git(repo, "cat-file", "-e", f"{commit}^{{commit}}") is None:
                yield Finding("source.commit-not-found", ("metadata", "repo_info", "commit"),
                              f"commit {commit} is not in {ctx.repo}", actual=commit)
                return
            reader = _GitReader(repo, commit)
        else:
            yield Finding("source.working-tree", ("metadata", "repo_info", "commit"),
                          f"{ctx.repo} is not a git repository; compared with its working tree, not commit {commit}",
                          actual=commit)
    try:
        yield from _compare(pack, repo, reader)
    finally:
        if reader is not None:
            reader.close()


def _read_tree(repo: Path, path: str) -> bytes | None:
    target = os.path.realpath(os.path.join(repo, path))
    if not target.startswith(str(repo) + os.sep) or not os.path.isfile(target):
        return None
    try:
        with open(target, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _compare(pack, repo: Path, reader: _GitReader | None) -> Iterator[Finding]:
    by_file: dict[str, list] = {}
    for c in pack.chunks:
        if c.file_path and c.start_line and c.end_line:
            by_file.setdefault(c.file_path, []).append(c)
    for path in sorted(by_file):
        unsafe = "\n" in path or "\0" in path or path.startswith("/") or ".." in path.split("/")
        data = None if unsafe else (reader.read(path) if reader else _read_tree(repo, path))
        chunks = by_file[path]
        if data is None:
            yield Finding("source.file-missing", chunks[0].path + ("file_path",),
                          f"{path!r} is not a file in the repository" + (" at that commit" if reader else ""),
                          actual=path)
            continue
        ends = split_lines(data)  # bytes: a file need not be UTF-8 to be compared
        for c in chunks:
            if c.end_line > len(ends) or c.start_line > len(ends):
                where = ("end_line",) if c.end_line > len(ends) else ("start_line",)
                mode = "" if c.is_full else f" ({c.mode} chunk)"
                yield Finding("source.line-range", c.path + where,
                              f"{path} has {len(ends)} lines; the chunk{mode} ends at line {c.end_line}",
                              expected=f"<= {len(ends)}", actual=c.end_line)
                continue
            if c.content is None or not c.is_full:
                continue
            expected = b"".join(ends[c.start_line - 1:c.end_line])
            actual = c.content.encode("utf-8", "surrogateescape")
            if expected != actual:
                got = actual.split(b"\n")
                want = expected.split(b"\n")
                first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
                yield Finding("source.content-mismatch", c.path + ("content",),
                              f"differs from {path} lines {c.start_line}–{c.end_line}, first at line {c.start_line + first}",
                              expected=_line(want, first), actual=_line(got, first))



def _line(lines: list[bytes], index: int) -> str | None:
    if index >= len(lines):
        return None
    text = lines[index].decode("utf-8", "replace")
    return text if len(text) <= 200 else text[:199] + "…"
