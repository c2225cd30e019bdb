#!/usr/bin/env python3
"""Which exact counter is fastest here: tiktoken (the reference), riptoken (the fast
engine packverify uses), and bpe-openai when it happens to be installed (it is not a
dependency: ``pip install bpe-openai`` in a scratch environment to include it).

Counts the contents of a bench pack with each engine, interleaved, ``--reps`` times;
prints CPU seconds and wall seconds per engine on one thread and on ``--jobs``
threads (an engine that holds the GIL gains nothing from threads), and checks that
every engine's counts equal tiktoken's.

    python bench/engines_bench.py [--pack bench/out/pack-10000.json] [--reps 3] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def engines(name: str) -> dict:
    from packverify.counting.engines import RiptokenCounter, TiktokenCounter
    from packverify.tokenizer import VOCABULARIES

    found = {"tiktoken": TiktokenCounter(name).count,
             "riptoken": RiptokenCounter(name, VOCABULARIES[name][2]).count}
    try:
        from bpe_openai import _bindings  # optional: measured when present, never required

        found["bpe-openai"] = _bindings.tokenizer_for_encoding(VOCABULARIES[name][0]).count
    except ImportError:
        pass
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", default="bench/out/pack-10000.json")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    import orjson

    from packverify.tokenizer import run_threaded

    doc = orjson.loads(Path(args.pack).read_bytes())
    texts = [c["content"] for c in doc["chunks"]]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    counters = engines(doc["tokenizer_info"]["name"])
    reference = [counters["tiktoken"](t) for t in texts]
    rows: dict[str, list] = {}
    print(f"{len(texts)} texts, {megabytes:.1f} MB, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for _ in range(args.reps):
        for name, count in counters.items():
            for jobs in (1, args.jobs):
                cpu, wall = time.process_time(), time.perf_counter()
                got = run_threaded(count, texts, jobs=jobs)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                assert got == reference, f"{name} disagrees with tiktoken"
                rows.setdefault(f"{name} ×{jobs}", []).append((cpu, wall))
    base = statistics.median(w for _, w in rows[f"tiktoken ×{args.jobs}"])
    print(f"{'engine × threads':22s} {'cpu s':>7s} {'wall s':>7s} {'MB/s':>7s} {'vs tiktoken ×' + str(args.jobs):>18s}")
    for key, values in rows.items():
        cpu = statistics.median(c for c, _ in values)
        wall = statistics.median(w for _, w in values)
        print(f"{key:22s} {cpu:7.2f} {wall:7.2f} {megabytes / wall:7.1f} {wall / base:18.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
