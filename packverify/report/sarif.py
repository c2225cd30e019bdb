"""``--format sarif``: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.

Writes one ``run`` whose ``tool.driver`` lists a rule for every finding code (from
the oracles' ``CODES``) plus ``<oracle>.internal-error`` and ``<oracle>.not-run`` for
every oracle, and one ``result`` per finding, in the report's order.

Where a result points:

* a finding about a chunk's content or lines (the engine stamps its
  ``SourceLocation``) lands on the code: the physical location is the chunk's
  ``file_path`` in the repository (joined to ``--repo`` as given, made ``/``-separated;
  relative to the checkout when no ``--repo`` was given) at ``start_line`` to
  ``end_line``, and the pack itself is a ``relatedLocations`` entry — so GitHub shows
  the alert on the source line;
* any other finding points at the pack file as the caller named it (separators made
  ``/``, percent-encoded as a URI reference, never made absolute) at ``startLine`` 1,
  or at the finding's line and column when it has one (text formats): packs are
  canonical RFC 8785 JSON, a single line, so a line number carries no information.

The precise place in the pack is always the finding's JSON pointer (RFC 6901; ``""`` is
the document root), given as the logical location's ``fullyQualifiedName`` and, since
GitHub shows no logical locations, in the message text too.
``partialFingerprints["packverifyFinding/v1"]`` is sha256(code NUL pointer NUL message
NUL pack uri). Findings of codes ``--ignore``d are results too, each with an
``external`` suppression naming the option (viewers hide or dismiss them; nothing is
dropped). Oracles that were skipped become ``note`` notifications of the one
invocation, with their reason.

Deliberately left out: timestamps, uuids/guids, absolute paths, the command line,
the working directory, the report's ``environment`` section and any
``originalUriBaseIds`` — the output is a function of the packs' results, byte for
byte. No columns, byte offsets or snippets (a pointer is the location). Message
texts pass :func:`packverify.printable.printable` (viewers render them). ``level``
is the finding's own severity (an info is a ``note``) even under ``--strict`` (which changes the verdict,
recorded in ``run.properties``, not the severity). Expected/actual values in
messages are cut to ``VALUE_LIMIT`` characters; the JSON
report has them whole. Nothing is truncated to fit GitHub's upload limits (25,000
results per run, 10 MB): the log is complete or it is not SARIF's to shorten.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from typing import IO, Any
from urllib.parse import quote

from packverify._version import __version__
from packverify.model import UNSET, Finding, Report, Severity, Status
from packverify.oracles import INTERNAL_ERROR, NAMES, all_codes
from packverify.policy import NOT_RUN
from packverify.printable import printable

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/packverify/packverify"
FINGERPRINT = "packverifyFinding/v1"
VALUE_LIMIT = 240


def render(report: Report, stream: IO[str], *, color: bool | None = None) -> None:
    stream.write(dumps(report))


def dumps(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"


def to_sarif(report: Report) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for pack in report.packs:
        uri = artifact_uri(pack.path)
        for finding in pack.findings:
            if finding.code not in index:  # only a hand-made report can get here: the engine rejects these
                index[finding.code] = len(rules)
                rules.append(_rule(finding.code, finding.code, finding.severity or Severity.ERROR,
                                   "A code no packverify oracle declares.", "", finding.oracle))
            results.append(_result(finding, index[finding.code], rules, uri, report.repo))
        for finding in pack.ignored:
            suppressed = _result(finding, index[finding.code], rules, uri, report.repo)
            suppressed["suppressions"] = [{"kind": "external", "justification": f"--ignore {finding.code}"}]
            results.append(suppressed)
        for name, result in pack.oracles.items():
            if result.status is Status.SKIPPED:
                notifications.append({
                    "level": "note",
                    "message": {"text": printable(f"{name} skipped for {pack.path}: {result.reason or 'no reason given'}")},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                    "properties": {"oracle": name},
                })
    # An oracle that crashed (``<oracle>.internal-error``) means packverify did not do its job.
    invocation: dict[str, Any] = {"executionSuccessful": report.internal_errors == 0}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "packverify",
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "invocations": [invocation],
            "results": results,
            "properties": {"verdict": report.verdict.value, "strict": report.strict},
        }],
    }
    return _clean(log)


def artifact_uri(path: str, sep: str = os.sep) -> str:
    """The pack path as a relative URI reference: ``/`` separators, percent-encoded
    (so ``:``, spaces and non-ASCII cannot be read as a scheme or break the URI).
    Undecodable file-name bytes (surrogate-escaped) are encoded as the bytes they were."""
    if sep != "/":
        path = path.replace(sep, "/")
    return quote(path, safe="/", errors="surrogateescape")


def pascal_case(code: str) -> str:
    """``schema.additional-property`` → ``SchemaAdditionalProperty``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", code) if part)


def source_path(repo: str | None, file_path: str, sep: str = os.sep) -> str:
    """A chunk's file as a ``/``-separated path: its repository-relative ``file_path``,
    under ``--repo`` as the caller gave it (normalised, never made absolute)."""
    if repo is None:
        return file_path
    return posixpath.normpath(posixpath.join(repo.replace(sep, "/") if sep != "/" else repo, file_path))


def source_uri(repo: str | None, file_path: str) -> str:
    """:func:`source_path` as a URI reference (percent-encoded)."""
    return artifact_uri(source_path(repo, file_path), "/")


def fingerprint(code: str, pointer: str, message: str, uri: str) -> str:
    # Not the pack's hash: a rebuilt pack with the same defect keeps its alert open
    # instead of closing and reopening it; the message separates findings at one pointer.
    data = f"{code}\0{pointer}\0{message}\0{uri}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _rules() -> list[dict[str, Any]]:
    rules = [_rule(code, info.title, info.severity, info.why, info.example, code.split(".", 1)[0])
             for code, info in all_codes().items()]
    for name in NAMES:
        rules.append(_rule(
            f"{name}.{INTERNAL_ERROR}", f"Internal error in the {name} oracle", Severity.ERROR,
            f"An exception escaped the {name} oracle: a packverify bug, not a problem in the pack. The "
            f"{name} oracle's verdict on the pack is unknown; rerun with --debug for the traceback and report it.",
            "", name, extra_tags=(INTERNAL_ERROR,)))
    for name in NAMES:
        rules.append(_rule(
            f"{name}.{NOT_RUN}", f"The required {name} oracle did not run", Severity.ERROR,
            f"--require {name} (or all) was given, but the {name} oracle was skipped; the message says why "
            f"(no --repo, no content, a tokenizer not installed). Nothing was verified by it.",
            "", name, extra_tags=(NOT_RUN,)))
    return rules


def _rule(code: str, title: str, severity: Severity, why: str, example: str, oracle: str,
          extra_tags: tuple[str, ...] = ()) -> dict[str, Any]:
    help_text = f"{why}\n\nExample: {example}" if example else why
    tags = ["packverify"] + [t for t in (oracle, *extra_tags) if t and t != "packverify"]
    return {
        "id": code,
        "name": pascal_case(code),
        "shortDescription": {"text": title},
        "fullDescription": {"text": why or title},
        "help": {"text": help_text or title},
        "defaultConfiguration": {"level": _level(severity)},
        "properties": {"tags": list(dict.fromkeys(tags))},
    }


def _result(finding: Finding, rule_index: int, rules: list[dict[str, Any]], uri: str,
            repo: str | None) -> dict[str, Any]:
    pointer = finding.pointer
    severity = finding.severity
    level = _level(severity) if severity is not None else rules[rule_index]["defaultConfiguration"]["level"]
    in_pack = {"artifactLocation": {"uri": uri}, "region": _region(finding)}
    location: dict[str, Any] = {"physicalLocation": in_pack, "logicalLocations": [{"fullyQualifiedName": pointer}]}
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": printable(_message(finding, pointer))},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding.code, pointer, finding.message, uri)},
        "properties": {"oracle": finding.oracle},
    }
    source = finding.source
    if source is not None:
        region = {"startLine": source.start_line}
        if source.end_line is not None and source.end_line > source.start_line:
            region["endLine"] = source.end_line
        location["physicalLocation"] = {"artifactLocation": {"uri": source_uri(repo, source.file_path)},
                                        "region": region}
        result["relatedLocations"] = [{"id": 1, "physicalLocation": in_pack,
                                       "message": {"text": f"the pack, at {pointer or 'the document root'}"}}]
    return result


def _region(finding: Finding) -> dict[str, int]:
    if finding.location is None:
        return {"startLine": 1}
    return {"startLine": finding.location.line, "startColumn": finding.location.column}


def _message(finding: Finding, pointer: str) -> str:
    details = [f"at {pointer}" if pointer else "at the document root"]
    if finding.expected is not UNSET and finding.expected is not None:
        details.append(f"expected {_value(finding.expected)}")
    if finding.actual is not UNSET and finding.actual is not None:
        details.append(f"actual {_value(finding.actual)}")
    return f"{finding.message or finding.code} ({'; '.join(details)})"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _level(severity: Severity) -> str:
    return {Severity.WARNING: "warning", Severity.INFO: "note"}.get(severity, "error")


def _clean(node: Any) -> Any:
    """Every string made encodable as UTF-8: a lone surrogate (an undecodable file
    name byte, say) becomes a visible ``\\udcff`` escape instead of failing the write."""
    if isinstance(node, str):
        try:
            node.encode("utf-8")
            return node
        except UnicodeEncodeError:
            return node.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(node, dict):
        return {_clean(k): _clean(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node
