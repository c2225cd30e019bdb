#!/usr/bin/env python3
"""Executions in the same wall time: ``packverify fuzz --workers 1`` against ``--workers 2``
(our supervisor: long-lived libFuzzer processes sharing a corpus) and against libFuzzer's own
``-fork=2`` — the measurement behind the choice of the supervisor (docs/fuzzing.md).

    .venv/bin/python tests/fuzzing/measure_workers.py --target check_raw --seconds 60 --rounds 3

Configurations run one after another within each round (1 worker, 2 workers, fork=2),
each from a fresh copy of the seed corpus, so they see the same machine as nearly as a
sequence can; the load average is printed before each run (on a shared machine the
ratio is only meaningful when it is low). Prints one line per run and, per round, the
ratio of executions to the one-worker run. Not part of the test suite: it takes
``3 × seconds × rounds`` of wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _session(target: str, seconds: int, workers: int, work: Path) -> int:
    done = subprocess.run([sys.executable, "-m", "packverify", "fuzz", "--target", target, "--seconds", str(seconds),
                           "--workers", str(workers), "--format", "json", "--no-run-log", "--stats-interval", "600",
                           "--corpus", str(work / "corpus"), "--artifacts", str(work / "artifacts")],
                          capture_output=True, text=True, cwd=HERE.parent.parent)
    return json.loads(done.stdout)["executions"]


def _fork(target: str, seconds: int, jobs: int, work: Path) -> int:
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "packverify.fuzz.libfuzzer", target, str(corpus),
                           str(HERE / "corpus" / target), f"-fork={jobs}", f"-max_total_time={seconds}",
                           f"-artifact_prefix={work}/", f"-dict={HERE / (target + '.dict')}"],
                          capture_output=True, text=True, cwd=HERE.parent.parent)
    found = re.findall(r"^#(\d+): cov:", done.stdout + done.stderr, re.MULTILINE)
    return int(found[-1]) if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default="check_raw")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-fork", action="store_true", help="leave libFuzzer's -fork=2 out")
    args = parser.parse_args()
    for number in range(1, args.rounds + 1):
        results = {}
        runs = [("workers=1", lambda w: _session(args.target, args.seconds, 1, w)),
                ("workers=2", lambda w: _session(args.target, args.seconds, 2, w))]
        if not args.no_fork:
            runs.append(("fork=2", lambda w: _fork(args.target, args.seconds, 2, w)))
        for label, run in runs:
            before = _load()
            with tempfile.TemporaryDirectory(prefix="packverify-measure-") as work:
                results[label] = run(Path(work))
            print(f"round {number} {args.target} {label}: {results[label]} executions in {args.seconds} s "
                  f"(load average before: {before}; after: {_load()})", flush=True)
        base = results["workers=1"] or 1
        print(f"round {number}: " + ", ".join(f"{label} {value / base:.2f}×" for label, value in results.items()),
              flush=True)


if __name__ == "__main__":
    main()
