"""``packverify check PACK...``: every oracle over pack files, rendered in one of the
``REPORTERS`` formats (docs/contract.md §2). Exit 0 all held, 1 findings, 2 the check
could not run (or a packverify bug: an oracle's internal error).

Settings come from ``[tool.packverify]`` (or ``--config``), every option overriding
its setting; ``-`` reads a pack from standard input; ``--report FORMAT=FILE`` writes
further formats of the same run (one run gives the job log and the SARIF file).
"""

from __future__ import annotations

import functools
import os
from typing import IO, Any

import click

from packverify import sharding
from packverify.cli import attestation_cmd
from packverify.cli._common import (
    RUN_LOG_HELP,
    ExitCode,
    default_run_log,
    finish_run_log,
    open_run_log,
    settings,
    split_list,
    write_report,
)
from packverify.cli._pack_formats import format_context, format_options
from packverify.cli._progress import Progress
from packverify.context import DEFAULT_MAX_FINDINGS
from packverify.counting import DEFAULT_ENGINE, ENGINES
from packverify.engine import UsageError, check
from packverify.environment import section
from packverify.load import DEFAULT_MAX_BYTES
from packverify.printable import printable
from packverify.report import REPORTERS

SKIPPED_SHOWN = 20  # non-pack files named one by one on stderr; the run log lists them all


def _extra_report(ctx, param, values: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        fmt, sep, path = value.partition("=")
        if not sep or fmt not in REPORTERS or not path:
            raise click.BadParameter(f"{value!r}: expected FORMAT=FILE with FORMAT one of {', '.join(REPORTERS)}")
        pairs.append((fmt, path))
    return pairs


@click.command("check")
@click.argument("packs", nargs=-1, required=True, metavar="PACK...")
@click.option("--format", "fmt", type=click.Choice(tuple(REPORTERS)), default=None,
              help="Report format.  [default: text]")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to FILE instead of stdout.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT=FILE", callback=_extra_report,
              help="Also write the report in FORMAT to FILE, from the same run (repeatable).")
@click.option("--repo", type=click.Path(exists=True, file_okay=False),
              help="Repository to compare chunk content with (source oracle).")
@click.option("--strict/--no-strict", default=None, help="Warnings fail the verdict too.  [default: no-strict]")
@click.option("--only", multiple=True, metavar="ORACLES", help="Run only these oracles (comma-separated).")
@click.option("--skip", multiple=True, metavar="ORACLES", help="Do not run these oracles (comma-separated).")
@click.option("--require", multiple=True, metavar="ORACLES|all",
              help="These oracles must run: one that is skipped fails the verdict (<oracle>.not-run). "
                   "all: every chosen oracle that applies to the pack's format.")
@click.option("--ignore", multiple=True, metavar="CODE",
              help="Findings of CODE do not count for the verdict; they are still listed, as ignored (repeatable).")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Under a directory, consider files matching GLOB (gitignore-style; repeatable).  [default: *.json]")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Under a directory, leave out files matching GLOB (gitignore-style; repeatable).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Settings file (default: the nearest pyproject.toml with [tool.packverify]).")
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
@click.option("--run-log", type=click.Path(dir_okay=False), default=None, help=RUN_LOG_HELP.format(command="check"))
@click.option("--no-run-log", is_flag=True, help="Write no run log.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no list of skipped files on stderr.")
@click.option("--color/--no-color", default=None, help="Colour in text output (default: only on a terminal).")
@click.option("--debug", is_flag=True, help="Show tracebacks of packverify's own bugs.")
@attestation_cmd.check_options
@format_options
@click.pass_context
def command(ctx, packs, **params) -> int:
    """Verify PACK files against the schema and all oracles. A directory means the packs
    under it (non-pack JSON is skipped, with the reason on stderr); a quoted glob
    pattern ('build/**/*.pack.json') is expanded here; '-' reads standard input.

    A PACK is packverify JSON or any format packverify reads (repomix, gitingest,
    files-to-prompt, scribe, PackRepo: docs/formats/), detected from its content.

    Oracles: parse, schema, structure, budget, tokens, integrity, overlap, determinism,
    stats, security, source (needs --repo), coverage (needs --repo).
    """
    out: IO[str] = ctx.obj["stdout"]
    err: IO[str] = ctx.obj["stderr"]
    config = settings("check", params["config_path"], err)
    if config is None:
        return ExitCode.ERROR
    options = _effective(params, config)
    if params["require_complete"] is None:  # a setting, as strict is: the format options read params
        params["require_complete"] = bool(config.get("require_complete", False))
    fmt = options.pop("fmt")
    ctx.params.update(only=tuple(options["only"] or ()), skip=tuple(options["skip"]), strict=options["strict"],
                      require=tuple(options["require"]), ignore=tuple(options["ignore"]))  # what --attest records
    trees = [p for p in packs if os.path.isdir(p)] + [params["repo"]]
    run_log = None if params["no_run_log"] else params["run_log"] or default_run_log("check", *trees)
    log = open_run_log(run_log, "check", ctx.obj["argv"], err)
    try:
        part = sharding.parse_shard(params["shard"]) if params["shard"] is not None else None
    except sharding.ShardError as exc:
        err.write(f"packverify check: error: {printable(str(exc))}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=str(exc))
        return ExitCode.ERROR
    try:
        with Progress(err, "check", quiet=params["quiet"]) as progress:
            report = check(list(packs), repo=params["repo"], jobs=params["jobs"] or (os.cpu_count() or 1),
                           max_bytes=params["max_bytes"], max_findings=params["max_findings"], environment=section(),
                           debug=params["debug"], exclude=[p for p in (run_log, params["attest"]) if p],
                           stdin=ctx.obj.get("stdin"), progress=lambda done, total, path: progress.update(
                               "packs", done, total, os.path.basename(path)),
                           engine=params["engine"], cache=params["cache"], shard=part,
                           context=format_context(params), **options)
    except UsageError as exc:
        err.write(f"packverify check: error: {printable(str(exc))}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=str(exc))
        return ExitCode.ERROR
    _say_skipped(report.skipped, err, params["quiet"])
    if not _render(report, fmt, params, out, err):
        finish_run_log(log, ExitCode.ERROR, err, error="cannot write the report")
        return ExitCode.ERROR
    code = _exit_code(report, err)
    code = attestation_cmd.attest_check(ctx, report, code)  # --attest FILE: a signed statement of this run
    finish_run_log(log, code, err, verdict=report.verdict.value, config=config.source,
                   counting=report.environment.get("counting", {}),
                   skipped=[{"path": p, "reason": r} for p, r in report.skipped],
                   packs=[{"path": p.path, "sha256": p.sha256, "verdict": p.verdict.value, "findings": len(p.findings)}
                          for p in report.packs])
    return code


def _effective(params: dict[str, Any], config) -> dict[str, Any]:
    """The check's options: each command-line option, else its setting, else the default."""
    def listed(name: str) -> list[str]:
        return split_list(params[name]) or list(config.get(name, []))

    strict = params["strict"] if params["strict"] is not None else bool(config.get("strict", False))
    return {"only": listed("only") or None, "skip": listed("skip"), "require": listed("require"),
            "ignore": listed("ignore"), "strict": strict, "fmt": params["fmt"] or config.get("format", "text"),
            "include_globs": listed("include") or ["*.json"], "exclude_globs": listed("exclude")}


def _render(report, fmt: str, params: dict[str, Any], out: IO[str], err: IO[str]) -> bool:
    color = params["color"] if not params["output"] or params["output"] == "-" else False
    ok = write_report("check", params["output"], out, err, lambda stream: REPORTERS[fmt](report, stream, color=color))
    for extra_fmt, path in params["reports"]:
        ok = write_report("check", path, out, err, functools.partial(REPORTERS[extra_fmt], report, color=False)) and ok
    return ok


def _exit_code(report, err: IO[str]) -> ExitCode:
    if report.internal_errors:
        err.write(f"packverify check: {report.internal_errors} internal error(s) — a packverify bug; "
                  "the report lists them as <oracle>.internal-error (use --debug for tracebacks)\n")
        return ExitCode.ERROR
    return ExitCode.OK if report.verdict.value == "pass" else ExitCode.FINDINGS


def _say_skipped(skipped, err: IO[str], quiet: bool) -> None:
    if quiet or not skipped:
        return
    for path, reason in skipped[:SKIPPED_SHOWN]:
        err.write(f"packverify check: skipped {path}: {reason}\n")
    if len(skipped) > SKIPPED_SHOWN:
        err.write(f"packverify check: … and {len(skipped) - SKIPPED_SHOWN} more file(s) skipped (the run log lists all)\n")
