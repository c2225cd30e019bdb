"""repomix ``--style plain`` (1.x).

Sections are framed by 64 ``=`` lines (``File Summary``, ``Directory Structure``,
``Files``, ``End of Codebase``); each file is ``================`` (16) / ``File: P`` /
``================`` / content / blank line. Nothing is escaped, so a file may contain a
line-for-line copy of an entry header: a boundary is real only if it follows a blank line
and names a file the directory tree lists that was not packed yet
(:class:`packverify.readers._repomix.Boundaries`). repomix trims every file, so the last
file's trailing blank lines are the template's, never the file's. No line ranges,
counts or digests.
"""

from __future__ import annotations

from packverify.readers import _repomix
from packverify.readers.base import ForeignPack, Locator, PackedFile, decode, finding, next_line

NAME = "repomix-plain"
TITLE = "repomix plain text (--style plain)"
TOOL = _repomix.TOOL

_SECTION_RULE = "=" * 64
_ENTRY_RULE = "=" * 16
_TAIL_TITLES = ("Git Diffs", "Git Logs", "Instruction")


def _banner(title: str) -> str:
    return f"{_SECTION_RULE}\n{title}\n{_SECTION_RULE}\n"


def sniff(head: bytes) -> int:
    if _repomix.MARK.encode() in head[:1000] and _banner("File Summary").encode() in head:
        return 90
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((_banner("Directory Structure").encode(), _banner("Files").encode())):
        return 60
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    files = _find_banner(text, "Files", 0)
    tree = _find_banner(text, "Directory Structure", 0)
    head_end = min(x for x in (tree, files, len(text)) if x >= 0)
    pack.metadata.append(("header and summary", text[:head_end].rstrip("\n"), locate(0)))
    pack.transformations = _repomix.transformations(text[:head_end])
    listed = None
    if 0 <= tree and (files < 0 or tree < files):
        tree_start = tree + len(_banner("Directory Structure"))
        tree_end = files if files >= 0 else len(text)
        tree_text = text[tree_start:tree_end].rstrip("\n")
        pack.metadata.append(("directory structure", tree_text, locate(tree_start)))
        listed = _repomix.indented_tree_files(tree_text)
        files = _find_banner(text, "Files", tree_start)
    if files < 0:
        pack.findings.append(finding("structure.missing-section", "no 'Files' section", locate(head_end)))
        return pack
    body = files + len(_banner("Files"))
    trailer = "\n" + _banner("End of Codebase").rstrip("\n")
    end = text.rfind(trailer)
    if end >= 0 and text[end + len(trailer):].strip("\n"):
        end = -1  # the template's last lines: a copy inside a file is followed by more text
    if end < body:
        pack.findings.append(finding("structure.unterminated-section", "no 'End of Codebase' trailer",
                                     locate(len(text))))
        end = len(text)
    else:
        end += 1
    end = _tail_sections(pack, locate, body, end)
    _entries(pack, locate, body, end, _repomix.Boundaries(listed))
    return pack


def _find_banner(text: str, title: str, start: int) -> int:
    banner = _banner(title)
    found = text.find(banner, start)
    while found > 0 and text[found - 1] != "\n":
        found = text.find(banner, found + 1)
    return found


def _tail_sections(pack: ForeignPack, locate: Locator, body: int, end: int) -> int:
    """Git diffs, git logs, instruction (after the files, before the trailer) → metadata."""
    text = pack.text
    last_entry = text.rfind(f"\n{_ENTRY_RULE}\nFile: ", body, end)
    starts = [text.find("\n" + _banner(title), max(last_entry, body), end) for title in _TAIL_TITLES]
    starts = [s + 1 for s in starts if s >= 0]
    if not starts:
        return end
    first = min(starts)
    pack.metadata.append(("after files", text[first:end], locate(first)))
    return first


def _entries(pack: ForeignPack, locate: Locator, position: int, end: int, bounds: _repomix.Boundaries) -> None:
    text = pack.text
    while position < end:
        if text[position] == "\n":
            position += 1
            continue
        header = _header(text, position)
        if header is None:
            following = text.find(f"\n\n{_ENTRY_RULE}\nFile: ", position, end)
            line, _ = next_line(text, position)
            pack.findings.append(finding("structure.unexpected-text", f"expected a '{_ENTRY_RULE}' / 'File: …' header, "
                                         f"found {line[:80]!r}", locate(position)))
            position = end if following < 0 else following + 2
            continue
        name, content_start = header
        if not name:
            pack.findings.append(finding("structure.missing-path", "'File:' without a path", locate(position)))
        elif bounds.listed is not None and name not in bounds.listed:
            pack.findings.append(finding("structure.not-in-tree", f"{name!r} is not in the directory structure",
                                         locate(position)))
        bounds.take(name)
        content_end, resume = _content_end(pack, locate, name, content_start, end, bounds)
        pack.files.append(PackedFile(len(pack.files), name, text[content_start:content_end], locate(position),
                                     locate(content_start)))
        position = resume


def _header(text: str, position: int) -> tuple[str, int] | None:
    first, after = next_line(text, position)
    second, after2 = next_line(text, after)
    third, content_start = next_line(text, after2)
    if first != _ENTRY_RULE or third != _ENTRY_RULE or not second.startswith("File: "):
        return None
    return second[len("File: "):], content_start


def _content_end(pack: ForeignPack, locate: Locator, name: str, start: int, end: int,
                 bounds: _repomix.Boundaries) -> tuple[int, int]:
    text = pack.text
    needle = f"\n\n{_ENTRY_RULE}\nFile: "
    search = start
    while True:
        found = text.find(needle, search, end)
        if found < 0:
            break
        header = _header(text, found + 2)
        if header is not None:
            if bounds.acceptable(header[0]):
                return found, found + 2
            if bounds.repeated(header[0]):
                pack.findings.append(finding(
                    "structure.ambiguous-boundary",
                    f"a second 'File: {header[0]}' header inside {name!r}: taken as that file's content",
                    locate(found + 2)))
        search = found + 1
    # The last file: the template's blank lines before the trailer (repomix trims every file).
    content_end = end
    while content_end > start and text[content_end - 1] == "\n":
        content_end -= 1
    return content_end, end
