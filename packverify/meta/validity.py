"""Whether each output of the packer is a valid pack — judged once per output, reported
once per problem, apart from the relations.

A relation states something about two packs (docs/metamorphic.md); whether each pack is
valid is another question, and asking it inside every relation made one defect (a
non-canonical serialisation, say) fail all eight relations with the same message, each
shrunk on its own. Here every output the search sees is judged once
(:func:`judge_output`), and :class:`Validity` tallies the problems by code: how many
outputs have it, the first message, and the smallest input that shows it (its example is
written under ``artifacts/meta/validity/<code>/``). Errors fail the run; warnings are
reported and never fail anything.

Problems of the run itself (the packer exited non-zero, timed out, wrote nothing) and of
the packer's arguments (the pack states another budget or tokenizer than it was asked
for) are ``meta.*`` problems, tallied the same way.

Leaves alone: what the relations state (``relations``), and how a format is read
(``packverify.readers``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import packverify.readers as readers
from packverify.context import Context
from packverify.engine import check_loaded
from packverify.load import parse_bytes
from packverify.meta.contents import EMPTY_IS_A_PACK, OUR_JSON, Contents
from packverify.oracles import REGISTRY as ORACLES

ERROR, WARNING = "error", "warning"



@dataclass(frozen=True)
class Problem:
    """One thing wrong with one output: a code (an oracle's, a reader's or ``meta.*``)."""

    code: str
    severity: str  # error | warning
    message: str


def _severity(code: str) -> str:
    info = readers.CODES.get(code) or ORACLES["parse"].CODES.get(code)
    return str(info.severity) if info is not None else ERROR


def judge_output(data: bytes, fmt: str, repo: Path) -> list[Problem]:
    """Every problem of one output as a pack, against its input directory ``repo``.

    Our JSON: the engine, every oracle, ``--repo`` (severities as the oracles give them).
    Other formats: the reader's ``parse.*``/``structure.*`` findings — until the engine
    judges foreign packs itself (issue 9, part 2), when this becomes its check."""
    if fmt == OUR_JSON:
        report = check_loaded(parse_bytes(data, path="output"), Context(repo=Path(repo)))
        return [Problem(f.code, str(f.severity or ERROR), f"at {f.pointer or '/'}: {f.message}")
                for f in report.findings]
    if not data.strip() and fmt in EMPTY_IS_A_PACK:
        return []
    pack = readers.read(data, "output", format=fmt)
    return [Problem(f.code, _severity(f.code), f"at {f.location or '1:1'}: {f.message}")
            for f in pack.findings]


def run_problems(returncode: int | None, data: bytes | None, stderr: str) -> list[Problem]:
    """What is wrong with the run itself (nothing when it exited 0 and wrote a pack)."""
    if returncode is None:
        return [Problem("meta.packer-timed-out", ERROR, f"the packer {stderr}")]
    if returncode != 0:
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        return [Problem("meta.packer-failed", ERROR, f"the packer exited {returncode}" + (f": {tail}" if tail else ""))]
    if data is None:
        return [Problem("meta.no-output", ERROR, "the packer exited 0 but wrote no pack "
                        "(with {out} it must write there, without it to standard output)")]
    return []


def honoured(contents: Contents, budget: int | None, tokenizer: str | None) -> list[Problem]:
    """The pack states the budget and tokenizer it was asked for (``None``: not asked).
    A format is held only to what it states: our JSON both, scribe its budget."""
    problems = []
    if budget is not None and contents.stated_budget is not None and contents.stated_budget != budget:
        problems.append(Problem("meta.budget-not-honoured", ERROR, f"the pack says target_budget "
                                f"{contents.stated_budget!r}; the packer was asked for {budget}"))
    if tokenizer is not None and contents.stated_tokenizer is not None and contents.stated_tokenizer != tokenizer:
        problems.append(Problem("meta.tokenizer-not-honoured", ERROR, f"the pack says tokenizer "
                                f"{contents.stated_tokenizer!r}; the packer was asked for {tokenizer}"))
    return problems


@dataclass
class Example:
    """The smallest input seen with a problem, and what the packer wrote for it."""

    spec: Any  # packers.Spec
    data: bytes | None
    format: str | None
    message: str

    def size(self) -> tuple[int, int]:
        return len(self.spec.repo), self.spec.repo.size


@dataclass
class Tally:
    code: str
    severity: str
    outputs: int
    message: str  # the first one seen
    example: Example
    where: str | None = None  # the example's directory, once written

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "outputs": self.outputs, "message": self.message,
                "example": self.where}


@dataclass
class Validity:
    """Every output's problems, by code (module docstring)."""

    outputs: int = 0
    tallies: dict[str, Tally] = field(default_factory=dict)

    def record(self, spec, data: bytes | None, fmt: str | None, problems: list[Problem]) -> None:
        self.outputs += 1
        for code in dict.fromkeys(p.code for p in problems):  # an output counts once per code
            first = next(p for p in problems if p.code == code)
            example = Example(spec, data, fmt, first.message)
            tally = self.tallies.get(code)
            if tally is None:
                self.tallies[code] = Tally(code, first.severity, 1, first.message, example)
                continue
            tally.outputs += 1
            if example.size() < tally.example.size():
                tally.example = example

    def findings(self) -> list[Tally]:
        """Errors first, then warnings; by code within each."""
        return sorted(self.tallies.values(), key=lambda t: (t.severity != ERROR, t.code))

    @property
    def status(self) -> str:
        return "fail" if any(t.severity == ERROR for t in self.tallies.values()) else "pass"

    def to_dict(self) -> dict[str, Any]:
        found = self.findings()
        return {"status": self.status, "outputs": self.outputs,
                "errors": sum(1 for t in found if t.severity == ERROR),
                "warnings": sum(1 for t in found if t.severity != ERROR),
                "findings": [t.to_dict() for t in found]}
