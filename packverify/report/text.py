"""``--format text``: for people. Per pack, a table of oracle statuses, then the
findings grouped by oracle (at most ``PER_CODE`` shown per code; the JSON report
has them all), the repository line a chunk finding is about, and a count per code of
the findings ``--ignore`` set aside. Colour only on a terminal, and never with
``NO_COLOR``. Every pack-controlled string passes :func:`packverify.printable.printable`
(an ESC in a file path must not reach the terminal)."""

from __future__ import annotations

from collections import Counter
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from packverify.model import UNSET, Report, Severity, Status
from packverify.printable import printable

PER_CODE = 20
_STATUS_STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.SKIPPED: "yellow"}
_SEVERITY_STYLE: dict[Severity | None, str] = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def render(report: Report, stream: IO[str], *, color: bool | None = None) -> None:
    console = Console(file=stream, force_terminal=color, no_color=(color is False), width=120 if not color else None,
                      highlight=False, soft_wrap=True)
    for pack in report.packs:
        verdict_style = "bold green" if pack.verdict.value == "pass" else "bold red"
        console.print(f"[bold]{_safe(pack.path)}[/]  [{verdict_style}]{pack.verdict.value.upper()}[/]"
                      f"  [dim]sha256 {pack.sha256}[/]")
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("oracle")
        table.add_column("status")
        table.add_column("findings", justify="right")
        table.add_column("note", overflow="fold")
        for name, result in pack.oracles.items():
            errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
            infos = sum(1 for f in result.findings if f.severity is Severity.INFO)
            warnings = len(result.findings) - errors - infos
            count = f"{errors}" + (f" (+{warnings} warn)" if warnings else "") + (f" (+{infos} info)" if infos else "")
            table.add_row(name, f"[{_STATUS_STYLE[result.status]}]{result.status.value}[/]", count,
                          _safe(result.reason or ""))
        console.print(table)
        shown: Counter = Counter()
        hidden: Counter = Counter()
        for finding in pack.findings:
            if shown[finding.code] >= PER_CODE:
                hidden[finding.code] += 1
                continue
            shown[finding.code] += 1
            style = _SEVERITY_STYLE.get(finding.severity, "red")
            line = (f"  [{style}]{finding.severity.value}[/] [bold]{finding.code}[/] "
                    f"[cyan]{_safe(_where(finding))}[/]  {_safe(finding.message)}")
            if finding.source is not None:
                line += f" [dim]({_safe(finding.source.file_path)}:{finding.source.start_line})[/]"
            extra = _values(finding)
            if extra:
                line += f" [dim]({_safe(extra)})[/]"
            console.print(line)
        for code, count in sorted(hidden.items()):
            console.print(f"  [dim]… and {count} more {code} (all of them in --format json)[/]")
        for code, count in sorted(Counter(f.code for f in pack.ignored).items()):
            console.print(f"  [dim]ignored (--ignore): {count} × {code}[/]")
        console.print()
    total = sum(len(p.findings) for p in report.packs)
    verdict_style = "bold green" if report.verdict.value == "pass" else "bold red"
    console.print(f"[{verdict_style}]{report.verdict.value.upper()}[/]: {len(report.packs)} pack(s), {total} finding(s)"
                  + (" (strict: warnings fail)" if report.strict else ""))


def _safe(text: str) -> str:
    return escape(printable(text))


def _where(finding) -> str:
    """The pointer, or the line:column in the pack file for text formats."""
    if finding.pointer or finding.location is None:
        return finding.pointer or "(root)"
    return f"line {finding.location}"


def _values(finding) -> str:
    extra = []
    if finding.expected is not UNSET and finding.expected is not None:
        extra.append(f"expected {finding.expected!r}")
    if finding.actual is not UNSET and finding.actual is not None:
        extra.append(f"actual {finding.actual!r}")
    return "; ".join(extra)


def describe(finding) -> str:
    """``message (expected …; actual …)`` on one line, for plain-text consumers."""
    extra = _values(finding)
    return f"{finding.message}" + (f" ({extra})" if extra else "")
