"""The fuzzing session: shards, the rotation, workers, stats, stop and resume.

Sessions here run test-only fuzzers (planted.py: plain atheris scripts, fast to start)
through the session's ``command_for`` hook; the end-to-end tests run ``packverify fuzz``
on a real reader target in a subprocess and stop it with SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import planted
import pytest
from helpers import run_captured

from packverify.fuzz import TARGETS
from packverify.fuzz.schedule import (
    MAX_SLICE,
    MIN_SLICE,
    Rotation,
    load_first,
    shard_names,
    slice_seconds,
)
from packverify.fuzz.session import FuzzSession, Options
from packverify.sharding import ShardError, parse_shard


def test_shards_split_the_targets_round_robin_and_cover_them_once():
    names = list("abcdefg")
    parts = [shard_names(names, k, 3) for k in (1, 2, 3)]
    assert parts == [["a", "d", "g"], ["b", "e"], ["c", "f"]]
    assert sorted(sum(parts, [])) == names
    assert parse_shard("2/4") == (2, 4) and parse_shard(" 1 / 1 ") == (1, 1)
    for bad in ("0/3", "4/3", "2", "a/b", ""):
        with pytest.raises(ShardError):
            parse_shard(bad)


def test_the_rotation_takes_turns_skips_busy_targets_and_shares_when_all_are_busy():
    rotation = Rotation(["a", "b", "c"])
    assert [rotation.take(set()) for _ in range(4)] == ["a", "b", "c", "a"]
    assert rotation.take({"b"}) == "c"  # b is being fuzzed: the next free one
    assert rotation.take({"a", "b", "c"}) == "a"  # all busy: share the next in turn
    assert rotation.take(set(), retired={"b", "c"}) == "a"
    assert rotation.take(set(), retired={"a", "b", "c"}) is None
    assert Rotation(["a", "b", "c"], first="c").take(set()) == "c"


def test_a_slice_is_the_fair_share_within_bounds():
    assert slice_seconds(3600, 16, 2) == 450
    assert slice_seconds(60, 16, 2) == MIN_SLICE
    assert slice_seconds(36000, 2, 32) == MAX_SLICE


def _options(tmp_path: Path, scripts: dict, **settings) -> Options:
    return Options(targets=list(scripts), corpus_root=tmp_path / "corpus", artifacts_root=tmp_path / "artifacts",
                   command_for=planted.command_for(scripts), **settings)


def _targets(scripts: dict) -> dict:
    return {name: planted.planted_target(name) for name in scripts}


@pytest.mark.slow
def test_workers_run_targets_side_by_side_and_report_stats(tmp_path):
    scripts = planted.write(tmp_path, one=planted.QUIET, two=planted.QUIET)
    lines: list[str] = []
    session = FuzzSession(_options(tmp_path, scripts, seconds=12, workers=2, stats_interval=2), _targets(scripts),
                      on_line=lines.append)
    session.run()
    summary = session.summary()
    assert summary["verdict"] == "pass" and summary["workers"] == 2 and not summary["interrupted"]
    for name in ("one", "two"):
        target = summary["targets"][name]
        assert target["executions"] > 0 and target["execs"] == target["executions"] and target["workers"] == 1
        assert target["exec_per_sec"] > 0 and target["unique_crashes"] == 0 and target["coverage"] > 0
    assert summary["executions"] == sum(t["executions"] for t in summary["targets"].values())
    times = [point["t"] for point in session.series]
    assert len(times) >= 3 and times == sorted(times)
    assert session.series[-1]["executions"] == summary["executions"]
    assert any(re.match(r"fuzz +\d+/12 s: \d+ execs, \d+ exec/s, 0 unique crash\(es\) \| ", line) for line in lines)


@pytest.mark.slow
def test_two_workers_share_one_target_and_its_corpus(tmp_path):
    scripts = planted.write(tmp_path, only=planted.QUIET)
    session = FuzzSession(_options(tmp_path, scripts, seconds=10, workers=2, stats_interval=5), _targets(scripts))
    session.run()
    assert session.summary()["targets"]["only"]["workers"] == 2
    logs = sorted(p.name for p in (tmp_path / "artifacts" / "logs").iterdir())
    assert logs == ["only-w1.log", "only-w2.log"]
    for log in logs:  # both processes fuzzed the same corpus directory
        assert str(tmp_path / "corpus" / "only") in (tmp_path / "artifacts" / "logs" / log).read_text()


@pytest.mark.slow
def test_targets_take_turns_and_the_next_session_goes_on_where_this_one_stopped(tmp_path):
    scripts = planted.write(tmp_path, a=planted.QUIET, b=planted.QUIET, c=planted.QUIET, d=planted.QUIET)
    session = FuzzSession(_options(tmp_path, scripts, seconds=20, workers=1, slice_seconds=6, stats_interval=5),
                      _targets(scripts))
    session.run()
    slices = {name: t["slices"] for name, t in session.summary()["targets"].items()}
    assert slices["a"] == 1 and slices["b"] == 1 and sum(slices.values()) in (2, 3), slices
    following = load_first(tmp_path / "corpus", list(scripts))
    assert following == ("c" if slices["c"] == 0 else "d")
    again = FuzzSession(_options(tmp_path, scripts, seconds=8, workers=1, slice_seconds=6, stats_interval=5),
                    _targets(scripts))
    again.run()
    assert again.summary()["targets"][following]["slices"] == 1


@pytest.mark.slow
def test_stop_ends_every_process_and_the_summary_is_complete(tmp_path):
    scripts = planted.write(tmp_path, one=planted.QUIET, two=planted.QUIET)
    session = FuzzSession(_options(tmp_path, scripts, seconds=300, workers=2, stats_interval=1), _targets(scripts))
    runner = threading.Thread(target=session.run)
    started = time.monotonic()
    runner.start()
    while not session.series or not session.series[-1]["executions"]:
        time.sleep(0.2)
        assert time.monotonic() - started < 60, "no executions within a minute"
    session.stop()
    runner.join(timeout=60)
    assert not runner.is_alive() and time.monotonic() - started < 90
    summary = session.summary()
    assert summary["interrupted"] and summary["verdict"] == "pass" and summary["executions"] > 0
    assert json.loads((tmp_path / "artifacts" / "crashes.json").read_text())["crashes"] == []


def test_a_shard_with_only_a_skipped_target_runs_nothing_and_says_why(tmp_path):
    last = len(TARGETS)
    assert list(TARGETS)[-1] == "convert"
    code, out, err = run_captured(["fuzz", "--shard", f"{last}/{last}", "--seconds", "5", "--format", "json",
                                   "--corpus", str(tmp_path / "c"), "--artifacts", str(tmp_path / "a"),
                                   "--no-run-log"])
    if TARGETS["convert"].missing() is None:
        pytest.skip("packverify.convert exists: the convert target runs")
    assert code == 0, err
    summary = json.loads(out)
    assert list(summary["targets"]) == ["convert"] and summary["executions"] == 0
    assert "does not exist yet" in summary["targets"]["convert"]["skipped"]


def test_bad_shards_and_unknown_targets_exit_2():
    code, _, err = run_captured(["fuzz", "--shard", "3/2", "--no-run-log"])
    assert code == 2 and "K must be between 1 and N" in err
    code, _, err = run_captured(["fuzz", "--target", "read_gitingets", "--no-run-log"])
    assert code == 2 and "did you mean 'read_gitingest'" in err


def test_fuzz_list_names_every_target():
    code, out, _ = run_captured(["fuzz", "--list"])
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == list(TARGETS)


def _fuzz(tmp_path: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "packverify", "fuzz", "--target", "read_files_to_prompt",
                             "--format", "json", "--stats-interval", "1", *args], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_sigterm_writes_the_summary_and_a_rerun_continues_from_the_corpus(tmp_path):
    """``packverify fuzz`` end to end on a real reader target: stopped by SIGTERM once it
    has fuzzed, it prints the contract's JSON and finishes the run log (environment first,
    the time series); the next run starts from the corpus the first one grew."""
    process = _fuzz(tmp_path, "--seconds", "600", "--workers", "2")
    lines = []
    for line in process.stderr:  # wait for a stats line with executions
        lines.append(line)
        if re.search(r"s: [1-9]\d* execs", line):
            break
    process.send_signal(signal.SIGTERM)
    out, rest = process.communicate(timeout=120)
    assert process.returncode == 0, "".join(lines) + rest
    assert "SIGTERM: stopping the workers" in rest and "Traceback" not in rest
    summary = json.loads(out)
    target = summary["targets"]["read_files_to_prompt"]
    assert summary["interrupted"] and summary["verdict"] == "pass" and summary["workers"] == 2
    assert target["execs"] == target["executions"] > 0 and target["crashes"] == [] and target["coverage"] > 50
    assert target["workers"] == 2 and target["unique_crashes"] == 0
    log = json.loads((tmp_path / "artifacts" / "fuzz.run.json").read_text())
    assert list(log)[0] == "environment" and log["status"] == "finished" and log["exit_code"] == 0
    assert log["targets"]["read_files_to_prompt"]["executions"] == target["executions"] and log["series"]
    grown = tmp_path / "artifacts" / "fuzz" / "corpus" / "read_files_to_prompt"
    kept = len(list(grown.iterdir()))
    assert kept > 0

    again = _fuzz(tmp_path, "--seconds", "20", "--workers", "1")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    first_log = (tmp_path / "artifacts" / "fuzz" / "logs" / "read_files_to_prompt-w1.log").read_text()
    relative = str(Path("artifacts", "fuzz", "corpus", "read_files_to_prompt"))
    loaded = re.findall(r"INFO: +(\d+) files found in " + re.escape(relative), first_log)
    assert loaded[-1] == str(kept), "the rerun loads the corpus the first run grew"
