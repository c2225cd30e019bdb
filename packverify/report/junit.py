"""``--format junit``: JUnit XML for CI test-report views (GitLab, Jenkins, Azure, ...).

Writes ``<testsuites name="packverify">`` holding one ``<testsuite>`` per pack
(named by the pack path as given, with its sha256 and verdict as properties) and
one ``<testcase classname="packverify" name="<oracle> :: <pack path>">`` per oracle
that ran on it:

* fail → ``<failure message=… type=<first failing code>>`` whose text has one line
  per finding that counts (errors; warnings too under ``--strict``):
  ``severity code pointer message (expected …; actual …)``, the root pointer shown
  as ``(root)``;
* skipped → ``<skipped message=<reason>/>``;
* warnings that do not count (on a passing oracle, or beside errors) and findings of
  ``--ignore``'d codes (prefixed ``ignored (--ignore):``) → ``<system-out>``.

``tests``/``failures``/``errors``/``skipped`` are counted on every suite and on the
root; an oracle that crashed (``<oracle>.internal-error``, a packverify bug) is an
``<error>``, not a ``<failure>``.
The XML is built with ``xml.etree.ElementTree`` (escaping is its job) and declared
UTF-8. Pack-controlled text (paths, messages, values) passes
:func:`packverify.printable.printable` first: C0 and C1 controls, line separators and
bidi controls become visible escapes, so one finding is one line of a CI log and an
ESC in a path never reaches a terminal. Characters XML 1.0 forbids (control characters other than tab, newline and
carriage return, lone surrogates, U+FFFE/U+FFFF) are written as visible ``\\x1b`` /
``\\udcff`` escapes so the document always parses.

Deliberately left out: ``time``, ``timestamp``, ``hostname``, ``id`` and the
report's ``environment`` section (the output is a function of the packs' results,
byte for byte); oracles excluded by ``--only``/``--skip`` (they did not run, so they
are not test cases); the rule documentation (the SARIF report carries it); no
``<error>`` elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # builds and writes XML, never parses any  # nosec B405
from typing import IO

from packverify.model import UNSET, Finding, OracleResult, Report, Status
from packverify.printable import printable

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report, stream: IO[str], *, color: bool | None = None) -> None:
    stream.write(dumps(report))


def dumps(report: Report) -> str:
    root = to_element(report)
    ET.indent(root, space="  ")
    return DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def to_element(report: Report) -> ET.Element:
    """The ``<testsuites>`` element for a report."""
    root = ET.Element("testsuites", _attrs(name="packverify"))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suites = []
    for pack in report.packs:
        counts = {
            "tests": len(pack.oracles),
            "failures": sum(1 for r in pack.oracles.values() if r.status is Status.FAIL and not _crashed(r)),
            "errors": sum(1 for r in pack.oracles.values() if _crashed(r)),
            "skipped": sum(1 for r in pack.oracles.values() if r.status is Status.SKIPPED),
        }
        for key, value in counts.items():
            totals[key] += value
        suite = ET.Element("testsuite", _attrs(name=pack.path, **{k: str(v) for k, v in counts.items()}))
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", _attrs(name="sha256", value=pack.sha256 or ""))
        ET.SubElement(properties, "property", _attrs(name="verdict", value=pack.verdict.value))
        for name, result in pack.oracles.items():
            ignored = [f for f in pack.ignored if f.oracle == name]
            _testcase(suite, name, result, pack.path, report.strict, ignored)
        suites.append(suite)
    root.attrib.update({k: str(v) for k, v in totals.items()})
    root.extend(suites)
    return root


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by a visible escape."""
    return _FORBIDDEN.sub(_escape_char, text)


def _escape_char(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _attrs(**values: str) -> dict[str, str]:
    return {key: xml_safe(printable(value)) for key, value in values.items()}


def _testcase(suite: ET.Element, name: str, result: OracleResult, path: str, strict: bool,
              ignored: list[Finding]) -> None:
    case = ET.SubElement(suite, "testcase", _attrs(classname="packverify", name=f"{name} :: {path}"))
    counted = [f for f in result.findings if f.fails_verdict(strict)]
    rest = [f for f in result.findings if not f.fails_verdict(strict)]
    if result.status is Status.FAIL:
        if counted:
            first = counted[0]
            message = f"{len(counted)} finding(s); first: {first.code} {_where(first)}: {first.message}"
            kind = first.code
        else:  # a hand-made report; the engine fails an oracle only on a counted finding
            message, kind = f"{name} failed", f"{name}.fail"
        # An oracle that crashed is packverify's error, not the pack's failure.
        failure = ET.SubElement(case, "error" if _crashed(result) else "failure", _attrs(message=message, type=kind))
        failure.text = xml_safe("\n".join(_line(f) for f in counted))
    elif result.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", _attrs(message=result.reason or "skipped"))
    else:
        rest = list(result.findings)
    lines = [_line(f) for f in rest] + [f"ignored (--ignore): {_line(f)}" for f in ignored]
    if lines:
        out = ET.SubElement(case, "system-out")
        out.text = xml_safe("\n".join(lines))


def _crashed(result: OracleResult) -> bool:
    return any(f.code.endswith(".internal-error") for f in result.findings)


def _where(finding: Finding) -> str:
    return finding.pointer or "(root)"


def _line(finding: Finding) -> str:
    severity = finding.severity.value if finding.severity else "error"
    line = f"{severity} {finding.code} {_where(finding)} {printable(finding.message)}"
    extra = []
    if finding.expected is not UNSET and finding.expected is not None:
        extra.append(f"expected {finding.expected!r}")
    if finding.actual is not UNSET and finding.actual is not None:
        extra.append(f"actual {finding.actual!r}")
    if extra:
        line += f" ({printable('; '.join(extra))})"
    return line
