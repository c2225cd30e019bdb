"""Runs the oracles over loaded packs and collects their results.

The engine stamps each finding with its oracle and default severity, rejects codes
an oracle does not declare (prefixes never drift), orders findings totally, and
turns an exception escaping an oracle into ``<oracle>.internal-error`` — a
packverify bug reported cleanly, never a traceback (``debug=True`` keeps it).
"""

from __future__ import annotations

import gc
import hashlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import packverify.readers as readers
from packverify import sharding
from packverify.context import Context
from packverify.foreign_view import ClaimsError, ForeignView, choose_reader, open_foreign, view_of
from packverify.load import DEFAULT_MAX_BYTES, Loaded, LoadError, parse_bytes, read_pack
from packverify.model import (
    Finding,
    OracleResult,
    PackReport,
    Report,
    Severity,
    SourceLocation,
    Status,
    Verdict,
    finding_sort_key,
)
from packverify.oracles import INTERNAL_ERROR, NAMES, REGISTRY, all_codes
from packverify.oracles._base import NotApplicable
from packverify.oracles.security import path_problems
from packverify.pack_files import DEFAULT_INCLUDE, STDIN, NoPackFiles, find_pack_files
from packverify.policy import NOT_RUN, Policy, apply_policy
from packverify.redaction import reason_without_credentials, without_credentials
from packverify.repo_source import RepoError
from packverify.view import PackView, as_int, as_str

STDIN_NAME = "<stdin>"  # the path of a pack read from standard input, in every report

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
    if not chosen:  # checking nothing would print PASS: refuse (issue 10)
        raise UsageError("no oracle left to run: --only/--skip exclude every oracle")
    return tuple(n for n in NAMES if n in chosen)


def select_policy(oracles: Sequence[str], require: Iterable[str] = (), ignore: Iterable[str] = ()) -> Policy:
    """The :class:`~packverify.policy.Policy` for ``--require`` (oracle names or ``all``:
    every chosen oracle that applies to the pack — see :class:`~packverify.oracles._base.NotApplicable`) and ``--ignore`` (finding codes); unknown or contradictory
    names raise :class:`UsageError`."""
    import difflib

    required: set[str] = set()
    applicable: frozenset[str] = frozenset()
    for name in require:
        if name == "all":
            applicable = frozenset(oracles)
        elif name not in REGISTRY:
            close = difflib.get_close_matches(name, NAMES, n=1)
            raise UsageError(f"--require: unknown oracle {name!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
                             + f"; oracles: all, {', '.join(NAMES)}")
        elif name not in oracles:
            raise UsageError(f"--require {name}: the {name} oracle is excluded by --only/--skip")
        else:
            required.add(name)
    codes = set(all_codes())
    ignored: set[str] = set()
    for code in ignore:
        oracle, _, rest = code.partition(".")
        if oracle in REGISTRY and rest in (INTERNAL_ERROR, NOT_RUN):
            raise UsageError(f"--ignore {code}: {rest} findings cannot be ignored (they say the check did not happen)")
        if code not in codes:
            close = difflib.get_close_matches(code, sorted(codes), n=1)
            raise UsageError(f"--ignore: unknown finding code {code!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
                             + "; every code is listed in docs/codes.md")
        ignored.add(code)
    return Policy(frozenset(required), frozenset(ignored), applicable)


def check_loaded(loaded: Loaded, ctx: Context, oracles: Sequence[str] = NAMES, *, debug: bool = False,
                 timings: dict[str, float] | None = None) -> PackReport:
    """Run the chosen oracles over one loaded pack. ``timings``, when given, receives
    each oracle's wall time in seconds (the benchmark reads it)."""
    parsed = loaded.document is not None and not loaded.findings
    blocked = None if parsed else "the file did not parse (see parse findings)"
    with _collector_paused():
        results, every, internal = _run_oracles(PackView(loaded), ctx, oracles, blocked, debug=debug, timings=timings)
    verdict = Verdict.FAIL if any(r.status is Status.FAIL for r in results.values()) else Verdict.PASS
    return PackReport(loaded.path, loaded.sha256, verdict, results, tuple(every), loaded.size, internal)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while the oracles run, resumed after (when it
    was on): they allocate hundreds of thousands of short-lived objects (the typed chunk
    view, rows, keys) that reference counting frees, and the collections those
    allocations triggered found nothing to collect yet cost 0.33 of the oracles' 2.4 CPU
    seconds on the 100,000-chunk pack (issue 13). What cycles an oracle leaves are
    collected once the collector is back."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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
        reason = NotApplicable(f"the {name} oracle judges packverify JSON only")
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
            results[name], found, crashed = _judge_unparsed(name, module, pack, ctx, blocked, debug)
            internal += crashed
            every.extend(found)
            continue
        started = time.perf_counter()
        try:
            run, reason = _entry_points(name, module, pack, ctx, foreign)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # see _guarded
            run, reason = _raising(exc), None
        if reason is not None:
            results[name] = OracleResult(name, Status.SKIPPED, reason=reason_without_credentials(reason),
                                         applies=not isinstance(reason, NotApplicable))
            continue
        found, truncated, crashed = _guarded(name, module, pack, ctx, run, debug)
        internal += crashed
        results[name] = _judged(name, found, truncated, ctx)
        if timings is not None:
            timings[name] = time.perf_counter() - started
        every.extend(found)  # oracle rank leads the sort key: concatenation in registry order is sorted
    return results, every, internal


def _judge_unparsed(name: str, module, pack, ctx: Context, blocked: str,
                    debug: bool) -> tuple[OracleResult, list[Finding], bool]:
    """What an oracle says of a pack that did not parse: skipped, unless it can judge the
    file's text (``check_unparsed``: ``security`` searches it for credentials) and finds
    something there — then it fails with those findings; finding nothing, it stays
    skipped (it judged only part of what it judges), its reason saying what was looked at.
    Returns (the result, its findings, whether the oracle crashed)."""
    run = getattr(module, "check_unparsed", None)
    if run is None:
        return OracleResult(name, Status.SKIPPED, reason=blocked), [], False
    found, truncated, crashed = _guarded(name, module, pack, ctx, run, debug)
    if not found:
        return OracleResult(name, Status.SKIPPED, reason=f"{blocked}; its text was searched for credentials: "
                            "none"), [], False
    result = _judged(name, found, truncated, ctx)
    return result, list(result.findings), crashed


def _raising(exc: BaseException):
    """An entry point that raises ``exc`` (an oracle's ``requires`` that crashed, judged as its check)."""
    def run(pack, ctx):
        raise exc
    return run


def _guarded(name: str, module, pack, ctx: Context, run, debug: bool) -> tuple[list[Finding], bool, bool]:
    """(findings, truncated, crashed): :func:`_collect`, an exception escaping the oracle
    turned into its ``internal-error`` finding. BaseException, because a Rust panic inside
    tiktoken (a corrupt vocabulary, for one) surfaces as pyo3's PanicException, which
    ``except Exception`` misses; an oracle bug must not take the report down."""
    try:
        found, truncated = _collect(name, module, pack, ctx, run)
        return found, truncated, False
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
        return [Finding(f"{name}.{INTERNAL_ERROR}", (), f"packverify bug in the {name} oracle: {detail}",
                        severity=Severity.ERROR, oracle=name)], False, True


def _judged(name: str, found: list[Finding], truncated: bool, ctx: Context) -> OracleResult:
    """The oracle's result from its findings, sorted."""
    found.sort(key=_SORT)
    failing = any(f.fails_verdict(ctx.strict) for f in found)
    note = f"stopped after {ctx.max_findings} findings (--max-findings); more are not listed" if truncated else None
    return OracleResult(name, Status.FAIL if failing else Status.PASS, tuple(found), note)


def _collect(name: str, module, pack, ctx: Context, run) -> tuple[list[Finding], bool]:
    """The oracle's findings (``run(pack, ctx)``), stamped, up to ``ctx.max_findings`` (the
    generator is not drained past the cap), no credential in them
    (:func:`packverify.redaction.without_credentials`). Returns (findings, truncated)."""
    codes = module.CODES
    limit = ctx.max_findings or None
    found: list[Finding] = []
    for finding in run(pack, ctx):
        if limit is not None and len(found) >= limit:
            return without_credentials(found), True
        info = codes.get(finding.code)
        if info is None:
            raise RuntimeError(f"oracle {name!r} yielded undeclared code {finding.code!r}")
        found.append(Finding(finding.code, finding.path, finding.message, finding.expected, finding.actual,
                             finding.severity or info.severity, name, finding.location,
                             finding.source or source_of(pack, finding.path)))
    return without_credentials(found), False


def source_of(pack: PackView, path: tuple) -> SourceLocation | None:
    """Where in the repository a finding inside ``/chunks/<i>`` lands: the chunk's
    ``file_path`` at its ``start_line`` — for findings about the chunk's content and lines,
    not its ``id`` or its ``file_path`` itself, and only when that path is a safe
    repository-relative path (an unsafe one is a security finding, located in the pack)."""
    if len(path) < 3 or path[0] != "chunks" or type(path[1]) is not int or path[2] in ("id", "file_path"):
        return None
    chunks = pack.chunk_list
    chunk = chunks[path[1]] if chunks is not None and 0 <= path[1] < len(chunks) else None
    if type(chunk) is not dict:
        return None
    file_path, start, end = as_str(chunk.get("file_path")), as_int(chunk.get("start_line")), as_int(chunk.get("end_line"))
    if not file_path or start is None or start < 1 or path_problems(file_path):
        return None
    return SourceLocation(file_path, start, end if end is not None and end >= start else None)


def check(
    paths: Sequence[str] | str,
    *,
    repo: str | os.PathLike | None = None,
    only: Iterable[str] | None = None,
    skip: Iterable[str] | None = None,
    require: Iterable[str] = (),
    ignore: Iterable[str] = (),
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
    include_globs: Iterable[str] = DEFAULT_INCLUDE,
    exclude_globs: Iterable[str] = (),
    stdin: BinaryIO | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """Verify pack files; the library entry point behind ``packverify check``.

    ``paths`` are files, directories (their packs: :mod:`packverify.pack_files`, with
    ``include_globs``/``exclude_globs``), glob patterns, or ``-`` for ``stdin``.
    ``exclude`` names files never read as packs (our run log). ``require`` and
    ``ignore`` are the :mod:`packverify.policy`. ``progress(done, total, path)`` is
    called after each pack. Raises :class:`UsageError` when the check cannot start
    (unknown oracle or code, missing path, unreadable file); every problem *in* a pack
    is a finding in the report.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [os.fspath(paths)]
    oracles = select_oracles(only, skip)
    policy = select_policy(oracles, require, ignore)
    ctx = _context(context, repo, strict, jobs, max_findings)
    if engine is not None:
        ctx.engine = engine
    if cache is not None:
        ctx.cache = Path(cache)
    try:
        found = find_pack_files(list(paths), include=include_globs, exclude=exclude_globs, excluded_files=exclude)
    except NoPackFiles as exc:
        raise UsageError(str(exc)) from exc
    files, shard_record = list(found.files), None
    if shard is not None:
        files, shard_record = sharding.select_shard(files, *shard)
    reports, used = _check_files(files, ctx, oracles, max_bytes, debug, stdin, progress)
    reports = [apply_policy(r, policy, strict) for r in reports]
    verdict = Verdict.FAIL if any(r.verdict is Verdict.FAIL for r in reports) else Verdict.PASS
    if environment is not None:
        environment = {**environment, "counting": used}  # which engine counted (issue 13)
    return Report(tuple(reports), verdict, strict, environment or {}, shard_record,
                  repo=os.fspath(repo) if repo is not None else None, skipped=tuple(found.skipped))


def _check_files(files: list[str], ctx: Context, oracles: Sequence[str], max_bytes: int, debug: bool,
                 stdin: BinaryIO | None, progress: Callable[[int, int, str], None] | None,
                 ) -> tuple[list[PackReport], dict]:
    """Each file's report in order, and the engines that counted: many files on one
    process per core (issue 13), else one after the other on ``ctx.jobs`` threads."""
    if len(files) > 1 and ctx.jobs > 1 and STDIN not in files:
        from packverify import parallel

        results, used = parallel.check_paths(files, ctx, oracles, processes=ctx.jobs, max_bytes=max_bytes,
                                             debug=debug, check=check_path, usage_error=UsageError)
        reports = []
        for done, (path, result) in enumerate(results, 1):
            if isinstance(result, str):
                raise UsageError(result)
            reports.append(result)
            if progress is not None:
                progress(done, len(files), path)
        return reports, used
    reports = []
    for done, path in enumerate(files, 1):
        reports.append(check_path(path, ctx, oracles, max_bytes, debug, stdin))
        if progress is not None:
            progress(done, len(files), path)
    return reports, ctx.counting()


def _context(context: Context | None, repo, strict: bool, jobs: int, max_findings: int | None) -> Context:
    ctx = context or Context()
    ctx.repo = Path(repo) if repo is not None else ctx.repo
    ctx.strict = strict
    ctx.jobs = max(1, jobs)
    if max_findings is not None:
        ctx.max_findings = max_findings
    return ctx


def _stdin_bytes(max_bytes: int, stdin: BinaryIO | None) -> bytes:
    """Up to ``max_bytes + 1`` bytes of standard input (one more than allowed says "too large")."""
    stream = stdin if stdin is not None else sys.stdin.buffer
    try:
        return stream.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"cannot read standard input: {exc.strerror or exc}") from exc


def _stdin_pack(raw: bytes, max_bytes: int) -> Loaded:
    """packverify JSON from standard input (named ``<stdin>`` in reports)."""
    if len(raw) > max_bytes:
        return Loaded(STDIN_NAME, b"", hashlib.sha256(raw).hexdigest(), findings=[Finding(
            "parse.too-large", (), f"standard input is over the limit of {max_bytes} bytes (--max-bytes)",
            expected=max_bytes, actual=len(raw))])
    return parse_bytes(raw, path=STDIN_NAME)


def _stdin_foreign(raw: bytes, ctx: Context, max_bytes: int) -> ForeignView | None:
    """Standard input as a foreign pack, or ``None`` when it is packverify JSON (or too large)."""
    if len(raw) > max_bytes:
        return None
    try:
        module = choose_reader(raw[:readers.HEAD_BYTES], STDIN_NAME, ctx.input_format)
        return None if module is None else view_of(raw, STDIN_NAME, ctx, module.NAME)
    except (readers.UnknownFormat, readers.AmbiguousFormat, ClaimsError, RepoError) as exc:
        raise UsageError(f"{STDIN_NAME}: {exc}") from exc


def check_path(path: str, ctx: Context, oracles: Sequence[str], max_bytes: int, debug: bool,
               stdin: BinaryIO | None = None) -> PackReport:
    """One pack file checked: a foreign pack through its reader, else packverify JSON
    (``-``: standard input, ``stdin``). Raises :class:`UsageError` when the file cannot
    be read or its format is unknown."""
    raw = _stdin_bytes(max_bytes, stdin) if path == STDIN else None
    foreign = _open_foreign(path, ctx, max_bytes) if raw is None else _stdin_foreign(raw, ctx, max_bytes)
    if foreign is not None:
        try:
            return check_foreign(foreign, ctx, oracles, debug=debug)
        finally:
            foreign.close()
    if raw is not None:
        loaded = _stdin_pack(raw, max_bytes)
    else:
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
