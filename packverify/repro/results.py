"""What ``packverify repro`` reports: runs, differences, causes, verdict.

Plain frozen dataclasses with a ``to_dict`` giving the ``--format json`` shape
(docs/repro.md). Everything in them is deterministic for the same inputs: the
temporary work directory appears only as ``<work>``, runs are named ``run-1``,
``control``, ``probe-<variation>``, and there is no clock anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from packverify._version import tool_info

PASS = "pass"
FAIL = "fail"
INHERENT = "inherent"


class ReproError(Exception):
    """``repro`` could not do its job (exit 2): bad arguments, a command that cannot
    start, exits non-zero or writes no output. ``runs`` holds what ran before."""

    def __init__(self, message: str, runs: tuple[RunRecord, ...] = ()) -> None:
        super().__init__(message)
        self.runs = runs


@dataclass(frozen=True)
class RunRecord:
    name: str  # run-1 .. run-N, control, control-2, probe-<variation>
    role: str  # "varied", "control" or "probe"
    settings: dict[str, str]  # variation name -> the value this run had, as shown in reports
    varied: tuple[str, ...]  # the variations whose value differs from the control's
    exit_code: int | None
    sha256: str | None = None
    size: int | None = None
    same_as_reference: bool | None = None  # output identical to run-1's
    artifact: str | None = None  # where its output was kept

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "varied": list(self.varied), "settings": dict(self.settings),
                "exit_code": self.exit_code, "sha256": self.sha256, "size": self.size,
                "same_as_reference": self.same_as_reference, "artifact": self.artifact}


@dataclass(frozen=True)
class JsonDiff:
    """Where two JSON documents differ: at most ``limit`` changes, ``total`` counted."""

    changes: tuple[dict[str, Any], ...]  # {"pointer", "kind": changed|added|removed, "a", "b"}
    total: int

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "truncated": self.total > len(self.changes), "changes": list(self.changes)}


@dataclass(frozen=True)
class ContentDiff:
    """Where two packs of a foreign format differ in what they carry (content_diff.py):
    at most ``limit`` changes, ``total`` counted."""

    format: str  # the reader both were read with
    changes: tuple[dict[str, Any], ...]  # {"kind": removed|added|text|range|mode|order|outside, ...}
    total: int

    def to_dict(self) -> dict[str, Any]:
        return {"format": self.format, "total": self.total, "truncated": self.total > len(self.changes),
                "changes": list(self.changes)}


@dataclass(frozen=True)
class Difference:
    a: str  # run names
    b: str
    first_byte_offset: int
    sizes: tuple[int, int]
    context: tuple[str, str]  # a few bytes from the first difference on, escaped
    json: JsonDiff | None  # None when either output is not JSON
    note: str = ""
    content: ContentDiff | None = None  # None unless the outputs are a foreign pack format (readers)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "first_byte_offset": self.first_byte_offset, "sizes": list(self.sizes),
                "context": list(self.context), "json": None if self.json is None else self.json.to_dict(),
                "content": None if self.content is None else self.content.to_dict(), "note": self.note}


@dataclass(frozen=True)
class ReproReport:
    verdict: str  # "pass" | "fail"
    causes: tuple[str, ...]  # variation names (contract order), "inherent" first when present
    attribution: str  # how the causes were found, in a sentence
    command: tuple[str, ...]  # the template as given
    repo: str
    varied: tuple[str, ...]  # the variations applied
    unavailable: dict[str, str]  # asked-for variations this machine cannot apply, with the reason
    runs: tuple[RunRecord, ...]
    differences: tuple[Difference, ...]
    isolated: bool = False
    excluded: tuple[str, ...] = ()  # --exclude patterns: not copied
    notes: tuple[str, ...] = ()
    artifacts: str | None = None

    @property
    def passed(self) -> bool:
        return self.verdict == PASS

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": tool_info(),
            "verdict": self.verdict,
            "causes": list(self.causes),
            "attribution": self.attribution,
            "command": list(self.command),
            "repo": self.repo,
            "isolated": self.isolated,
            "excluded": list(self.excluded),
            "varied": list(self.varied),
            "unavailable": dict(self.unavailable),
            "notes": list(self.notes),
            "runs": [run.to_dict() for run in self.runs],
            "differences": [d.to_dict() for d in self.differences],
            "artifacts": self.artifacts,
        }
