"""The command line: every exit code, every format, files given and directories."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from helpers import pretty, run_captured, valid_doc, write


@pytest.fixture
def good(tmp_path):
    return write(tmp_path, "good.json", valid_doc())


@pytest.fixture
def bad(tmp_path):
    doc = valid_doc()
    doc["budget_info"]["actual_tokens"] = doc["budget_info"]["target_budget"] + 5
    return write(tmp_path, "bad.json", doc)


def test_exit_0_on_a_valid_pack(good, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_captured(["check", str(good)])
    assert code == 0, out + err
    assert "PASS" in out and "parse" in out and "skipped" in out  # source without --repo


def test_exit_1_on_findings_with_pointer_in_text(bad, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_captured(["check", str(bad)])
    assert code == 1
    assert "budget.overflow" in out and "/budget_info/actual_tokens" in out


@pytest.mark.parametrize("argv,needle", [
    (["check", "missing.json"], "no such file"),
    (["check", "GOOD", "--only", "budgt"], "did you mean 'budget'"),
    (["check", "GOOD", "--skip", "nope"], "unknown oracle"),
    (["check", "GOOD", "--format", "xml"], "Invalid value"),
    (["check"], "Missing argument"),
    (["frobnicate"], "No such command"),
    (["check", "GOOD", "-j", "-1"], "Invalid value"),
    (["check", "EMPTYDIR"], "holds no pack file"),
    (["check", "GOOD", "--output", "NODIR/out.json"], "cannot write"),
    (["check", "GOOD", "--repo", "NODIR"], "does not exist"),
])
def test_exit_2_when_the_command_cannot_do_its_job(argv, needle, good, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    argv = [a.replace("GOOD", str(good)).replace("EMPTYDIR", str(tmp_path / "empty"))
            .replace("NODIR", str(tmp_path / "no" / "dir")) for a in argv]
    code, out, err = run_captured(argv)
    assert code == 2, (out, err)
    assert needle in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe", b"[1,", b'{"a":1,"a":2}', b"[" * 50000, b"null", b"NaN"])
def test_malformed_content_is_exit_1_not_2(raw, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "x.json", raw=raw)
    code, out, err = run_captured(["check", str(path), "--format", "json"])
    assert code == 1, err
    report = json.loads(out)
    assert report["verdict"] == "fail"
    assert report["packs"][0]["findings"][0]["code"].startswith("parse.")


def test_json_format_has_the_contract_shape(bad, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_captured(["check", str(bad), "--format", "json"])
    report = json.loads(out)
    assert code == 1
    assert set(report) == {"tool", "verdict", "packs", "environment"}
    assert report["tool"]["name"] == "packverify"
    pack = report["packs"][0]
    assert set(pack) == {"path", "sha256", "verdict", "oracles", "findings"}
    assert pack["oracles"]["source"] == {"status": "skipped", "findings": 0, "reason": "no --repo given"}
    assert pack["oracles"]["budget"]["status"] == "fail"
    for finding in pack["findings"]:
        assert set(finding) == {"oracle", "code", "severity", "pointer", "message", "expected", "actual"}
        assert finding["code"].startswith(finding["oracle"] + ".")
    assert set(report["environment"]) == {"observed", "expected", "counting"}  # counting: which engine recounted


def test_many_packs_and_directories(good, bad, tmp_path, monkeypatch, _state_dir):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "ignored.json").write_text("{}")
    code, out, _ = run_captured(["check", str(tmp_path), "--format", "json"])
    report = json.loads(out)
    # bad.json < good.json; hidden directories are not checked
    assert code == 1 and [p["verdict"] for p in report["packs"]] == ["fail", "pass"]
    # the working directory is the checked tree: the run log goes to the state directory, not into it
    assert (_state_dir / "check.run.json").exists() and not (tmp_path / "artifacts").exists()


def test_only_skip_and_strict(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doc = valid_doc()
    del doc["metadata"]["serialization"]
    foreign = write(tmp_path, "foreign.json", raw=pretty(doc))  # non-canonical bytes: a warning only
    assert run_captured(["check", str(foreign)])[0] == 0
    assert run_captured(["check", str(foreign), "--strict"])[0] == 1
    assert run_captured(["check", str(foreign), "--strict", "--skip", "determinism"])[0] == 0
    code, out, _ = run_captured(["check", str(foreign), "--only", "budget,stats", "--format", "json"])
    assert set(json.loads(out)["packs"][0]["oracles"]) == {"budget", "stats"}


def test_output_file_and_run_log(bad, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_captured(["check", str(bad), "--format", "junit", "--output", "report.xml"])
    assert code == 1 and out == ""
    ET.parse(tmp_path / "report.xml")
    log = json.loads((tmp_path / "artifacts" / "check.run.json").read_text())
    assert list(log)[0] == "environment"
    assert log["status"] == "finished" and log["exit_code"] == 1 and log["verdict"] == "fail"
    assert log["packs"][0]["sha256"] and log["environment"]["expected"]["vocabularies"]


def test_run_log_even_when_the_command_fails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_captured(["check", "nope.json"])[0] == 2
    log = json.loads((tmp_path / "artifacts" / "check.run.json").read_text())
    assert log["exit_code"] == 2 and "no such file" in log["error"] and log["environment"]["observed"]["python"]


def test_sarif_format_is_json(bad, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_captured(["check", str(bad), "--format", "sarif"])
    assert code == 1 and json.loads(out)["version"] == "2.1.0"


def test_schema_command_prints_the_schema():
    code, out, _ = run_captured(["schema"])
    assert code == 0 and json.loads(out)["title"] == "packverify pack index"


def test_help_and_version():
    code, out, _ = run_captured(["--help"])
    assert code == 0 and "check" in out and "Exit codes" in out
    code, out, _ = run_captured(["check", "--help"])
    assert code == 0 and "--strict" in out
    code, out, _ = run_captured(["--version"])
    assert code == 0 and "packverify" in out


def test_console_script_runs_as_a_subprocess(good, tmp_path):
    done = subprocess.run([sys.executable, "-m", "packverify", "check", str(good), "--no-run-log", "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "pass"
    assert not (tmp_path / "artifacts").exists()
