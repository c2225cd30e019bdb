"""repomix ``--style xml`` (1.x), both dialects: the default XML-ish template and ``--parsable-style``.

Default: a header paragraph, ``<file_summary>``, ``<directory_structure>``, then
``<files>`` with one ``<file path="P">\\nCONTENT\\n</file>\\n\\n`` per file. Nothing is
escaped — not the path, not the content (``&amp;`` in a file stays ``&amp;``, a file may
contain ``</file>``) — so entry boundaries are told apart with the directory tree
(:mod:`packverify.readers._repomix`). ``--parsable-style`` (``<repomix>`` root, built by
fast-xml-builder) is real XML: ``& < > ' "`` escaped as entities, no CDATA, no newline
around content; it is decoded here. Neither carries line ranges, counts or digests.
"""

from __future__ import annotations

import re

from packverify.readers import _repomix
from packverify.readers.base import ForeignPack, Locator, PackedFile, decode, finding, next_line

NAME = "repomix-xml"
TITLE = "repomix XML (--style xml, default and --parsable-style)"
TOOL = _repomix.TOOL

_OPEN = '<file path="'
_CLOSE = "\n</file>\n\n"
_INTRO = "This section contains the contents of the repository's files."


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200]
    if start.startswith(b"<repomix>"):
        return 95
    if _repomix.MARK.encode() in head[:1000] and b"<file_summary>" in head:
        return 90
    if start.startswith((b"<directory_structure>\n", b"<files>\n" + _INTRO.encode())):
        return 60
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    if text.lstrip().startswith("<repomix>"):
        _read_parsable(pack, locate)
    else:
        _read_template(pack, locate)
    return pack


def _section(text: str, name: str, start: int) -> tuple[int, int, int] | None:
    """(open tag offset, inner start, inner end) of ``<name>\\n…\\n</name>`` at a line start."""
    opening = text.find(f"<{name}>\n", start)
    while opening > 0 and text[opening - 1] != "\n":
        opening = text.find(f"<{name}>\n", opening + 1)
    if opening < 0:
        return None
    inner = opening + len(name) + 3
    closing = text.find(f"\n</{name}>", inner - 1)
    if closing < 0:
        return opening, inner, -1
    return opening, inner, closing


def _read_template(pack: ForeignPack, locate: Locator) -> None:
    text = pack.text
    summary = _section(text, "file_summary", 0)
    header_end = summary[0] if summary else 0
    if header_end:
        pack.metadata.append(("header", text[:header_end].strip("\n"), locate(0)))
    cursor = 0
    if summary and summary[2] >= 0:
        pack.metadata.append(("file_summary", text[summary[1]:summary[2]], locate(summary[1])))
        cursor = summary[2]
    pack.transformations = _repomix.transformations(text[:cursor or header_end])
    user = _section(text, "user_provided_header", cursor)
    files_tag = _section(text, "files", cursor)
    if user and (files_tag is None or user[0] < files_tag[0]) and user[2] >= 0:
        pack.metadata.append(("user_provided_header", text[user[1]:user[2]], locate(user[1])))
        cursor = user[2]
    tree = _section(text, "directory_structure", cursor)
    listed = None
    if tree and (files_tag is None or tree[0] < files_tag[0]):
        if tree[2] < 0:
            pack.findings.append(finding("structure.unterminated-section",
                                         "<directory_structure> is never closed", locate(tree[0])))
            return
        pack.metadata.append(("directory_structure", text[tree[1]:tree[2]], locate(tree[1])))
        listed = _repomix.indented_tree_files(text[tree[1]:tree[2]])
        cursor = tree[2]
    files_tag = _section(text, "files", cursor)
    if files_tag is None:
        pack.findings.append(finding("structure.missing-section", "no <files> section", locate(cursor)))
        return
    _read_files(pack, locate, files_tag[1], _repomix.Boundaries(listed))


def _read_files(pack: ForeignPack, locate: Locator, start: int, bounds: _repomix.Boundaries) -> None:
    text = pack.text
    intro, body = next_line(text, start)
    if intro == _INTRO and text.startswith("\n", body):
        body += 1
    else:
        body = start
    last = text.rfind(_CLOSE + "</files>", body - 1)
    if last >= 0:
        end = last + len(_CLOSE)
    elif text.startswith("</files>", body):
        end = body
    else:
        pack.findings.append(finding("structure.unterminated-section", "<files> is never closed", locate(start - 8)))
        end = len(text)
    closing_end = text.find("\n", end)
    after = text[closing_end + 1:] if closing_end >= 0 else ""
    if after.strip():
        pack.metadata.append(("after files", after, locate(closing_end + 1)))
    position = body
    while position < end:
        position = _read_entry(pack, locate, position, end, bounds)


def _read_entry(pack: ForeignPack, locate: Locator, position: int, end: int, bounds: _repomix.Boundaries) -> int:
    text = pack.text
    line, content_start = next_line(text, position)
    if not (line.startswith(_OPEN) and line.endswith('">')):
        following = text.find("\n" + _OPEN, position, end)
        resume = end if following < 0 else following + 1
        code = "structure.malformed-header" if line.startswith("<file") else "structure.unexpected-text"
        pack.findings.append(finding(code, f"expected '<file path=\"…\">', found {line[:80]!r}", locate(position)))
        return resume
    name = line[len(_OPEN):-2]
    if not pack.files and bounds.listed is not None and name not in bounds.listed:
        pack.findings.append(finding("structure.not-in-tree", f"{name!r} is not in <directory_structure>",
                                     locate(position)))
    if not name:
        pack.findings.append(finding("structure.missing-path", "a <file> entry with an empty path", locate(position)))
    bounds.take(name)
    search = content_start - 1
    while True:
        close = text.find(_CLOSE, search, end)
        if close < 0:
            pack.findings.append(finding("structure.unterminated-entry", f"<file path=\"{name}\"> is never closed",
                                         locate(position)))
            content_end, resume = end, end
            break
        following = close + len(_CLOSE)
        if following == end:
            content_end, resume = close, end
            break
        nxt, _ = next_line(text, following)
        if nxt.startswith(_OPEN) and nxt.endswith('">'):
            candidate = nxt[len(_OPEN):-2]
            if bounds.acceptable(candidate):
                content_end, resume = close, following
                break
            if bounds.repeated(candidate):
                pack.findings.append(finding(
                    "structure.ambiguous-boundary",
                    f"a second <file path=\"{candidate}\"> inside {name!r}: taken as that file's content",
                    locate(following)))
        search = close + 1
    content_start = min(content_start, content_end)
    pack.files.append(PackedFile(len(pack.files), name, text[content_start:content_end], locate(position),
                                 locate(content_start)))
    return resume


_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ONLY_NAMED = re.compile(r"&(?!(?:lt|gt|amp|quot|apos);)")


def unescape(value: str) -> tuple[str, int | None]:
    """XML character data decoded; the offset of the first undecodable ``&`` (or ``None``)."""
    if "&" not in value:
        return value, None
    if _ONLY_NAMED.search(value) is None:  # the common case, at C speed: the five entities fast-xml-builder writes
        return (value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
                .replace("&amp;", "&")), None
    bad: list[int] = []

    def one(match: re.Match) -> str:
        body = match.group(1)
        if body is None:
            bad.append(match.start())
            return "&"
        if body.startswith("#"):
            try:
                return chr(int(body[2:], 16) if body[1] in "xX" else int(body[1:]))
            except (ValueError, OverflowError):
                bad.append(match.start())
                return match.group(0)
        if body in _NAMED:
            return _NAMED[body]
        bad.append(match.start())
        return match.group(0)

    return _ENTITY.sub(one, value), (bad[0] if bad else None)


def _read_parsable(pack: ForeignPack, locate: Locator) -> None:
    text = pack.text
    pack.transformations = _repomix.transformations(text[:text.find("<files>") if "<files>" in text else 2000])
    for name in ("file_summary", "user_provided_header", "directory_structure", "instruction"):
        opening = text.find(f"<{name}>")
        closing = text.find(f"</{name}>", opening)
        if opening >= 0 and closing >= 0:
            inner = opening + len(name) + 2
            value, _ = unescape(text[inner:closing])
            pack.metadata.append((name, value, locate(inner)))
    files = text.find("<files>")
    if files < 0:
        pack.findings.append(finding("structure.missing-section", "no <files> element", locate(0)))
        return
    position = files + len("<files>")
    first = text.find("<file ", position)
    stop = text.find("</files>", position)
    if stop < 0:
        pack.findings.append(finding("structure.unterminated-section", "<files> is never closed", locate(files)))
        stop = len(text)
    if not text.rstrip().endswith("</repomix>"):
        pack.findings.append(finding("structure.unterminated-section", "<repomix> is never closed", locate(len(text))))
    position = first if 0 <= first < stop else stop
    while position < stop:
        position = _read_parsable_entry(pack, locate, position, stop)


def _read_parsable_entry(pack: ForeignPack, locate: Locator, position: int, stop: int) -> int:
    text = pack.text
    if not text.startswith('<file path="', position):
        nxt = text.find("<file ", position + 1, stop)
        pack.findings.append(finding("structure.unexpected-text", f"expected '<file path=', found "
                                     f"{text[position:position + 40]!r}", locate(position)))
        return stop if nxt < 0 else nxt
    attr_start = position + len('<file path="')
    quote = text.find('"', attr_start, stop)
    if quote < 0 or not (text.startswith(">", quote + 1) or text.startswith("/>", quote + 1)):
        pack.findings.append(finding("structure.malformed-header", "a <file> tag without a closed path attribute",
                                     locate(position)))
        nxt = text.find("<file ", position + 1, stop)
        return stop if nxt < 0 else nxt
    name, bad = unescape(text[attr_start:quote])
    if bad is not None:
        pack.findings.append(finding("structure.invalid-escape", "an undecodable '&' in a path",
                                     locate(attr_start + bad)))
    if text.startswith("/>", quote + 1):
        pack.files.append(PackedFile(len(pack.files), name, "", locate(position), None))
        return quote + 3
    content_start = quote + 2
    close = text.find("</file>", content_start, stop)
    if close < 0:
        pack.findings.append(finding("structure.unterminated-entry", f"<file path=\"{name}\"> is never closed",
                                     locate(position)))
        close = stop
    content, bad = unescape(text[content_start:close])
    if bad is not None:
        pack.findings.append(finding("structure.invalid-escape", f"an undecodable '&' in {name!r}",
                                     locate(content_start + bad)))
    if not name:
        pack.findings.append(finding("structure.missing-path", "a <file> entry with an empty path", locate(position)))
    pack.files.append(PackedFile(len(pack.files), name, content, locate(position), locate(content_start)))
    return min(close + len("</file>"), stop)
