"""Any pack, in any format packverify reads: the files it holds and whether it is valid.

What ``meta`` and ``repro`` compare packer outputs through, so a packer that writes
repomix XML or pretty-printed JSON is judged on what it packed, not on its bytes:
:func:`read_contents` gives every entry (repository-relative path, line range when the
format states one, mode, text or stand-in) and the full ``check`` of the pack (every
oracle; ``source``/``coverage`` only with ``context.repo``) — validity reported once,
apart from any relation: errors make it invalid, warnings never do.

Leaves alone: what to compare (the relations) and how packers are run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import packverify.readers as readers
from packverify.context import Context
from packverify.engine import check_foreign, check_loaded, select_oracles
from packverify.foreign_view import JSON_FORMAT, choose_reader, view_of
from packverify.load import parse_bytes
from packverify.model import Finding, PackReport, Severity


@dataclass(frozen=True, slots=True)
class PackedEntry:
    """One file (or chunk) a pack holds. ``path`` is relative to the repository
    (files-to-prompt's ``./`` removed); ``text`` is ``None`` when the pack holds a stand-in
    (``placeholder``) instead."""

    path: str
    start_line: int | None
    end_line: int | None
    mode: str
    text: str | None
    placeholder: str | None = None


@dataclass(frozen=True, slots=True)
class PackContents:
    """What a pack holds (``entries``, in the pack's order) and its check (``report``)."""

    format: str
    tool: str
    entries: tuple[PackedEntry, ...]
    report: PackReport

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.report.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.report.findings if f.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        """No error (warnings and infos never make a pack invalid)."""
        return not self.errors

    def files(self) -> dict[str, str | None]:
        """path → the text of its entries joined in line order (``None`` if any holds a stand-in)."""
        parts: dict[str, list[PackedEntry]] = {}
        for entry in self.entries:
            parts.setdefault(entry.path, []).append(entry)
        out: dict[str, str | None] = {}
        for path, entries in parts.items():
            entries.sort(key=lambda e: e.start_line or 0)
            texts = [e.text for e in entries if e.text is not None]
            out[path] = "".join(texts) if len(texts) == len(entries) else None
        return out


def read_contents(raw: bytes, path: str = "<bytes>", *, input_format: str | None = None,
                  context: Context | None = None, only: Iterable[str] | None = None,
                  skip: Iterable[str] | None = None) -> PackContents:
    """Read and check a pack's bytes (detected from the content, or ``input_format``).

    Raises :class:`readers.UnknownFormat` / :class:`readers.AmbiguousFormat` when the format
    cannot be told (a ``.json`` ``path`` no reader recognises is packverify JSON, whose
    parse findings then say what is wrong), and :class:`~packverify.repo_source.RepoError`
    for a ``context.rev`` not in ``context.repo``. Never raises on the content itself."""
    ctx = context or Context()
    oracles = select_oracles(only, skip)
    module = choose_reader(raw[:readers.HEAD_BYTES], path, input_format)
    if module is None:
        report = check_loaded(parse_bytes(raw, path=path), ctx, oracles)
        pack = readers.READERS[JSON_FORMAT].read(raw, path=path)
    else:
        ctx.input_format = input_format
        view = view_of(raw, path, ctx, module.NAME)
        try:
            report = check_foreign(view, ctx, oracles)
        finally:
            view.close()
        pack = view.pack
    entries = tuple(PackedEntry(pack.relative_path(e), e.start_line, e.end_line, e.mode, e.text, e.placeholder)
                    for e in pack.files)
    return PackContents(pack.format, pack.tool, entries, report)
