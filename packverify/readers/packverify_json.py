"""packverify's own pack JSON (docs/format.md): detected here, parsed by :mod:`packverify.load`.

The engine keeps judging these packs with the JSON oracles (pointers, schema, canonical
bytes); this reader exists so detection names every format in one place, and so a JSON
pack can still be viewed through the common model (files from its chunks, located by
their JSON pointer rather than a line — ``location`` is 1:1).
"""

from __future__ import annotations

from packverify.load import parse_bytes
from packverify.readers.base import FULL, MODES, ForeignPack, Location, PackedFile, decode, finding

NAME = "packverify-json"
TITLE = "packverify / PackRepo pack JSON (spec/index.schema.json)"
TOOL = "packverify"

_KEYS = (b'"tokenizer_info"', b'"budget_info"', b'"chunks"', b'"metadata"')


def sniff(head: bytes) -> int:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"{"):
        return 0
    found = sum(key in head for key in _KEYS)
    if b'"format_version"' in start[:300] or b'"fileSummary"' in start[:300]:
        return 0
    return 95 if found >= 3 else 50 if found == 2 else 0


def read(raw: bytes, *, path: str = "<bytes>") -> ForeignPack:
    text, _ = decode(raw)
    pack = ForeignPack(NAME, TOOL, text)
    loaded = parse_bytes(raw, path=path)
    pack.findings.extend(loaded.findings)
    if not raw.strip():
        pack.findings.append(finding("parse.empty", "the input is empty", Location(1, 1)))
    document = loaded.document if isinstance(loaded.document, dict) else {}
    chunks = document.get("chunks")
    for chunk in chunks if isinstance(chunks, list) else []:
        if not isinstance(chunk, dict):
            continue
        mode = chunk.get("selected_mode", FULL)
        content = chunk.get("content")
        pack.files.append(PackedFile(
            len(pack.files), str(chunk.get("file_path", "")), content if isinstance(content, str) else None,
            Location(1, 1), None, _int(chunk.get("start_line")), _int(chunk.get("end_line")),
            mode if mode in MODES else FULL))
    return pack


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
