"""What a tool packs for one repository file: its documented transformations
(:mod:`packverify.readers.transformations`) composed in the order the tool applies them,
and the tool's own rule for what it leaves out or replaces by a stand-in.

The source oracle compares a pack's text with :func:`tool_text` of the repository's
bytes, so "the tool's documented transformation" is recognised exactly — the
transformation applied to the file gives the packed text, character for character — and
anything else is a difference. The order is the tools' (docs/formats/): decode (UTF-8, or
the tool's fallback), then a BOM dropped, then universal newlines, then JavaScript's
``trim``; gitingest decides empty, notebook and binary before it decodes.

Left alone: what a pack says it did (the reader's ``transformations``; repomix states its
options in its header) and the options whose output cannot be reproduced exactly
(``UNREPRODUCIBLE``: comments removed, compression …) — a pack stating one is not compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from packverify.readers import transformations as _t

UNREPRODUCIBLE = frozenset({"comments-removed", "empty-lines-removed", "line-numbers-added", "compressed",
                            "base64-truncated"})
EMPTY_PLACEHOLDER = "[Empty file]"  # gitingest 0.3.1 schemas/filesystem.py content
BINARY_PLACEHOLDER = "[Binary file]"
_GITINGEST_SAMPLE = 1024  # gitingest's _CHUNK_SIZE: the bytes it test-decodes to call a file binary


@dataclass(frozen=True, slots=True)
class ToolText:
    """What the tool writes for a file: ``text``, or a stand-in (``placeholder``), or
    nothing (``text`` and ``placeholder`` both ``None``; ``reason`` says why).

    ``applied`` names the transformations that changed something, in order;
    ``leading_lines`` is how many lines the text lost at its start (``trim``), so line
    ``k`` of ``text`` is line ``k + leading_lines`` of the file."""

    text: str | None
    placeholder: str | None = None
    applied: tuple[str, ...] = ()
    reason: str | None = None
    leading_lines: int = 0


def tool_text(raw: bytes, path: str, tool: str, transformations: frozenset[str]) -> ToolText:
    """What ``tool``, applying ``transformations``, packs for a file of bytes ``raw`` at ``path``."""
    if "empty-as-placeholder" in transformations and raw == b"":
        return ToolText(None, EMPTY_PLACEHOLDER, ("empty-as-placeholder",))
    if "notebook-as-script" in transformations and path.endswith(".ipynb"):
        script = _t.notebook_as_script(raw)
        if script is None:
            return ToolText(None, reason=f"{path} is not a notebook {tool} can convert: it writes an error message")
        return ToolText(script, applied=("notebook-as-script",))
    if "binary-as-placeholder" in transformations and not _decodes(raw[:_GITINGEST_SAMPLE]):
        return ToolText(None, BINARY_PLACEHOLDER, ("binary-as-placeholder",))
    if tool == "repomix" and b"\x00" in raw:  # isbinaryfile: a NUL byte makes a file binary
        return ToolText(None, reason="the file holds NUL bytes: repomix leaves binary files out")
    applied: list[str] = []
    text = _decode(raw, tool, transformations, applied)
    if text is None:
        return ToolText(None, reason=f"the file is not UTF-8: {tool} packs no text for it")
    for name, step in (("bom-removed", _t.bom_removed), ("crlf-to-lf", _t.crlf_to_lf)):
        if name in transformations:
            text = _step(name, step, text, applied)
    leading = 0
    if "surrounding-whitespace-trimmed" in transformations:
        trimmed = _t.surrounding_whitespace_trimmed(text)
        if trimmed != text:
            applied.append("surrounding-whitespace-trimmed")
            head = len(text) - len(text.lstrip(_t.JS_WHITESPACE))
            leading = text.count("\n", 0, head)
            text = trimmed
    return ToolText(text, applied=tuple(applied), leading_lines=leading)


def _decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode(raw: bytes, tool: str, transformations: frozenset[str], applied: list[str]) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if "legacy-encoding-transcoded" in transformations:
        applied.append("legacy-encoding-transcoded")
        return _t.legacy_encoding_transcoded(raw)
    if "undecodable-bytes-dropped" in transformations:
        applied.append("undecodable-bytes-dropped")
        return _t.undecodable_bytes_dropped(raw)
    return None


def _step(name: str, step, text: str, applied: list[str]) -> str:
    changed = step(text)
    if changed != text:
        applied.append(name)
    return changed
