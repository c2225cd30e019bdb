"""`packverify repro`: is a packer's output reproducible? (docs/contract.md §3)

Parses options, writes the run log (environment first), calls
:func:`packverify.repro.reproduce`, renders, and returns 0 (reproducible), 1 (the
outputs differ) or 2 (the job could not be done). The work itself — copies,
variations, comparison, attribution — lives in ``packverify/repro/``.
"""

from __future__ import annotations

import os
import traceback

import click

from packverify.cli._common import (
    ExitCode,
    artifacts_dir,
    finish_run_log,
    open_run_log,
    settings,
    split_list,
    write_report,
)
from packverify.cli._progress import Progress
from packverify.repro import RENDERERS, ReproError, reproduce

_EPILOG = """\b
Placeholders in COMMAND: {repo} (the fresh copy), {out} (the file to compare),
{budget}, {tokenizer}. A single quoted argument is split like a shell would.
\b
Examples:
  packverify repro -- packverify pack {repo} --budget {budget} -o {out}
  packverify repro --runs 3 --vary -time,-cpus -- 'mypacker {repo} --out {out}'
\b
Exit codes: 0 reproducible; 1 the outputs differ; 2 could not do the job (bad
arguments, command not found, the command failed or wrote no {out}).
"""


def _artifacts_or_report(output: str | None, artifacts: str | None, err) -> tuple[str | None, str | None]:
    """(report file, artifacts directory). ``--output`` once named the artifacts directory;
    a value that is an existing directory (or ends in '/') is still read that way, with a
    deprecation warning, so old invocations keep working."""
    if output and output != "-" and (os.path.isdir(output) or output.endswith(("/", os.sep))):
        err.write(f"packverify repro: warning: --output {output} names a directory: read as --artifacts {output} "
                  "(deprecated; --output is now the report file, as for every command)\n")
        return None, artifacts or output
    return output, artifacts


@click.command("repro", epilog=_EPILOG, context_settings={"allow_interspersed_args": False})
@click.argument("command_args", nargs=-1, type=click.UNPROCESSED, metavar="-- COMMAND ...")
@click.option("--repo", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Repository to copy for every run.")
@click.option("--runs", type=click.IntRange(min=2, max=50), default=2, show_default=True,
              help="Number of varied runs (a control run is added).")
@click.option("--vary", multiple=True, metavar="LIST",
              help="Variations to apply, comma-separated; '-name' leaves one out. Default: all the machine supports: "
                   "path, cwd, order, home, locale, tz, umask, time, hashseed, cpus, env.")
@click.option("--exclude", multiple=True, metavar="PATTERN",
              help="Do not copy matching paths (repeatable; like .gitignore: 'node_modules' at any depth, "
                   "'build/*.o' from the root).")
@click.option("--isolate", is_flag=True, help="No network (a new network namespace) and a clean environment.")
@click.option("--budget", type=click.IntRange(min=0), default=None,
              help="Value of {budget}.  [default: [tool.packverify] budget, else 8000]")
@click.option("--tokenizer", default=None, help="Value of {tokenizer}.  [default: [tool.packverify] tokenizer, else cl100k]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Settings file (default: the nearest pyproject.toml with [tool.packverify]).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=600, show_default=True,
              help="Seconds one run may take.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(allow_dash=True),
              help="Write the report to FILE instead of stdout. (It once named the artifacts directory: a "
                   "directory given here is still read as --artifacts, with a warning.)")
@click.option("--artifacts", type=click.Path(file_okay=False), default=None,
              help="Directory for the run log (repro.run.json) and the kept outputs (repro/).  [default: artifacts, "
                   "or the user state directory when the current directory is inside --repo]")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--debug", is_flag=True, help="Show tracebacks of packverify's own bugs.")
@click.pass_context
def command(ctx, command_args, repo, runs, vary, exclude, isolate, budget, tokenizer, config_path, timeout, fmt,
            output, artifacts, quiet, debug) -> int:
    """Run a packer COMMAND several times in fresh, differently-set-up copies of the
    repository and check that its output ({out}) is byte-for-byte the same.

    When it is not, report where the outputs differ (first byte; every JSON pointer)
    and which variation causes it, found by re-running with one variation at a time.
    """
    out = ctx.obj["stdout"]
    err = ctx.obj["stderr"]
    config = settings("repro", config_path, err)
    if config is None:
        return ExitCode.ERROR
    output, artifacts = _artifacts_or_report(output, artifacts, err)
    artifacts = artifacts or os.fspath(artifacts_dir(repo))
    log = open_run_log(os.path.join(artifacts, "repro.run.json"), "repro", ctx.obj["argv"], err)
    try:
        with Progress(err, "repro", quiet=quiet) as progress:
            report = reproduce(list(command_args), repo=repo, runs=runs, vary=split_list(vary) or None,
                               isolate=isolate, budget=budget if budget is not None else config.get("budget", 8000),
                               tokenizer=tokenizer or config.get("tokenizer", "cl100k"), timeout=timeout,
                               artifacts=artifacts, exclude=exclude,
                               progress=lambda n, name: progress.update("runs", n, None, name))
    except ReproError as exc:
        err.write(f"packverify repro: error: {exc}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=str(exc), runs=[r.to_dict() for r in exc.runs])
        return ExitCode.ERROR
    except Exception as exc:  # a packverify bug: say so plainly, never a traceback unless asked
        if debug:
            err.write(traceback.format_exc())
        err.write(f"packverify repro: internal error (a packverify bug): {type(exc).__name__}: {exc}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=f"internal error: {type(exc).__name__}: {exc}")
        return ExitCode.ERROR
    if not write_report("repro", output, out, err, lambda stream: RENDERERS[fmt](report, stream)):
        finish_run_log(log, ExitCode.ERROR, err, error=f"cannot write {output}")
        return ExitCode.ERROR
    code = ExitCode.OK if report.passed else ExitCode.FINDINGS
    finish_run_log(log, code, err, verdict=report.verdict, causes=list(report.causes), report=report.to_dict())
    return code
