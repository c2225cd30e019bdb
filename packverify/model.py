"""The values packverify passes around: findings, oracle results, reports.

Everything here is plain data — frozen dataclasses and enums — with a total sort
order so that output never depends on dict or set iteration order.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from packverify._version import tool_info
from packverify.pointer import sort_key, to_pointer


class Severity(enum.StrEnum):
    """How much a finding weighs: an error fails the verdict, a warning only under
    ``--strict``, an info never (it lists what a user may want to know, such as the files
    a pack leaves out: ``coverage``)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Status(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIPPED = "skipped"


class Verdict(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"


class _Unset:
    """Marks ``expected``/``actual`` as not applicable (rendered as ``null``)."""

    def __repr__(self) -> str:
        return "UNSET"

    def __reduce__(self) -> str:
        return "UNSET"  # one sentinel across processes (packverify.parallel pickles findings)


UNSET: Any = _Unset()


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in the pack file itself: 1-based ``line`` and ``column`` (in characters).

    JSON packs are located by their JSON pointer; text formats (repomix, gitingest, …)
    have no pointer, so their findings carry where in the input the problem is."""

    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"

    def to_dict(self) -> dict[str, int]:
        return {"line": self.line, "column": self.column}


@dataclass(frozen=True, slots=True, order=True)
class SourceLocation:
    """Where in the *repository* a finding about a chunk's content lands: the chunk's
    ``file_path`` and its line range. SARIF and GitHub annotations point there, so an
    alert shows on the source line, with the pack location as a related location."""

    file_path: str
    start_line: int
    end_line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"file_path": self.file_path, "start_line": self.start_line, "end_line": self.end_line}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with a pack, at one place.

    ``path`` is the location as a tuple of keys and indexes; ``pointer`` renders it.
    ``oracle`` and ``severity`` are stamped by the engine from the oracle's ``CODES``.
    """

    code: str
    path: tuple
    message: str
    expected: Any = UNSET
    actual: Any = UNSET
    severity: Severity | None = None
    oracle: str = ""
    location: Location | None = None  # where in the pack file, for formats without pointers
    source: SourceLocation | None = None  # where in the repository, for findings about a chunk (engine-stamped)

    @property
    def pointer(self) -> str:
        return to_pointer(self.path)

    def fails_verdict(self, strict: bool) -> bool:
        """Whether this finding fails the verdict: an error always, a warning only under
        ``--strict`` (docs/contract.md §2), an info never. The engine's verdict and every report use this."""
        if self.severity is Severity.INFO:
            return False
        return self.severity is Severity.ERROR or strict

    def to_dict(self) -> dict[str, Any]:
        out = {
            "oracle": self.oracle,
            "code": self.code,
            "severity": self.severity.value if self.severity else None,
            "pointer": self.pointer,
            "message": self.message,
            "expected": None if self.expected is UNSET else self.expected,
            "actual": None if self.actual is UNSET else self.actual,
        }
        if self.location is not None:
            out["location"] = self.location.to_dict()
        if self.source is not None:
            out["source"] = self.source.to_dict()
        return out


@dataclass(frozen=True)
class Code:
    """A finding code's documentation (an oracle's ``CODES``, the readers' codes); doubles
    as SARIF rule metadata."""

    title: str
    severity: Severity
    why: str
    example: str = ""


@dataclass(frozen=True, slots=True)
class OracleResult:
    """What one oracle concluded about one pack: pass, fail or skipped (with why)."""

    name: str
    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str | None = None
    ignored: int = 0  # findings of codes the user ignored (--ignore); listed in PackReport.ignored
    applies: bool = True  # False: skipped because the oracle does not judge this kind of pack (--require all spares it)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status.value, "findings": len(self.findings)}
        if self.reason is not None:
            out["reason"] = self.reason
        if self.ignored:
            out["ignored"] = self.ignored
        return out


@dataclass(frozen=True, slots=True)
class PackReport:
    """The verdict on one pack file, with every oracle's result."""

    path: str
    sha256: str | None
    verdict: Verdict
    oracles: dict[str, OracleResult]
    findings: tuple[Finding, ...]
    size: int = 0
    internal_errors: int = 0
    ignored: tuple[Finding, ...] = ()  # findings of --ignore'd codes: listed, never silently dropped

    def to_dict(self) -> dict[str, Any]:
        out = {
            "path": self.path,
            "sha256": self.sha256,
            "verdict": self.verdict.value,
            "oracles": {name: r.to_dict() for name, r in self.oracles.items()},
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.ignored:
            out["ignored"] = [f.to_dict() for f in self.ignored]
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """The result of one ``check`` over one or more packs."""

    packs: tuple[PackReport, ...]
    verdict: Verdict
    strict: bool = False
    environment: dict[str, Any] = field(default_factory=dict)
    shard: dict[str, Any] | None = None  # check --shard K/N: which part of the input (packverify.sharding)
    repo: str | None = None  # --repo as given: SARIF and annotations resolve chunk paths against it
    skipped: tuple[tuple[str, str], ...] = ()  # (file, why) found under a directory but not a pack

    @property
    def internal_errors(self) -> int:
        return sum(p.internal_errors for p in self.packs)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "tool": tool_info(),
            "verdict": self.verdict.value,
            "packs": [p.to_dict() for p in self.packs],
            "environment": self.environment,
        }
        if self.shard is not None:
            out["shard"] = self.shard
        return out


def json_type(value: Any) -> str:
    """The JSON Schema type name of a parsed JSON value (``true`` is a boolean, not an integer)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_NO_LOCATION = Location(0, 0)


def finding_sort_key(oracle_rank: dict[str, int]):
    """Total order for findings: oracle (registry order), location, code, message."""

    def key(f: Finding) -> tuple:
        return (oracle_rank.get(f.oracle, len(oracle_rank)), sort_key(f.path),
                f.location or _NO_LOCATION, f.code, f.message)

    return key
