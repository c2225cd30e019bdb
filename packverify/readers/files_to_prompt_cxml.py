"""files-to-prompt 0.6 ``--cxml``: Claude's XML-ish document format.

``<documents>``, then per file ``<document index="N">`` / ``<source>PATH</source>`` /
``<document_content>`` / content / ``</document_content>`` / ``</document>`` (each
written with a newline), then ``</documents>``. Nothing is escaped; the running
``index`` (1, 2, …) is what tells a real boundary from a copy inside a file: the next
document must carry the next index (or be the final ``</documents>`` at the end).
"""

from __future__ import annotations

import re

from packverify.readers import _files_to_prompt
from packverify.readers.base import ForeignPack, Locator, PackedFile, decode, finding, next_line

NAME = "files-to-prompt-cxml"
TITLE = "files-to-prompt --cxml"
TOOL = _files_to_prompt.TOOL

_OPEN = re.compile(r'<document index="(\d+)">')
_SOURCE = re.compile(r"<source>(.*)</source>")
_END = "\n</document_content>\n</document>\n"


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b'<documents>\n<document index="'):
        return 90
    if start.startswith(b"<documents>\n</documents>"):
        return 60
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings, transformations=_files_to_prompt.READ_TRANSFORMATIONS)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    first, position = next_line(text, 0)
    if first != "<documents>":
        pack.findings.append(finding("parse.not-this-format", f"expected '<documents>', found {first[:80]!r}",
                                     locate(0)))
        position = 0
    closed = text.endswith(("</documents>\n", "</documents>"))
    end = text.rfind("</documents>") if closed else len(text)
    if not closed:
        pack.findings.append(finding("structure.unterminated-section", "</documents> never comes (truncated?)",
                                     locate(len(text))))
    while position < end:
        position = _entry(pack, locate, position, end)
    return _files_to_prompt.set_path_prefix(pack)


def _entry(pack: ForeignPack, locate: Locator, position: int, end: int) -> int:
    text = pack.text
    expected = len(pack.files) + 1
    line, after = next_line(text, position)
    match = _OPEN.fullmatch(line)
    source_line, after_source = next_line(text, after)
    source = _SOURCE.fullmatch(source_line)
    content_line, content_start = next_line(text, after_source)
    if match is None or source is None or content_line != "<document_content>":
        found = text.find('\n<document index="', position)
        code = "structure.unexpected-text" if match is None else "structure.malformed-header"
        pack.findings.append(finding(code, f"expected a <document index=\"{expected}\"> header, found {line[:80]!r}",
                                     locate(position)))
        return end if found < 0 or found >= end else found + 1
    if int(match.group(1)) != expected:
        pack.findings.append(finding("structure.malformed-header", f"document index {match.group(1)}, expected "
                                     f"{expected}", locate(position), expected=expected, actual=int(match.group(1))))
    name = source.group(1)
    if not name:
        pack.findings.append(finding("structure.missing-path", "an empty <source>", locate(after)))
    following_open = f'<document index="{expected + 1}">\n'
    search = content_start - 1
    while True:
        found = text.find(_END, search, end + len(_END))
        if found < 0:
            pack.findings.append(finding("structure.unterminated-entry", f"document {expected} ({name!r}) never "
                                         "closes", locate(position)))
            found, resume = end, end
            break
        resume = found + len(_END)
        if resume >= end or text.startswith(following_open, resume):
            break
        search = found + 1
    start = min(content_start, found)
    pack.files.append(PackedFile(len(pack.files), name, text[start:found], locate(position), locate(start)))
    return resume
