"""files-to-prompt 0.6 ``--markdown``: ``PATH`` then a fenced block per file.

The fence starts at three backticks and grows until it is not a substring of the file
(``print_as_markdown``), so the closing line — exactly the fence — can never occur inside
the file: the format round-trips any content. The info string is a language from the
path's extension (``EXT_TO_LANG``) or empty.
"""

from __future__ import annotations

import re

from packverify.readers import _files_to_prompt
from packverify.readers.base import ForeignPack, Locator, PackedFile, decode, finding, next_line

NAME = "files-to-prompt-markdown"
TITLE = "files-to-prompt --markdown"
TOOL = _files_to_prompt.TOOL

_FENCE = re.compile(r"(`{3,})([A-Za-z]*)")


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf")
    first = start.find(b"\n")
    if first <= 0 or start.startswith((b"#", b"{", b"<", b"=")):
        return 0
    if re.match(rb"`{3,}[A-Za-z]*\n", start[first + 1:first + 40]):
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


def _entry(pack: ForeignPack, locate: Locator, position: int) -> int:
    text = pack.text
    name, fence_start = next_line(text, position)
    opening, content_start = next_line(text, fence_start)
    match = _FENCE.fullmatch(opening)
    if match is None or not name:
        code = "structure.missing-path" if match is not None else "structure.malformed-header"
        pack.findings.append(finding(code, f"expected a path line and an opening fence, found {name[:80]!r}",
                                     locate(position)))
        return _resync(text, content_start)
    fence = match.group(1)
    needle = "\n" + fence + "\n"
    found = text.find(needle, content_start - 1)
    if found < 0:
        if text.endswith("\n" + fence) and len(text) - len(fence) - 1 >= content_start - 1:
            found = len(text) - len(fence) - 1
        else:
            pack.findings.append(finding("structure.unterminated-entry", f"the fence of {name!r} never closes",
                                         locate(fence_start)))
            pack.files.append(PackedFile(len(pack.files), name, text[content_start:], locate(position),
                                         locate(content_start)))
            return len(text)
    start = min(content_start, found)
    pack.files.append(PackedFile(len(pack.files), name, text[start:found], locate(position), locate(start)))
    return found + len(needle)


def _resync(text: str, position: int) -> int:
    """The next offset where a path line is followed by an opening fence."""
    for match in re.finditer(r"\n[^\n]+\n`{3,}[A-Za-z]*\n", text[position:]):
        return position + match.start() + 1
    return len(text)
