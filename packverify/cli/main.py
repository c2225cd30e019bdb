"""``packverify`` commands. Exit codes for every command: 0 all checks held, 1
something was verified and found wrong, 2 the command could not do its job."""

from __future__ import annotations

import contextlib
import enum
import io
import os
import sys
from collections.abc import Sequence
from typing import IO

import click

from packverify import __version__
from packverify.counting import DEFAULT_ENGINE, ENGINES

FORMATS = ("text", "json", "sarif", "junit")


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2


def split_list(values: Sequence[str]) -> list[str]:
    """Values of a repeatable, comma-separated option (``--only a,b --only c``), trimmed."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


class _Group(click.Group):
    def format_epilog(self, ctx, formatter):  # keep the exit-code table readable
        formatter.write("\nExit codes: 0 all checks held; 1 something was verified and found wrong;\n"
                        "2 the command could not do its job (bad arguments, missing file).\n")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="packverify")
def cli() -> None:
    """Verify token-budgeted repository packs for LLM context windows."""


@cli.command("check")
@click.argument("packs", nargs=-1, required=True, metavar="PACK...")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
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
@click.option("--max-bytes", type=click.IntRange(min=1), default=512 * 1024 * 1024, show_default=True,
              help="Refuse pack files larger than this.")
@click.option("--max-findings", type=click.IntRange(min=0), default=10_000, show_default=True,
              help="List at most this many findings per oracle per pack (0 = all); the oracle still fails.")
@click.option("--run-log", type=click.Path(dir_okay=False), default=os.path.join("artifacts", "check.run.json"),
              show_default=True, help="Where to write the JSON run log.")
@click.option("--no-run-log", is_flag=True, help="Write no run log.")
@click.option("--color/--no-color", default=None, help="Colour in text output (default: only on a terminal).")
@click.option("--debug", is_flag=True, help="Show tracebacks of packverify's own bugs.")
@click.pass_context
def check_command(ctx, packs, fmt, output, repo, strict, only, skip, jobs, shard, engine, cache, max_bytes,
                  max_findings, run_log, no_run_log, color, debug) -> int:
    """Verify PACK files (or every *.json under a directory) against the schema and all oracles.

    Oracles: parse, schema, budget, tokens, integrity, overlap, determinism, stats,
    security, source (needs --repo).
    """
    from packverify import sharding
    from packverify.engine import UsageError, check
    from packverify.environment import section
    from packverify.report import REPORTERS

    out: IO[str] = ctx.obj["stdout"]
    err: IO[str] = ctx.obj["stderr"]
    log = open_run_log(None if no_run_log else run_log, "check", ctx.obj["argv"], err)
    jobs = jobs or (os.cpu_count() or 1)
    try:
        part = sharding.parse(shard) if shard is not None else None
    except sharding.ShardError as exc:
        err.write(f"packverify check: error: {exc}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=str(exc))
        return ExitCode.ERROR
    try:
        report = check(list(packs), repo=repo, only=split_list(only) or None, skip=split_list(skip), strict=strict,
                       jobs=jobs, max_bytes=max_bytes, max_findings=max_findings, environment=section(), debug=debug,
                       exclude=[] if no_run_log else [run_log], engine=engine, cache=cache, shard=part)
    except UsageError as exc:
        err.write(f"packverify check: error: {exc}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=str(exc))
        return ExitCode.ERROR
    render = REPORTERS[fmt]
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as handle:
                render(report, handle, color=False)
        except OSError as exc:
            err.write(f"packverify check: error: cannot write {output}: {exc.strerror or exc}\n")
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
    finish_run_log(log, code, err, verdict=report.verdict.value, counting=report.environment.get("counting", {}),
            packs=[{"path": p.path, "sha256": p.sha256, "verdict": p.verdict.value, "findings": len(p.findings)}
                   for p in report.packs])
    return code


def open_run_log(path, command, argv, err):
    """The command's run log (environment recorded now, before the work); ``path`` None
    means none. A log that cannot be written is a warning on ``err``, never an error."""
    from packverify.runlog import RunLog

    try:
        return RunLog(path, command, argv)
    except OSError as exc:
        err.write(f"packverify {command}: warning: cannot write run log {path}: {exc.strerror or exc}\n")
        return RunLog(None, command, argv)


def finish_run_log(log, code, err, **outcome) -> None:
    """Write the run log's outcome and exit code (a failure to write is a warning)."""
    try:
        log.finish(exit_code=int(code), **outcome)
    except OSError as exc:
        err.write(f"packverify: warning: cannot write run log: {exc.strerror or exc}\n")


@cli.command("schema")
@click.pass_context
def schema_command(ctx) -> int:
    """Print the pack JSON Schema (spec/index.schema.json)."""
    from packverify.oracles.schema import schema_text

    ctx.obj["stdout"].write(schema_text())
    return ExitCode.OK


def _register() -> None:
    # Each further command lives in its own module (packverify/cli/<name>_cmd.py).
    from packverify.cli import doctor_cmd, fuzz_cmd, merge_cmd, meta_cmd, pack_cmd, repro_cmd

    for module in (pack_cmd, repro_cmd, meta_cmd, fuzz_cmd, doctor_cmd, merge_cmd):
        cli.add_command(module.command)


_register()


def run(argv: Sequence[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run the CLI in-process and return the exit code (never raises, never exits)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        # click writes --help/--version itself; send that to the injected streams too.
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            result = cli.main(args=argv, prog_name="packverify", standalone_mode=False,
                              obj={"stdout": stdout, "stderr": stderr, "argv": argv})
    except click.UsageError as exc:
        if exc.ctx is not None:
            stderr.write(f"{exc.ctx.get_usage()}\nTry '{exc.ctx.command_path} --help' for help.\n\n")
        stderr.write(f"Error: {exc.format_message()}\n")
        return ExitCode.ERROR
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        stderr.write("Aborted.\n")
        return ExitCode.ERROR
    except click.ClickException as exc:
        stderr.write(f"Error: {exc.format_message()}\n")
        return ExitCode.ERROR
    except BrokenPipeError:
        return ExitCode.ERROR
    except KeyboardInterrupt:
        stderr.write("Interrupted.\n")
        return 130
    if result is None:  # --help and --version print and return None
        return ExitCode.OK
    return int(result)


def main() -> None:
    """Console script entry point."""
    code = run()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)


def run_captured(argv: Sequence[str]) -> tuple[int, str, str]:
    """Run the CLI with captured output: (exit code, stdout, stderr). For tests."""
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    return code, out.getvalue(), err.getvalue()
