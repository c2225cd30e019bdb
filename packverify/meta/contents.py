"""What a packer's output carries, whatever its format: the files it packs — path relative
to the input, text, line range where the format states one, mode — read through
``packverify.readers`` (our own JSON through ``packverify.load``, as the engine reads it).

The relations compare packs on this (docs/metamorphic.md): a relation about content is
judged on files and their text, never on the bytes around them. Paths are made relative
to the input directory, because packers name files differently (``src/a.py``,
``./src/a.py``, ``/abs/dir/repo/src/a.py`` from ``files-to-prompt {repo}``).

Leaves alone: whether the output is a valid pack (``validity``), and the measures the
relations take on it (``relations``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import packverify.readers as readers
from packverify import tokenizer as _tokenizer
from packverify.format import count_lines
from packverify.load import parse_bytes
from packverify.model import Finding
from packverify.readers.packverify_json import NAME as OUR_JSON

# Formats with no framing at all: a pack of no file is the empty file (files-to-prompt 0.6
# writes nothing when no file qualifies — run on an empty directory), so an empty output
# is a pack of nothing there, not the reader's ``parse.empty``.
EMPTY_IS_A_PACK = frozenset({"files-to-prompt", "files-to-prompt-markdown"})
# Reader findings after which nothing the output carries can be trusted to mean anything.
UNREADABLE = frozenset({"parse.empty", "parse.not-this-format", "parse.invalid-json"})
MAX_LINES_PER_ENTRY = 1_000_000  # a hostile pack's range never makes us allocate a billion lines


@dataclass(frozen=True)
class Entry:
    """One file (or chunk of one) as the pack carries it; ``path`` relative to the input."""

    path: str
    text: str | None
    start_line: int | None
    end_line: int | None
    mode: str

    def lines(self) -> range:
        """The lines of the file it covers: the stated range, else 1 … the lines of its text."""
        if self.start_line is not None and self.end_line is not None:
            return range(self.start_line, min(self.end_line, self.start_line + MAX_LINES_PER_ENTRY) + 1)
        if self.text is not None:
            return range(1, min(count_lines(self.text), MAX_LINES_PER_ENTRY) + 1)
        return range(0)

    def key(self) -> tuple:
        """Total order for comparing packs regardless of their file order."""
        return (self.path, self.start_line or 0, self.end_line or 0, self.mode, self.text or "")


@dataclass
class Contents:
    """An output as read: its format, entries, our JSON's document (``None`` for other
    formats), what the reader found wrong, and — when nothing can be judged — why."""

    format: str
    entries: tuple[Entry, ...]
    document: Any = None
    findings: list[Finding] = field(default_factory=list)
    unreadable: str | None = None
    stated_budget: Any = None  # the budget the pack says it was made for; None when it says none
    stated_tokenizer: Any = None
    _tokens: dict[str, int] = field(default_factory=dict, repr=False)

    def tokens(self, tokenizer: str) -> int:
        """Real token count of every packed text under ``tokenizer`` (cached)."""
        if tokenizer not in self._tokens:
            texts = [e.text for e in self.entries if e.text is not None]
            self._tokens[tokenizer] = sum(_tokenizer.count_many(_tokenizer.get_encoding(tokenizer), texts))
        return self._tokens[tokenizer]

    def tokens_of(self, path: str, tokenizer: str) -> int:
        """Real token count of the text the pack carries of ``path``."""
        texts = [e.text for e in self.entries if e.path == path and e.text is not None]
        return sum(_tokenizer.count_many(_tokenizer.get_encoding(tokenizer), texts))

    def figure(self, *keys: str) -> Any:
        """A member of our JSON's document (``None`` when absent, or for other formats)."""
        node: Any = self.document
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        return node


def detect_format(data: bytes) -> str:
    """The format of ``data`` (raises ``readers.UnknownFormat`` / ``readers.AmbiguousFormat``)."""
    return readers.detect(data).NAME


def relative_path(path: str, root: str) -> str:
    """``path`` as the pack names it, relative to the input directory ``root``."""
    for prefix in (root.rstrip("/") + "/", "./"):
        if path.startswith(prefix):
            return path[len(prefix):]
    return path


def read_contents(data: bytes, fmt: str, root: str) -> Contents:
    """Read ``data`` as ``fmt``; paths relative to ``root`` (the input directory)."""
    if not data.strip() and fmt in EMPTY_IS_A_PACK:
        return Contents(fmt, ())
    pack = readers.read(data, "output", format=fmt)
    entries = tuple(Entry(relative_path(f.path, root), f.text, f.start_line, f.end_line, f.mode) for f in pack.files)
    unreadable = next((f"{f.code}: {f.message}" for f in pack.findings if f.code in UNREADABLE), None)
    contents = Contents(fmt, entries, None, list(pack.findings), unreadable)
    contents.stated_budget = next((c.claimed for c in pack.claims if c.kind == "budget"), None)
    if fmt == OUR_JSON:
        loaded = parse_bytes(data, path="output")
        document = contents.document = loaded.document if isinstance(loaded.document, dict) else None
        if document is None:
            contents.unreadable = contents.unreadable or "; ".join(
                f"{f.code}: {f.message}" for f in loaded.findings) or "not a JSON object"
            return contents
        contents.stated_budget = contents.figure("budget_info", "target_budget")
        contents.stated_tokenizer = contents.figure("tokenizer_info", "name")
    return contents
