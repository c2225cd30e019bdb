"""``packverify check PACK...``: every oracle over pack files, rendered in one of the
``REPORTERS`` formats (docs/contract.md §2). Exit 0 all held, 1 findings, 2 the check
could not run (or a packverify bug: an oracle's internal error)."""

from __future__ import annotations

import os
from typing import IO

import click

from packverify import sharding
from packverify.cli import attestation_cmd
from packverify.cli._common import ExitCode, finish_run_log, open_run_log, split_list
from packverify.cli._pack_formats import format_context, format_options
from packverify.context import DEFAULT_MAX_FINDINGS
from packverify.counting import DEFAULT_ENGINE, ENGINES
from packverify.engine import UsageError, check
from packverify.environment import section
from packverify.load import DEFAULT_MAX_BYTES
from packverify.printable import printable
from packverify.report import REPORTERS


@click.command("check")
@click.argument("packs", nargs=-1, required=True, metavar="PACK...")
@click.option("--format", "fmt", type=click.Choice(tuple(REPORTERS)), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("--repo", type=click.Path(exists=True, file_okay=False),
              help="Repository to compare chunk content with (source oracle).")
@click.option("--strict", is_flag=True, help="Warnings fail the verdict too.")
@click.option("--only", multiple=True, metavar="ORACLES", help="Run only these oracles (comma-separated).")
@click.option("--skip", multiple=True, metavar="ORACLES", help="Do not run these oracles (comma-separated).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="CPUs to use: threads for token recounting of one pack, processes for many packs; "
                   "0 = every CPU.  [default: 0]")
@click.option("--shard", metavar="K/N", default=None,
              help="Check only part K of N of the packs (pack i goes to part i mod N + 1, in reading order); "
                   "the report records the part, and `packverify merge` joins the N reports.")
@click.option("--tokenizer-engine", "engine", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="Who recounts tokens: auto = the fast engine if it passes its self-check against tiktoken, "
                   "else tiktoken; fast = the fast engine or skip the tokens oracle; tiktoken = the reference.")
@click.option("--cache", "cache", type=click.Path(file_okay=False), default=None,
              help="Remember token counts in DIR between runs (keyed by version, engine, vocabulary and content).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Refuse pack files larger than this.")
@click.option("--max-findings", type=click.IntRange(min=0), default=DEFAULT_MAX_FINDINGS, show_default=True,
              help="List at most this many findings per oracle per pack (0 = all); the oracle still fails.")
@click.option("--run-log", type=click.Path(dir_okay=False), default=os.path.join("artifacts", "check.run.json"),
              show_default=True, help="Where to write the JSON run log.")
@click.option("--no-run-log", is_flag=True, help="Write no run log.")
@click.option("--color/--no-color", default=None, help="Colour in text output (default: only on a terminal).")
@click.option("--debug", is_flag=True, help="Show tracebacks of packverify's own bugs.")
@attestation_cmd.check_options
@format_options
@click.pass_context
def command(ctx, packs, fmt, output, repo, strict, only, skip, jobs, shard, engine, cache, max_bytes, max_findings,
            run_log, no_run_log, color, debug, attest=None, signing_key=None,
            **formats) -> int:
    """Verify PACK files (or every *.json under a directory) against the schema and all oracles.

    A PACK is packverify JSON or any format packverify reads (repomix, gitingest,
    files-to-prompt, scribe, PackRepo: docs/formats/), detected from its content.

    Oracles: parse, schema, structure, budget, tokens, integrity, overlap, determinism,
    stats, security, source (needs --repo), coverage (needs --repo).
    """
    out: IO[str] = ctx.obj["stdout"]
    err: IO[str] = ctx.obj["stderr"]
    log = open_run_log(None if no_run_log else run_log, "check", ctx.obj["argv"], err)
    jobs = jobs or (os.cpu_count() or 1)
    try:
        part = sharding.parse(shard) if shard is not None else None
    except sharding.ShardError as exc:
        err.write(f"packverify check: error: {printable(str(exc))}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=str(exc))
        return ExitCode.ERROR
    try:
        report = check(list(packs), repo=repo, only=split_list(only) or None, skip=split_list(skip), strict=strict,
                       jobs=jobs, max_bytes=max_bytes, max_findings=max_findings, environment=section(), debug=debug,
                       exclude=[p for p in (None if no_run_log else run_log, attest) if p], engine=engine, cache=cache,
                       shard=part, context=format_context(formats))
    except UsageError as exc:
        err.write(f"packverify check: error: {printable(str(exc))}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=str(exc))
        return ExitCode.ERROR
    render = REPORTERS[fmt]
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as handle:
                render(report, handle, color=False)
        except OSError as exc:
            err.write(printable(f"packverify check: error: cannot write {output}: {exc.strerror or exc}") + "\n")
            finish_run_log(log, ExitCode.ERROR, err, error=f"cannot write {output}")
            return ExitCode.ERROR
    else:
        render(report, out, color=color)
    if report.internal_errors:
        err.write(f"packverify check: {report.internal_errors} internal error(s) — a packverify bug; "
                  "the report lists them as <oracle>.internal-error (use --debug for tracebacks)\n")
        code = ExitCode.ERROR
    else:
        code = ExitCode.OK if report.verdict.value == "pass" else ExitCode.FINDINGS
    code = attestation_cmd.attest_check(ctx, report, code)  # --attest FILE: a signed statement of this run
    finish_run_log(log, code, err, verdict=report.verdict.value, counting=report.environment.get("counting", {}),
            packs=[{"path": p.path, "sha256": p.sha256, "verdict": p.verdict.value, "findings": len(p.findings)}
                   for p in report.packs])
    return code
