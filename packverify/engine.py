"""Runs the oracles over loaded packs and collects their results.

The engine stamps each finding with its oracle and default severity, rejects codes
an oracle does not declare (prefixes never drift), orders findings totally, and
turns an exception escaping an oracle into ``<oracle>.internal-error`` — a
packverify bug reported cleanly, never a traceback (``debug=True`` keeps it).
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path

from packverify.context import Context
from packverify.load import DEFAULT_MAX_BYTES, Loaded, LoadError, read_pack
from packverify.model import Finding, OracleResult, PackReport, Report, Severity, Status, Verdict, finding_sort_key
from packverify.oracles import INTERNAL_ERROR, NAMES, REGISTRY
from packverify.view import PackView

_RANK = {name: i for i, name in enumerate(NAMES)}
_SORT = finding_sort_key(_RANK)


class UsageError(Exception):
    """The check cannot start (unknown oracle, missing file): exit 2."""


def select_oracles(only: Iterable[str] | None = None, skip: Iterable[str] | None = None) -> tuple[str, ...]:
    """The oracle names to run; unknown names raise :class:`UsageError` with a suggestion."""
    import difflib

    def validate(names: Iterable[str]) -> list[str]:
        out = []
        for name in names:
            if name not in REGISTRY:
                close = difflib.get_close_matches(name, NAMES, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise UsageError(f"unknown oracle {name!r}{hint}; oracles: {', '.join(NAMES)}")
            out.append(name)
        return out

    chosen = set(validate(only)) if only else set(NAMES)
    chosen -= set(validate(skip or ()))
    return tuple(n for n in NAMES if n in chosen)


def expand_paths(paths: Sequence[str], *, exclude: Iterable[str] = ()) -> list[str]:
    """Files as given; directories become their ``*.json`` files (recursively, sorted by
    path), leaving out hidden directories (``.git``, ``.venv``) and ``exclude`` (our own run log)."""
    excluded = {os.path.realpath(p) for p in exclude}
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(
                str(p) for p in Path(path).rglob("*.json")
                if p.is_file() and os.path.realpath(p) not in excluded
                and not any(part.startswith(".") and part not in (".", "..") for part in p.relative_to(path).parts[:-1])
            )
            if not found:
                raise UsageError(f"{path}: directory holds no .json files")
            out.extend(found)
        elif os.path.exists(path):
            out.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory")
    return out


def check_loaded(loaded: Loaded, ctx: Context, oracles: Sequence[str] = NAMES, *, debug: bool = False,
                 timings: dict[str, float] | None = None) -> PackReport:
    """Run the chosen oracles over one loaded pack. ``timings``, when given, receives
    each oracle's wall time in seconds (the benchmark reads it)."""
    pack = PackView(loaded)
    parsed = loaded.document is not None and not loaded.findings
    results: dict[str, OracleResult] = {}
    every: list[Finding] = []
    internal = 0
    for name in NAMES:
        if name not in oracles:
            continue
        module = REGISTRY[name]
        if name != "parse" and not parsed:
            results[name] = OracleResult(name, Status.SKIPPED, reason="the file did not parse (see parse findings)")
            continue
        requires = getattr(module, "requires", None)
        started = time.perf_counter()
        try:
            reason = requires(pack, ctx) if requires else None
            if reason is not None:
                results[name] = OracleResult(name, Status.SKIPPED, reason=reason)
                continue
            found, truncated = _collect(name, module, pack, ctx)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # an oracle bug must not take the report down; BaseException
            # because a Rust panic inside tiktoken (a corrupt vocabulary, for one) surfaces as
            # pyo3's PanicException, a BaseException, which ``except Exception`` misses.
            internal += 1
            detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
            found = [Finding(f"{name}.{INTERNAL_ERROR}", (), f"packverify bug in the {name} oracle: {detail}",
                             severity=Severity.ERROR, oracle=name)]
            truncated = False
        found.sort(key=_SORT)
        failing = any(f.fails_verdict(ctx.strict) for f in found)
        note = (f"stopped after {ctx.max_findings} findings (--max-findings); more are not listed"
                if truncated else None)
        results[name] = OracleResult(name, Status.FAIL if failing else Status.PASS, tuple(found), note)
        if timings is not None:
            timings[name] = time.perf_counter() - started
        every.extend(found)  # oracle rank leads the sort key: concatenation in registry order is sorted
    verdict = Verdict.FAIL if any(r.status is Status.FAIL for r in results.values()) else Verdict.PASS
    return PackReport(loaded.path, loaded.sha256, verdict, results, tuple(every), loaded.size, internal)


def _collect(name: str, module, pack: PackView, ctx: Context) -> tuple[list[Finding], bool]:
    """The oracle's findings, stamped, up to ``ctx.max_findings`` (the generator is
    not drained past the cap). Returns (findings, truncated)."""
    codes = module.CODES
    limit = ctx.max_findings or None
    found: list[Finding] = []
    for finding in module.check(pack, ctx):
        if limit is not None and len(found) >= limit:
            return found, True
        info = codes.get(finding.code)
        if info is None:
            raise RuntimeError(f"oracle {name!r} yielded undeclared code {finding.code!r}")
        found.append(Finding(finding.code, finding.path, finding.message, finding.expected, finding.actual,
                             finding.severity or info.severity, name, finding.location))
    return found, False


def check(
    paths: Sequence[str] | str,
    *,
    repo: str | os.PathLike | None = None,
    only: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    strict: bool = False,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_findings: int | None = None,
    environment: dict | None = None,
    context: Context | None = None,
    debug: bool = False,
    exclude: Iterable[str] = (),
) -> Report:
    """Verify pack files; the library entry point behind ``packverify check``.

    Raises :class:`UsageError` when the check cannot start (unknown oracle, missing
    path, unreadable file); every problem *in* a pack is a finding in the report.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [os.fspath(paths)]
    oracles = select_oracles(only, skip)
    ctx = context or Context()
    ctx.repo = Path(repo) if repo is not None else ctx.repo
    ctx.strict = strict
    ctx.jobs = max(1, jobs)
    if max_findings is not None:
        ctx.max_findings = max_findings
    reports = []
    for path in expand_paths(list(paths), exclude=exclude):
        try:
            loaded = read_pack(path, max_bytes=max_bytes)
        except LoadError as exc:
            raise UsageError(str(exc)) from exc
        loaded.release_raw()  # canonical bytes are not needed again: peak memory −1× the file
        reports.append(check_loaded(loaded, ctx, oracles, debug=debug))
        del loaded
    verdict = Verdict.FAIL if any(r.verdict is Verdict.FAIL for r in reports) else Verdict.PASS
    return Report(tuple(reports), verdict, strict, environment or {})
