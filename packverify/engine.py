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

import packverify.readers as readers
from packverify import sharding
from packverify.context import Context
from packverify.foreign_view import ClaimsError, ForeignView, open_foreign
from packverify.load import DEFAULT_MAX_BYTES, Loaded, LoadError, read_pack
from packverify.model import Finding, OracleResult, PackReport, Report, Severity, Status, Verdict, finding_sort_key
from packverify.oracles import INTERNAL_ERROR, NAMES, REGISTRY
from packverify.repo_source import RepoError
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
    parsed = loaded.document is not None and not loaded.findings
    blocked = None if parsed else "the file did not parse (see parse findings)"
    results, every, internal = _run_oracles(PackView(loaded), ctx, oracles, blocked, debug=debug, timings=timings)
    verdict = Verdict.FAIL if any(r.status is Status.FAIL for r in results.values()) else Verdict.PASS
    return PackReport(loaded.path, loaded.sha256, verdict, results, tuple(every), loaded.size, internal)


def check_foreign(view: ForeignView, ctx: Context, oracles: Sequence[str] = NAMES, *, debug: bool = False,
                  timings: dict[str, float] | None = None) -> PackReport:
    """Run the chosen oracles over a pack in another format (docs/formats/): each through
    its ``check_foreign``, skipped with the reason its ``requires_foreign`` gives."""
    results, every, internal = _run_oracles(view, ctx, oracles, view.unreadable, debug=debug, timings=timings,
                                            foreign=True)
    verdict = Verdict.FAIL if any(r.status is Status.FAIL for r in results.values()) else Verdict.PASS
    return PackReport(view.path, view.sha256, verdict, results, tuple(every), view.size, internal)


def _entry_points(name: str, module, pack, ctx: Context, foreign: bool):
    """(the oracle's check, or ``None``; the reason it cannot judge, or ``None``)."""
    if not foreign:
        requires = getattr(module, "requires", None)
        return module.check, requires(pack, ctx) if requires else None
    run = getattr(module, "check_foreign", None)
    requires = getattr(module, "requires_foreign", None)
    reason = requires(pack, ctx) if requires else None
    if run is None and reason is None:
        reason = f"the {name} oracle judges packverify JSON only"
    return run, reason


def _run_oracles(pack, ctx: Context, oracles: Sequence[str], blocked: str | None, *, debug: bool,
                 timings: dict[str, float] | None, foreign: bool = False) -> tuple[dict, list[Finding], int]:
    """Every chosen oracle's result, the findings in report order, and how many crashed.
    ``blocked``: why only ``parse`` may judge (the file could not be read)."""
    results: dict[str, OracleResult] = {}
    every: list[Finding] = []
    internal = 0
    for name in NAMES:
        if name not in oracles:
            continue
        module = REGISTRY[name]
        if name != "parse" and blocked is not None:
            results[name] = OracleResult(name, Status.SKIPPED, reason=blocked)
            continue
        started = time.perf_counter()
        try:
            run, reason = _entry_points(name, module, pack, ctx, foreign)
            if reason is not None:
                results[name] = OracleResult(name, Status.SKIPPED, reason=reason)
                continue
            found, truncated = _collect(name, module, pack, ctx, run)
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
    return results, every, internal


def _collect(name: str, module, pack, ctx: Context, run) -> tuple[list[Finding], bool]:
    """The oracle's findings (``run(pack, ctx)``), stamped, up to ``ctx.max_findings`` (the
    generator is not drained past the cap). Returns (findings, truncated)."""
    codes = module.CODES
    limit = ctx.max_findings or None
    found: list[Finding] = []
    for finding in run(pack, ctx):
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
    engine: str | None = None,
    cache: str | os.PathLike | None = None,
    shard: tuple[int, int] | None = None,
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
    if engine is not None:
        ctx.engine = engine
    if cache is not None:
        ctx.cache = Path(cache)
    paths = expand_paths(list(paths), exclude=exclude)
    shard_record = None
    if shard is not None:
        paths, shard_record = sharding.select(paths, *shard)
    if len(paths) > 1 and ctx.jobs > 1:  # many packs: one process per core (issue 13)
        from packverify import parallel

        results, used = parallel.check_paths(paths, ctx, oracles, processes=ctx.jobs, max_bytes=max_bytes,
                                             debug=debug)
        reports = []
        for _, result in results:
            if isinstance(result, str):
                raise UsageError(result)
            reports.append(result)
    else:
        reports = [check_path(path, ctx, oracles, max_bytes, debug) for path in paths]
        used = ctx.counting()
    verdict = Verdict.FAIL if any(r.verdict is Verdict.FAIL for r in reports) else Verdict.PASS
    if environment is not None:
        environment = {**environment, "counting": used}  # which engine counted (issue 13)
    return Report(tuple(reports), verdict, strict, environment or {}, shard_record)


def check_path(path: str, ctx: Context, oracles: Sequence[str], max_bytes: int, debug: bool) -> PackReport:
    """One pack file checked: a foreign pack through its reader, else packverify JSON.
    Raises :class:`UsageError` when the file cannot be read or its format is unknown."""
    foreign = _open_foreign(path, ctx, max_bytes)
    if foreign is not None:
        try:
            return check_foreign(foreign, ctx, oracles, debug=debug)
        finally:
            foreign.close()
    try:
        loaded = read_pack(path, max_bytes=max_bytes)
    except LoadError as exc:
        raise UsageError(str(exc)) from exc
    loaded.release_raw()  # canonical bytes are not needed again: peak memory −1× the file
    return check_loaded(loaded, ctx, oracles, debug=debug)


def _open_foreign(path: str, ctx: Context, max_bytes: int) -> ForeignView | None:
    """The pack at ``path`` as a foreign view, or ``None`` when it is packverify JSON;
    what makes the check impossible (an unknown format, a bad ``--rev``) is a :class:`UsageError`."""
    try:
        return open_foreign(path, ctx, max_bytes=max_bytes)
    except (readers.UnknownFormat, readers.AmbiguousFormat, ClaimsError, RepoError) as exc:
        raise UsageError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from exc
