"""Render a :class:`ReproReport` as text (for people) or JSON (for machines).

Both write to a stream they are given and say the same things; the JSON is
``ReproReport.to_dict()`` with a fixed key order, so equal reports give equal bytes.
Text caps what it lists (pointers per difference, differences shown) and points at
the JSON and the kept outputs for the rest. Deliberately left alone: colour.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import IO, Any

from packverify.repro.content_diff import describe_change
from packverify.repro.results import INHERENT, Difference, ReproReport
from packverify.repro.variations import VARIATIONS

TEXT_POINTERS = 8  # pointers shown per difference in text
TEXT_DIFFERENCES = 6
_PLAIN = re.compile(r"[\w@%+=:,./{}-]+")


def _safe(text: str) -> str:
    # Outputs may hold lone surrogates ("\udc80" in their JSON): never let one crash a UTF-8 stream.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _command_line(args) -> str:
    # Shell quoting, except that placeholders stay readable: {repo}, not '{repo}'.
    return " ".join(a if _PLAIN.fullmatch(a) else shlex.quote(a) for a in args)


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def render_json(report: ReproReport, stream: IO[str]) -> None:
    stream.write(_safe(json.dumps(report.to_dict(), ensure_ascii=False, indent=2)) + "\n")


def _cause_line(cause: str) -> str:
    if cause == INHERENT:
        return f"  {INHERENT}: the output differs even with nothing varied (randomness or a clock inside the command)"
    return f"  {cause}: {VARIATIONS[cause].changes}"


def render_text(report: ReproReport, stream: IO[str]) -> None:
    lines = [*_verdict(report), "", *_setup(report), *_runs(report)]
    for diff in report.differences[:TEXT_DIFFERENCES]:
        lines += ["", *difference_lines(diff)]
    if len(report.differences) > TEXT_DIFFERENCES:
        lines += ["", f"… {len(report.differences) - TEXT_DIFFERENCES} more differing runs (--format json lists them all)"]
    if report.artifacts:
        lines.append("")
        if report.passed:
            lines.append(f"output kept in {report.artifacts}/")
        else:
            reference = report.runs[0]
            other = next((r.artifact for r in report.runs[1:] if r.artifact and not r.same_as_reference), None)
            lines.append(f"outputs kept in {report.artifacts}/" + (f" — compare: diff {reference.artifact} {other}"
                                                                    if other and reference.artifact else ""))
    stream.write(_safe("\n".join(lines)) + "\n")


def _verdict(report: ReproReport) -> list[str]:
    if report.passed:
        reference = report.runs[0]
        return [f"packverify repro: PASS — {len(report.runs)} runs gave byte-identical output "
                f"({reference.size} bytes, sha256 {reference.sha256})"]
    return ["packverify repro: FAIL — the output is not reproducible",
            "causes:" if report.causes else "causes: not found",
            *(_cause_line(c) for c in report.causes), f"  ({report.attribution})"]


def _setup(report: ReproReport) -> list[str]:
    """What ran where, and the settings table of the varied runs."""
    lines = [f"command:     {_command_line(report.command)}",
             f"repo:        {report.repo}{'   (isolated: no network, clean environment)' if report.isolated else ''}",
             f"varied:      {', '.join(report.varied) or 'nothing'}"]
    if report.excluded:
        lines.append(f"not copied:  {', '.join(report.excluded)}")
    lines += [f"unavailable: {name} — {reason}" for name, reason in report.unavailable.items()]
    lines += [f"note:        {note}" for note in report.notes]
    if report.varied:
        varied_runs = [r for r in report.runs if r.role == "varied"]
        rows = [["", *(r.name for r in varied_runs)]]
        rows += [[name, *(r.settings.get(name, "") for r in varied_runs)] for name in report.varied]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines += ["", "settings:"]
        lines += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return lines


def _runs(report: ReproReport) -> list[str]:
    reference = report.runs[0]
    lines = ["", "runs (each output compared with run-1's):"]
    # Probes that changed nothing are listed on one line: the interesting ones stand out.
    quiet = [r for r in report.runs if r.role == "probe" and r.same_as_reference]
    shown = [r for r in report.runs if r not in quiet]
    width = max(len(r.name) for r in shown)
    for run in shown:
        same = "reference" if run is reference else ("same" if run.same_as_reference else "DIFFERS")
        what = f"varied: {', '.join(run.varied)}" if run.varied else "nothing varied"
        lines.append(f"  {run.name:{width}}  exit {run.exit_code}  {(run.sha256 or '')[:12]}  {same:9}  {what}")
    if quiet:
        lines.append(f"  same output as run-1 with one variation applied: {', '.join(r.varied[0] for r in quiet)}")
    return lines


def difference_lines(diff: Difference) -> list[str]:
    """A difference between two outputs as text lines: first byte, excerpts, pointers."""
    lines = [f"{diff.a} vs {diff.b}: first differing byte at offset {diff.first_byte_offset} "
             f"(sizes {diff.sizes[0]} and {diff.sizes[1]})",
             f"  {diff.a}: {diff.context[0]!r}", f"  {diff.b}: {diff.context[1]!r}"]
    if diff.note:
        lines.append(f"  {diff.note}")
    if diff.json is not None:
        for change in diff.json.changes[:TEXT_POINTERS]:
            before = _value(change["a"]) if "a" in change else "(absent)"
            after = _value(change["b"]) if "b" in change else "(absent)"
            lines.append(f"  {change['pointer'] or '(root)'}: {before} → {after}")
        if diff.json.total > TEXT_POINTERS:
            lines.append(f"  … {diff.json.total - TEXT_POINTERS} more differing pointers (--format json lists "
                         f"{len(diff.json.changes)})")
    if diff.content is not None:
        lines.append(f"  read as {diff.content.format}:")
        lines += [f"    {describe_change(change, (diff.a, diff.b))}" for change in diff.content.changes[:TEXT_POINTERS]]
        if diff.content.total > TEXT_POINTERS:
            lines.append(f"  … {diff.content.total - TEXT_POINTERS} more differences (--format json lists "
                         f"{len(diff.content.changes)})")
    return lines


RENDERERS = {"text": render_text, "json": render_json}
