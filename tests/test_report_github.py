"""``--format github``: workflow commands the Actions runner parses, escaped as its parser
(actions/toolkit, command.ts) expects; chunk findings land on the repository file and
line, pack findings on the pack file. Expected lines are written by hand."""

from __future__ import annotations

import json

from helpers import mutated, run_captured, valid_doc, write

from packverify.model import Finding, PackReport, Report, Severity, SourceLocation, Verdict
from packverify.report.github import dumps, escape_data, escape_property, workflow_command


def test_escaping_by_hand():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert workflow_command("error", "x: y, z", file="d:/a,b.py", line="3") == \
        "::error file=d%3A/a%2Cb.py,line=3::x: y, z"


def _report(*findings: Finding, repo: str | None = None) -> Report:
    pack = PackReport("out/p,1.json", "0" * 64, Verdict.FAIL, {}, findings)
    return Report((pack,), Verdict.FAIL, False, {}, repo=repo)


def test_a_chunk_finding_lands_on_the_source_line_under_the_repository():
    finding = Finding("tokens.mismatch", ("chunks", 3, "tokens"), "claims 1 tokens\nreally", expected=5, actual=1,
                      severity=Severity.ERROR, oracle="tokens", source=SourceLocation("src/a b.py", 12, 20))
    lines = dumps(_report(finding, repo="./proj")).splitlines()
    assert lines[0] == ("::error file=proj/src/a b.py,line=12,endLine=20,title=tokens.mismatch::claims 1 tokens%0Areally "
                        "(expected 5; actual 1) [out/p,1.json at /chunks/3/tokens]")
    assert lines[-1] == "packverify: FAIL: 1 pack(s), 1 finding(s)"


def test_a_pack_finding_lands_on_the_pack_file():
    finding = Finding("budget.overflow", ("budget_info", "actual_tokens"), "over", severity=Severity.WARNING,
                      oracle="budget")
    assert dumps(_report(finding)).splitlines()[0] == \
        "::warning file=out/p%2C1.json,line=1,title=budget.overflow::over [out/p,1.json at /budget_info/actual_tokens]"


def test_a_finding_with_a_line_and_column_in_the_pack_keeps_them():
    from packverify.model import Location

    finding = Finding("parse.invalid-json", (), "bad", severity=Severity.ERROR, oracle="parse",
                      location=Location(3, 7))
    assert dumps(_report(finding)).splitlines()[0] == \
        "::error file=out/p%2C1.json,line=3,col=7,title=parse.invalid-json::bad [out/p,1.json at the document root]"


def test_through_the_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "bad.json", mutated(lambda d: d["chunks"][1].update(tokens=1)))
    code, out, _ = run_captured(["check", "bad.json", "--format", "github", "--no-run-log"])
    assert code == 1
    [tokens] = [line for line in out.splitlines() if "title=tokens.mismatch" in line]
    chunk = valid_doc()["chunks"][1]  # what chunk 1 is, from the pack itself
    assert tokens.startswith(f"::error file={chunk['file_path']},line={chunk['start_line']},"
                             f"endLine={chunk['end_line']},title=tokens.mismatch::")
    assert "::notice file=bad.json,title=packverify%3A source skipped::source skipped for bad.json: no --repo given" \
        in out
    assert json.loads(run_captured(["check", "bad.json", "--format", "json", "--no-run-log"])[1])["verdict"] == "fail"
