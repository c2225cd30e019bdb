"""Where two packs differ in what they carry: which file, which line — for any format
``packverify.readers`` reads.

A byte offset says little about a repomix XML or a files-to-prompt dump; a reader says
what is there. :func:`content_difference` reads both outputs in the format the first is
detected as and lists, in a fixed order: files only one of them packs (``removed``,
``added``), a file whose text differs (``text``, with the first differing line of both),
whose stated line range or mode differs (``range``, ``mode``), the same files in another
order (``order``, from the first position that differs), and — when every file is the
same — the first differing line outside the files (``outside``: a header, a tree, a
timestamp). Entries are matched by path and occurrence (a path packed twice is two
entries). :func:`diff_entries` does the same on entries already read (``packverify meta``
compares packs whose paths it has made relative), :func:`describe_change` says one change
in a sentence.

Deliberately left alone: whether either pack is valid (the oracles), JSON pointers (our
own JSON is compared by ``compare.json_diff``), and alignment of moved lines inside a
file (the first differing line is what a person needs to look).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import packverify.readers as readers
from packverify.readers.base import Locator
from packverify.readers.packverify_json import NAME as OUR_JSON  # compared by JSON pointer, not here
from packverify.repro.results import ContentDiff

CHANGES_SHOWN = 50  # changes listed per pair (all are counted)
LINE_CHARS = 160  # a line longer than this is abbreviated in a change
ORDER_SHOWN = 5  # paths shown on each side of an order change
_MAX_BYTES = 64 * 1024 * 1024  # beyond this, byte offsets only (reading would dominate the run)


class PackEntry(Protocol):
    """What a change is about: ``readers.PackedFile`` and meta's entries both have it."""

    path: str
    text: str | None
    start_line: int | None
    end_line: int | None
    mode: str


def _short(line: str | None) -> str | None:
    if line is None or len(line) <= LINE_CHARS:
        return line
    return f"{line[:LINE_CHARS]}… ({len(line)} characters)"


def _keyed(entries: Sequence[PackEntry]) -> list[tuple[tuple[str, int], PackEntry]]:
    seen: dict[str, int] = {}
    keyed = []
    for entry in entries:
        seen[entry.path] = seen.get(entry.path, 0) + 1
        keyed.append(((entry.path, seen[entry.path]), entry))
    return keyed


def _first_line_difference(a: str, b: str) -> tuple[int, str | None, str | None]:
    """1-based number of the first line where ``a`` and ``b`` differ, and both lines
    (``None`` where one text has no such line)."""
    lines_a, lines_b = a.split("\n"), b.split("\n")
    for number, (x, y) in enumerate(zip(lines_a, lines_b), 1):
        if x != y:
            return number, x, y
    number = min(len(lines_a), len(lines_b)) + 1
    return number, (lines_a[number - 1] if number <= len(lines_a) else None), (
        lines_b[number - 1] if number <= len(lines_b) else None)


def _range(entry: PackEntry) -> str | None:
    if entry.start_line is None and entry.end_line is None:
        return None
    return f"{entry.start_line}-{entry.end_line}"


def _entry_changes(path: str, x: PackEntry, y: PackEntry) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    if _range(x) != _range(y):
        changes.append({"kind": "range", "path": path, "a": _range(x), "b": _range(y)})
    if x.mode != y.mode:
        changes.append({"kind": "mode", "path": path, "a": x.mode, "b": y.mode})
    if x.text != y.text:
        if x.text is None or y.text is None:
            changes.append({"kind": "text", "path": path, "line": None,
                            "a": "(no text)" if x.text is None else "(text)",
                            "b": "(no text)" if y.text is None else "(text)"})
        else:
            line, first, second = _first_line_difference(x.text, y.text)
            changes.append({"kind": "text", "path": path, "line": line, "a": _short(first), "b": _short(second)})
    return changes


def _order_change(keys_a: list[tuple[str, int]], keys_b: list[tuple[str, int]]) -> dict[str, Any] | None:
    """The first position where the files both packs carry come in another order."""
    common = set(keys_a) & set(keys_b)
    seq_a = [k for k in keys_a if k in common]
    seq_b = [k for k in keys_b if k in common]
    position = next((i for i, (x, y) in enumerate(zip(seq_a, seq_b)) if x != y), None)
    if position is None:
        return None
    return {"kind": "order", "position": position + 1,
            "a": [k[0] for k in seq_a[position:position + ORDER_SHOWN]],
            "b": [k[0] for k in seq_b[position:position + ORDER_SHOWN]]}


def diff_entries(a: Sequence[PackEntry], b: Sequence[PackEntry], *, limit: int = CHANGES_SHOWN) -> ContentDiff:
    """Every difference between two packs' entries (module docstring), at most ``limit`` listed."""
    keyed_a, keyed_b = _keyed(a), _keyed(b)
    by_a, by_b = dict(keyed_a), dict(keyed_b)
    changes: list[dict[str, Any]] = []
    changes += [{"kind": "removed", "path": key[0]} for key, _ in keyed_a if key not in by_b]
    changes += [{"kind": "added", "path": key[0]} for key, _ in keyed_b if key not in by_a]
    for key, entry in keyed_a:
        if key in by_b:
            changes += _entry_changes(key[0], entry, by_b[key])
    order = _order_change([k for k, _ in keyed_a], [k for k, _ in keyed_b])
    if order is not None:
        changes.append(order)
    return ContentDiff(format="", changes=tuple(changes[:limit]), total=len(changes))


def _outside(text_a: str, text_b: str) -> dict[str, Any] | None:
    """The first differing line of two texts whose files are all equal."""
    offset = next((i for i, (x, y) in enumerate(zip(text_a, text_b)) if x != y), min(len(text_a), len(text_b)))
    if offset == len(text_a) == len(text_b):
        return None
    where = Locator(text_a)(offset)
    start = text_a.rfind("\n", 0, offset) + 1

    def line_of(text: str) -> str:
        end = text.find("\n", start)
        return text[start:] if end < 0 else text[start:end]

    return {"kind": "outside", "line": where.line, "column": where.column, "a": _short(line_of(text_a)),
            "b": _short(line_of(text_b))}


def content_difference(a: bytes, b: bytes, *, limit: int = CHANGES_SHOWN) -> ContentDiff | None:
    """How pack ``b`` differs from pack ``a`` in content, read in ``a``'s detected format;
    ``None`` when ``a`` is not a foreign pack format packverify reads (or is our JSON, or too large)."""
    if max(len(a), len(b)) > _MAX_BYTES:
        return None
    try:
        module = readers.detect(a)
    except (readers.UnknownFormat, readers.AmbiguousFormat):
        return None
    if module.NAME == OUR_JSON:
        return None
    pack_a, pack_b = readers.read(a, format=module.NAME), readers.read(b, format=module.NAME)
    diff = diff_entries(pack_a.files, pack_b.files, limit=limit)
    changes = list(diff.changes)
    if diff.total == 0:
        outside = _outside(pack_a.text, pack_b.text)
        changes = [outside] if outside else []
    return ContentDiff(format=module.NAME, changes=tuple(changes), total=max(diff.total, len(changes)))


def describe_change(change: dict[str, Any], names: tuple[str, str] = ("the first", "the second")) -> str:
    """One change as a sentence (text reports, meta's relation messages); ``names`` name the two packs."""
    kind, path = change["kind"], change.get("path")
    if kind == "removed":
        return f"{path} is packed only in {names[0]}"
    if kind == "added":
        return f"{path} is packed only in {names[1]}"
    if kind == "text":
        if change["line"] is None:
            return f"{path}: {change['a']} → {change['b']}"
        return f"{path}: the text differs from line {change['line']}: {change['a']!r} → {change['b']!r}"
    if kind in ("range", "mode"):
        return f"{path}: {'line range' if kind == 'range' else 'mode'} {change['a']} → {change['b']}"
    if kind == "order":
        return (f"the same files in another order from position {change['position']}: "
                f"{', '.join(change['a'])} → {', '.join(change['b'])}")
    return (f"every file is the same; outside the files, line {change['line']} column {change['column']} "
            f"differs: {change['a']!r} → {change['b']!r}")


def summarize(diff: ContentDiff, names: tuple[str, str] = ("the first", "the second"), shown: int = 2) -> str:
    """The first ``shown`` changes in a sentence, and how many more there are."""
    parts = [describe_change(c, names) for c in diff.changes[:shown]]
    more = diff.total - len(parts)
    return "; ".join(parts) + (f" (and {more} more difference(s))" if more > 0 else "")
