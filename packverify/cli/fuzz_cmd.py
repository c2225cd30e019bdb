"""``packverify fuzz``: fuzzing sessions for dedicated runners, and ``packverify fuzz merge``
(docs/contract.md §2–§4).

Parses options, writes the run log (environment first), runs a
:class:`packverify.fuzz.session.FuzzSession` — SIGINT/SIGTERM stop it cleanly and the
summary is still written — shows its stats lines on stderr and renders the summary.
Exit codes: 0 no new crash; 1 a new crash (not listed in ``--known``), a failed property
included; 2 the fuzzer could not run (atheris missing, an unknown target, a bad
``--shard``, a fuzzer that died without a crash input).
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import signal
import threading
from pathlib import Path

import click

from packverify.cli._common import ExitCode, finish_run_log, open_run_log, split_list, write_report
from packverify.fuzz import TARGETS

_EPILOG = """\b
Examples:
  packverify fuzz --list
  packverify fuzz --seconds 3600                     # every target in turn, one worker per core, 1 hour
  packverify fuzz --target check_structured --workers 2 --seconds 600 --format json
  packverify fuzz --shard 2/4 --seconds 3600 --known tests/fuzzing/known-crashes.json   # a CI matrix job
  packverify fuzz merge --target read_gitingest      # minimise the corpus, add what is new to the seeds
\b
Corpora grow under --corpus/<target>/ (the committed seeds under tests/fuzzing/corpus/<target>/
are read too): a rerun continues from them. Each unique crash is kept once under
--artifacts/<target>/ (its smallest input, a .replay command, a .txt traceback) and summarised
in --artifacts/crashes.json.
\b
Exit codes: 0 no new crash; 1 a crash not listed in --known (a failed property included);
2 could not run (atheris missing, unknown target, bad --shard, the fuzzer died without a crash input).
"""


def _targets(names, shard, err) -> list[str] | None:
    from packverify.fuzz.schedule import shard_names
    from packverify.sharding import ShardError, parse_shard

    chosen = split_list(names) or list(TARGETS)
    for name in chosen:
        if name not in TARGETS:
            close = difflib.get_close_matches(name, list(TARGETS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            err.write(f"packverify fuzz: error: unknown target {name!r}{hint}; targets: {', '.join(TARGETS)}\n")
            return None
    chosen = list(dict.fromkeys(chosen))
    if shard is None:
        return chosen
    try:
        index, count = parse_shard(shard)
    except ShardError as exc:
        err.write(f"packverify fuzz: error: {exc}\n")
        return None
    return shard_names(chosen, index, count)


@contextlib.contextmanager
def _stopped_by_signals(session, err):
    """SIGINT/SIGTERM stop the session (its summary is still written); restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(number, frame):  # noqa: ARG001 - signal's signature
        err.write(f"packverify fuzz: {signal.Signals(number).name}: stopping the workers, writing the summary\n")
        session.stop()

    previous = {number: signal.signal(number, handler) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


@click.group("fuzz", epilog=_EPILOG, invoke_without_command=True)
@click.option("--target", "targets", multiple=True, metavar="NAME",
              help="Target to run (repeat or comma-separate); default: every target.")
@click.option("--seconds", type=click.IntRange(min=1), default=60, show_default=True,
              help="Wall time of the whole session.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Fuzzing processes at once (default: one per core).")
@click.option("--shard", metavar="K/N", default=None,
              help="Run only shard K of N of the targets (target i belongs to shard i mod N + 1).")
@click.option("--slice", "slice_", type=click.FloatRange(min=5), default=None, metavar="SECONDS",
              help="How long a worker stays on one target before taking the next "
                   "(default: seconds × workers / targets, within 20–600).")
@click.option("--stats-interval", type=click.FloatRange(min=1), default=60, show_default=True,
              help="Seconds between stats lines (and points of the run log's time series).")
@click.option("--known", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Accepted crashes (a crashes.json, or ids/signatures one per line): only others exit 1.")
@click.option("--corpus", type=click.Path(file_okay=False), default=os.path.join("artifacts", "fuzz", "corpus"),
              show_default=True, help="Directory of the growing corpora, one subdirectory per target.")
@click.option("--artifacts", type=click.Path(file_okay=False), default=os.path.join("artifacts", "fuzz"),
              show_default=True, help="Directory for crashes, their summary, replay commands and fuzzer logs.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Summary format (stdout).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the summary to FILE instead of stdout.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--list", "list_only", is_flag=True, help="List the targets and exit.")
@click.option("--run-log", type=click.Path(dir_okay=False), default=os.path.join("artifacts", "fuzz.run.json"),
              show_default=True, help="Where to write the JSON run log.")
@click.option("--no-run-log", is_flag=True, help="Write no run log.")
@click.pass_context
def command(ctx, targets, seconds, workers, shard, slice_, stats_interval, known, corpus, artifacts, fmt, output,
            quiet, list_only, run_log, no_run_log) -> int | None:
    """Fuzz packverify with atheris/libFuzzer: --workers processes for --seconds of wall time,
    the targets taking turns in slices.

    Targets: check_raw, check_structured, pack (the engine and the packer), read_<format>
    (one per reader of a foreign pack format: structure-aware documents and the real
    tools' recorded outputs), convert (any foreign pack: read → convert → check). The
    same targets run on ClusterFuzzLite (.clusterfuzzlite/) and, bounded, in the test
    suite (tests/fuzzing/).
    """
    if ctx.invoked_subcommand is not None:
        return None
    out, err = ctx.obj["stdout"], ctx.obj["stderr"]
    if list_only:
        width = max(map(len, TARGETS))
        for target in TARGETS.values():
            out.write(f"{target.name:<{width}}  {target.summary}" + (f" ({target.missing()})" if target.missing()
                                                                     else "") + "\n")
        return ExitCode.OK
    chosen = _targets(targets, shard, err)
    if chosen is None:
        return ExitCode.ERROR
    accepted = frozenset()
    if known:
        from packverify.fuzz.triage import load_known

        try:
            accepted = frozenset(load_known(Path(known)))
        except (OSError, UnicodeDecodeError) as exc:
            err.write(f"packverify fuzz: error: cannot read --known {known}: {exc}\n")
            return ExitCode.ERROR
    log = open_run_log(None if no_run_log else run_log, "fuzz", ctx.obj["argv"], err)
    return _run(out, err, log, chosen, fmt, output, quiet, dict(
        seconds=seconds, workers=workers or os.cpu_count() or 1, corpus_root=Path(corpus),
        artifacts_root=Path(artifacts), slice_seconds=slice_, stats_interval=stats_interval, known=accepted))


def _run(out, err, log, chosen: list[str], fmt: str, output: str | None, quiet: bool, settings: dict) -> int:
    from packverify.fuzz.process import atheris_missing
    from packverify.fuzz.session import FuzzSession, Options

    missing = atheris_missing()
    if missing:
        err.write(f"packverify fuzz: error: {missing}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=missing)
        return ExitCode.ERROR
    session = FuzzSession(Options(targets=chosen, **settings),
                          on_line=None if quiet else lambda line: (err.write(line + "\n"), err.flush()))
    if not quiet:
        err.write(f"fuzz: {len(chosen)} target(s), {session.options.workers} worker(s), {settings['seconds']} s, "
                  f"slices of {session.slice:.0f} s\n")
    with _stopped_by_signals(session, err):
        session.run()
    summary = session.summary()
    rendered = json.dumps(summary, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else _text(summary)
    if not write_report("fuzz", output, out, err, lambda stream: stream.write(rendered)):
        finish_run_log(log, ExitCode.ERROR, err, error=f"cannot write {output}", **summary)
        return ExitCode.ERROR
    code = ExitCode.FINDINGS if summary["verdict"] == "fail" else (
        ExitCode.ERROR if summary["verdict"] == "error" else ExitCode.OK)
    finish_run_log(log, code, err, **summary, series=session.series)
    return code


def _text(summary: dict) -> str:
    out = io.StringIO()
    for name, t in summary["targets"].items():
        if t.get("skipped"):
            out.write(f"{name}: {t['skipped']}\n")
            continue
        line = (f"{name}: {t['executions']} execs in {t['seconds']:.0f} worker-s, {t['exec_per_sec']:g} exec/s, "
                f"{t['workers']} worker(s), coverage {t['coverage']}, corpus {t['corpus_size']}")
        out.write(line + (f" — {t['unique_crashes']} unique crash(es)\n" if t["unique_crashes"] else " — no crash\n"))
        for crash, replay in zip(t["crashes"], t["replay"]):
            out.write(f"  crash: {crash}\n  replay: {replay}\n")
        if t.get("error"):
            out.write(f"  error: {t['error']}\n")
    out.write(f"session: {summary['executions']} execs in {summary['seconds']:.0f} s ({summary['exec_per_sec']:g} "
              f"exec/s, {summary['workers']} worker(s)); unique crashes {summary['unique_crashes']}, new "
              f"{len(summary['new_crashes'])} (see {summary['crashes_file']})"
              + ("; interrupted" if summary["interrupted"] else "") + "\n")
    out.write(f"verdict: {summary['verdict']}\n")
    return out.getvalue()


@click.command("merge")
@click.option("--target", "targets", multiple=True, metavar="NAME",
              help="Target whose corpus to merge (repeat or comma-separate); default: every target.")
@click.option("--corpus", type=click.Path(file_okay=False), default=os.path.join("artifacts", "fuzz", "corpus"),
              show_default=True, help="Directory of the grown corpora (one subdirectory per target).")
@click.option("--into", type=click.Path(file_okay=False), default=None,
              help="Seed corpora to merge into (default: tests/fuzzing/corpus of the checkout).")
@click.option("--max-files", type=click.IntRange(min=1), default=None, help="Cap on a seed directory's files.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Cap on a seed directory's bytes.")
@click.option("--max-file-bytes", type=click.IntRange(min=1), default=None, help="Cap on one seed's bytes.")
@click.option("--no-minimize", is_flag=True, help="Leave the grown corpus as it is (default: minimise it first).")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.pass_context
def merge_command(ctx, targets, corpus, into, max_files, max_bytes, max_file_bytes, no_minimize, fmt) -> int:
    """Minimise the grown corpora and add what covers new code to the committed seeds
    (libFuzzer -merge=1), within a size cap (defaults: 120 files, 512 KiB per target, 8 KiB
    per file). Existing seeds are never removed; new ones are named merged-<sha1>."""
    from packverify.fuzz import corpus as care
    from packverify.fuzz.process import atheris_missing, find_checkout_file

    out, err = ctx.obj["stdout"], ctx.obj["stderr"]
    chosen = _targets(targets, None, err)
    if chosen is None:
        return ExitCode.ERROR
    seeds_root = Path(into) if into else find_checkout_file("tests", "fuzzing", "corpus")
    if seeds_root is None:
        err.write("packverify fuzz merge: error: no tests/fuzzing/corpus here; name the seed corpora with --into\n")
        return ExitCode.ERROR
    missing = atheris_missing()
    if missing:
        err.write(f"packverify fuzz merge: error: {missing}\n")
        return ExitCode.ERROR
    caps = {"max_files": max_files or care.MAX_FILES, "max_bytes": max_bytes or care.MAX_BYTES,
            "max_file_bytes": max_file_bytes or care.MAX_FILE_BYTES}
    results, code = {}, ExitCode.OK
    for name in chosen:
        target, grown = TARGETS[name], Path(corpus) / name
        if target.missing() or not grown.is_dir():
            continue
        log = Path(corpus) / f".{name}.merge.log"
        try:
            before, after = (0, 0) if no_minimize else care.minimize(target, grown, log)
            result = care.merge_into_seeds(target, grown, seeds_root / name, log, **caps)
        except (care.MergeError, OSError) as exc:
            err.write(f"packverify fuzz merge: {name}: error: {exc}\n")
            code = ExitCode.ERROR
            continue
        result.before, result.after = before, after
        results[name] = result.to_dict()
        err.write(f"merge {name}: corpus {before} → {after} files; {len(result.added)} new seed(s)"
                  f" ({result.over_cap} over the cap); seeds now {result.seed_files} files, {result.seed_bytes} bytes\n")
    out.write(json.dumps({"targets": results}, indent=2) + "\n" if fmt == "json" else
              "".join(f"{n}: +{len(r['added'])} seeds ({r['over_cap']} over the cap)\n" for n, r in results.items()))
    return code


command.add_command(merge_command)
