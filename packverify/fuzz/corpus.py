"""Corpus care for ``packverify fuzz merge``: minimise what a session grew, and merge
what adds coverage into the committed seed corpus, under a size cap.

Both are libFuzzer's ``-merge=1`` (run through ``python -m packverify.fuzz.libfuzzer``,
whose launcher lets libFuzzer re-run the target in the child processes merging needs):

* minimise: ``-merge=1 NEW CORPUS`` keeps a subset of ``CORPUS/<target>/`` with the same
  coverage (libFuzzer takes inputs smallest first and keeps those that add features),
  which then replaces the directory;
* merge into the seeds: ``-merge=1 STAGING GROWN`` where ``STAGING`` starts as a copy of
  ``tests/fuzzing/corpus/<target>/`` — libFuzzer adds only the grown inputs that cover
  something the seeds do not. Those are copied into the seeds as ``merged-<sha1>``,
  smallest first, while the seed directory stays within ``max_files`` files and
  ``max_bytes`` bytes and each file within ``max_file_bytes`` (a seed corpus is committed:
  it must stay small enough to review and to replay in the test suite). Existing seeds
  are never removed or rewritten.

Leaves alone: which targets exist (``packverify.fuzz``) and running sessions.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from packverify.fuzz import Target

MAX_FILES = 120  # per target's seed directory (the hand-made seeds count too)
MAX_BYTES = 512 * 1024
MAX_FILE_BYTES = 8192  # the test suite replays every seed: keep each small
MERGED_PREFIX = "merged-"
_MERGED = re.compile(r"MERGE-OUTER: (\d+) new files with (\d+) new features added; (\d+) new coverage edges")


class MergeError(RuntimeError):
    """libFuzzer's merge failed: the message says where its output is."""


@dataclass
class MergeResult:
    target: str
    before: int = 0  # files in the grown corpus
    after: int = 0  # after minimising it
    candidates: int = 0  # grown inputs that add coverage to the seeds
    added: list[str] = field(default_factory=list)
    over_cap: int = 0
    seed_files: int = 0
    seed_bytes: int = 0
    new_edges: int | None = None

    def to_dict(self) -> dict:
        return {"corpus_before": self.before, "corpus_after": self.after, "candidates": self.candidates,
                "added": self.added, "over_cap": self.over_cap, "seed_files": self.seed_files,
                "seed_bytes": self.seed_bytes, "new_edges": self.new_edges}


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file()) if directory.is_dir() else []


def _merge(target: Target, into: Path, sources: list[Path], log: Path, python: str) -> int | None:
    """libFuzzer ``-merge=1 INTO SOURCES...``; the new coverage edges it reports."""
    command = [python, "-m", "packverify.fuzz.libfuzzer", target.name, "-merge=1", f"-timeout={target.timeout}",
               "-rss_limit_mb=2048", str(into), *map(str, sources)]
    with open(log, "a", encoding="utf-8", errors="replace") as out:
        out.write("$ " + " ".join(command) + "\n")
        out.flush()
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              text=True, errors="replace")
        out.write(done.stdout)
    if done.returncode != 0:
        raise MergeError(f"libFuzzer's merge of {target.name} exited {done.returncode}; see {log}")
    found = _MERGED.findall(done.stdout)
    return int(found[-1][2]) if found else None


def minimize(target: Target, corpus: Path, log: Path, python: str = sys.executable) -> tuple[int, int]:
    """Replace ``corpus`` by a subset with the same coverage; (files before, files after)."""
    before = len(_files(corpus))
    if not before:
        return 0, 0
    smaller = corpus.with_name(f".{corpus.name}.minimized")
    shutil.rmtree(smaller, ignore_errors=True)
    smaller.mkdir(parents=True)
    _merge(target, smaller, [corpus], log, python)
    old = corpus.with_name(f".{corpus.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    corpus.rename(old)
    smaller.rename(corpus)
    shutil.rmtree(old, ignore_errors=True)
    return before, len(_files(corpus))


def merge_into_seeds(target: Target, grown: Path, seeds: Path, log: Path, *, max_files: int = MAX_FILES,
                     max_bytes: int = MAX_BYTES, max_file_bytes: int = MAX_FILE_BYTES,
                     python: str = sys.executable) -> MergeResult:
    """Add to ``seeds`` the grown inputs that cover what the seeds do not, within the caps."""
    result = MergeResult(target.name)
    seeds.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"packverify-merge-{target.name}-") as staging_name:
        staging = Path(staging_name)
        present = {hashlib.sha1(p.read_bytes()).hexdigest() for p in _files(seeds)}  # libFuzzer names inputs by SHA-1; identity, not security  # nosec B324
        for path in _files(seeds):
            shutil.copy2(path, staging / path.name)
        if _files(grown):
            result.new_edges = _merge(target, staging, [grown], log, python)
        fresh = [p for p in _files(staging) if not (seeds / p.name).exists()]
        candidates = sorted((p for p in fresh if hashlib.sha1(p.read_bytes()).hexdigest() not in present),  # as above  # nosec B324
                            key=lambda p: (p.stat().st_size, p.name))
        result.candidates = len(candidates)
        files = len(_files(seeds))
        size = sum(p.stat().st_size for p in _files(seeds))
        for path in candidates:
            length = path.stat().st_size
            if length > max_file_bytes or files + 1 > max_files or size + length > max_bytes:
                result.over_cap += 1
                continue
            name = MERGED_PREFIX + hashlib.sha1(path.read_bytes()).hexdigest()[:16]  # a file name, as libFuzzer's  # nosec B324
            shutil.copyfile(path, seeds / name)
            result.added.append(name)
            files, size = files + 1, size + length
    result.seed_files, result.seed_bytes = files, size
    return result
