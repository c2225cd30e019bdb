"""How causes are found beyond the one-defect packers: one variation only, an
interaction of two, nondeterminism that shows only in the second control run."""

from __future__ import annotations

import json
import sys

from helpers import run_captured
from repro_helpers import packer


def test_single_variation_needs_no_probe(repro):
    report = repro("--vary", "tz", command=packer("local_time")).json
    assert report["causes"] == ["tz"]
    assert [r["name"] for r in report["runs"]] == ["run-1", "run-2", "control", "control-2"]


def test_interaction_of_two_variations_is_not_blamed_on_either(repro):
    # Differs only when TZ and umask both change: no single-variation probe reproduces it.
    script = ("import os, sys; u = os.umask(0); "
              "open(sys.argv[1], 'w').write(str(os.environ['TZ'] == 'Etc/GMT+12' and u == 0o077))")
    result = repro("--vary", "tz,umask", command=[sys.executable, "-c", script, "{out}"])
    assert result.code == 1
    report = result.json
    assert report["causes"] == []
    assert "no single variation reproduces the difference" in report["attribution"]
    assert [r["same_as_reference"] for r in report["runs"] if r["role"] == "probe"] == [True, True]


def test_nondeterminism_seen_only_in_the_second_control_is_inherent(repro, tmp_path):
    # Calls: run-1, run-2, control, probe-tz, probe-umask, control-2: calls 2 and 6 differ.
    counter = tmp_path / "calls"
    script = ("import sys, pathlib; p = pathlib.Path(sys.argv[2]); n = int(p.read_text() or 0) + 1 "
              "if p.exists() else 1; p.write_text(str(n)); open(sys.argv[1], 'w').write(str(n in (2, 6)))")
    result = repro("--vary", "tz,umask", command=[sys.executable, "-c", script, "{out}", str(counter)])
    report = result.json
    assert result.code == 1 and report["causes"] == ["inherent"]
    assert "a second control run differs" in report["attribution"]


def test_output_directory_inside_the_repository_is_not_copied(repro, demo_repo):
    inside = demo_repo / "artifacts"
    script = "import os, sys; open(sys.argv[2], 'w').write(repr(sorted(os.listdir(sys.argv[1]))))"
    command = [sys.executable, "-c", script, "{repo}", "{out}"]
    code, out, err = run_captured(["repro", "--repo", str(demo_repo), "--artifacts", str(inside), "--vary", "tz",
                                   "--", *command])
    assert code == 0, err
    listing = (inside / "repro" / "run-1.out").read_text()
    assert "artifacts" not in listing and "README.md" in listing


def test_report_file_and_the_deprecated_output_directory(demo_repo, tmp_path, monkeypatch, _state_dir):
    """-o is the report, as for every command; an existing directory given to --output is
    still the artifacts directory (the option's old meaning), with a warning."""
    command = [sys.executable, "-c", "import sys; open(sys.argv[1], 'w').write('same')", "{out}"]
    monkeypatch.chdir(tmp_path)
    code, out, err = run_captured(["repro", "--repo", str(demo_repo), "-o", "report.json", "--format", "json",
                                   "--vary", "tz", "-q", "--", *command])
    assert code == 0 and out == "" and json.loads((tmp_path / "report.json").read_text())["verdict"] == "pass"
    assert (tmp_path / "artifacts" / "repro.run.json").exists() and err == ""
    old = tmp_path / "old"
    old.mkdir()
    code, out, err = run_captured(["repro", "--repo", str(demo_repo), "--output", str(old), "--vary", "tz", "--",
                                   *command])
    assert code == 0 and "deprecated" in err and (old / "repro.run.json").exists() and "PASS" in out.upper()
    monkeypatch.chdir(demo_repo)  # inside the repository: nothing lands in it
    assert run_captured(["repro", "--vary", "tz", "-q", "--", *command])[0] == 0
    assert not (demo_repo / "artifacts").exists() and (_state_dir / "repro.run.json").exists()
