"""What every reader produces: a :class:`ForeignPack` of :class:`PackedFile` entries and
the :class:`Claim` s the format makes about itself — one model for every foreign format.

A reader turns bytes into this model and nothing more: it reports where the input cannot
be read as its format (``parse.*``) or where its structure is broken (``structure.*``),
each at a :class:`~packverify.model.Location` of the input. It judges no content: whether a
file's text equals the repository's file, whether a count or digest the format states is
true, whether a path is safe — those are the oracles' questions. A claim carries a
``recompute`` closure, so a format-specific definition (PackRepo's manifest digest,
scribe's line count) stays in its reader module while the oracles judge every claim the
same way. Readers never raise on any input.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from packverify.model import UNSET, Finding, Location

FULL, SUMMARY, SIGNATURE = "full", "summary", "signature"
MODES = (FULL, SUMMARY, SIGNATURE)

# What a tool is documented to do to a file's content before it packs it (docs/formats/README.md).
# Names are stable; a reader states only what its tool really does (per its source and real runs).
TRANSFORMATIONS: dict[str, str] = {
    "bom-removed": "a leading UTF-8 byte order mark (U+FEFF) is dropped",
    "crlf-to-lf": "line breaks are read with universal newlines: CRLF and a lone CR become LF",
    "surrounding-whitespace-trimmed": "leading and trailing whitespace of the whole file is removed "
                                      "(JavaScript String.prototype.trim: spaces, tabs, line breaks, NBSP, BOM, "
                                      "Unicode spaces) — a final newline is always dropped",
    "legacy-encoding-transcoded": "a file that is not UTF-8 is decoded with a detected legacy encoding "
                                  "(Latin-1/windows-1252, …) and packed as UTF-8",
    "undecodable-bytes-dropped": "bytes that are not UTF-8 are silently left out (Python errors='ignore')",
    "notebook-as-script": "a Jupyter notebook (.ipynb) is rendered as a Python script: markdown and raw cells "
                          "as triple-quoted strings, outputs as comments",
    "binary-as-placeholder": "a file that is not text is replaced by a marker such as '[Binary file]'",
    "empty-as-placeholder": "an empty file is replaced by the marker '[Empty file]'",
    "comments-removed": "code comments removed (repomix --remove-comments, stated in its header)",
    "empty-lines-removed": "empty lines removed (repomix --remove-empty-lines, stated in its header)",
    "line-numbers-added": "each line prefixed with its number (stated in the pack's header)",
    "compressed": "code reduced to signatures separated by '⋮----' (repomix --compress, stated in its header)",
    "base64-truncated": "long base64 strings truncated (repomix --truncate-base64, stated in its header)",
}


class Services(Protocol):
    """What a claim's ``recompute`` may ask for; the oracles supply it (part 2).

    ``tokenizer`` is the one the user chose (``--tokenizer``), used where the format names
    none (scribe); ``count_tokens`` is the real count, special-token text as text."""

    tokenizer: str

    def count_tokens(self, text: str, tokenizer: str) -> int: ...


@dataclass(frozen=True, slots=True)
class Claim:
    """A number or digest the format states about itself, and how to compute the true value.

    ``relation`` says how the oracle compares: ``==`` (the claimed value must equal the
    recomputed one) or ``>=`` (the claimed value is a bound the recomputed value must not
    exceed, e.g. a budget). ``recompute`` is ``None`` when the pack alone cannot tell the
    truth (e.g. a line count of a file whose content was demoted)."""

    kind: str  # tokens | lines | files | chunks | bytes | digest | span | ratio | budget
    subject: str
    claimed: Any
    location: Location | None = None
    file_index: int | None = None
    tokenizer: str | None = None
    recompute: Callable[[Services], Any] | None = field(default=None, compare=False, repr=False)
    relation: str = "=="


@dataclass(frozen=True, slots=True)
class PackedFile:
    """One file (or chunk of a file) as the pack carries it.

    ``path`` is exactly as the pack names it (not normalised). ``text`` is the content
    un-escaped, or ``None`` when the pack carries none (then ``placeholder`` says what it
    put instead). Lines are 1-based; ``start_line``/``end_line`` only when the format states
    a range."""

    index: int
    path: str
    text: str | None
    location: Location
    text_location: Location | None = None
    start_line: int | None = None
    end_line: int | None = None
    mode: str = FULL
    placeholder: str | None = None
    claims: tuple[Claim, ...] = ()


@dataclass
class ForeignPack:
    """A pack in a foreign format, read: what a model reads (``text``), the files it
    carries, every other text it carries (``metadata``: labels, texts and where they are),
    the claims it makes, and what is wrong with its structure (``findings``)."""

    format: str
    tool: str
    text: str
    tool_version: str | None = None
    files: list[PackedFile] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    metadata: list[tuple[str, str, Location]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    transformations: frozenset[str] = frozenset()
    # What the tool writes before every repository-relative path: files-to-prompt writes
    # paths as its arguments spell them, so `files-to-prompt .` writes './src/a.py'.
    path_prefix: str = ""

    def relative_path(self, entry: PackedFile) -> str:
        """``entry.path`` relative to the repository: ``path_prefix`` removed."""
        return entry.path[len(self.path_prefix):] if entry.path.startswith(self.path_prefix) else entry.path

    def all_claims(self) -> list[Claim]:
        """Pack-level claims, then every file's, in file order."""
        return [*self.claims, *(claim for entry in self.files for claim in entry.claims)]


class Locator:
    """Offsets in a decoded text → :class:`Location` (line split on ``\\n``, column in characters).

    Each query counts newlines only from the nearest earlier checkpoint and every answer
    becomes one, so the queries of a reading pass (mostly in increasing order) cost one
    pass over the text in all."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._offsets = [0]
        self._lines = [1]

    def __call__(self, offset: int) -> Location:
        offset = max(0, min(offset, len(self.text)))
        i = bisect.bisect_right(self._offsets, offset) - 1
        base, line = self._offsets[i], self._lines[i]
        line += self.text.count("\n", base, offset)
        start = self.text.rfind("\n", 0, offset) + 1
        if self._offsets[i] != offset:
            self._offsets.insert(i + 1, offset)
            self._lines.insert(i + 1, line)
        return Location(line, offset - start + 1)


def decode(raw: bytes) -> tuple[str, list[Finding]]:
    """UTF-8 text of ``raw`` (a leading BOM dropped) and a ``parse.invalid-utf8`` finding
    at the first bad byte; undecodable bytes become U+FFFD so reading can go on."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        start = exc.start
    line_start = raw.rfind(b"\n", 0, start) + 1
    location = Location(raw.count(b"\n", 0, start) + 1, len(raw[line_start:start].decode("utf-8", "replace")) + 1)
    text = raw.decode("utf-8", "replace")
    return text, [Finding("parse.invalid-utf8", (), f"byte 0x{raw[start]:02X} at offset {start} is not UTF-8; "
                          "undecodable bytes were read as U+FFFD", location=location)]


def finding(code: str, message: str, location: Location, *, expected: Any = None, actual: Any = None) -> Finding:
    """A reader's finding: no JSON pointer (``path=()``), always a location."""
    return Finding(code, (), message, UNSET if expected is None else expected,
                   UNSET if actual is None else actual, location=location)


def next_line(text: str, start: int) -> tuple[str, int]:
    """The line beginning at ``start`` (without its ``\\n``) and the offset after it."""
    end = text.find("\n", start)
    if end < 0:
        return text[start:], len(text)
    return text[start:end], end + 1


TOKENIZER_NAMES = {"cl100k_base": "cl100k", "o200k_base": "o200k", "cl100k": "cl100k", "o200k": "o200k",
                   "gpt2": "gpt2"}


def tokenizer_name(stated: Any) -> str | None:
    """packverify's name for a tokenizer a format states (``cl100k_base`` → ``cl100k``), else as stated."""
    if not isinstance(stated, str) or not stated:
        return None
    return TOKENIZER_NAMES.get(stated, stated)
