"""The PackRepo library format (sibylline-scribe 1.0's ``RepositoryPacker`` →
``PackFormat.to_string``): a JSON index, a blank line, then the body.

Index (``PackIndex``, ``json.dumps(indent=2, ensure_ascii=False)``): ``format_version``,
``packrepo_version``, ``tokenizer`` (``cl100k_base``), ``target_budget``, ``actual_tokens``,
``selected_chunks``, ``processed_files``, ``mode_breakdown``, ``chunks`` (each with ``id``,
``rel_path``, ``start_line``, ``end_line``, ``selected_mode``, ``selected_tokens``, …) and,
when written deterministically, ``manifest_digest`` and ``body_spans``. Body
(``PackBody.format_body``): one section per index chunk, in index order,
``### path: P lines: A-B mode: M``, a blank line, the chunk's text and a newline, sections
joined by a newline. Nothing is escaped; the index tells a real section header from a copy
inside a chunk (the next section must be the next index entry).

What the index claims, and what each claim binds (all recomputed here from the pack alone):
``selected_tokens`` — the tokens of that section's text; ``actual_tokens`` — their sum;
``selected_chunks``/``processed_files``/``mode_breakdown`` — counts of the sections;
``budget_utilization`` — actual/target; a ``full`` chunk's range — its number of lines.
``manifest_digest`` is sha256 of ``json.dumps({body_spans, body_length,
total_selected_tokens}, sort_keys=True, separators=(',', ':'))`` where the spans are the
index's own chunk fields sorted by (path, start, id) and ``body_length`` is the body's UTF-8
length (``PackIndex.generate_manifest_digest``): it binds the index and the body's *length*
only — a body edited to the same length keeps its digest. ``body_spans`` repeats those
index fields; it binds nothing in the body. ``content_hash`` is never written (``''``).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from packverify.format import count_lines
from packverify.readers import _json_offsets
from packverify.readers.base import (
    FULL,
    MODES,
    Claim,
    ForeignPack,
    Locator,
    PackedFile,
    decode,
    finding,
    next_line,
    tokenizer_name,
)

NAME = "packrepo"
TITLE = "PackRepo library format (JSON index + '### path: P lines: A-B mode: M' sections)"
TOOL = "packrepo"

_RANGE_HEADER = re.compile(r"### path: (.*) lines: (\d+)-(\d+) mode: (\S*)")
_TRANSFORMATIONS = frozenset({"crlf-to-lf", "undecodable-bytes-dropped"})


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf")
    if start.startswith(b"{") and b'"format_version"' in start[:300] and (
            b'"packrepo_version"' in start[:600] or b'"selected_chunks"' in start[:2000]):
        return 90
    if start.startswith(b"{") and b'"format_version"' in start[:300] and b'"chunks"' in start:
        return 70
    return 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, findings = decode(raw)
    pack = ForeignPack(NAME, TOOL, text, findings=findings, transformations=_TRANSFORMATIONS)
    locate = Locator(text)
    if not text.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", locate(0)))
        return pack
    try:
        members, end = _json_offsets.members(text, 0)
    except _json_offsets.JSONError as exc:
        code = exc.code if exc.code != "parse.invalid-json" else "structure.invalid-header"
        pack.findings.append(finding(code, f"the index is not a JSON object: {exc}", locate(exc.offset)))
        return pack
    index = {m.key: m.value for m in members}
    offsets = {m.key: m.value_offset for m in members}
    pack.tool_version = index.get("packrepo_version") if isinstance(index.get("packrepo_version"), str) else None
    for m in members:
        if m.key not in ("chunks", "body_spans"):
            pack.metadata.append((f"index {m.key}", m.value if isinstance(m.value, str) else repr(m.value),
                                  locate(m.value_offset)))
    chunks = _chunks(pack, locate, index, offsets)
    body_start = end
    if text.startswith("\n\n", end):
        body_start = end + 2
    elif text[end:].strip():
        pack.findings.append(finding("structure.unexpected-text", "expected a blank line after the index",
                                     locate(end)))
    else:
        body_start = len(text)  # an index with no body: PackFormat.to_string writes none for no sections
    _body(pack, locate, body_start, chunks)
    _claims(pack, locate, index, offsets, chunks, text[body_start:])
    return pack


def _chunks(pack: ForeignPack, locate: Locator, index: dict, offsets: dict) -> list[tuple[int, dict]] | None:
    """The index's chunk entries with their offsets, or ``None`` when they are not a list of objects."""
    if "chunks" not in index:
        pack.findings.append(finding("structure.invalid-header", "the index has no \"chunks\"", locate(0)))
        return None
    elements, _ = _json_offsets.elements(pack.text, offsets["chunks"]) if isinstance(index["chunks"], list) else ([], 0)
    if not isinstance(index["chunks"], list) or not all(isinstance(value, dict) for _, value in elements):
        pack.findings.append(finding("structure.invalid-header", "\"chunks\" is not a list of objects",
                                     locate(offsets["chunks"])))
        return None
    return elements


def _expected(chunk: dict) -> tuple[Any, Any, Any, Any]:
    return (chunk.get("rel_path"), chunk.get("start_line"), chunk.get("end_line"), chunk.get("selected_mode"))


def _parse_header(line: str) -> tuple[str, int, int, str] | None:
    match = _RANGE_HEADER.fullmatch(line)
    if match is None:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3)), match.group(4)


def _body(pack: ForeignPack, locate: Locator, position: int, chunks: list[tuple[int, dict]] | None) -> None:
    text = pack.text
    while position < len(text):
        line, after = next_line(text, position)
        header = _parse_header(line)
        if header is None:
            code = "structure.malformed-header" if line.startswith("### path:") else "structure.unexpected-text"
            pack.findings.append(finding(code, f"expected '### path: P lines: A-B mode: M', found {line[:80]!r}",
                                         locate(position)))
            found = text.find("\n\n### path: ", position)
            position = len(text) if found < 0 else found + 2
            continue
        name, start, end, mode = header
        header_at, k = position, len(pack.files)
        if chunks is not None:
            if k >= len(chunks):
                pack.findings.append(finding("structure.index-mismatch", f"section {k + 1} ({name}) is not in the "
                                             "index", locate(position), expected=len(chunks), actual=k + 1))
            elif _expected(chunks[k][1]) != header:
                pack.findings.append(finding(
                    "structure.index-mismatch", f"section {k + 1} is {name} {start}-{end} {mode}, index chunk "
                    f"{k + 1} is {' '.join(map(str, _expected(chunks[k][1])))}", locate(position),
                    expected=list(_expected(chunks[k][1])), actual=list(header)))
        if mode not in MODES:
            pack.findings.append(finding("structure.malformed-header", f"mode {mode!r} is not one of "
                                         f"{', '.join(MODES)}", locate(position)))
        if not name:
            pack.findings.append(finding("structure.missing-path", "a section without a path", locate(position)))
        content_start = after + 1 if text.startswith("\n", after) else after
        content_end, position = _section_end(text, content_start, chunks, k + 1)
        pack.files.append(PackedFile(k, name, text[content_start:content_end], locate(header_at),
                                     locate(content_start), start, end, mode if mode in MODES else FULL))
    if chunks is not None and len(pack.files) < len(chunks):
        for k in range(len(pack.files), len(chunks)):
            pack.findings.append(finding("structure.index-mismatch", f"index chunk {k + 1} "
                                         f"({chunks[k][1].get('rel_path')}) has no section in the body",
                                         locate(chunks[k][0]), expected=len(chunks), actual=len(pack.files)))


def _section_end(text: str, start: int, chunks: list[tuple[int, dict]] | None, following: int) -> tuple[int, int]:
    """(end of this section's text, start of the next header): ``\\n\\n### path: `` whose
    header is the next index chunk (any valid header when the index is unusable)."""
    search = start
    while True:
        found = text.find("\n\n### path: ", search)
        if found < 0:
            break
        header = _parse_header(next_line(text, found + 2)[0])
        # The index is authoritative: after its last chunk no header is a boundary.
        if header is not None and (chunks is None or (following < len(chunks)
                                                      and _expected(chunks[following][1]) == header)):
            return found, found + 2
        search = found + 1
    end = len(text)
    if text.endswith("\n") and end - 1 >= start:
        end -= 1
    return end, len(text)


def packrepo_manifest_digest(chunks: list[dict], body: str) -> str:
    """PackRepo's ``generate_manifest_digest`` over the index's chunks and the body's length."""
    spans = packrepo_body_spans(chunks)
    data = {"body_spans": spans, "body_length": len(body.encode("utf-8", "surrogatepass")),
            "total_selected_tokens": sum(span["selected_tokens"] for span in spans)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def packrepo_body_spans(chunks: list[dict]) -> list[dict]:
    """The spans ``generate_manifest_digest`` derives from the index's chunks, sorted as it sorts them."""
    spans = [{"chunk_id": c.get("id", ""), "file_path": c.get("rel_path", ""), "start_line": c.get("start_line", 0),
              "end_line": c.get("end_line", 0), "selected_mode": c.get("selected_mode", ""),
              "selected_tokens": c.get("selected_tokens", 0), "content_hash": c.get("content_hash", "")}
             for c in chunks]
    spans.sort(key=lambda x: (str(x["file_path"]), _sortable(x["start_line"]), str(x["chunk_id"])))
    return spans


def _sortable(value: Any) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _claims(pack: ForeignPack, locate: Locator, index: dict, offsets: dict, chunks: list | None, body: str) -> None:
    tokenizer = tokenizer_name(index.get("tokenizer"))
    texts = [entry.text or "" for entry in pack.files]

    def count(services, k: int) -> int:
        return services.count_tokens(texts[k], tokenizer or services.tokenizer)

    files = []
    for entry, (offset, chunk) in zip(pack.files, chunks or []):
        claims = []
        if "selected_tokens" in chunk:
            claims.append(Claim("tokens", f"{entry.path} selected_tokens", chunk["selected_tokens"], locate(offset),
                                entry.index, tokenizer, lambda services, k=entry.index: count(services, k)))
        if entry.mode == FULL and entry.start_line is not None and entry.end_line is not None:
            claims.append(Claim("lines", f"{entry.path} lines {entry.start_line}-{entry.end_line}",
                                entry.end_line - entry.start_line + 1, entry.location, entry.index,
                                recompute=lambda services, t=entry.text: count_lines(t)))
        files.append(PackedFile(entry.index, entry.path, entry.text, entry.location, entry.text_location,
                                entry.start_line, entry.end_line, entry.mode, entry.placeholder, tuple(claims)))
    pack.files[:len(files)] = files
    n = len(pack.files)

    def total(services) -> int:
        return sum(count(services, k) for k in range(n))

    def add(key: str, kind: str, recompute, **extra) -> None:
        if key in index:
            pack.claims.append(Claim(kind, f"index {key}", index[key], locate(offsets[key]), recompute=recompute,
                                     **extra))

    add("actual_tokens", "tokens", total, tokenizer=tokenizer)
    add("selected_chunks", "chunks", lambda services: n)
    add("processed_files", "files", lambda services: len({entry.path for entry in pack.files}))
    modes = {}
    for entry in pack.files:
        modes[entry.mode] = modes.get(entry.mode, 0) + 1
    add("mode_breakdown", "chunks", lambda services: dict(sorted(modes.items())))
    target = index.get("target_budget")
    if isinstance(target, (int, float)) and not isinstance(target, bool) and target > 0:
        add("budget_utilization", "ratio", lambda services: total(services) / target, tokenizer=tokenizer)
        add("target_budget", "budget", total, tokenizer=tokenizer, relation=">=")
    if chunks is not None:
        values = [chunk for _, chunk in chunks]
        add("manifest_digest", "digest", lambda services: packrepo_manifest_digest(values, body))
        add("body_spans", "span", lambda services: packrepo_body_spans(values))
