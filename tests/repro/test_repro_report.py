"""What repro reports and leaves behind: JSON shape and determinism, text, run log,
kept outputs, unavailable variations, placeholders, more runs, the library API."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from repro_helpers import packer, require

from packverify.repro import reproduce


def test_json_report_is_byte_identical_across_invocations(repro, capabilities):
    # Byte-identical even though the output records the copy's absolute path: with
    # namespaces every run sees the same fixed <work> (without, the sha256s would differ).
    require(capabilities, "order")
    first = repro("--vary", "path,tz", command=packer("abs_path"))
    second = repro("--vary", "path,tz", command=packer("abs_path"))
    assert first.code == second.code == 1
    assert first.out == second.out
    assert "packverify-repro-" not in first.out  # the random work directory never shows


def test_json_differences_give_pointers_with_both_values(repro):
    report = repro("--vary", "path,order", command=packer("abs_path")).json
    assert report["causes"] == ["path"]
    first = report["differences"][0]
    assert (first["a"], first["b"]) == ("run-1", "run-2")
    assert first["json"] == {"total": 1, "truncated": False, "changes": [
        {"pointer": "/metadata/root", "kind": "changed", "a": "<work>/build/demo", "b": "<work>/v1/sub/demo"}]}
    assert isinstance(first["first_byte_offset"], int) and first["first_byte_offset"] > 0
    assert first["context"][0].startswith("build/demo") and first["context"][1].startswith("v1/sub/demo")


def test_json_report_shape(repro):
    report = repro("--vary", "tz,umask", command=packer("local_time")).json
    assert list(report)[:3] == ["tool", "verdict", "causes"]
    for key in ("runs", "differences", "unavailable", "varied", "attribution", "artifacts"):
        assert key in report
    run = report["runs"][0]
    assert set(run) == {"name", "role", "varied", "settings", "exit_code", "sha256", "size", "same_as_reference",
                        "artifact"}
    assert run["settings"]["tz"] == "Etc/GMT-14" and report["runs"][1]["settings"]["tz"] == "Etc/GMT+12"


def test_outputs_that_diverge_are_kept_for_diffing(repro):
    result = repro("--vary", "tz,umask", command=packer("local_time"))
    kept = sorted(p.name for p in (result.artifacts / "repro").iterdir() if p.suffix == ".out")
    assert kept == ["probe-tz.out", "run-1.out", "run-2.out"]  # equal outputs would only repeat run-1.out
    report = result.json
    assert report["runs"][1]["artifact"] == os.path.join(result.artifacts, "repro", "run-2.out")
    assert b"2023-11-15" in (result.artifacts / "repro" / "run-1.out").read_bytes()  # 1.7e9 s at UTC+14
    # A later passing run does not leave the failing run's files behind.
    repro("--vary", "tz", command=packer("deterministic"))
    assert sorted(p.name for p in (result.artifacts / "repro").iterdir()) == ["run-1.out"]


def test_run_log_records_environment_first_then_the_outcome(repro):
    result = repro("--vary", "env,tz", command=packer("env_var"))
    log = result.log
    assert list(log)[0] == "environment" and set(log["environment"]) == {"observed", "expected"}
    assert log["command"] == "repro" and log["status"] == "finished" and log["exit_code"] == 1
    assert log["verdict"] == "fail" and log["causes"] == ["env"]
    assert log["report"] == result.json


def test_text_report_for_people(repro):
    result = repro("--vary", "home,tz", command=packer("home_cache"), fmt="text")
    assert result.code == 1
    text = result.out
    assert text.startswith("packverify repro: FAIL")
    assert "home: HOME" in text
    assert "/metadata/cache" in text and "<work>/home-1/.cache/packer" in text
    assert "probe-home" in text and "DIFFERS" in text
    assert "compare: diff" in text

    passing = repro("--vary", "tz", command=packer("deterministic"), fmt="text")
    assert passing.code == 0 and passing.out.startswith("packverify repro: PASS — 3 runs gave byte-identical")


def test_missing_tool_is_reported_as_unavailable_not_skipped_silently(repro, tmp_path, monkeypatch):
    # A PATH with nothing on it: no faketime and no unshare.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    result = repro(command=packer("deterministic"))
    assert result.code == 0, result.err
    report = result.json
    assert "faketime not found on PATH (Debian package: faketime)" in report["unavailable"]["time"]
    assert "unshare not found on PATH" in report["unavailable"]["order"]
    assert "time" not in report["varied"] and "order" not in report["varied"]
    assert "path" in report["varied"]  # without namespaces the rest still runs, on the normal filesystem
    text = repro(command=packer("deterministic"), fmt="text").out
    assert "unavailable: time — faketime not found on PATH" in text


def test_placeholders_and_a_single_shell_style_argument(repro):
    result = repro("--budget", "123", "--tokenizer", "o200k", "--vary", "tz,umask",
                   command=["sh -c 'echo {budget} {tokenizer} > {out}'"])
    assert result.code == 0, result.err
    assert (result.artifacts / "repro" / "run-1.out").read_bytes() == b"123 o200k\n"
    assert result.json["command"] == ["sh", "-c", "echo {budget} {tokenizer} > {out}"]


def test_vary_selects_and_excludes(repro):
    only = repro("--vary", "tz,umask", command=packer("deterministic")).json
    assert only["varied"] == ["tz", "umask"] and set(only["runs"][0]["settings"]) == {"tz", "umask"}
    without = repro("--vary", "-time,-cpus", command=packer("deterministic")).json
    assert "time" not in without["varied"] and "cpus" not in without["varied"] and "tz" in without["varied"]


def test_more_runs_cycle_through_values(repro):
    report = repro("--runs", "3", "--vary", "tz,order,path", command=packer("listdir_order")).json
    assert [r["name"] for r in report["runs"][:4]] == ["run-1", "run-2", "run-3", "control"]
    assert [r["settings"]["tz"] for r in report["runs"][:3]] == ["Etc/GMT-14", "Etc/GMT+12", "Asia/Kathmandu"]
    assert [r["settings"]["order"] for r in report["runs"][:3]] == ["sorted", "reversed", "shuffled-2"]
    assert len({r["settings"]["path"] for r in report["runs"][:3]}) == 3
    assert report["causes"] == ["order"]


def test_library_api(demo_repo):
    report = reproduce([sys.executable, str(packer("local_time")[1]), "{repo}", "{out}"], repo=str(demo_repo),
                       vary=["tz", "umask"])
    assert report.verdict == "fail" and report.causes == ("tz",)
    assert [r.name for r in report.runs] == ["run-1", "run-2", "control", "probe-tz", "probe-umask", "control-2"]
    assert report.runs[0].artifact is None  # no artifacts directory given: nothing written


_DUMP = """
import json, os, sys
root = sys.argv[1]
rows = [["", oct(os.lstat(root).st_mode), os.lstat(root).st_mtime_ns]]
for dirpath, dirnames, filenames in os.walk(root):
    dirnames.sort()
    for name in sorted(dirnames + filenames):
        path = os.path.join(dirpath, name)
        info = os.lstat(path)
        target = os.readlink(path) if os.path.islink(path) else None
        rel = os.fsencode(os.path.relpath(path, root)).decode("utf-8")  # not the locale's encoding
        rows.append([rel, oct(info.st_mode), info.st_mtime_ns, target])
rows.sort(key=lambda r: r[0])
open(sys.argv[2], "w").write(json.dumps(rows, indent=1))
"""


def test_copies_keep_modes_times_and_symlinks(repro, demo_repo, tmp_path):
    (demo_repo / "run.sh").write_text("#!/bin/sh\n")
    (demo_repo / "run.sh").chmod(0o755)
    (demo_repo / "link").symlink_to("src/main.py")
    (demo_repo / "dangling").symlink_to("/nonexistent/target")
    (demo_repo / "src").chmod(0o555)  # read-only: the copy must still be filled
    (demo_repo / "empty").mkdir()
    os.utime(demo_repo / "README.md", ns=(1_000_000_123, 1_000_000_123))
    try:
        result = repro(command=[sys.executable, "-c", _DUMP, "{repo}", "{out}"])
        assert result.code == 0, result.err
        copied = (result.artifacts / "repro" / "run-1.out").read_text()
        original = tmp_path / "original.json"
        subprocess.run([sys.executable, "-c", _DUMP, str(demo_repo), str(original)], check=True)
        assert copied == original.read_text()
    finally:
        (demo_repo / "src").chmod(0o755)


def test_without_namespaces_paths_are_still_hidden_and_attributed(repro, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))  # no unshare: runs on the normal filesystem
    report = repro("--vary", "path,tz", command=packer("abs_path")).json
    assert report["causes"] == ["path"]
    assert report["differences"][0]["json"]["changes"][0]["b"] == "<work>/v1/sub/demo"
    assert "packverify-repro" not in json.dumps(report)


def test_excluded_paths_are_not_copied(repro, demo_repo):
    (demo_repo / "node_modules" / "pkg").mkdir(parents=True)
    (demo_repo / "node_modules" / "pkg" / "index.js").write_text("x\n")
    result = repro("--exclude", "node_modules", "--exclude", "docs/*.md", "--vary", "tz",
                   command=packer("deterministic"))
    assert result.code == 0, result.err
    output = (result.artifacts / "repro" / "run-1.out").read_text()
    assert "node_modules" not in output and "docs/" not in output and "src/main.py" in output
    assert result.json["excluded"] == ["node_modules", "docs/*.md"]
