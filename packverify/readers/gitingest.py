"""gitingest 0.3 digests (``gitingest DIR -o digest.txt``).

``Directory structure:`` and a box-drawing tree, a blank line, then per file
``====…`` (48) / ``FILE: P`` (or ``SYMLINK: P -> T``) / ``====…`` / content, each block
ending in two newlines and the blocks joined by one more (``content_string``,
``_gather_file_contents``). Nothing is escaped; a boundary is real only if it names a file
of the tree not packed yet. Content is read in text mode (universal newlines) with the
first encoding that decodes the first KiB, UTF-8 under a UTF-8 locale: a BOM stays. Stand-ins
replace content: ``[Binary file]`` (the first KiB is not UTF-8 — Latin-1 text too),
``[Empty file]``, ``Error …`` messages. Notebooks become Python scripts. The summary
(``Estimated tokens: 1.2k``) is printed, not written into the digest: no counts, ranges or
digests in the file.
"""

from __future__ import annotations

import re

from packverify.readers import _repomix
from packverify.readers.base import ForeignPack, Locator, PackedFile, decode, finding, next_line

NAME = "gitingest"
TITLE = "gitingest digest"
TOOL = "gitingest"

_RULE = "=" * 48
_KINDS = ("FILE: ", "SYMLINK: ")
_PLACEHOLDER = re.compile(r"\[Binary file\]|\[Empty file\]|Error reading file|Error: Unable to decode file"
                          r"|Error reading file with .*|Error processing notebook: .*", re.DOTALL)
_TRANSFORMATIONS = frozenset({"crlf-to-lf", "notebook-as-script", "binary-as-placeholder", "empty-as-placeholder"})
_TREE_ITEM = re.compile(r"((?:│   |    )*)(?:├── |└── )(.*)")


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf")
    if start.startswith("Directory structure:\n└── ".encode()):
        return 90
    if start.startswith((_RULE + "\nFILE: ").encode()):
        return 70
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings, transformations=_TRANSFORMATIONS)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    listed = None
    position = 0
    if text.startswith("Directory structure:\n"):
        end = text.find("\n\n")
        end = len(text) if end < 0 else end + 1
        tree = text[len("Directory structure:\n"):end]
        pack.metadata.append(("directory structure", tree, locate(len("Directory structure:\n"))))
        listed = box_tree_files(tree)
        position = end + 1 if text.startswith("\n", end) else end
    elif not text.startswith(_RULE + "\n"):
        pack.findings.append(finding("parse.not-this-format", "neither a directory structure nor a file block",
                                     locate(0)))
    bounds = _repomix.Boundaries(listed)
    while position < len(text):
        position = _entry(pack, locate, position, bounds)
    return pack


def box_tree_files(tree: str) -> set[str]:
    """Files (and symlinks) in gitingest's tree, relative to its root directory."""
    files: set[str] = set()
    stack: list[str] = []
    for line in tree.split("\n"):
        match = _TREE_ITEM.fullmatch(line)
        if match is None:
            continue
        depth = len(match.group(1)) // 4
        name = match.group(2)
        del stack[depth:]
        if name.endswith("/"):
            stack.append(name[:-1])
        else:
            name = name.split(" -> ", 1)[0]
            files.add("/".join([*stack[1:], name]) if stack else name)
    return files


def _header(text: str, position: int) -> tuple[str, str, int] | None:
    first, after = next_line(text, position)
    second, after2 = next_line(text, after)
    third, content_start = next_line(text, after2)
    if first != _RULE or third != _RULE or not second.startswith(_KINDS):
        return None
    kind, _, name = second.partition(": ")
    return kind, name, content_start


def _entry(pack: ForeignPack, locate: Locator, position: int, bounds: _repomix.Boundaries) -> int:
    text = pack.text
    header = _header(text, position)
    if header is None:
        if text.count("\n", position) == len(text) - position:  # only blank lines left
            return len(text)
        following = text.find(f"\n{_RULE}\nFILE: ", position)
        line, _ = next_line(text, position)
        pack.findings.append(finding("structure.unexpected-text", f"expected a '{_RULE[:8]}…' / 'FILE: …' header, "
                                     f"found {line[:80]!r}", locate(position)))
        return len(text) if following < 0 else following + 1
    kind, name, content_start = header
    target = None
    if kind == "SYMLINK":
        name, _, target = name.partition(" -> ")
    if not name:
        pack.findings.append(finding("structure.missing-path", "a block without a path", locate(position)))
    elif bounds.listed is not None and name not in bounds.listed:
        pack.findings.append(finding("structure.not-in-tree", f"{name!r} is not in the directory structure",
                                     locate(position)))
    bounds.take(name)
    content_end, resume = _content_end(pack, locate, name, content_start, bounds)
    content = text[content_start:content_end]
    if target is not None:
        entry = PackedFile(len(pack.files), name, None, locate(position), None, placeholder=f"symlink -> {target}")
    elif _PLACEHOLDER.fullmatch(content):
        entry = PackedFile(len(pack.files), name, None, locate(position), locate(content_start), placeholder=content)
    else:
        entry = PackedFile(len(pack.files), name, content, locate(position), locate(content_start))
    pack.files.append(entry)
    return resume


def _content_end(pack: ForeignPack, locate: Locator, name: str, start: int,
                 bounds: _repomix.Boundaries) -> tuple[int, int]:
    text = pack.text
    needle = f"\n\n\n{_RULE}\n"
    search = start
    while True:
        found = text.find(needle, search)
        if found < 0:
            break
        header = _header(text, found + 3)
        if header is not None:
            candidate = header[1].partition(" -> ")[0] if header[0] == "SYMLINK" else header[1]
            if bounds.acceptable(candidate):
                return found, found + 3
            if bounds.repeated(candidate):
                pack.findings.append(finding(
                    "structure.ambiguous-boundary",
                    f"a second 'FILE: {candidate}' header inside {name!r}: taken as that file's content",
                    locate(found + 3)))
        search = found + 1
    if text.endswith("\n\n") and len(text) - 2 >= start:
        return len(text) - 2, len(text)
    pack.findings.append(finding("structure.unterminated-entry", f"the block of {name!r} does not end with the "
                                 "blank line every block ends with (truncated?)", locate(len(text))))
    return len(text), len(text)
