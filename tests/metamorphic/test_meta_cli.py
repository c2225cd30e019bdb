"""``packverify meta`` on the command line: exit codes, the JSON shape (docs/contract.md
§3), the text report, determinism for a seed, the run log, no progress bar off a TTY."""

from __future__ import annotations

import json

import pytest
from conftest import script_template
from helpers import run_captured

from packverify.cli._progress import Progress

KEYS = {"status", "examples", "message", "reproducer"}


def test_exit_0_and_the_json_shape(in_tmp, monkeypatch):
    # Off a terminal a run longer than the interval (5 s) prints plain progress lines
    # (tests/test_progress.py); on a loaded machine one example can take that long. With
    # no interval ever reached, stderr must stay empty: no bar when it is not a terminal.
    monkeypatch.setitem(Progress.__init__.__kwdefaults__, "interval", float("inf"))
    code, out, err = run_captured(["meta", "--relations", "M0", "--examples", "1", "--format", "json"])
    assert code == 0, out + err
    assert err == ""
    report = json.loads(out)
    assert report["verdict"] == "pass"
    assert set(report["relations"]) == {"M0"} and set(report["relations"]["M0"]) == KEYS
    assert report["relations"]["M0"] == {"status": "pass", "examples": 1, "message": "held on 1 example(s)",
                                         "reproducer": None}
    log = json.loads((in_tmp / "artifacts" / "meta.run.json").read_text())
    assert list(log)[0] == "environment" and log["exit_code"] == 0 and log["verdict"] == "pass"
    assert log["relations"]["M0"]["status"] == "pass"


def test_exit_1_with_a_reproducer_and_a_deterministic_report(in_tmp):
    argv = ["meta", "--packer", script_template("packs_vendored.py"), "--relations", "M5,M0", "--examples", "1",
            "--format", "json", "--no-run-log", "--shrink-runs", "30"]
    code, out, err = run_captured(argv)
    assert code == 1, out + err
    report = json.loads(out)
    assert report["verdict"] == "fail"
    assert report["relations"]["M5"]["status"] == "fail"
    assert report["relations"]["M5"]["reproducer"] == "artifacts/meta/M5"
    assert report["relations"]["M0"]["status"] == "pass"
    assert (in_tmp / "artifacts" / "meta" / "M5" / "REPRODUCE.md").is_file()
    assert str(in_tmp) not in out  # no absolute path in the report
    again = run_captured(argv)
    assert again[0] == 1 and again[1] == out  # same seed, same report, byte for byte


def test_text_report_names_the_reproducer(in_tmp):
    code, out, _ = run_captured(["meta", "--packer", script_template("nondeterministic.py"), "--relations", "M0",
                                 "--examples", "1", "--no-run-log", "--shrink-runs", "10"])
    assert code == 1
    assert "M0  FAIL" in out and "reproducer: artifacts/meta/M0" in out and "FAIL: 1 of 1" in out


@pytest.mark.parametrize("argv,needle", [
    (["--packer", "no-such-packer-xyz {repo} -o {out}"], "command not found"),
    (["--packer", "{python} {repo}"], "unknown placeholder {python}"),
    (["--packer", "packverify pack --budget {budget}"], "no {repo}"),
    (["--packer", "'unterminated {repo}"], "cannot parse"),
    (["--packer", "false {repo} {out}"], "exited 1 on a two-file repository"),
    (["--relations", "M9"], "unknown relation 'M9'"),
    (["--relations", "m1,Mx"], "unknown relation 'Mx'"),
    (["--budgets", "10:20"], "--budgets"),
    (["--repo", "does/not/exist"], "does not exist"),
    (["--examples", "0"], "0"),
])
def test_exit_2_when_the_packer_cannot_run_or_the_options_are_wrong(argv, needle, in_tmp):
    code, out, err = run_captured(["meta", *argv, "--examples", "1", "--no-run-log"] if "--examples" not in argv
                                  else ["meta", *argv, "--no-run-log"])
    assert code == 2, out + err
    assert needle in err, err
    assert not (in_tmp / "artifacts" / "meta").exists()


def test_a_given_repository_is_used(in_tmp):
    repo = in_tmp / "given"
    (repo / "src").mkdir(parents=True)
    (repo / "README.md").write_text("# Given\n\nA given repository.\n")
    (repo / "src" / "main.py").write_text("print('hello')\n" * 40)
    code, out, err = run_captured(["meta", "--repo", str(repo), "--relations", "M0,M7", "--examples", "1",
                                   "--format", "json", "--no-run-log"])
    assert code == 0, out + err
    assert {r["status"] for r in json.loads(out)["relations"].values()} == {"pass"}


def test_the_check_command_still_does_not_load_hypothesis():
    import subprocess
    import sys

    code = ("import io, sys\nfrom packverify.cli import run\nrun(['meta', '--help'], io.StringIO(), io.StringIO())\n"
            "assert 'hypothesis' not in sys.modules, 'meta --help imported hypothesis'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
