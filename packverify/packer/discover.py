"""Which files a repository offers, and their text — deterministically.

* a git work tree: the files of the ``HEAD`` commit (``git ls-tree`` + one
  ``git cat-file --batch``), so the pack matches ``repo_info.commit`` byte for byte
  and uncommitted noise never leaks in; ``--worktree`` reads the working tree instead
  (commit forty zeros);
* any other directory: a walk that honours ``.gitignore`` files (pathspec's git
  semantics) and never follows symlinks.

Files are then sorted out: binary (a NUL byte or not UTF-8), oversized, vendored or
generated (``node_modules/``, ``vendor/``, lock files, minified assets …), secret
files and files holding credentials (:mod:`packverify.secrets`, the rules the
``security`` oracle judges by), and paths no pack may carry (:mod:`packverify.paths`:
control characters, backslashes, bidi controls …; advisory problems such as an NFD
name do not exclude a file). Every skip is counted
with its reason. Order never depends on the file system, the locale or hashing.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from packverify.format import VENDORED_DIRS, ZERO_COMMIT
from packverify.paths import ADVISORY, path_problems
from packverify.secrets import find_secrets, secret_file_reason

DEFAULT_MAX_FILE_BYTES = 1 << 20
GENERATED_NAMES = {"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "Pipfile.lock", "Cargo.lock",
                   "composer.lock", "Gemfile.lock", "go.sum", "uv.lock", "requirements.lock"}
GENERATED_SUFFIXES = (".min.js", ".min.css", ".map", ".pyc", ".pyo", ".so", ".o", ".a", ".class", ".jar", ".whl",
                      ".egg-info", ".lock")


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative POSIX path
    text: str


@dataclass
class Discovery:
    files: list[SourceFile]
    commit: str
    commit_time: int | None
    skipped: dict[str, str] = field(default_factory=dict)  # path → reason; directories end in "/"

    @property
    def skipped_files(self) -> int:
        """Files left out (pruned directories are listed in ``skipped`` but not counted:
        whether ``artifacts/`` exists must not change a pack)."""
        return sum(1 for path in self.skipped if not path.endswith("/"))


class DiscoveryError(Exception):
    """The repository cannot be read at all (exit 2)."""


def _git(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None


def _is_work_tree_root(repo: Path) -> bool:
    top = _git(repo, "rev-parse", "--show-toplevel")
    return top is not None and os.path.realpath(top.strip()) == os.path.realpath(repo)


def discover(repo: Path, *, worktree: bool = False, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Discovery:
    if not repo.is_dir():
        raise DiscoveryError(f"{repo}: not a directory")
    if not worktree and _is_work_tree_root(repo) and _git(repo, "rev-parse", "--verify", "-q", "HEAD"):
        return _from_commit(repo, max_file_bytes)
    return _from_tree(repo, max_file_bytes)


def _from_commit(repo: Path, max_file_bytes: int) -> Discovery:
    commit = (_git(repo, "rev-parse", "HEAD") or "").strip()
    when = (_git(repo, "log", "-1", "--format=%ct", commit) or "").strip()
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit) or ""
    entries = []
    for record in listing.split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, kind, sha = meta.split()
        entries.append((path, mode, kind, sha))
    discovery = Discovery([], commit, int(when) if when.isdigit() else None)
    wanted = []
    for path, mode, kind, sha in sorted(entries):
        reason = _path_reason(path)
        if reason is None and kind != "blob":
            reason = "submodule" if kind == "commit" else f"not a file ({kind})"
        if reason is None and mode == "120000":
            reason = "symbolic link"
        if reason is not None:
            discovery.skipped[path] = reason
        else:
            wanted.append((path, sha))
    blobs = _cat_blobs(repo, [sha for _, sha in wanted], max_file_bytes)
    for (path, _), data in zip(wanted, blobs):
        _admit(discovery, path, data, max_file_bytes)
    return discovery


def _cat_blobs(repo: Path, shas: list[str], max_file_bytes: int) -> list[bytes | int]:
    """Blob contents through one ``git cat-file --batch``; an int (the size) for blobs
    over the limit, which are not read."""
    if not shas:
        return []
    process = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch-check"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE)
    sizes_out, _ = process.communicate("".join(f"{s}\n" for s in shas).encode())
    sizes = [int(line.split()[2]) for line in sizes_out.splitlines()]
    small = [s for s, size in zip(shas, sizes) if size <= max_file_bytes]
    process = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE)
    out, _ = process.communicate("".join(f"{s}\n" for s in small).encode())
    contents: dict[str, bytes] = {}
    position = 0
    for sha in small:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        contents[sha] = out[header_end + 1:header_end + 1 + size]
        position = header_end + 1 + size + 1
    return [contents[s] if size <= max_file_bytes else size for s, size in zip(shas, sizes)]


def _from_tree(repo: Path, max_file_bytes: int) -> Discovery:
    discovery = Discovery([], ZERO_COMMIT, None)
    for rel, full in sorted(_walk(repo, discovery.skipped)):
        reason = _path_reason(rel)
        if reason is not None:
            discovery.skipped[rel] = reason
            continue
        try:
            size = os.stat(full).st_size
            if size > max_file_bytes:
                data: bytes | int = size
            else:
                with open(full, "rb") as handle:
                    data = handle.read()
        except OSError as exc:
            discovery.skipped[rel] = f"unreadable: {exc.strerror or exc}"
            continue
        _admit(discovery, rel, data, max_file_bytes)
    return discovery


def _walk(repo: Path, skipped: dict[str, str]) -> list[tuple[str, bytes]]:
    """(relative path, full path as bytes) of every file the walk keeps; what it leaves
    out goes to ``skipped`` with the reason. Never follows symbolic links."""
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []  # (directory prefix, spec)
    found: list[tuple[str, bytes]] = []
    # Walk with bytes and decode names as UTF-8 ourselves: str paths would be decoded
    # with the locale's encoding (under en_US.ISO-8859-1 'über' became 'Ã¼ber').
    top = os.fsencode(repo)
    for root, dirs, files in os.walk(top, followlinks=False):
        rel_root = os.path.relpath(root, top)
        try:
            prefix = "" if rel_root == b"." else rel_root.decode("utf-8").replace(os.sep, "/") + "/"
        except UnicodeDecodeError:  # unreachable: such directories are pruned below
            dirs[:] = []
            continue
        ignore_file = os.path.join(root, b".gitignore")
        if os.path.isfile(ignore_file):
            try:
                with open(ignore_file, "rb") as handle:
                    lines = handle.read().decode("utf-8", "replace").splitlines()
                specs.append((prefix, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass
        kept = []
        for raw_name in sorted(dirs):
            name = _utf8(raw_name)
            rel = prefix + (name if name is not None else os.fsdecode(raw_name))
            if name is None:
                skipped[rel + "/"] = "directory name is not UTF-8"
            elif name in VENDORED_DIRS or _ignored(specs, rel + "/"):
                skipped[rel + "/"] = "vendored or generated directory" if name in VENDORED_DIRS else "ignored (.gitignore)"
            elif os.path.islink(os.path.join(root, raw_name)):
                skipped[rel] = "symbolic link"
            else:
                kept.append(raw_name)
        dirs[:] = kept
        for raw_name in files:
            name = _utf8(raw_name)
            if name is None:
                skipped[prefix + os.fsdecode(raw_name)] = "file name is not UTF-8"
                continue
            rel = prefix + name
            if _ignored(specs, rel):
                skipped[rel] = "ignored (.gitignore)"
            elif os.path.islink(os.path.join(root, raw_name)):
                skipped[rel] = "symbolic link"
            else:
                found.append((rel, os.path.join(root, raw_name)))
    return found


def _utf8(name: bytes) -> str | None:
    try:
        return name.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _ignored(specs, rel: str) -> bool:
    ignored = False
    for prefix, spec in specs:
        if rel.startswith(prefix):
            result = spec.check_file(rel[len(prefix):])
            if result.include is not None:
                ignored = result.include
    return ignored


def _path_reason(path: str) -> str | None:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # git hands us bytes; we decoded them with surrogateescape
        return "file name is not UTF-8"
    parts = path.split("/")
    if any(part in VENDORED_DIRS for part in parts[:-1]):
        return "vendored or generated directory"
    name = parts[-1]
    if name in GENERATED_NAMES or name.endswith(GENERATED_SUFFIXES):
        return "generated file"
    blocking = [message for code, message in path_problems(path) if code not in ADVISORY]
    if blocking:
        return "path a pack may not carry (" + blocking[0] + ")"
    reason = secret_file_reason(path)
    if reason is not None:
        return f"secret file: {reason}"
    return None


def _admit(discovery: Discovery, path: str, data: bytes | int, max_file_bytes: int) -> None:
    if isinstance(data, int):
        discovery.skipped[path] = f"over {max_file_bytes} bytes ({data})"
        return
    if b"\0" in data[:8192]:
        discovery.skipped[path] = "binary"
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        discovery.skipped[path] = "not UTF-8 text"
        return
    if not text:
        discovery.skipped[path] = "empty"
        return
    secrets = find_secrets(text)
    if secrets:
        discovery.skipped[path] = f"holds a credential ({secrets[0].kind} at line {secrets[0].line})"
        return
    discovery.files.append(SourceFile(path, text))
