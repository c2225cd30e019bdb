"""``packverify doctor``: check this environment against ``environment.manifest.json``.

Exit 0 when every required check passes (missing optional tools and locales are
warnings), 1 with the list of failed checks, 2 when the manifest cannot be read or is
invalid (or on bad arguments). The checks live in :mod:`packverify.doctor`; this module
parses options, renders, and writes the run log.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from packverify._version import tool_info
from packverify.cli._common import ExitCode, finish_run_log, open_run_log, write_report

_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "skipped": "yellow"}


@click.command("doctor")
@click.option("--dev", is_flag=True, help="Also check the development tools (pytest, hypothesis, mutmut, atheris, ...).")
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False), default=None,
              help="Check against this manifest instead of the one shipped with packverify.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to FILE instead of stdout.")
@click.option("--run-log", type=click.Path(dir_okay=False), default=os.path.join("artifacts", "doctor.run.json"),
              show_default=True, help="Where to write the JSON run log.")
@click.option("--no-run-log", is_flag=True, help="Write no run log.")
@click.option("--color/--no-color", default=None, help="Colour in text output (default: only on a terminal).")
@click.pass_context
def command(ctx, dev, manifest_path, fmt, output, run_log, no_run_log, color) -> int:
    """Smoke-test this environment: Python, packages and their pins, imports, pip check,
    tokenizer vocabularies, tools. Takes about a second.

    Exit 0 when the environment matches the manifest, 1 when it does not (the failed
    checks are listed), 2 when the manifest is unreadable or invalid.
    """
    from packverify import doctor

    out: IO[str] = ctx.obj["stdout"]
    err: IO[str] = ctx.obj["stderr"]
    log = open_run_log(None if no_run_log else run_log, "doctor", ctx.obj["argv"], err)
    try:
        manifest = doctor.load_manifest(manifest_path)
    except doctor.ManifestError as exc:
        err.write(f"packverify doctor: error: {exc}\n")
        finish_run_log(log, ExitCode.ERROR, err, error=str(exc))
        return ExitCode.ERROR
    report = doctor.run_checks(manifest, dev=dev, manifest_path=manifest_path)
    if fmt == "json":
        document = {"tool": tool_info(), **report.to_dict()}
        write = lambda stream: stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")  # noqa: E731
    else:
        write = lambda stream: _render_text(report, stream, color=color if not output else False)  # noqa: E731
    if not write_report("doctor", output, out, err, write):
        finish_run_log(log, ExitCode.ERROR, err, error=f"cannot write {output}")
        return ExitCode.ERROR
    code = ExitCode.FINDINGS if report.failures else ExitCode.OK
    if report.failures:
        err.write(f"packverify doctor: {len(report.failures)} required check(s) failed: "
                  f"{', '.join(c.name for c in report.failures)}\n")
    finish_run_log(log, code, err, verdict=report.verdict, manifest=manifest_path, dev=dev,
            failures=[c.name for c in report.failures], checks=[c.to_dict() for c in report.checks])
    return code


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) or "-"
    return json.dumps(value, ensure_ascii=False)


def _render_text(report, stream: IO[str], *, color: bool | None) -> None:
    # ASCII only: the doctor must also speak under the non-UTF-8 locales repro uses.
    console = Console(file=stream, force_terminal=color, no_color=(color is False), width=120 if not color else None,
                      highlight=False, soft_wrap=False)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("check", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("expected", overflow="fold", max_width=40)
    table.add_column("observed", overflow="fold")
    for check in report.checks:
        table.add_row(escape(check.name), f"[{_STYLE[check.status.value]}]{check.status.value}[/]",
                      escape(_show(check.expected)), escape(_show(check.observed)))
    console.print(table)
    console.print()
    for check in report.warnings:
        console.print(f"[yellow]warning[/] [bold]{escape(check.name)}[/]: {escape(check.message)}", soft_wrap=True)
    for check in report.checks:
        if check.status.value == "skipped":
            console.print(f"[yellow]skipped[/] [bold]{escape(check.name)}[/]: {escape(check.message)}",
                          soft_wrap=True)
    counts = report.counts()
    summary = (f"{len(report.checks)} checks: {counts['pass']} passed, {counts['fail']} failed, "
               f"{counts['warn']} warning{'' if counts['warn'] == 1 else 's'}, {counts['skipped']} skipped")
    against = report.manifest or "the shipped environment.manifest.json"
    if report.failures:
        console.print(f"[bold red]FAIL[/]  {summary} (against {escape(against)})")
        console.print("The environment does not match the manifest:")
        for check in report.failures:
            console.print(f"  - [bold]{escape(check.name)}[/]: {escape(check.message)}", soft_wrap=True)
    else:
        console.print(f"[bold green]PASS[/]  {summary} (against {escape(against)})")
