"""``packverify fuzz``: run the atheris fuzz targets for dedicated runners (CONTRACT.md §2–§4).

Parses options, writes the run log (environment first), runs each target as a
subprocess through :mod:`packverify.fuzz.campaign`, shows libFuzzer's progress on
stderr, and renders the summary. Exit codes: 0 no crash; 1 a target crashed (its
input is saved with a replay command); 2 the fuzzer could not run (atheris missing,
an unknown target, a fuzzer that died without a crash input).
"""

from __future__ import annotations

import difflib
import json
import os
import time
from pathlib import Path

import click

from packverify.cli._common import ExitCode, finish_run_log, open_run_log, split_list, write_report
from packverify.fuzz import TARGETS
from packverify.fuzz.campaign import atheris_missing, run_target

_EPILOG = """\b
Examples:
  packverify fuzz --list
  packverify fuzz --seconds 600                       # every target, 10 minutes each
  packverify fuzz --target check_structured --seconds 3600 --format json
\b
Corpora grow under --corpus/<target>/ (the committed seeds under
tests/fuzzing/corpus/<target>/ are read too, when present); crash inputs land in
--artifacts/<target>/ beside a .replay file holding the command that replays them.
\b
Exit codes: 0 no crash; 1 a crash (or a failed property) was found; 2 could not
run (atheris missing, unknown target, the fuzzer died without a crash input).
"""


@click.command("fuzz", epilog=_EPILOG)
@click.option("--target", "targets", multiple=True, metavar="NAME",
              help="Target to run (repeat or comma-separate); default: every target.")
@click.option("--seconds", type=click.IntRange(min=1), default=60, show_default=True,
              help="How long to fuzz each target.")
@click.option("--corpus", type=click.Path(file_okay=False), default=os.path.join("artifacts", "fuzz", "corpus"),
              show_default=True, help="Directory of the growing corpora, one subdirectory per target.")
@click.option("--artifacts", type=click.Path(file_okay=False), default=os.path.join("artifacts", "fuzz"),
              show_default=True, help="Directory for crash inputs, replay commands and fuzzer logs.")
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
def command(ctx, targets, seconds, corpus, artifacts, fmt, output, quiet, list_only, run_log, no_run_log) -> int:
    """Fuzz packverify with atheris/libFuzzer: each target for --seconds, as a subprocess.

    Targets: check_raw (any bytes → every oracle), check_structured (near-valid packs,
    differential properties), pack (fuzzed repositories → the reference packer's pack
    passes check --strict --repo). The same targets run on ClusterFuzzLite
    (.clusterfuzzlite/) and, bounded, in the test suite (tests/fuzzing/).
    """
    out, err = ctx.obj["stdout"], ctx.obj["stderr"]
    if list_only:
        width = max(map(len, TARGETS))
        for target in TARGETS.values():
            out.write(f"{target.name:<{width}}  {target.summary}\n")
        return ExitCode.OK
    chosen = split_list(targets) or list(TARGETS)
    for name in chosen:
        if name not in TARGETS:
            close = difflib.get_close_matches(name, list(TARGETS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            err.write(f"packverify fuzz: error: unknown target {name!r}{hint}; targets: {', '.join(TARGETS)}\n")
            return ExitCode.ERROR
    chosen = list(dict.fromkeys(chosen))
    log = open_run_log(None if no_run_log else run_log, "fuzz", ctx.obj["argv"], err)
    missing = atheris_missing()
    if missing:
        err.write(f"packverify fuzz: error: {missing}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=missing)
        return ExitCode.ERROR

    show = _Progress(err, quiet=quiet)
    runs = []
    for name in chosen:
        if not quiet:
            err.write(f"fuzz {name}: {seconds} s ...\n")
        run = run_target(name, seconds=seconds, corpus_root=Path(corpus), artifacts_root=Path(artifacts),
                         progress=show)
        show.done(run)
        runs.append(run)
    crashed = any(r.crashed for r in runs)
    broken = [r for r in runs if r.error]
    verdict = "fail" if crashed else ("error" if broken else "pass")
    summary = {"verdict": verdict, "targets": {r.name: r.to_dict() for r in runs}}
    rendered = json.dumps(summary, indent=2) + "\n" if fmt == "json" else _text(runs, verdict)
    if not write_report("fuzz", output, out, err, lambda stream: stream.write(rendered)):
        finish_run_log(log, ExitCode.ERROR, err, error=f"cannot write {output}", **summary)
        return ExitCode.ERROR
    code = ExitCode.FINDINGS if crashed else (ExitCode.ERROR if broken else ExitCode.OK)
    finish_run_log(log, code, err, **summary)
    return code


def _text(runs, verdict: str) -> str:
    lines = []
    for r in runs:
        line = (f"{r.name}: {r.execs} execs in {r.elapsed:.0f} s, {r.exec_per_sec:g} exec/s, "
                f"coverage {r.coverage}, corpus {r.corpus_size}")
        lines.append(line + (f" — {len(r.crashes)} crash(es)" if r.crashes else " — no crash"))
        for crash, replay in zip(r.crashes, r.replay):
            lines += [f"  crash: {crash}", f"  replay: {replay}"]
        if r.error:
            lines.append(f"  error: {r.error}")
    lines.append(f"verdict: {verdict}")
    return "\n".join(lines) + "\n"


class _Progress:
    """libFuzzer's status as one line: rewritten in place on a terminal, every 10 s otherwise."""

    def __init__(self, stream, *, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last = 0.0

    def __call__(self, run) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if now - self.last < (0.5 if self.tty else 10.0):
            return
        self.last = now
        text = (f"fuzz {run.name}: {run.elapsed:4.0f}/{run.seconds} s  {run.execs} execs  "
                f"{run.exec_per_sec:g} exec/s  cov {run.coverage}  ft {run.features}  corpus {run.corpus_size}")
        self.stream.write(("\r" + text + "\033[K") if self.tty else text + "\n")
        self.stream.flush()

    def done(self, run) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\n")
        self.last = 0.0
        state = f"{len(run.crashes)} crash(es)" if run.crashes else ("error" if run.error else "no crash")
        self.stream.write(f"fuzz {run.name}: {run.execs} execs, {run.exec_per_sec:g} exec/s — {state}\n")
        for replay in run.replay:
            self.stream.write(f"  replay: {replay}\n")
        if run.error:
            self.stream.write(f"  error: {run.error}\n")
