"""files-to-prompt 0.6, default style: ``PATH`` / ``---`` / content / blank line / ``---``.

``print_default`` writes the path, ``---``, the content, an empty line and ``---``, each
followed by a newline. Nothing is escaped and there is no index or tree, so a file
containing a blank line, ``---``, any line and ``---`` again is indistinguishable from two
files: the reader takes the first such boundary (docs/formats/files-to-prompt.md).
"""

from __future__ import annotations

from packverify.readers import _files_to_prompt
from packverify.readers.base import ForeignPack, Locator, PackedFile, decode, finding, next_line

NAME = "files-to-prompt"
TITLE = "files-to-prompt (default style)"
TOOL = _files_to_prompt.TOOL

_END = "\n\n---\n"


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf")
    first = start.find(b"\n")
    if first <= 0 or b"\n" not in start[first + 1:]:
        return 0
    if start[first + 1:].startswith(b"---\n") and not start.startswith((b"{", b"<", b"#", b"=")):
        return 40
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings, transformations=_files_to_prompt.READ_TRANSFORMATIONS)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    position = 0
    while position < len(text):
        position = _entry(pack, locate, position)
    return _files_to_prompt.set_path_prefix(pack)


def _is_start(text: str, position: int) -> bool:
    """A block starts here: a path line, then a line '---'."""
    name, after = next_line(text, position)
    return bool(name) and text.startswith("---\n", after)


def _entry(pack: ForeignPack, locate: Locator, position: int) -> int:
    text = pack.text
    name, after = next_line(text, position)
    if not text.startswith("---\n", after) or not name:
        following = _next_start(text, position)
        code = "structure.missing-path" if not name and text.startswith("---\n", after) else "structure.malformed-header"
        pack.findings.append(finding(code, f"expected a path line followed by '---', found {name[:80]!r}",
                                     locate(position)))
        return following
    content_start = after + 4
    search = content_start - 1
    while True:
        found = text.find(_END, search)
        if found < 0:
            pack.findings.append(finding("structure.unterminated-entry", f"the block of {name!r} never ends with "
                                         "a blank line and '---' (truncated?)", locate(position)))
            pack.files.append(PackedFile(len(pack.files), name, text[content_start:], locate(position),
                                         locate(content_start)))
            return len(text)
        following = found + len(_END)
        if following == len(text) or _is_start(text, following):
            break
        search = found + 1
    start = min(content_start, found)
    pack.files.append(PackedFile(len(pack.files), name, text[start:found], locate(position), locate(start)))
    return following


def _next_start(text: str, position: int) -> int:
    found = text.find(_END, position)
    return len(text) if found < 0 else found + len(_END)
