"""What the oracles judge when a pack is not packverify JSON: a :class:`ForeignView` of
what a reader (:mod:`packverify.readers`) read, with the services every oracle shares.

An oracle judges a foreign pack through its ``check_foreign(view, ctx)`` and says what it
needs through ``requires_foreign(view, ctx)`` — a reason to be ``skipped`` ("repomix
output (repomix-xml) states no token counts"), never a pass. The view gives them:

* the files, each with its path relative to the repository (``relative``) and the place in
  the pack file of any of its lines (``line_location``);
* every claim the format makes, those of a ``--claims`` file included, and
  :func:`judge_claim` — recomputed with the real tokenizer, compared by the claim's
  relation (``==``, or ``>=`` for a bound);
* the real token count of any text, counted once (``count_tokens``; a whole pack on
  several threads, exactly: :mod:`packverify.text_tokens`);
* the repository to compare with (``--repo``, ``--rev``): :class:`~packverify.repo_source.RepoSource`.

:func:`open_foreign` decides from a file's content whether it is packverify JSON (then the
JSON engine judges it, as it always did) or which format it is. Leaves alone: every
judgement (the oracles) and reading the formats (the readers).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import packverify.readers as readers
from packverify import tokenizer as _tokenizer
from packverify.context import Context
from packverify.model import Finding, Location
from packverify.readers import scribe_stats
from packverify.readers.base import Claim, ForeignPack, PackedFile
from packverify.readers.packverify_json import NAME as JSON_FORMAT
from packverify.repo_source import RepoSource
from packverify.text_tokens import count_text

RATIO_TOLERANCE = 1e-9  # a ratio a format states is a float division: equal to float noise, not rounding


class ClaimsError(Exception):
    """``--claims`` cannot be used with this pack (exit 2 in the CLI)."""


class TokenServices:
    """``readers.Services``: the real tokenizer, each text counted once per tokenizer."""

    def __init__(self, ctx: Context) -> None:
        self.tokenizer = ctx.tokenizer_name
        self._counter_for = ctx.counter_for
        self._jobs = max(1, ctx.jobs)
        self._memo: dict[tuple[str, str], int] = {}

    def count_tokens(self, text: str, tokenizer: str) -> int:
        key = (tokenizer, text)
        if key not in self._memo:
            self._memo[key] = count_text(self._counter_for(tokenizer), text, jobs=self._jobs)
        return self._memo[key]

    def prime(self, texts: list[str], tokenizer: str) -> None:
        """Count many texts at once, on the run's threads (per-chunk claims)."""
        todo = list(dict.fromkeys(t for t in texts if (tokenizer, t) not in self._memo))
        for text, n in zip(todo, self._counter_for(tokenizer).count_many(todo, jobs=self._jobs)):
            self._memo[(tokenizer, text)] = n


@dataclass(frozen=True, slots=True)
class StatedClaim:
    """A claim and the file that states it (``None``: the pack itself)."""

    claim: Claim
    origin: str | None = None


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """A claim judged: ``holds`` is ``None`` when it could not be recomputed (``reason`` says why)."""

    holds: bool | None
    value: Any = None
    reason: str | None = None


@dataclass
class ForeignView:
    """A read foreign pack, and what every oracle needs to judge it."""

    pack: ForeignPack
    path: str
    sha256: str
    size: int
    counter: TokenServices
    repo: RepoSource | None = None
    extra_claims: list[StatedClaim] = field(default_factory=list)
    extra_findings: list[tuple[str, Finding]] = field(default_factory=list)  # (origin file, finding)
    _line_starts: list[int] | None = None
    _verbatim: dict[Location, bool] = field(default_factory=dict)

    @property
    def noun(self) -> str:
        """How reasons and messages name the pack: ``repomix output (repomix-xml)``."""
        return f"{self.pack.tool} output ({self.pack.format})"

    @property
    def files(self) -> list[PackedFile]:
        return self.pack.files

    def relative(self, entry: PackedFile) -> str:
        return self.pack.relative_path(entry)

    @property
    def not_a_pack(self) -> str | None:
        """Why the input holds no files to judge although it reads: it describes a pack."""
        if self.pack.format == scribe_stats.NAME:
            return f"{self.noun} describes a pack but holds none (check that pack with --claims {self.path})"
        return None

    def unparsed_text(self) -> str:
        """The pack's text as its reader decoded it, for judging a pack it could not read."""
        return self.pack.text

    @property
    def unreadable(self) -> str | None:
        """Why nothing but ``parse`` can judge the pack: the reader could not read it as its format."""
        if any(f.code.startswith("parse.") and f.code != "parse.invalid-utf8" for f in self.pack.findings):
            return f"the file could not be read as {self.pack.format} (see parse findings)"
        return None

    def reader_findings(self, prefix: str) -> list[Finding]:
        """The readers' findings whose code starts with ``prefix``: the pack's, located in it;
        then the ``--claims`` file's, named in their message (their place is in that file)."""
        own = [f for f in self.pack.findings if f.code.startswith(prefix)]
        other = [Finding(f.code, (), f"in {origin}{f' at {f.location}' if f.location else ''}: {f.message}",
                         f.expected, f.actual) for origin, f in self.extra_findings if f.code.startswith(prefix)]
        return own + other

    def claims(self, *kinds: str) -> list[StatedClaim]:
        """Every claim of these kinds: the pack's, then the ``--claims`` file's."""
        own = [StatedClaim(c) for c in self.pack.all_claims() if c.kind in kinds]
        return own + [s for s in self.extra_claims if s.claim.kind in kinds]

    def judge(self, stated: StatedClaim) -> ClaimVerdict:
        return judge_claim(stated.claim, self.counter)

    def unjudgeable(self, what: str, *kinds: str) -> str | None:
        """Why no claim of these kinds can be judged (``what`` names them: "token counts"), or ``None``."""
        stated = self.claims(*kinds)
        if not stated:
            return f"{self.noun} states no {what}"
        if all(s.claim.recompute is None for s in stated):
            hint = " (check the pack it describes with --claims)" if self.pack.format == scribe_stats.NAME else ""
            return f"{self.noun} states {what} that cannot be recomputed from it alone{hint}"
        return None

    def false_claims(self, *kinds: str) -> Iterator[tuple[StatedClaim, Any, Location | None, str]]:
        """(claim, its recomputed value, where the finding goes, a note naming another file)
        for every claim of these kinds that does not hold. Claims the pack alone cannot
        recompute are not judged."""
        for stated in self.claims(*kinds):
            verdict = self.judge(stated)
            if verdict.holds is False:
                yield (stated, verdict.value, *self.claim_place(stated))

    def claim_place(self, stated: StatedClaim) -> tuple[Location | None, str]:
        """Where a finding about a claim goes, and how its message says where the claim is:
        a claim of another file (``--claims``) is named by that file, not located in the pack."""
        where = stated.claim.location
        if stated.origin is None:
            return where, ""
        return None, f" (stated in {stated.origin}{f' at {where}' if where else ''})"

    def line_location(self, entry: PackedFile, line: int) -> Location:
        """Where line ``line`` (1-based) of ``entry``'s text is in the pack file."""
        if entry.text is None or entry.text_location is None:
            return entry.location
        return self.text_line_location(entry.text, entry.text_location, line)

    def text_line_location(self, text: str, start: Location, line: int) -> Location:
        """Where line ``line`` of ``text``, which begins at ``start`` of the pack, is: exact
        when the pack holds the text verbatim, else where the text begins (escaped formats)."""
        if line <= 1:
            return start
        if start not in self._verbatim:
            self._verbatim[start] = self.pack.text.startswith(text, self._offset(start))
        return Location(start.line + line - 1, 1) if self._verbatim[start] else start

    def _offset(self, location: Location) -> int:
        if self._line_starts is None:  # built once, only when a finding needs a line
            text, starts = self.pack.text, [0]
            found = text.find("\n")
            while found >= 0:
                starts.append(found + 1)
                found = text.find("\n", found + 1)
            self._line_starts = starts
        line = min(location.line, len(self._line_starts))
        return self._line_starts[line - 1] + location.column - 1

    def close(self) -> None:
        if self.repo is not None:
            self.repo.close()


def judge_claim(claim: Claim, services: TokenServices) -> ClaimVerdict:
    """Recompute ``claim`` and compare it with what is claimed, by its relation."""
    if claim.recompute is None:
        return ClaimVerdict(None, reason=f"{claim.subject} cannot be recomputed from the pack alone")
    try:
        value = claim.recompute(services)
    except _tokenizer.TokenizerUnavailable as exc:
        return ClaimVerdict(None, reason=f"{claim.subject}: {exc}")
    claimed = claim.claimed
    if claim.relation == ">=":
        return ClaimVerdict(_number(claimed) and claimed >= value, value)
    if claim.kind == "ratio" and _number(claimed) and _number(value):
        return ClaimVerdict(abs(claimed - value) <= RATIO_TOLERANCE, value)
    return ClaimVerdict(_same(claimed, value), value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(claimed: Any, value: Any) -> bool:
    """Equal as JSON values: ``true`` is not ``1``, ``2.0`` is ``2``."""
    if isinstance(claimed, bool) or isinstance(value, bool):
        return type(claimed) is type(value) and claimed == value
    return claimed == value


def choose_reader(head: bytes, path: str, forced: str | None) -> ModuleType | None:
    """The reader for a file beginning with ``head``; ``None`` for packverify JSON.

    Raises :class:`readers.UnknownFormat` / :class:`readers.AmbiguousFormat`. A ``.json``
    file no reader recognises is packverify JSON, so a broken pack gets its ``parse``
    findings (exit 1) as it always did; any other unrecognised file is unknown (exit 2)."""
    if forced is not None:
        if forced not in readers.READERS:
            raise readers.UnknownFormat(f"unknown input format {forced!r} (formats: {', '.join(readers.FORMATS)})")
        return None if forced == JSON_FORMAT else readers.READERS[forced]
    try:
        module = readers.detect(head)
    except readers.UnknownFormat:
        if path.lower().endswith(".json"):
            return None
        raise
    return None if module.NAME == JSON_FORMAT else module


def open_foreign(path: str, ctx: Context, *, max_bytes: int) -> ForeignView | None:
    """The view of the pack file at ``path``, or ``None`` when it is packverify JSON (or too
    large: the JSON engine reports ``parse.too-large``). Raises ``OSError`` when it cannot be
    read, :class:`readers.UnknownFormat`/:class:`readers.AmbiguousFormat`, :class:`ClaimsError`
    and :class:`~packverify.repo_source.RepoError`."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > max_bytes:
            return None
        head = handle.read(readers.HEAD_BYTES)
        module = choose_reader(head, path, ctx.input_format)
        if module is None:  # packverify JSON: only its head was read here
            return None
        raw = head + handle.read()
    return view_of(raw, path, ctx, module.NAME)


def view_of(raw: bytes, path: str, ctx: Context, format_name: str) -> ForeignView:
    """The view of ``raw`` read as ``format_name`` (forced or detected)."""
    forced = ctx.input_format == format_name
    pack = readers.read(raw, path, format=format_name) if forced else readers.READERS[format_name].read(raw, path=path)
    view = ForeignView(pack, path, hashlib.sha256(raw).hexdigest(), len(raw), TokenServices(ctx))
    if ctx.claims is not None:
        _bind_claims(view, Path(ctx.claims))
    if ctx.repo is not None and Path(ctx.repo).is_dir():
        view.repo = RepoSource(Path(ctx.repo), ctx.rev)
    return view


def _bind_claims(view: ForeignView, claims: Path) -> None:
    if view.pack.format != "scribe":
        raise ClaimsError(f"--claims pairs a scribe --stats output with its scribe pack; {view.path} is "
                          f"{view.pack.format}")
    try:
        raw = claims.read_bytes()
    except OSError as exc:
        raise ClaimsError(f"--claims {claims}: cannot read: {exc.strerror or exc}") from exc
    stats = readers.read(raw, str(claims), format=scribe_stats.NAME)
    view.extra_findings.extend((str(claims), f) for f in stats.findings)
    view.extra_claims.extend(StatedClaim(c, str(claims)) for c in scribe_stats.bind(stats, view.pack))
