"""Any pack packverify reads → canonical packverify JSON (``packverify convert``).

Each file the pack holds becomes a chunk with a line range, real token counts, a
canonical id, its ``content_hash`` and the pack's ``manifest_digest``, written in RFC 8785
bytes by :mod:`packverify.packer.assemble` — so the output has no ``determinism``
finding. Line ranges, where the format has none, are recovered against ``repo`` (its
working tree, or ``rev``), exactly:

1. the packed text is what the tool writes for the repository's file (its documented
   transformations, :func:`~packverify.readers.tool_text.tool_text`): the transformation
   is undone — the chunk is the whole file, its own lines;
2. else the packed text is a run of whole lines of the file, as the tool writes them
   (line-preserving transformations only: not a notebook rendered as a script, not a lone
   CR): the chunk is those lines of the file;
3. else (no ``repo``, a path not in it, a text found nowhere) the chunk is the packed text
   itself as lines 1..N — said in a note, and ``check --repo`` then reports it.

A range the format states (PackRepo) is kept (a range its own text contradicts — a full
chunk of another number of lines — becomes the text's lines from the stated start, with a note); a full chunk the tool wrote as documented
gets the file's own lines. Left out, each with a note: entries holding a stand-in instead
of text, empty texts, files whose bytes are not UTF-8 (packverify JSON carries UTF-8 text
only), and a second entry of the same range. So a pack that passes ``check --repo``
converts into one that passes it too. Leaves alone: judging the input (``check`` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packverify import tokenizer as _tokenizer
from packverify.context import DEFAULT_TOKENIZER
from packverify.format import ZERO_COMMIT, count_lines, split_lines
from packverify.packer.assemble import Selection, assemble
from packverify.readers.base import FULL, ForeignPack, PackedFile, tokenizer_name
from packverify.readers.tool_text import ToolText, tool_text
from packverify.repo_source import RepoSource

MIN_BUDGET = 1000  # the schema's minimum target_budget


@dataclass(frozen=True)
class Conversion:
    """The converted pack's document and what could not be carried over exactly, and why."""

    document: dict
    notes: tuple[str, ...]
    source_format: str


def convert(pack: ForeignPack, *, repo: str | Path | None = None, rev: str | None = None,
            tokenizer: str | None = None, jobs: int = 1) -> Conversion:
    """Convert a read pack (``packverify.readers.read``). Raises
    :class:`~packverify.repo_source.RepoError` for a ``rev`` that is not in ``repo``."""
    source = RepoSource(Path(repo), rev) if repo is not None else None
    notes: list[str] = []
    try:
        selections = _selections(pack, source, notes)
    finally:
        if source is not None:
            source.close()
    name = tokenizer or _stated_tokenizer(pack) or DEFAULT_TOKENIZER
    counts = _tokenizer.count_many(_tokenizer.get_encoding(name), [s.content for s in selections], jobs=jobs)
    stated = [c.claimed for c in pack.all_claims() if c.kind == "budget" and isinstance(c.claimed, int)
              and not isinstance(c.claimed, bool)]
    target = max(MIN_BUDGET, stated[0] if stated else sum(counts))
    document = assemble(selections, target_budget=target, tokenizer=name, repo_path=".",
                        commit=source.commit if source is not None and source.commit else ZERO_COMMIT,
                        token_counts=counts,
                        extra_metadata={"x-converted-from": {"format": pack.format, "tool": pack.tool}})
    return Conversion(document, tuple(notes), pack.format)


def _stated_tokenizer(pack: ForeignPack) -> str | None:
    names = {c.tokenizer for c in pack.all_claims() if c.tokenizer}
    return tokenizer_name(names.pop()) if len(names) == 1 else None


def _selections(pack: ForeignPack, source: RepoSource | None, notes: list[str]) -> list[Selection]:
    out: list[Selection] = []
    seen: set[tuple[str, int, int]] = set()
    files: dict[str, bytes | None] = {}
    for entry in pack.files:
        path = pack.relative_path(entry)
        if entry.text is None:
            notes.append(f"{entry.path}: left out: the pack holds {entry.placeholder!r}, not its text")
            continue
        if not entry.text:
            notes.append(f"{entry.path}: left out: its packed text is empty (no lines to select)")
            continue
        if source is not None and path not in files:
            files[path] = source.read(path)
        data = files.get(path)
        selection = _selection(pack, entry, entry.text, path, data, notes, source is not None)
        if selection is None:
            continue
        key = (selection.file_path, selection.start_line, selection.end_line)
        if key in seen:
            notes.append(f"{entry.path}: left out: lines {key[1]}-{key[2]} are already converted (packed twice)")
            continue
        seen.add(key)
        out.append(selection)
    return out


def _selection(pack: ForeignPack, entry: PackedFile, text: str, path: str, data: bytes | None, notes: list[str],
               repo_given: bool) -> Selection | None:
    """``text`` is ``entry.text``, known not to be ``None`` (stand-ins are left out before)."""
    whole = Selection(path, 1, count_lines(text), text, entry.mode)
    stated = _stated_range(entry, text, notes)
    if data is None:
        if stated is not None:
            return Selection(path, stated[0], stated[1], text, entry.mode)
        why = "not a file in the repository" if repo_given else "no --repo to recover its range from"
        notes.append(f"{entry.path}: lines 1-{whole.end_line} of its packed text ({why})")
        return whole
    try:
        file_text = data.decode("utf-8")
    except UnicodeDecodeError:
        notes.append(f"{entry.path}: left out: the repository's file is not UTF-8, and packverify JSON carries "
                     "UTF-8 text only")
        return None
    wanted = tool_text(data, path, pack.tool, pack.transformations)
    if stated is not None:
        return _ranged(entry, text, stated[0], stated[1], path, file_text, wanted)
    if entry.mode != FULL:
        return Selection(path, 1, max(1, count_lines(file_text)), text, entry.mode)
    if text == wanted.text:
        return Selection(path, 1, count_lines(file_text), file_text) if file_text else None
    found = _located(text, file_text, wanted)
    if found is not None:
        return Selection(path, found[0], found[1], "".join(split_lines(file_text)[found[0] - 1:found[1]]))
    notes.append(f"{entry.path}: its packed text is not the repository's file nor lines of it: lines "
                 f"1-{whole.end_line} of the packed text (check --repo reports the difference)")
    return whole


def _stated_range(entry: PackedFile, text: str, notes: list[str]) -> tuple[int, int] | None:
    """The range the format states for ``entry``, or ``None`` when it states none. A stated
    range its own text contradicts (a full chunk of another number of lines, a start before
    line 1, an end before the start) cannot be carried over as it is — packverify JSON would
    fail its own structure — so the text's lines from the stated start are kept, with a note
    (``check`` reports the pack's false claim)."""
    start, end = entry.start_line, entry.end_line
    if start is None or end is None:
        return None
    first = max(1, start)
    last = first + count_lines(text) - 1 if entry.mode == FULL else max(first, end)
    if (first, last) != (start, end):
        notes.append(f"{entry.path}: the pack states lines {start}-{end}, its text is lines {first}-{last}: "
                     f"converted as lines {first}-{last}")
    return first, last


def _ranged(entry: PackedFile, text: str, start: int, end: int, path: str, file_text: str,
            wanted: ToolText) -> Selection:
    """A range the format states (``start``..``end`` of ``text``, the entry's own): a full chunk
    written as documented gets the file's own lines."""
    if entry.mode == FULL and wanted.text is not None:
        tool_lines, file_lines = split_lines(wanted.text), split_lines(file_text)
        if end <= len(tool_lines) and "".join(tool_lines[start - 1:end]) == text and \
                len(tool_lines) == len(file_lines):
            return Selection(path, start, end, "".join(file_lines[start - 1:end]))
    return Selection(path, start, end, text, entry.mode)


def _located(text: str, file_text: str, wanted: ToolText) -> tuple[int, int] | None:
    """The file's lines (first, last) that the tool writes as ``text``, when ``text`` is a run
    of whole lines of the file as the tool writes it and the tool keeps lines in place."""
    if wanted.text is None or "notebook-as-script" in wanted.applied or _lone_cr(file_text):
        return None
    reference = wanted.text
    position = reference.find(text)
    while position >= 0:
        at_start = position == 0 or reference[position - 1] == "\n"
        at_end = text.endswith("\n") or position + len(text) == len(reference)
        if at_start and at_end:
            first = reference.count("\n", 0, position) + 1 + wanted.leading_lines
            return first, first + count_lines(text) - 1
        position = reference.find(text, position + 1)
    return None


def _lone_cr(text: str) -> bool:
    return "\r" in text.replace("\r\n", "")

