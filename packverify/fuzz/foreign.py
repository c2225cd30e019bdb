"""The reader targets (one per foreign format, ``read_<format>``) and the ``convert``
round-trip target: bytes in, the real readers run, :class:`FuzzFailure` when a property
fails; any other exception is a crash.

An input that the format's own ``sniff`` recognises (the recorded outputs of the real
tools in the seed corpus, and libFuzzer's byte-level edits of them) is read as it is;
anything else drives a ``FuzzedDataProvider`` that builds a document of the format from
files and damages it (:mod:`packverify.fuzz.documents`). Properties, for every input:

* ``readers.read(raw, format=F)`` never raises, and detection raises only
  ``UnknownFormat``/``AmbiguousFormat``;
* every location (findings, files, the first character of each file's text, claims,
  metadata) is inside the input; a finding without a location has a JSON pointer
  (packverify's own JSON); where the format writes content verbatim, each file's text is
  found at its ``text_location``;
* reading is deterministic (twice, the same result) and every claim's ``recompute``
  runs (with the real tokenizer);
* for an undamaged document whose files the format can carry, the reader gives the files
  back (after the tool's transformations) with no finding — the round trip.

``convert``: read → ``packverify.convert`` → check. Skipped (``Target.requires``) until
that module exists; the interface it expects is :func:`convert_pack`'s.

Leaves alone: whether a finding is the right one for a given defect (tests/readers).
"""

from __future__ import annotations

import importlib
import time
from collections import Counter
from typing import Any

import packverify.readers as readers
from packverify.fuzz import documents
from packverify.fuzz.targets import TIME_LIMIT, _provider, _raise, _report_problems
from packverify.model import Finding, Location, Severity
from packverify.readers.codes import CODES as READER_CODES

_STATS_CLAIMS = ("total_tokens", "files_included", "overflow_tokens", "budget_utilization")
# Formats whose files' text stands in the input character for character (no escaping).
_VERBATIM = frozenset({"repomix-markdown", "repomix-plain", "gitingest", "files-to-prompt", "files-to-prompt-cxml",
                       "files-to-prompt-markdown", "scribe", "packrepo"})


class _NoTokenizer(LookupError):
    """A claim names a tokenizer packverify has no vocabulary for: the oracle skips it."""


class _Services:
    """What a claim's ``recompute`` may ask for: the real tokenizer (cl100k by default)."""

    tokenizer = "cl100k"

    def count_tokens(self, text: str, tokenizer: str) -> int:
        from packverify.tokenizer import count, get_encoding

        if tokenizer not in ("cl100k", "o200k"):
            raise _NoTokenizer(tokenizer)
        return count(get_encoding(tokenizer), text)


# --------------------------------------------------------------------------- locations

class _Lines:
    """Line starts of a text, for turning a Location back into an offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def offset(self, where: Location) -> int | None:
        """The offset of ``where``, or None when it is not inside the text."""
        if not 1 <= where.line <= len(self.starts):
            return None
        start = self.starts[where.line - 1]
        end = self.starts[where.line] - 1 if where.line < len(self.starts) else len(self.text)
        if not 1 <= where.column <= end - start + 1:
            return None
        return start + where.column - 1

    def __contains__(self, where: Location) -> bool:
        return self.offset(where) is not None


def _located(pack: readers.ForeignPack) -> list[str]:
    """Every location the pack reports, inside its text."""
    lines = _Lines(pack.text)
    problems = []
    for f in pack.findings:
        if f.location is None and pack.format != "packverify-json":  # JSON packs: located by pointer
            problems.append(f"{f.code} has no location")
        elif f.location is not None and f.location not in lines:
            problems.append(f"{f.code} at {f.location}: outside the input ({len(lines.starts)} lines)")
        if f.code not in READER_CODES and f.code not in readers.REUSED and not f.code.startswith("parse."):
            problems.append(f"{f.code} is no reader code")
    for entry in pack.files:
        for name, where in (("location", entry.location), ("text_location", entry.text_location)):
            if where is not None and where not in lines:
                problems.append(f"file {entry.index} ({entry.path!r}) {name} {where}: outside the input")
    for claim in pack.all_claims():
        if claim.location is not None and claim.location not in lines:
            problems.append(f"claim {claim.subject!r} at {claim.location}: outside the input")
    for label, _, where in pack.metadata:
        if where not in lines:
            problems.append(f"metadata {label!r} at {where}: outside the input")
    return problems


def _verbatim(pack: readers.ForeignPack) -> list[str]:
    """Where the format writes content verbatim, each file's text starts at its text_location."""
    if pack.format not in _VERBATIM and not (pack.format == "repomix-xml"
                                             and not pack.text.lstrip().startswith("<repomix>")):
        return []
    lines = _Lines(pack.text)
    problems = []
    for entry in pack.files:
        if entry.text is None or entry.text_location is None:
            continue
        offset = lines.offset(entry.text_location)
        if offset is not None and not pack.text.startswith(entry.text, offset):
            problems.append(f"file {entry.index} ({entry.path!r}): its text is not at its text_location "
                            f"{entry.text_location}")
    return problems


# --------------------------------------------------------------------------- the reader targets

def _snapshot(pack: readers.ForeignPack) -> str:
    """Everything a reader returns, comparable (repr: NaN claims compare equal to themselves)."""
    return repr((pack.format, pack.tool, pack.tool_version, pack.text, pack.files, pack.claims, pack.metadata,
                 pack.findings, sorted(pack.transformations)))


def _recompute(pack: readers.ForeignPack) -> None:
    services = _Services()
    for claim in pack.all_claims():
        if claim.recompute is not None:
            try:
                claim.recompute(services)
            except _NoTokenizer:
                pass


def _detect(raw: bytes) -> None:
    try:
        readers.read(raw, "fuzz")
    except (readers.UnknownFormat, readers.AmbiguousFormat):
        pass


def _as_pairs(pack: readers.ForeignPack) -> list[tuple[str, str | None]]:
    return [(e.path, e.text if e.text is not None else e.placeholder) for e in pack.files]


def _round_trip(pack: readers.ForeignPack, expected: documents.Files) -> list[str]:
    problems = []
    got = _as_pairs(pack)
    if got != expected:
        first = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
        problems.append(f"round trip: {len(expected)} file(s) written, {len(got)} read; first difference at file "
                        f"{first}: wrote {expected[first] if first < len(expected) else None!r:.200}, "
                        f"read {got[first] if first < len(got) else None!r:.200}")
    if pack.findings:
        problems.append("round trip: findings on a well-formed document: "
                        + "; ".join(f"{f.code} at {f.location}: {f.message}" for f in pack.findings[:3]))
    return problems


def foreign_input(fmt: str, data: bytes) -> tuple[bytes, Any]:
    """The input a ``read_<fmt>`` target reads, and what reading it must give back
    (files; for ``scribe-stats`` the ``finalized_pack`` values) or None."""
    module = readers.READERS[fmt]
    if module.sniff(data[:readers.HEAD_BYTES]) > 0:
        return data, None
    fdp = _provider(data)
    if fmt == "scribe-stats":
        return documents.stats_document(fdp)
    built = documents.document(fdp, fmt)
    if built.expected is not None and module.sniff(built.raw[:readers.HEAD_BYTES]) <= 0:
        # Detection is a heuristic (a files-to-prompt pack whose first path begins with '<' or
        # '#' does not look like one); forcing the format then adds parse.not-this-format, so
        # the round trip is promised only for documents the format recognises as its own.
        return built.raw, None
    return built.raw, built.expected


def _stated(pack: readers.ForeignPack, values: dict) -> list[str]:
    """The statistics' ``finalized_pack`` values written are the claims read (repr: NaN, types)."""
    stated = {c.subject.rsplit(".", 1)[-1]: repr(c.claimed) for c in pack.claims}
    wanted = {k: repr(v) for k, v in values.items() if k in _STATS_CLAIMS}
    if stated != wanted:
        return [f"statistics: wrote {wanted!r:.200}, read claims {stated!r:.200}"]
    return []


def read_foreign(fmt: str, data: bytes) -> None:
    """The reader target of one format (``Target.argument``)."""
    started = time.perf_counter()
    raw, expected = foreign_input(fmt, data)
    pack = readers.read(raw, "fuzz.pack", format=fmt)
    problems = _located(pack) + _verbatim(pack)
    if _snapshot(readers.read(raw, "fuzz.pack", format=fmt)) != _snapshot(pack):
        problems.append("reading the same bytes twice gave different results")
    _recompute(pack)
    _detect(raw)
    if isinstance(expected, dict):
        problems += _stated(pack, expected)
    elif expected is not None:
        problems += _round_trip(pack, expected)
    _raise(f"read {fmt}", problems, started, lambda: read_foreign(fmt, data), limit=TIME_LIMIT["read"])


# --------------------------------------------------------------------------- convert

CONVERT_MODULE = "packverify.convert"
_CONVERTIBLE = tuple(f for f in documents.WRITERS if f != "packverify-json")


def convert_pack(pack: readers.ForeignPack, tokenizer: str) -> bytes:
    """What ``packverify convert`` writes for ``pack``: ``packverify.convert.convert`` (no
    repository: the packed texts as they are) serialised as the CLI does it."""
    from packverify.packer.assemble import serialize

    module = importlib.import_module(CONVERT_MODULE)
    return serialize(module.convert(pack, tokenizer=tokenizer).document)


def _errors(findings: list[Finding]) -> list[Finding]:
    """Reader findings that make a pack unconvertible (everything but warnings)."""
    return [f for f in findings if READER_CODES.get(f.code) is None or READER_CODES[f.code].severity is not
            Severity.WARNING]


def _overlap_of_the_input(raw: bytes, fmt: str) -> list[str]:
    """The overlap findings of the foreign pack itself (checked as a foreign pack): where
    it packs a file twice, its conversion does too, and says so."""
    from packverify.context import Context
    from packverify.engine import check_foreign
    from packverify.foreign_view import view_of

    ctx = Context(input_format=fmt)
    return [f.code for f in check_foreign(view_of(raw, "fuzz.pack", ctx, fmt), ctx, ("overlap",)).findings]


def _texts_kept(pack: readers.ForeignPack, document: Any) -> list[str]:
    """Every text the foreign pack holds is in the converted pack under its path; a
    placeholder (``[Empty file]``, ``[Binary file]``: the file's text is not in the pack)
    is left out, as convert documents, and a file packed twice holds each of its texts."""
    held: dict[str, str] = {}
    for chunk in document.get("chunks", []):
        held[chunk.get("file_path")] = held.get(chunk.get("file_path"), "") + (chunk.get("content") or "")
    entries = [(e.path, e.text) for e in pack.files if e.text is not None]
    twice = {path for path, count in Counter(p for p, _ in entries).items() if count > 1}
    lost = [path for path, text in entries if text and (
        text not in held.get(path, "") if path in twice else held.get(path) != text)]
    return [f"convert lost or changed the text of {lost[:3]}"] if lost else []


def convert_round_trip(data: bytes) -> None:
    """A document of any format → read → convert → parse and check: the converted pack is
    canonical, checks cleanly of its own structure, and holds the files' texts."""
    from packverify.context import Context
    from packverify.engine import check_loaded
    from packverify.load import parse_bytes
    from packverify.oracles import NAMES

    started = time.perf_counter()
    fdp = _provider(data)
    fmt = _CONVERTIBLE[fdp.ConsumeIntInRange(0, len(_CONVERTIBLE) - 1)]
    tokenizer = ("cl100k", "o200k")[fdp.ConsumeIntInRange(0, 1)]
    built = documents.document(fdp, fmt)
    pack = readers.read(built.raw, "fuzz.pack", format=fmt)
    if _errors(pack.findings):
        return  # an unreadable pack is convert's refusal to make, not a round trip
    raw = convert_pack(pack, tokenizer)
    loaded = parse_bytes(raw, path="converted.pack.json")
    report = check_loaded(loaded, Context(), NAMES)
    problems = _report_problems(report, loaded.document)
    if loaded.findings or not loaded.canonical:
        problems.append("the converted pack is not canonical JSON: " + "; ".join(f.code for f in loaded.findings))
    faithful_overlap = _overlap_of_the_input(built.raw, fmt)  # a file packed twice stays twice
    wrong = [f.code for f in report.findings if f.oracle in ("schema", "determinism", "integrity")
             or (f.oracle == "overlap" and not faithful_overlap)]
    if wrong:
        problems.append(f"the converted pack fails its own structure: {sorted(set(wrong))}")
    if built.expected is not None and isinstance(loaded.document, dict):
        problems.extend(_texts_kept(pack, loaded.document))
    _raise("convert", problems, started, lambda: convert_round_trip(data))
