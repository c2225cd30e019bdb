"""Exit 2 — the job could not be done — always with a message, never a traceback."""

from __future__ import annotations

import sys

import pytest
from repro_helpers import packer


def _error(result) -> str:
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""  # nothing on stdout: a CI step parsing it gets no half report
    assert "Traceback" not in result.err
    return result.err


def test_command_not_found(repro):
    err = _error(repro(command=["no-such-packer-xyz", "{repo}", "{out}"]))
    assert "command not found" in err and "no-such-packer-xyz" in err


def test_program_path_that_does_not_exist(repro, tmp_path):
    err = _error(repro(command=[str(tmp_path / "missing" / "packer"), "{repo}", "{out}"]))
    assert "command not found" in err


def test_command_that_fails_names_the_run_and_quotes_its_output(repro):
    result = repro(command=packer("fails"))
    err = _error(result)
    assert "run-1: the command exited with code 3" in err
    assert "fails.py: cannot pack this repository" in err
    log = result.log
    assert log["status"] == "finished" and log["exit_code"] == 2
    assert log["runs"][0]["name"] == "run-1" and log["runs"][0]["exit_code"] == 3
    assert (result.artifacts / "repro" / "run-1.log").read_text().startswith("fails.py: cannot pack")


def test_command_that_writes_no_output(repro):
    err = _error(repro(command=packer("no_output")))
    assert "wrote nothing to {out}" in err and "<work>/out/pack.json" in err


def test_failure_in_a_varied_run_says_what_that_run_varied(repro):
    # Succeeds only in the time zone of run-1: run-2 fails.
    script = "import os, sys; os.environ['TZ'] == 'Etc/GMT-14' or sys.exit(4); open(sys.argv[1], 'w').write('ok')"
    command = [sys.executable, "-c", script, "{out}"]
    err = _error(repro("--vary", "tz", command=command))
    assert "run-2 (varied from the control: tz): the command exited with code 4" in err


def test_timeout(repro):
    command = [sys.executable, "-c", "import time; time.sleep(30)", "{out}"]
    err = _error(repro("--timeout", "0.5", "--vary", "tz", command=command))
    assert "run-1: timed out after 0.5 s" in err


def test_missing_repo(repro, tmp_path):
    err = _error(repro(command=packer("deterministic"), repo=tmp_path / "nope"))
    assert "repository not found" in err


@pytest.mark.parametrize(("options", "command", "message"), [
    ((), [sys.executable, "x.py", "{repo}"], "must write its output to {out}"),
    ((), [], "no command given"),
    (("--vary", "tzz"), None, "unknown variation 'tzz' (did you mean 'tz'?)"),
    (("--runs", "1"), None, "--runs"),
    (("--format", "sarif"), None, "--format"),
])
def test_bad_arguments(repro, options, command, message):
    err = _error(repro(*options, command=packer("deterministic") if command is None else command, fmt=None))
    assert message in err


def test_relative_argument_gets_a_hint(repro):
    err = _error(repro(command=[sys.executable, "tests/no/such/packer.py", "{repo}", "{out}"]))
    assert "hint: tests/no/such/packer.py is relative to where the command starts" in err
