"""Policy — what the verdict demands beyond the oracles' own findings.

Two rules, applied to one pack's results after its oracles ran:

* ``--require ORACLES|all``: a required oracle that was ``skipped`` (no ``--repo`` for
  ``source``, no content to recount, …) fails the verdict with one ``<oracle>.not-run``
  finding that says why it could not run. ``all`` requires every oracle chosen by
  ``--only``/``--skip`` that applies to the pack: not one that does not judge its kind
  (``structure`` for packverify JSON, ``schema`` for other formats, ``coverage`` of a
  packverify pack without ``--require-complete``) — name it to demand it anyway. A skip stays a skip otherwise: shown in
  every report, never a pass, never a failure — ``--require`` is how a CI gate says
  "this must have been checked".
* ``--ignore CODE``: findings of an ignored code no longer count for the verdict, but
  they are never dropped: they move to the pack's ``ignored`` list (the JSON report's
  ``ignored``, SARIF ``suppressions``, a line in the text report).

Leaves alone: which names and codes exist (the engine validates them before the run)
and the findings themselves (the oracles).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from packverify.model import Finding, OracleResult, PackReport, Severity, Status, Verdict, finding_sort_key

NOT_RUN = "not-run"  # <oracle>.not-run: a required oracle was skipped (documented in docs/codes.md)


@dataclass(frozen=True)
class Policy:
    """Oracles that must run and codes to ignore; empty sets change nothing."""

    require: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    # --require all: these oracles must run where they apply to the pack (OracleResult.applies)
    require_applicable: frozenset[str] = frozenset()

    def demands(self, result: OracleResult) -> bool:
        """Whether a skip of ``result``'s oracle fails the verdict."""
        return result.name in self.require or (result.name in self.require_applicable and result.applies)


def not_run_finding(name: str, reason: str) -> Finding:
    return Finding(f"{name}.{NOT_RUN}", (), f"the {name} oracle is required (--require) but did not run: {reason}",
                   expected="run", actual="skipped", severity=Severity.ERROR, oracle=name)


def apply_policy(pack: PackReport, policy: Policy, strict: bool) -> PackReport:
    """``pack`` with ignored findings set aside and required-but-skipped oracles failed."""
    if not policy.require and not policy.ignore and not policy.require_applicable:
        return pack
    results: dict[str, OracleResult] = {}
    set_aside: list[Finding] = []
    for name, result in pack.oracles.items():
        kept = tuple(f for f in result.findings if f.code not in policy.ignore)
        ignored = len(result.findings) - len(kept)
        set_aside.extend(f for f in result.findings if f.code in policy.ignore)
        if result.status is Status.SKIPPED and policy.demands(result):
            kept, status = (not_run_finding(name, result.reason or "no reason given"),), Status.FAIL
        elif result.status is Status.SKIPPED:
            status = Status.SKIPPED
        else:
            status = Status.FAIL if any(f.fails_verdict(strict) for f in kept) else Status.PASS
        results[name] = replace(result, status=status, findings=kept, ignored=ignored)
    rank = {name: i for i, name in enumerate(pack.oracles)}  # registry order, as the engine ranks them
    findings = tuple(sorted((f for r in results.values() for f in r.findings), key=finding_sort_key(rank)))
    verdict = Verdict.FAIL if any(r.status is Status.FAIL for r in results.values()) else Verdict.PASS
    return replace(pack, verdict=verdict, oracles=results, findings=findings,
                   ignored=pack.ignored + tuple(set_aside))

