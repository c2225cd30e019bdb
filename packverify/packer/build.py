"""The reference packer: repository → pack, filling the budget without exceeding it.

1. discover the files (packverify.packer.discover);
2. cut them into chunks at natural boundaries (packverify.packer.chunking) and
   count every chunk with the real tokenizer;
3. rank chunks deterministically — ``score_key``: a root README first, then project
   manifests and entry points, documentation, source, tests, other text; within a
   tier shallower paths first, then by path and line;
4. drop exact duplicates: of files with the same content only the one with the
   shortest path (then the first in code-point order) is packed, the others are
   counted in ``statistics.duplicates_removed``;
5. walk the chunks in rank order and take from each the longest run of its lines,
   from its first line, that still fits: the whole chunk when it fits, else a line
   prefix (a chunk cut this way counts as two in statistics), else nothing; stop
   once less than a quarter of the 0.5% allowance is left. If that leaves more than
   the allowance unused (every line left out is longer than what is left), give
   back up to 64 trailing lines of one of the last 8 chunks taken when that lets
   the lines after it fill the budget (packverify.packer.fill);
6. assemble the canonical pack (packverify.packer.assemble).

Taking line prefixes in rank order, instead of skipping a chunk that does not fit
whole, keeps the selection nearly nested in the budget (docs/metamorphic.md, M3):
a larger budget only extends it, except that a line which did not fit before may
now fit and displace lines after it that weigh less than it. The unused budget is
always smaller than every line left out (the next line of every chunk not taken
whole); when lines are that long compared to the 0.5% allowance no packer of whole
lines can fill the budget, and ``check`` reports ``budget.underflow`` — see
docs/packer.md.

Nothing depends on the wall clock, the file system's order, the locale, the hash
seed or the number of CPUs: ``created_at`` is ``SOURCE_DATE_EPOCH``, else the
commit time, else 1970-01-01.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from packverify import tokenizer as _tokenizer
from packverify.format import split_lines
from packverify.packer.assemble import Selection, assemble, serialize
from packverify.packer.chunking import chunk_ranges
from packverify.packer.discover import DEFAULT_MAX_FILE_BYTES, Discovery, SourceFile, discover
from packverify.packer.fill import Piece, fill_budget

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
    duplicates: dict[str, str]  # path dropped → the path kept with the same content
    unused: int  # budget left unused
    smallest_left_out: int | None  # tokens of the smallest line left out, if any


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
    files, duplicates = deduplicate(discovery.files)
    pieces = _pieces(encoding, files, jobs, report)
    ranked = sorted(pieces, key=lambda piece: score_key(piece.path, piece.start))
    fill = fill_budget(encoding, ranked, budget)
    report("selecting", 1, 1)

    selections = [Selection(pick.piece.path, pick.piece.start, pick.end, pick.content,
                            language=language_of(pick.piece.path)) for pick in fill.picks]
    per_language: dict[str, int] = {}
    for source in files:
        language = language_of(source.path)
        per_language[language] = per_language.get(language, 0) + 1
    document = assemble(
        selections, target_budget=budget, tokenizer=tokenizer, repo_path=repo_name or root.resolve().name or ".",
        commit=discovery.commit, created_at=created_at(discovery.commit_time), total_files=len(files),
        total_chunks=len(pieces) + fill.split,
        total_tokens=max(sum(piece.tokens for piece in pieces), budget - fill.remaining),
        language_distribution=per_language, ignored_files=discovery.skipped_files,
        duplicates_removed=len(duplicates), token_counts=[pick.tokens for pick in fill.picks],
    )
    return PackResult(document, serialize(document), discovery, len(pieces) + fill.split, len(fill.picks),
                      fill.split, duplicates, fill.remaining, fill.smallest_left_out)


def _pieces(encoding, files: list[SourceFile], jobs: int, report: Callable[[str, int, int], None]) -> list[Piece]:
    """Every file cut into chunks at natural boundaries, each counted with the real tokenizer."""
    spans: list[tuple[str, int, int, list[str]]] = []  # (path, start, end, lines of the file)
    for number, source in enumerate(files, 1):
        lines = split_lines(source.text)
        for start, end in chunk_ranges(source.text):
            spans.append((source.path, start, end, lines))
        report("chunking", number, len(files))
    contents = ["".join(lines[start - 1:end]) for _, start, end, lines in spans]
    report("counting tokens", 0, len(contents))
    counts = _tokenizer.count_many(encoding, contents, jobs=jobs)
    report("counting tokens", len(contents), len(contents))
    return [Piece(path, start, end, lines, content, tokens)
            for (path, start, end, lines), content, tokens in zip(spans, contents, counts)]


def deduplicate(files: list[SourceFile]) -> tuple[list[SourceFile], dict[str, str]]:
    """Files without exact duplicates: of each group with the same (non-empty) content,
    the shortest path, then the first in code-point order, stays. A copy is rarely
    named shorter than its original (``x_copy.py``, ``backup/x.py``, ``x (2).py``), and
    the choice does not depend on the order the files were found in."""
    groups: dict[bytes, list[SourceFile]] = {}
    kept: list[SourceFile] = []
    for source in files:
        if source.text:
            groups.setdefault(hashlib.sha256(source.text.encode("utf-8", "surrogatepass")).digest(), []).append(source)
        else:
            kept.append(source)
    duplicates: dict[str, str] = {}
    for group in groups.values():
        group.sort(key=lambda f: (len(f.path), f.path))
        kept.append(group[0])
        duplicates.update((f.path, group[0].path) for f in group[1:])
    kept.sort(key=lambda f: f.path)
    return kept, dict(sorted(duplicates.items()))
