"""``packverify meta``: metamorphic relations between runs of a packer (docs/metamorphic.md).

Parses options, runs :func:`packverify.meta.run_meta`, renders the text or JSON
report (docs/contract.md §3), writes the run log. Exit codes: 0 every relation held, 1
a relation failed (its reproducer is under ``artifacts/meta/<relation>/``), 2 the
packer cannot be run (bad template, command not found, fails on a two-file
repository), the options are wrong, or packverify itself failed (a bug: said so
plainly, with the traceback under ``--debug``). Importing ``packverify.meta``
does not import hypothesis; only the search does, when the command runs.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import traceback

import click

from packverify.cli._common import (
    RUN_LOG_HELP,
    ExitCode,
    artifacts_dir,
    default_run_log,
    finish_run_log,
    open_run_log,
    split_list,
    write_report,
)
from packverify.cli._progress import Progress
from packverify.meta import DEFAULT_TEMPLATE, RELATIONS, PackerUnavailable, TemplatePacker, run_meta
from packverify.meta.search import DEFAULT_SHRINK_RUNS


class _OptionError(Exception):
    """An option value the command cannot use (exit 2)."""


def _relation_names(relations) -> list[str]:
    names: list[str] = []
    for name in split_list(relations) or list(RELATIONS):
        upper = name.upper()
        if upper not in RELATIONS:
            close = difflib.get_close_matches(upper, list(RELATIONS), n=1)
            raise _OptionError(f"unknown relation {name!r}" + (f" (did you mean {close[0]}?)" if close else "")
                               + f"; relations: {', '.join(RELATIONS)}")
        if upper not in names:
            names.append(upper)
    return names


def _budget_range(budgets: str | None) -> tuple[int, int] | None:
    if budgets is None:
        return None
    low, sep, high = budgets.partition(":")
    if not (sep and low.strip().isdigit() and high.strip().isdigit() and 1000 <= int(low) <= int(high)):
        raise _OptionError(f"--budgets {budgets!r}: expected LO:HI with 1000 <= LO <= HI")
    return int(low), int(high)


@click.command("meta")
@click.option("--packer", "template", metavar="TEMPLATE", default=None,
              help="Packer command with {repo} {budget} {tokenizer} {out} (default: the reference packer, "
                   "'packverify pack {repo} --budget {budget} --tokenizer {tokenizer} -o {out}').")
@click.option("--repo", type=click.Path(exists=True, file_okay=False),
              help="Run the relations on (copies of) this repository instead of generated ones.")
@click.option("--relations", multiple=True, metavar="M1,...", help="Relations to check (default: M0–M7).")
@click.option("--examples", type=click.IntRange(min=1), default=10, show_default=True,
              help="Examples per relation.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed: the same seed, the same run.")
@click.option("--budgets", metavar="LO:HI", default=None,
              help="Range of the drawn budgets (default: 1000 up to 1.2 x the tree's tokens, at most 8000).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("--artifacts", type=click.Path(file_okay=False), default=None,
              help="Reproducers go to ARTIFACTS/meta/<relation>/.  [default: artifacts, or the user state directory "
                   "when the current directory is inside --repo]")
@click.option("--shrink-runs", type=click.IntRange(min=0), default=DEFAULT_SHRINK_RUNS, show_default=True,
              help="Packer runs to spend shrinking one failure (a count, not seconds: runs are reproducible).")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True,
              help="Seconds one packer run may take.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr (a bar on a terminal, a line every 5 s otherwise).")
@click.option("--run-log", type=click.Path(dir_okay=False), default=None, help=RUN_LOG_HELP.format(command="meta"))
@click.option("--no-run-log", is_flag=True, help="Write no run log.")
@click.option("--debug", is_flag=True, help="Show tracebacks of packverify's own bugs.")
@click.pass_context
def command(ctx, template, repo, relations, examples, seed, budgets, fmt, output, artifacts, shrink_runs, timeout, quiet,
            run_log, no_run_log, debug) -> int:
    """Check metamorphic relations between runs of a packer on related inputs.

    \b
    M0 same input twice => byte-identical packs
    M1 a non-referenced duplicate file => the other files' selection moves <= 1% of the budget
    M2 a file renamed => only path-derived fields differ
    M3 budget x 2 => no selected line is lost, but to a longer line       (needs {budget})
    M4 cl100k -> o200k, budget x token ratio => selected lines' Jaccard >= 0.8
                                                                 (needs {budget} and {tokenizer})
    M5 a large vendored folder => pack unchanged but statistics.ignored_files
    M6 a packed file removed => nothing of it packed, nothing else lost, budget reallocated
    M7 files created in another order => byte-identical packs

    The packer may write any format packverify reads (its JSON, repomix, gitingest,
    files-to-prompt, scribe, ...): packs are compared on the files they carry. Whether
    each output is a valid pack is judged once and reported apart, under "validity"
    (errors fail the run, warnings never do). On a relation failure the input is shrunk
    and written with REPRODUCE.md under ARTIFACTS/meta/<relation>/.
    """
    stdout, stderr = ctx.obj["stdout"], ctx.obj["stderr"]
    artifacts = artifacts or os.fspath(artifacts_dir(repo))
    log = open_run_log(None if no_run_log else run_log or default_run_log("meta", repo), "meta", ctx.obj["argv"],
                       stderr)

    def fail(message: str) -> int:
        stderr.write(f"packverify meta: error: {message}\n")
        finish_run_log(log, ExitCode.ERROR, stderr, error=message)
        return ExitCode.ERROR

    try:
        names, budget_range = _relation_names(relations), _budget_range(budgets)
    except _OptionError as exc:
        return fail(str(exc))
    if importlib.util.find_spec("hypothesis") is None:  # the search needs it: fail cleanly without
        return fail("packverify meta needs hypothesis (pip install 'packverify[dev]' or hypothesis==6.157.0)")
    options = {"relations": names, "examples": examples, "seed": seed, "repo": repo, "artifacts": artifacts,
               "shrink_runs": shrink_runs, "budgets": budget_range}
    try:
        packer = TemplatePacker(template or DEFAULT_TEMPLATE, timeout=timeout)
        with Progress(stderr, "meta", quiet=quiet) as progress:
            report = run_meta(packer, progress=_relation_progress(progress, examples), **options)
    except PackerUnavailable as exc:
        return fail(f"cannot run the packer: {exc}")
    except OSError as exc:
        return fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if getattr(exc, "filename", None) else ""))
    except Exception as exc:  # a packverify bug: say so plainly, never a traceback unless asked
        if debug:
            stderr.write(traceback.format_exc())
        return fail(f"internal error (a packverify bug): {type(exc).__name__}: {exc}")
    rendered = _json(report) if fmt == "json" else _text(report)
    if not write_report("meta", output, stdout, stderr, lambda stream: stream.write(rendered)):
        finish_run_log(log, ExitCode.ERROR, stderr, error=f"cannot write {output}")
        return ExitCode.ERROR
    code = ExitCode.FINDINGS if report.verdict == "fail" else ExitCode.OK
    finish_run_log(log, code, stderr, verdict=report.verdict, packer=report.packer, seed=seed, examples=examples,
                   relations={r.name: r.to_dict() for r in report.results}, validity=report.validity.to_dict())
    return code


def _json(report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _text(report) -> str:
    lines = [f"packverify meta: packer {report.packer}" + (f" (writes {report.format})" if report.format else ""),
             f"seed {report.seed}, up to {report.examples} example(s) per relation", ""]
    for r in report.results:
        status = {"pass": "pass", "fail": "FAIL", "skipped": "skip"}[r.status]
        lines.append(f"{r.name}  {status:4}  {r.examples:3} example(s)  {r.title}")
        if r.status != "pass":
            lines.append(f"    {r.message}")
        if r.reproducer:
            lines.append(f"    reproducer: {r.reproducer}  (sh {r.reproducer}/reproduce.sh)")
    validity = report.validity.to_dict()
    lines += ["", f"validity of every output ({validity['outputs']} pack(s)): {validity['errors']} error(s), "
              f"{validity['warnings']} warning(s)"]
    for found in validity["findings"]:
        lines.append(f"  {found['severity']:7}  {found['code']} in {found['outputs']} output(s): {found['message']}")
        if found["example"]:
            lines.append(f"           smallest input: {found['example']}")
    failed = [r.name for r in report.results if r.status == "fail"]
    held = [r.name for r in report.results if r.status == "pass"]
    summary = (f"{len(failed)} of {len(report.results)} relation(s) failed: {', '.join(failed)}" if failed
               else f"{len(held)} of {len(report.results)} relation(s) held")
    invalid = f"; {validity['errors']} validity error(s)" if validity["status"] == "fail" else ""
    lines += ["", f"{'FAIL' if report.verdict == 'fail' else 'PASS'}: {summary}{invalid}"]
    return "\n".join(lines) + "\n"


def _relation_progress(progress: Progress, examples: int):
    """run_meta's events (relation, "example" | "shrink" | "done") as progress per relation."""
    done: dict[str, int] = {}

    def report(name: str, event: str) -> None:
        if event == "example":
            done[name] = done.get(name, 0) + 1
            progress.update(name, done[name], examples)
        elif event == "shrink":
            progress.update(name, done.get(name, 0), examples, "shrinking a failure")
        elif event == "done":
            progress.update(name, examples, examples, "done")

    return report
