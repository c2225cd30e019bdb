"""The reference packer: repository → pack, filling the budget without exceeding it.

1. discover the files (packverify.packer.discover);
2. cut them into chunks at natural boundaries (packverify.packer.chunking) and
   count every chunk with the real tokenizer;
3. rank chunks deterministically — ``score_key``: a root README first, then project
   manifests and entry points, documentation, source, tests, other text; within a
   tier shallower paths first, then by path and line;
4. take chunks in rank order while they fit (skipping those that do not);
5. fill what is left with the longest line-prefix of the best-ranked chunks not
   taken, so the pack fills ≥ 99.5% of the budget whenever the repository has more
   content than the budget (a chunk cut this way counts as two in statistics);
6. assemble the canonical pack (packverify.packer.assemble).

Nothing depends on the wall clock, the file system's order, the locale, the hash
seed or the number of CPUs: ``created_at`` is ``SOURCE_DATE_EPOCH``, else the
commit time, else 1970-01-01.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from packverify import tokenizer as _tokenizer
from packverify.packer.assemble import Selection, assemble, serialize, split_lines
from packverify.packer.chunking import chunk_ranges
from packverify.packer.discover import DEFAULT_MAX_FILE_BYTES, Discovery, discover

FILL = 0.995
LANGUAGES = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".jsx": "javascript", ".ts": "typescript", ".tsx": "typescript", ".md": "markdown", ".rst": "restructuredtext",
    ".rs": "rust", ".go": "go", ".java": "java", ".kt": "kotlin", ".c": "c", ".h": "c", ".cc": "cpp",
    ".cpp": "cpp", ".hpp": "cpp", ".cs": "csharp", ".rb": "ruby", ".php": "php", ".swift": "swift",
    ".sh": "shell", ".bash": "shell", ".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json",
    ".html": "html", ".css": "css", ".sql": "sql", ".txt": "text", ".cfg": "ini", ".ini": "ini",
}
MANIFESTS = {"pyproject.toml", "setup.py", "setup.cfg", "package.json", "cargo.toml", "go.mod", "pom.xml",
             "build.gradle", "makefile", "dockerfile", "gemfile"}
ENTRY_STEMS = {"main", "__main__", "cli", "app", "index", "lib", "mod", "__init__"}


@dataclass
class PackResult:
    document: dict
    data: bytes
    discovery: Discovery
    total_chunks: int
    selected: int
    split: int


class PackError(Exception):
    """The packer cannot do its job (exit 2)."""


def language_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    if name in ("dockerfile", "makefile"):
        return name
    return LANGUAGES.get(os.path.splitext(name)[1], "text")


def score_key(path: str, start_line: int) -> tuple:
    """Rank of a chunk: lower is packed first (docs/packer.md)."""
    parts = path.split("/")
    name = parts[-1].lower()
    stem, ext = os.path.splitext(name)
    in_tests = any(p.lower() in ("test", "tests", "spec", "specs", "__tests__") for p in parts[:-1]) or \
        stem.startswith("test_") or stem.endswith(("_test", ".test", ".spec"))
    if len(parts) == 1 and stem == "readme":
        tier = 0
    elif name in MANIFESTS or (stem in ENTRY_STEMS and ext in LANGUAGES and LANGUAGES[ext] not in ("markdown", "text")
                                and not in_tests):
        tier = 1
    elif ext in (".md", ".rst") or parts[0].lower() in ("docs", "doc"):
        tier = 2
    elif in_tests:
        tier = 4
    elif language_of(path) not in ("text", "json", "yaml", "toml", "ini"):
        tier = 3
    else:
        tier = 5
    return (tier, len(parts), path, start_line)


def created_at(commit_time: int | None) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.strip().isdigit() else (commit_time or 0)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_pack(
    repo: str | os.PathLike,
    *,
    budget: int,
    tokenizer: str = "cl100k",
    worktree: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    jobs: int = 1,
    repo_name: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> PackResult:
    """Pack ``repo`` into a pack of at most ``budget`` tokens."""
    if budget < 1000:
        raise PackError(f"--budget must be at least 1000 (the pack format's minimum), not {budget}")
    try:
        encoding = _tokenizer.get_encoding(tokenizer)
    except _tokenizer.TokenizerUnavailable as exc:
        raise PackError(f"tokenizer {tokenizer!r} is not available: {exc}") from exc
    root = Path(repo)
    discovery = discover(root, worktree=worktree, max_file_bytes=max_file_bytes)
    report = progress or (lambda *_: None)

    pieces: list[tuple[str, int, int, list[str]]] = []  # (path, start, end, lines of the file)
    for number, source in enumerate(discovery.files, 1):
        lines = split_lines(source.text)
        for start, end in chunk_ranges(source.text):
            pieces.append((source.path, start, end, lines))
        report("chunking", number, len(discovery.files))
    contents = ["".join(lines[start - 1:end]) for _, start, end, lines in pieces]
    report("counting tokens", 0, len(contents))
    counts = _tokenizer.count_many(encoding, contents, jobs=jobs)
    report("counting tokens", len(contents), len(contents))

    order = sorted(range(len(pieces)), key=lambda i: score_key(pieces[i][0], pieces[i][1]))
    remaining = budget
    chosen: list[tuple[str, int, int, str, int]] = []
    left_out: list[int] = []
    for i in order:
        if counts[i] <= remaining:
            path, start, end, _ = pieces[i]
            chosen.append((path, start, end, contents[i], counts[i]))
            remaining -= counts[i]
        else:
            left_out.append(i)
    split = 0
    if left_out and remaining > 0:
        split, remaining = _fill(encoding, pieces, left_out, remaining, budget, chosen)
    report("selecting", 1, 1)

    selections = [Selection(path, start, end, content, language=language_of(path))
                  for path, start, end, content, _ in chosen]
    per_language: dict[str, int] = {}
    for source in discovery.files:
        language = language_of(source.path)
        per_language[language] = per_language.get(language, 0) + 1
    name = repo_name or root.resolve().name or "."
    document = assemble(
        selections, target_budget=budget, tokenizer=tokenizer, repo_path=name, commit=discovery.commit,
        created_at=created_at(discovery.commit_time), total_files=len(discovery.files),
        total_chunks=len(pieces) + split, total_tokens=max(sum(counts), budget - remaining),
        language_distribution=per_language, ignored_files=discovery.skipped_files,
        token_counts=[tokens for *_, tokens in chosen],
    )
    return PackResult(document, serialize(document), discovery, len(pieces) + split, len(chosen), split)


def _fill(encoding, pieces, left_out: list[int], remaining: int, budget: int, chosen: list) -> tuple[int, int]:
    """Top up with the longest line-prefixes that fit, best-ranked first. Returns
    (chunks split, tokens remaining)."""
    split = 0
    queue = [(pieces[i][0], pieces[i][1], pieces[i][2], pieces[i][3]) for i in left_out]
    target_gap = budget * (1 - FILL) / 4  # aim well inside the 0.5% the format allows
    for path, start, end, lines in queue:
        if remaining <= target_gap:
            break
        while start <= end and remaining > target_gap:
            k, tokens = _longest_prefix(encoding, lines, start, end, remaining)
            if k == 0:
                break
            chosen.append((path, start, start + k - 1, "".join(lines[start - 1:start + k - 1]), tokens))
            remaining -= tokens
            split += 1
            start += k
    return split, remaining


def _longest_prefix(encoding, lines: list[str], start: int, end: int, limit: int) -> tuple[int, int]:
    """Largest k < the range's length whose first k lines fit in ``limit`` tokens, with
    their real count (binary search; every candidate is counted, never estimated)."""
    lo, hi, best = 0, end - start, (0, 0)  # hi: at most all but one line (the whole range did not fit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        tokens = _tokenizer.count(encoding, "".join(lines[start - 1:start - 1 + mid]))
        if tokens <= limit:
            lo, best = mid, (mid, tokens)
        else:
            hi = mid - 1
    return best
