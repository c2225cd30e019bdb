"""``packverify.testing``: assertions for a packer's own test suite (docs/api.md).

:func:`assert_valid_pack` checks a pack (a path or its bytes) with every oracle and
raises :class:`PackAssertionError` — an ``AssertionError``, so pytest shows it as a
failed assertion — whose message lists every finding (code, pointer, message,
expected, actual) and every required oracle that could not run. By default nothing
passes by checking nothing: every oracle must run (``source`` too when ``repo`` is
given), and warnings fail (``strict=True``).

The pytest plugin (``packverify.pytest_plugin``, registered as a ``pytest11`` entry
point) gives the same as the ``packverify`` fixture. Leaves alone: building packs
(``packverify.api``, ``packverify.packer.assemble``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from packverify.context import Context
from packverify.engine import check, check_loaded, select_oracles, select_policy
from packverify.load import parse_bytes
from packverify.model import UNSET, PackReport, Verdict
from packverify.policy import apply_policy

__all__ = ["PackAssertionError", "assert_valid_pack", "check_pack"]

NEED_A_REPOSITORY = frozenset({"source", "coverage"})  # skipped without one: not demanded of check_pack(repo=None)
FINDINGS_SHOWN = 50  # findings listed in one assertion message; the count says how many more


class PackAssertionError(AssertionError):
    """The pack is not valid; ``report`` is the :class:`~packverify.model.PackReport`."""

    def __init__(self, message: str, report: PackReport) -> None:
        super().__init__(message)
        self.report = report


def check_pack(pack: str | os.PathLike | bytes, *, repo: str | os.PathLike | None = None, strict: bool = True,
               require: Iterable[str] | None = None, ignore: Iterable[str] = (), only: Iterable[str] | None = None,
               skip: Iterable[str] = ()) -> PackReport:
    """The report on one pack (a file or its bytes). ``require`` defaults to every oracle
    that can run here and applies to the pack (``--require all``), but for the oracles that
    compare with a repository when there is no ``repo``."""
    oracles = select_oracles(only, skip)
    policy = select_policy(oracles, ["all"] if require is None else require, ignore)
    if require is None and repo is None:
        policy = replace(policy, require_applicable=policy.require_applicable - NEED_A_REPOSITORY)
    if not isinstance(pack, bytes):
        report = check([os.fspath(pack)], repo=repo, strict=strict, ignore=ignore, only=only, skip=skip).packs[0]
        return apply_policy(report, replace(policy, ignore=frozenset()), strict)  # ignored already: once is enough
    ctx = Context(repo=Path(repo) if repo is not None else None, strict=strict)
    return apply_policy(check_loaded(parse_bytes(pack, path="<bytes>"), ctx, oracles), policy, strict)


def assert_valid_pack(pack: str | os.PathLike | bytes, *, repo: str | os.PathLike | None = None,
                      strict: bool = True, require: Iterable[str] | None = None, ignore: Iterable[str] = (),
                      only: Iterable[str] | None = None, skip: Iterable[str] = ()) -> PackReport:
    """Assert that ``pack`` passes (see :func:`check_pack` for the options); return the report."""
    report = check_pack(pack, repo=repo, strict=strict, require=require, ignore=ignore, only=only, skip=skip)
    if report.verdict is Verdict.PASS:
        return report
    raise PackAssertionError(describe_failure(report, strict), report)


def describe_failure(report: PackReport, strict: bool) -> str:
    """Every finding that fails the verdict, one per line."""
    failing = [f for f in report.findings if f.fails_verdict(strict)]
    lines = [f"{report.path} is not a valid pack: {len(failing)} finding(s)" + (" (strict)" if strict else "")]
    for finding in failing[:FINDINGS_SHOWN]:
        line = f"  {finding.code} at {finding.pointer or '(root)'}: {finding.message}"
        values = [f"{name} {value!r}" for name, value in (("expected", finding.expected), ("actual", finding.actual))
                  if value is not UNSET and value is not None]
        lines.append(line + (f" ({'; '.join(values)})" if values else ""))
    if len(failing) > FINDINGS_SHOWN:
        lines.append(f"  … and {len(failing) - FINDINGS_SHOWN} more")
    return "\n".join(lines)
