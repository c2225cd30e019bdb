"""The JUnit reporter: XML that always parses, with counts that add up, built from
reports the real engine produced."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import packverify
from packverify.model import Severity, Status
from packverify.oracles import NAMES
from packverify.report import REPORTERS, junit
from packverify.strategies import reference_bytes, reference_token_count

HOSTILE = 'p<&"é\x1b.json'
HOSTILE_SHOWN = 'p<&"é\\x1b.json'  # ESC is not an XML 1.0 character: written as a visible escape


# ------------------------------------------------------------------ helpers

def valid_document(content: str = "print('hello')\n") -> dict:
    """A pack every oracle but ``source`` passes: real cl100k count, real hash."""
    tokens = reference_token_count("cl100k", content)
    return {
        "metadata": {"version": "1.0.0", "created_at": "2024-01-01T00:00:00Z",
                     "repo_info": {"path": "demo", "commit": "0" * 40}},
        "tokenizer_info": {"name": "cl100k", "version": "1"},
        "budget_info": {"target_budget": 1000, "actual_tokens": tokens, "utilization": tokens / 1000},
        "chunks": [{"id": "c1", "file_path": "a.py", "start_line": 1, "end_line": 1, "tokens": tokens,
                    "content_hash": hashlib.sha256(content.encode()).hexdigest(), "content": content}],
        "statistics": {"total_files": 1, "total_chunks": 1, "total_tokens": tokens},
    }


@pytest.fixture
def packs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.json").write_bytes(reference_bytes(valid_document()))
    (tmp_path / "bad.json").write_text('{"metadata": {}}\n', encoding="utf-8")  # schema errors + a warning
    (tmp_path / "broken.json").write_bytes(b'{"chunks": [')  # parse error, the rest skipped
    document = valid_document()
    document["chunks"][0]["file_path"] = 'src/a<&"é\x1b.py'  # security.control-character
    document["chunks"][0]["content_hash"] = "0" * 64  # integrity.content-hash-mismatch
    (tmp_path / HOSTILE).write_bytes(reference_bytes(document))
    return tmp_path


def render(report) -> str:
    out = io.StringIO()
    junit.render(report, out)
    return out.getvalue()


def parse(report) -> ET.Element:
    text = render(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def case(root: ET.Element, suite: str, oracle: str) -> ET.Element:
    found = [c for s in root.iter("testsuite") if s.get("name") == suite
             for c in s.iter("testcase") if c.get("name") == f"{oracle} :: {suite}"]
    assert len(found) == 1, (suite, oracle)
    return found[0]


# ------------------------------------------------------------------ structure and counts

def test_counts_add_up(packs):
    report = packverify.check(["good.json", "bad.json", "broken.json", HOSTILE], skip=["tokens"])
    root = parse(report)
    assert root.tag == "testsuites" and root.get("name") == "packverify"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [junit.xml_safe(p.path) for p in report.packs]
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite, pack in zip(suites, report.packs):
        cases = suite.findall("testcase")
        statuses = [r.status for r in pack.oracles.values()]
        assert len(cases) == len(pack.oracles) == int(suite.get("tests"))
        assert int(suite.get("failures")) == statuses.count(Status.FAIL) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped")) == statuses.count(Status.SKIPPED) == len(suite.findall("testcase/skipped"))
        assert suite.get("errors") == "0" and not suite.findall("testcase/error")
        totals["tests"] += len(cases)
        totals["failures"] += statuses.count(Status.FAIL)
        totals["skipped"] += statuses.count(Status.SKIPPED)
        for element, name in zip(cases, pack.oracles):
            assert element.get("classname") == "packverify"
            assert element.get("name") == f"{name} :: {junit.xml_safe(pack.path)}"
        properties = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
        assert properties == {"sha256": pack.sha256, "verdict": pack.verdict.value}
    assert {k: int(root.get(k)) for k in totals} == totals
    assert totals["failures"] > 0 and totals["skipped"] > 0
    assert root.get("errors") == "0"


def test_passing_report(packs):
    report = packverify.check(["good.json"])
    root = parse(report)
    assert root.get("tests") == str(len(NAMES))
    assert root.get("failures") == "0"
    assert root.get("skipped") == "3"  # structure (the schema judges JSON), source and coverage: no --repo
    assert case(root, "good.json", "source").find("skipped").get("message") == "no --repo given"
    assert list(case(root, "good.json", "schema")) == []  # a plain pass


def test_oracle_selection_changes_the_cases(packs):
    root = parse(packverify.check(["bad.json"], only=["schema", "determinism"]))
    names = [c.get("name") for c in root.iter("testcase")]
    assert names == ["schema :: bad.json", "determinism :: bad.json"]
    assert root.get("tests") == "2" and root.get("skipped") == "0" and root.get("failures") == "1"


def test_no_clock_noise(packs):
    root = parse(packverify.check(["bad.json", "broken.json"]))
    for element in root.iter():
        assert not {"time", "timestamp", "hostname", "id"} & set(element.attrib), element.tag


# ------------------------------------------------------------------ failure, skipped, system-out

def test_failure_lists_every_counted_finding(packs):
    report = packverify.check(["bad.json"])
    schema_findings = report.packs[0].oracles["schema"].findings
    assert len(schema_findings) > 1
    failure = case(parse(report), "bad.json", "schema").find("failure")
    assert failure is not None
    assert failure.get("type") == schema_findings[0].code == "schema.required"
    assert schema_findings[0].message in failure.get("message")
    assert failure.get("message").startswith(f"{len(schema_findings)} finding(s)")
    lines = failure.text.splitlines()
    assert len(lines) == len(schema_findings)
    for line, finding in zip(lines, schema_findings):
        assert line.startswith(f"error {finding.code} {finding.pointer or '(root)'} {finding.message}")
    assert "(expected 'budget_info')" in lines[0]


def test_failure_type_is_the_first_failing_code(packs):
    report = packverify.check([HOSTILE], skip=["tokens"])
    root = parse(report)
    for name in ("integrity", "security"):
        findings = report.packs[0].oracles[name].findings
        assert case(root, HOSTILE_SHOWN, name).find("failure").get("type") == findings[0].code
    assert case(root, HOSTILE_SHOWN, "security").find("failure").get("type") == "security.control-character"


def test_skipped_carry_the_reason(packs):
    report = packverify.check(["broken.json"])
    root = parse(report)
    parse_failure = case(root, "broken.json", "parse").find("failure")
    assert parse_failure.get("type") == "parse.invalid-json"
    for name, result in report.packs[0].oracles.items():
        if name == "parse":
            continue
        assert result.status is Status.SKIPPED
        skipped = case(root, "broken.json", name).find("skipped")
        assert skipped is not None and skipped.get("message") == result.reason
        assert case(root, "broken.json", name).find("failure") is None


def test_warnings_on_a_passing_oracle_go_to_system_out(packs):
    report = packverify.check(["bad.json"])
    assert report.packs[0].oracles["determinism"].status is Status.PASS
    element = case(parse(report), "bad.json", "determinism")
    assert element.find("failure") is None
    out = element.find("system-out")
    assert out is not None and out.text.startswith("warning determinism.non-canonical-bytes /metadata ")


def test_strict_turns_warnings_into_failures(packs):
    report = packverify.check(["bad.json"], strict=True)
    element = case(parse(report), "bad.json", "determinism")
    failure = element.find("failure")
    assert failure is not None and failure.get("type") == "determinism.non-canonical-bytes"
    assert failure.text.startswith("warning determinism.non-canonical-bytes")
    assert element.find("system-out") is None


def test_warning_beside_errors_goes_to_system_out(packs):
    # One oracle with an error and a warning: the failure lists the error only.
    report = packverify.check(["bad.json"], only=["schema", "determinism"])
    pack = report.packs[0]
    warning = pack.oracles["determinism"].findings[0]
    assert warning.severity is Severity.WARNING
    error = pack.oracles["schema"].findings[0]
    mixed = dataclasses.replace(pack.oracles["schema"], findings=(error, dataclasses.replace(warning, oracle="schema")))
    pack = dataclasses.replace(pack, oracles={"schema": mixed})
    report = dataclasses.replace(report, packs=(pack,))
    element = case(parse(report), "bad.json", "schema")
    assert element.find("failure").text.splitlines() == [element.find("failure").text] and \
        element.find("failure").text.startswith("error schema.required")
    assert element.find("system-out").text.startswith("warning determinism.non-canonical-bytes")


# ------------------------------------------------------------------ characters and determinism

def test_hostile_characters_survive(packs):
    report = packverify.check([HOSTILE], skip=["tokens"])
    text = render(report)
    assert "\x1b" not in text
    root = ET.fromstring(text.encode("utf-8"))
    suite, = root.findall("testsuite")
    assert suite.get("name") == HOSTILE_SHOWN
    failure = case(root, HOSTILE_SHOWN, "security").find("failure")
    assert 'src/a<&"é\\x1b.py' in failure.get("message")
    assert 'src/a<&"é\\x1b.py' in failure.text


def test_hostile_message_text_survives(packs):
    # The engine's own messages repr() their values; a finding whose message holds
    # raw markup, quotes, non-ASCII and forbidden control characters must still parse.
    report = packverify.check(["bad.json"], only=["schema"])
    pack = report.packs[0]
    hostile = 'a <b> & "c" \'d\' é 😀 \x1b\x00\x07\ud800\ufffe tab\there\nline two'
    schema = pack.oracles["schema"]
    first = dataclasses.replace(schema.findings[0], message=hostile, actual=hostile)
    schema = dataclasses.replace(schema, findings=(first,) + schema.findings[1:])
    pack = dataclasses.replace(pack, oracles={"schema": schema}, findings=schema.findings)
    report = dataclasses.replace(report, packs=(pack,))
    text = render(report)
    text.encode("utf-8")  # no lone surrogate left
    failure = case(ET.fromstring(text.encode("utf-8")), "bad.json", "schema").find("failure")
    # controls, tab and newline included, are escaped (one finding, one log line; issue 12)
    shown = 'a <b> & "c" \'d\' é 😀 \\x1b\\x00\\x07\\ud800\\ufffe tab\\x09here\\x0aline two'
    assert failure.get("message").endswith(shown)
    assert failure.text.startswith(f"error schema.required (root) {shown}")


@pytest.mark.parametrize(("raw", "shown"), [
    ("plain", "plain"),
    ("tab\t nl\n cr\r", "tab\t nl\n cr\r"),
    ("esc\x1b nul\x00 del\x7f", "esc\\x1b nul\\x00 del\x7f"),  # DEL is an XML 1.0 character
    ("\ud800\udfff", "\\ud800\\udfff"),  # lone surrogates, not a pair
    ("\ufffe\uffff\ufffd", "\\ufffe\\uffff\ufffd"),
    ("😀 é <&>", "😀 é <&>"),
])
def test_xml_safe(raw, shown):
    assert junit.xml_safe(raw) == shown


def test_output_is_deterministic(packs):
    paths = ["good.json", "bad.json", "broken.json", HOSTILE]
    first = packverify.check(paths, skip=["tokens"])
    again = packverify.check(paths, skip=["tokens"])
    text = render(first)
    assert text == render(first) == render(again)
    assert text.endswith("</testsuites>\n")
    assert str(packs) not in text


def test_reporter_is_registered(packs):
    report = packverify.check(["broken.json"])
    out = io.StringIO()
    REPORTERS["junit"](report, out, color=True)
    assert out.getvalue() == render(report)


def test_undecodable_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        Path(b"\xff.json".decode("utf-8", "surrogateescape")).write_bytes(b'{"metadata": {}}')
    except (OSError, UnicodeEncodeError) as exc:  # pragma: no cover - depends on the file system
        pytest.skip(f"the file system refuses a non-UTF-8 file name: {exc}")
    report = packverify.check(["\udcff.json"], only=["schema"])
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    junit.render(report, stream)  # must not raise UnicodeEncodeError
    stream.flush()
    root = ET.fromstring(raw.getvalue())
    assert root.find("testsuite").get("name") == "\\udcff.json"


def test_internal_error_is_an_error_element(packs, monkeypatch):
    from packverify.oracles import REGISTRY

    def boom(pack, ctx):
        raise ValueError("oracle bug")

    monkeypatch.setattr(REGISTRY["stats"], "check", boom)
    report = packverify.check(["good.json"])
    root = ET.fromstring(junit.dumps(report))
    assert root.get("errors") == "1"
    [case] = [c for c in root.iter("testcase") if c.get("name").startswith("stats ")]
    [error] = case.findall("error")
    assert error.get("type") == "stats.internal-error" and not case.findall("failure")
