"""repomix ``--style json`` (1.x): ``JSON.stringify(doc, null, 2)``.

Top-level keys ``fileSummary``, ``userProvidedHeader``, ``directoryStructure``, ``files``
(an object: path → content), ``gitDiffs``, ``gitLogs``, ``instruction``. JSON escaping is
the only quoting; a path can appear once only (a duplicate key is ``parse.duplicate-key``).
No line ranges, counts or digests.
"""

from __future__ import annotations

from packverify.readers import _json_offsets, _repomix
from packverify.readers.base import ForeignPack, Locator, PackedFile, decode, finding

NAME = "repomix-json"
TITLE = "repomix JSON (--style json)"
TOOL = _repomix.TOOL


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"{"):
        return 0
    if start[1:40].lstrip().startswith(b'"fileSummary"') and b"Repomix" in start[:600]:
        return 90
    if start[1:40].lstrip().startswith((b'"directoryStructure"', b'"userProvidedHeader"')):
        return 60
    if start[1:40].lstrip().startswith(b'"files": {'):
        return 50  # --no-file-summary --no-directory-structure
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    try:
        top, end = _json_offsets.members(text, 0)
        if text[end:].strip():
            raise _json_offsets.JSONError("text after the JSON document", _json_offsets.skip(text, end))
    except _json_offsets.JSONError as exc:
        pack.findings.append(finding(exc.code, f"not JSON: {exc}", locate(exc.offset)))
        top = []  # JSON has no point to resynchronise at: nothing more is read
    files = None
    for member in top:
        if member.key == "files":
            files = member
        elif member.key == "fileSummary" and isinstance(member.value, dict):
            summary = member.value
            stated = "\n".join(str(summary.get(key, "")) for key in ("generationHeader", "notes"))
            pack.transformations = _repomix.transformations(stated)
            for key, value in summary.items():
                pack.metadata.append((f"fileSummary.{key}", str(value), locate(member.value_offset)))
        else:
            pack.metadata.append((member.key, member.value if isinstance(member.value, str) else repr(member.value),
                                  locate(member.value_offset)))
    if not pack.transformations:
        pack.transformations = _repomix.BASE_TRANSFORMATIONS
    if files is None:
        if not any(f.code.startswith("parse.") for f in pack.findings):
            pack.findings.append(finding("structure.missing-section", "no \"files\" object", locate(0)))
        return pack
    _files(pack, locate, files)
    return pack


def _files(pack: ForeignPack, locate: Locator, files: _json_offsets.Member) -> None:
    if not isinstance(files.value, dict):
        pack.findings.append(finding("structure.malformed-header", "\"files\" is not an object",
                                     locate(files.value_offset)))
        return
    entries, _ = _json_offsets.members(pack.text, files.value_offset)  # parsed whole already: cannot fail
    for entry in entries:
        if not entry.key:
            pack.findings.append(finding("structure.missing-path", "a file with an empty path",
                                         locate(entry.key_offset)))
        if isinstance(entry.value, str):
            pack.files.append(PackedFile(len(pack.files), entry.key, entry.value, locate(entry.key_offset),
                                         locate(entry.value_offset + 1)))
        else:
            pack.findings.append(finding("structure.malformed-header", f"the content of {entry.key!r} is not a string",
                                         locate(entry.value_offset)))
            pack.files.append(PackedFile(len(pack.files), entry.key, None, locate(entry.key_offset)))
