"""scribe 1.0 (sibylline-scribe, ``scribe REPO -o pack.txt``): a JSON header, then sections.

``TokenEstimator.finalize_pack``: the header is ``json.dumps(info, indent=2)`` (``mode``,
``repo_path``, ``generation_time`` — a wall-clock float —, ``target_budget``, ``selector``,
``total_files``, ``effective_budget``), then a blank line, then sections joined by a blank
line, each ``### path: P lines: N mode: LANGUAGE`` and the file's text. ``mode`` here is a
language, not a fidelity; ``lines`` is the source file's ``count('\\n') + 1``. Files are
read with ``errors='ignore'`` (undecodable bytes vanish: binary files arrive as text with
NULs) and universal newlines; a BOM stays. A file that does not fit is demoted: its first
20 and last 10 lines around ``...``/``(content truncated)``/``...`` (detected: mode
``summary``), its signatures (not detectable: read as ``full``), or a stand-in ending in
``(Content truncated due to token budget constraints)`` (a placeholder). Nothing is
escaped: a file containing a blank line and a section header is read as two sections.
Written to stdout with ``--stats``, the statistics follow the pack (``_scribe``).

Claims: ``total_files`` (equals the sections — scribe counts the files it selected before
dropping those that do not fit), ``target_budget`` (a bound on the pack's tokens), each
section's ``lines``, and the statistics when they follow the pack.
"""

from __future__ import annotations

import re

from packverify.readers import _json_offsets, _scribe
from packverify.readers.base import (
    SUMMARY,
    Claim,
    ForeignPack,
    Locator,
    PackedFile,
    decode,
    finding,
    next_line,
)

NAME = "scribe"
TITLE = "scribe 1.0 CLI pack (header JSON + '### path: P lines: N mode: LANG' sections)"
TOOL = "scribe"

_COUNT_HEADER = re.compile(r"### path: (.*) lines: (\d+) mode: (\S*)")
_TRANSFORMATIONS = frozenset({"crlf-to-lf", "undecodable-bytes-dropped"})
_SUMMARY_MARK = "\n...\n(content truncated)\n...\n"
_MINIMAL_MARK = "(Content truncated due to token budget constraints)"
_KEYS = ("mode", "selector", "target_budget", "total_files")


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf")
    if not start.startswith(b"{\n") or b'"format_version"' in start[:200]:
        return 0
    top = start[:2000]
    if all(f'"{key}"'.encode() in top for key in _KEYS) and b'"effective_budget"' in top:
        return 90
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings, transformations=_TRANSFORMATIONS)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    banner = _scribe.find_stats(text)
    pack_end = len(text)
    if banner >= 0:
        pack_end = banner - 1 if banner > 0 and text[banner - 1] == "\n" else banner
        pack.metadata.append(("statistics", text[banner:], locate(banner + 1)))
    header, members, position = _header(pack, locate, pack_end)
    if position < 0:
        return pack
    while position < pack_end:
        position = _section(pack, locate, position, pack_end)
    pack_text = text[:pack_end]
    _header_claims(pack, locate, header, members, pack_text)
    if banner >= 0:
        stats, offsets, problems = _scribe.parse_stats(text, banner, locate)
        pack.findings.extend(problems)
        pack.claims.extend(_scribe.stats_claims(stats, offsets, locate, pack_text, len(pack.files),
                                                header.get("target_budget")))
    return pack


def _header(pack: ForeignPack, locate: Locator, pack_end: int) -> tuple[dict, dict, int]:
    text = pack.text
    try:
        members, end = _json_offsets.members(text, 0)
    except _json_offsets.JSONError as exc:
        code = exc.code if exc.code != "parse.invalid-json" else "structure.invalid-header"
        pack.findings.append(finding(code, f"the header is not a JSON object: {exc}", locate(exc.offset)))
        found = text.find("\n\n### path: ")
        return {}, {}, (-1 if found < 0 else found + 2)
    header = {m.key: m.value for m in members}
    offsets = {m.key: m.value_offset for m in members}
    for key, value in header.items():
        pack.metadata.append((f"header {key}", value if isinstance(value, str) else repr(value),
                              locate(offsets[key])))
    if end >= pack_end:
        return header, offsets, pack_end
    if not text.startswith("\n\n", end):
        line, _ = next_line(text, end)
        pack.findings.append(finding("structure.unexpected-text", f"expected a blank line after the header, found "
                                     f"{line[:80]!r}", locate(end)))
        found = text.find("\n\n### path: ", end)
        return header, offsets, (pack_end if found < 0 else found + 2)
    return header, offsets, end + 2


def _section(pack: ForeignPack, locate: Locator, position: int, pack_end: int) -> int:
    text = pack.text
    line, content_start = next_line(text, position)
    match = _COUNT_HEADER.fullmatch(line)
    if match is None:
        code = "structure.malformed-header" if line.startswith("### path:") else "structure.unexpected-text"
        pack.findings.append(finding(code, f"expected '### path: P lines: N mode: M', found {line[:80]!r}",
                                     locate(position)))
        found = text.find("\n\n### path: ", position, pack_end)
        return pack_end if found < 0 else found + 2
    name, lines, language = match.group(1), int(match.group(2)), match.group(3)
    if not name:
        pack.findings.append(finding("structure.missing-path", "a section without a path", locate(position)))
    search = content_start
    while True:
        found = text.find("\n\n### path: ", search, pack_end)
        if found < 0:
            found, resume = pack_end, pack_end
            break
        nxt, _ = next_line(text, found + 2)
        if _COUNT_HEADER.fullmatch(nxt):
            resume = found + 2
            break
        search = found + 1
    content_start = min(content_start, found)
    content = text[content_start:found]
    mode, placeholder, body = "full", None, content
    if _SUMMARY_MARK in content:
        mode = SUMMARY
    elif content.rstrip("\n").endswith(_MINIMAL_MARK):
        placeholder, body = content, None
    where = locate(position)
    index = len(pack.files)
    recompute = (lambda services, body=body: body.count("\n") + 1) if mode == "full" and body is not None else None
    claim = Claim("lines", f"{name} lines", lines, where, index, recompute=recompute)
    pack.files.append(PackedFile(index, name, body, where, locate(content_start), mode=mode,
                                 placeholder=placeholder, claims=(claim,)))
    pack.metadata.append((f"{name} mode", language, where))
    return resume


def _header_claims(pack: ForeignPack, locate: Locator, header: dict, offsets: dict, pack_text: str) -> None:
    if "total_files" in header:
        count = len(pack.files)
        pack.claims.append(Claim("files", "header total_files", header["total_files"],
                                 locate(offsets["total_files"]), recompute=lambda services: count))
    budget = header.get("target_budget")
    if "target_budget" in header:
        pack.claims.append(Claim("budget", "header target_budget", budget, locate(offsets["target_budget"]),
                                 recompute=lambda services: services.count_tokens(pack_text, services.tokenizer),
                                 relation=">="))
