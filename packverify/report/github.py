"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

Each finding becomes ``::error`` or ``::warning`` (its own severity; under ``--strict`` a
warning still fails the verdict but keeps its level) with ``file``, ``line`` (and
``endLine``) and ``title`` properties, so the runner shows it on the pull request's
diff. Where it lands is the rule SARIF follows (``report/sarif.py``): a finding about a
chunk's content is on the chunk's ``file_path:start_line`` in the repository (under
``--repo``), with the pack and pointer in the message; any other finding is on the
pack file, line 1 (or its line and column for text formats). Skipped oracles and
``--ignore``d findings become ``::notice`` lines; the last line is the verdict.

Escaping follows the runner's parser (actions/toolkit ``command.ts``): in the message
``%``, ``\\r``, ``\\n`` become ``%25``, ``%0D``, ``%0A``; in property values ``:`` and
``,`` become ``%3A`` and ``%2C`` as well. Leaves alone: the job summary and grouping
(a report viewer's business), and the verdict (the engine's).
"""

from __future__ import annotations

import os
from typing import IO

from packverify.model import Finding, Report, Severity, Status
from packverify.report.sarif import source_path
from packverify.report.text import describe


def render(report: Report, stream: IO[str], *, color: bool | None = None) -> None:
    stream.write(dumps(report))


def dumps(report: Report) -> str:
    lines = []
    for pack in report.packs:
        for finding in pack.findings:
            level = "warning" if finding.severity is Severity.WARNING else "error"
            lines.append(_command(level, finding, pack.path, report.repo, ""))
        for finding in pack.ignored:
            lines.append(_command("notice", finding, pack.path, report.repo, "ignored (--ignore): "))
        for name, result in pack.oracles.items():
            if result.status is Status.SKIPPED:
                lines.append(workflow_command("notice", f"{name} skipped for {pack.path}: {result.reason or ''}",
                                              file=_file(pack.path), title=f"packverify: {name} skipped"))
    total = sum(len(p.findings) for p in report.packs)
    lines.append(f"packverify: {report.verdict.value.upper()}: {len(report.packs)} pack(s), {total} finding(s)"
                 + (" (strict: warnings fail)" if report.strict else ""))
    return "\n".join(lines) + "\n"


def _file(path: str) -> str:
    return path.replace(os.sep, "/")  # the runner wants a path, not a URI: escaping is the command's


def _command(level: str, finding: Finding, pack_path: str, repo: str | None, prefix: str) -> str:
    where = f"{pack_path} at {finding.pointer or 'the document root'}"
    if finding.source is not None:
        source = finding.source
        properties = {"file": source_path(repo, source.file_path), "line": str(source.start_line)}
        if source.end_line is not None and source.end_line > source.start_line:
            properties["endLine"] = str(source.end_line)
    elif finding.location is not None:
        properties = {"file": _file(pack_path), "line": str(finding.location.line),
                      "col": str(finding.location.column)}
    else:
        properties = {"file": _file(pack_path), "line": "1"}
    message = f"{prefix}{describe(finding)} [{where}]"
    return workflow_command(level, message, **properties, title=finding.code)


def workflow_command(command: str, message: str, **properties: str) -> str:
    """``::command k=v,…::message`` with the runner's escaping of data and properties."""
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{command}{' ' + rendered if rendered else ''}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
