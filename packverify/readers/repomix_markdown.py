"""repomix ``--style markdown`` (1.x).

A header paragraph, ``# File Summary``, ``# Directory Structure`` (fenced), then
``# Files`` with ``## File: P`` followed by a fenced block per file. One fence for the
whole document: backticks one longer than the longest backtick run in any file or the
tree, at least three (``calculateMarkdownDelimiter``) — so no file can contain the closing
fence and the format needs no other escaping. The path is written raw. No line ranges,
counts or digests.
"""

from __future__ import annotations

import re

from packverify.readers import _repomix
from packverify.readers.base import ForeignPack, Locator, PackedFile, decode, finding, next_line

NAME = "repomix-markdown"
TITLE = "repomix Markdown (--style markdown)"
TOOL = _repomix.TOOL

_ENTRY = "## File: "
_FENCE = re.compile(r"`{3,}")
_TAIL = ("# Git Diffs", "# Git Logs", "# Instruction")


def sniff(head: bytes) -> int:
    if _repomix.MARK.encode() in head[:1000] and b"\n# File Summary\n" in head:
        return 90
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"# Directory Structure\n```", b"# Files\n\n## File: ")):
        return 60
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    cursor, listed = _preamble(pack, locate)
    files = text.find("# Files\n", cursor)
    while files > 0 and text[files - 1] != "\n":
        files = text.find("# Files\n", files + 1)
    if files < 0:
        pack.findings.append(finding("structure.missing-section", "no '# Files' section", locate(cursor)))
        return pack
    position = files + len("# Files\n")
    if text.startswith("\n", position):
        position += 1
    bounds = _repomix.Boundaries(listed)
    while position < len(text):
        line, _ = next_line(text, position)
        if line.startswith(_TAIL):
            pack.metadata.append(("after files", text[position:], locate(position)))
            break
        position = _entry(pack, locate, position, bounds)
    return pack


def _preamble(pack: ForeignPack, locate: Locator) -> tuple[int, set[str] | None]:
    """Header, summary and tree as metadata; the offset after them and the tree's files."""
    text = pack.text
    tree_heading = text.find("# Directory Structure\n")
    files_heading = text.find("\n# Files\n")
    summary_end = tree_heading if tree_heading >= 0 else max(files_heading, 0)
    if summary_end > 0:
        pack.metadata.append(("header and summary", text[:summary_end].rstrip("\n"), locate(0)))
    pack.transformations = _repomix.transformations(text[:summary_end])
    if tree_heading < 0:
        return 0, None
    fence_start = tree_heading + len("# Directory Structure\n")
    fence, tree_start = next_line(text, fence_start)
    if not _FENCE.fullmatch(fence):
        pack.findings.append(finding("structure.malformed-header", "the directory structure is not fenced",
                                     locate(fence_start)))
        return fence_start, None
    close = text.find("\n" + fence + "\n", tree_start - 1)
    if close < 0:
        pack.findings.append(finding("structure.unterminated-section", "the directory structure's fence never closes",
                                     locate(fence_start)))
        return len(text), None
    tree = text[tree_start:max(close, tree_start)]
    pack.metadata.append(("directory structure", tree, locate(tree_start)))
    return close + len(fence) + 2, _repomix.indented_tree_files(tree)


def _entry(pack: ForeignPack, locate: Locator, position: int, bounds: _repomix.Boundaries) -> int:
    text = pack.text
    line, fence_start = next_line(text, position)
    if not line.startswith(_ENTRY):
        if not line.strip():
            return fence_start
        following = text.find("\n" + _ENTRY, position)
        pack.findings.append(finding("structure.unexpected-text", f"expected '## File: …', found {line[:80]!r}",
                                     locate(position)))
        return len(text) if following < 0 else following + 1
    name = line[len(_ENTRY):]
    if not name:
        pack.findings.append(finding("structure.missing-path", "'## File:' without a path", locate(position)))
    elif bounds.listed is not None and name not in bounds.listed:
        pack.findings.append(finding("structure.not-in-tree", f"{name!r} is not in the directory structure",
                                     locate(position)))
    bounds.take(name)
    opening, content_start = next_line(text, fence_start)
    match = _FENCE.match(opening)
    if match is None:
        pack.findings.append(finding("structure.malformed-header", f"no opening fence after '## File: {name}'",
                                     locate(fence_start)))
        pack.files.append(PackedFile(len(pack.files), name, None, locate(position)))
        return fence_start
    fence = match.group(0)
    close = _closing(text, fence, content_start - 1)
    if close < 0:
        pack.findings.append(finding("structure.unterminated-entry", f"the fence of {name!r} never closes",
                                     locate(fence_start)))
        close, resume = len(text), len(text)
    else:
        resume = close + 1 + len(fence) + 1
    content_start = min(content_start, close)
    pack.files.append(PackedFile(len(pack.files), name, text[content_start:close], locate(position),
                                 locate(content_start)))
    return resume


def _closing(text: str, fence: str, start: int) -> int:
    """Offset of the ``\\n`` before the first line that is exactly ``fence``, at or after ``start``."""
    needle = "\n" + fence
    while True:
        found = text.find(needle, start)
        if found < 0:
            return -1
        after = found + len(needle)
        if after == len(text) or text[after] == "\n":
            return found
        start = found + 1
