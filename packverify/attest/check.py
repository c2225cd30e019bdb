"""The statement a ``packverify check`` run makes: predicate type ``CHECK_PREDICATE_TYPE``.

Subjects are the packs that could be read, each named as given on the command line
with its sha256. The predicate holds the verdict; per pack, each oracle's status and
finding counts by severity; the options that can change the verdict; packverify's
version; the lock it was installed from (provenance.py); the run's environment section
(as its run log has it) and, apart, the engine that counted each tokenizer (what the
report adds to its environment after the run). Every severity is counted, ``info``
included: a count of zero says so. Field by field: docs/attestation.md. Pure: everything arrives as arguments.
Leaves alone: the findings themselves (the report has them; the attestation says
how many, so it stays small and carries no pack content).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from packverify.attest import statement
from packverify.model import PackReport, Report, Severity

CHECK_PREDICATE_TYPE = "https://packverify.dev/attestation/check/v1"


@dataclass(frozen=True)
class CheckOptions:
    """The options of a check that can change its verdict or its counts."""

    strict: bool
    oracles: tuple[str, ...]           # the oracles that ran, after --only/--skip
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    repo: dict[str, Any] | None = None  # {"path", "commit", "dirty"} (provenance.repo_state)
    max_bytes: int | None = None
    max_findings: int | None = None     # findings listed per oracle per pack; counts are of listed ones
    require: tuple[str, ...] = ()       # --require: a skip of these fails the verdict
    ignore: tuple[str, ...] = ()        # --ignore: these codes did not count for the verdict
    tokenizer_engine: str | None = None  # --tokenizer-engine as asked (who counted: the predicate's counting)
    foreign: dict[str, Any] | None = None  # how packs of other formats were read (foreign_options)

    def to_dict(self) -> dict[str, Any]:
        return {"strict": self.strict, "oracles": list(self.oracles), "only": list(self.only),
                "skip": list(self.skip), "repo": self.repo, "max_bytes": self.max_bytes,
                "max_findings": self.max_findings, "require": list(self.require), "ignore": list(self.ignore),
                "tokenizer_engine": self.tokenizer_engine, "foreign": self.foreign or foreign_options()}


def foreign_options(*, input_format: str | None = None, rev: str | None = None, budget: int | None = None,
                    tokenizer: str | None = None, claims: dict[str, Any] | None = None,
                    require_complete: bool = False) -> dict[str, Any]:
    """The options that decide how a pack of another format is read and judged (each
    changes what the oracles see): ``--input-format``, ``--rev``, ``--budget``,
    ``--tokenizer``, ``--claims`` (``{"path", "sha256"}`` of the statistics file: its
    content is what was believed) and ``--require-complete``."""
    return {"input_format": input_format, "rev": rev, "budget": budget, "tokenizer": tokenizer,
            "claims": claims, "require_complete": require_complete}


def severity_counts(findings) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for finding in findings:
        if finding.severity is not None:
            counts[finding.severity.value] += 1
    return counts


def _pack(pack: PackReport) -> dict[str, Any]:
    return {"name": pack.path, "sha256": pack.sha256, "verdict": pack.verdict.value,
            "oracles": {name: result.to_dict() for name, result in pack.oracles.items()},
            "findings": severity_counts(pack.findings)}


def check_predicate(report: Report, options: CheckOptions, *, version: str, lock: dict[str, Any],
                    environment: dict[str, Any]) -> dict[str, Any]:
    """``environment``: the report's; its ``counting`` (known only after the run, so not in
    the run log's environment) becomes the predicate's own ``counting``."""
    environment = dict(environment)
    counting = environment.pop("counting", {})
    return {
        "verdict": report.verdict.value,
        "findings": severity_counts(f for p in report.packs for f in p.findings),
        "packs": [_pack(p) for p in report.packs],
        "options": options.to_dict(),
        "packverify": {"version": version},
        "lock": lock,
        "environment": environment,
        "counting": counting,
    }


def check_statement(report: Report, options: CheckOptions, *, version: str, lock: dict[str, Any],
                    environment: dict[str, Any]) -> dict[str, Any]:
    """The Statement v1 about ``report``; ValueError when no pack could be read (nothing to name)."""
    subjects = [statement.subject(p.path, sha256=p.sha256) for p in report.packs if p.sha256]
    if not subjects:
        raise ValueError("no pack could be read, so no pack digest can be attested")
    predicate = check_predicate(report, options, version=version, lock=lock, environment=environment)
    return statement.statement(subjects, CHECK_PREDICATE_TYPE, predicate)
