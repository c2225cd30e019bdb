"""Runs the oracles over loaded packs and collects their results.

The engine stamps each finding with its oracle and default severity, rejects codes
an oracle does not declare (prefixes never drift), orders findings totally, and
turns an exception escaping an oracle into ``<oracle>.internal-error`` — a
packverify bug reported cleanly, never a traceback (``debug=True`` keeps it).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from packverify.context import Context
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
from packverify.oracles.security import path_problems
from packverify.pack_files import DEFAULT_INCLUDE, STDIN, NoPackFiles, find_pack_files
from packverify.policy import NOT_RUN, Policy, apply_policy
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
    every oracle that runs) and ``--ignore`` (finding codes); unknown or contradictory
    names raise :class:`UsageError`."""
    import difflib

    required: set[str] = set()
    for name in require:
        if name == "all":
            required.update(oracles)
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
    return Policy(frozenset(required), frozenset(ignored))


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
            # because a Rust panic inside tiktoken surfaces as pyo3's PanicException
            # (RECIPES.md), which ``except Exception`` misses.
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
                             finding.severity or info.severity, name, finding.location,
                             finding.source or source_of(pack, finding.path)))
    return found, False


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
    try:
        found = find_pack_files(list(paths), include=include_globs, exclude=exclude_globs, excluded_files=exclude)
    except NoPackFiles as exc:
        raise UsageError(str(exc)) from exc
    reports = []
    for done, path in enumerate(found.files, 1):
        loaded = _read(path, max_bytes, stdin)
        loaded.release_raw()  # canonical bytes are not needed again: peak memory −1× the file
        reports.append(apply_policy(check_loaded(loaded, ctx, oracles, debug=debug), policy, strict))
        del loaded
        if progress is not None:
            progress(done, len(found.files), path)
    verdict = Verdict.FAIL if any(r.verdict is Verdict.FAIL for r in reports) else Verdict.PASS
    return Report(tuple(reports), verdict, strict, environment or {},
                  repo=os.fspath(repo) if repo is not None else None, skipped=tuple(found.skipped))


def _context(context: Context | None, repo, strict: bool, jobs: int, max_findings: int | None) -> Context:
    ctx = context or Context()
    ctx.repo = Path(repo) if repo is not None else ctx.repo
    ctx.strict = strict
    ctx.jobs = max(1, jobs)
    if max_findings is not None:
        ctx.max_findings = max_findings
    return ctx


def _read(path: str, max_bytes: int, stdin: BinaryIO | None) -> Loaded:
    """The pack at ``path``, or from ``stdin`` for ``-`` (named ``<stdin>`` in reports)."""
    if path != STDIN:
        try:
            return read_pack(path, max_bytes=max_bytes)
        except LoadError as exc:
            raise UsageError(str(exc)) from exc
    stream = stdin if stdin is not None else sys.stdin.buffer
    try:
        raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"cannot read standard input: {exc.strerror or exc}") from exc
    if len(raw) > max_bytes:
        return Loaded(STDIN_NAME, b"", hashlib.sha256(raw).hexdigest(), findings=[Finding(
            "parse.too-large", (), f"standard input is over the limit of {max_bytes} bytes (--max-bytes)",
            expected=max_bytes, actual=len(raw))])
    return parse_bytes(raw, path=STDIN_NAME)
