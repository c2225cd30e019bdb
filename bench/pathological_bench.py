#!/usr/bin/env python3
"""How the loader and the check grow on inputs built to make them work too hard.

The unit tests (tests/properties/test_robustness.py) check that every pathological
input gets a verdict and that Python-level work grows linearly (counted calls); how
long it takes is measured here, as a ratio inside one run so that a loaded machine
slows both sides alike: ``parse_bytes`` + ``check`` of each input once at 10·n bytes
over ten times at n bytes — the same bytes in all — sides interleaved, each repeated
``--reps`` times (median). Goal: ≤ 2 for every input (linear work is 1 or less, as the
small side pays the fixed costs ten times; quadratic would be 10).

    python bench/pathological_bench.py [--reps 5] [--n 100000] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

GOAL = 2.0
INPUTS = {  # name: input of size about n (the same shapes as the unit test's)
    "deep-arrays": lambda n: b"[" * n,
    "deep-objects": lambda n: b'{"a":' * (n // 5),
    "nul-escapes": lambda n: b'"' + b"\\u0000" * (n // 6) + b'"',
    "long-number": lambda n: b"1" * n,
    "many-empty-chunks": lambda n: b'{"chunks": [' + b"{}," * (n // 3) + b"{}]}",
}


def seconds(raw: bytes) -> float:
    from helpers import check_doc

    from packverify.load import parse_bytes

    started = time.perf_counter()
    parse_bytes(raw)
    check_doc(None, raw=raw)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--out", default="bench/out")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    seconds(b"{}")  # imports and vocabularies before any clock
    results, ok = {}, True
    for name, make in INPUTS.items():
        small, large = make(args.n), make(10 * args.n)
        runs = [(sum(seconds(small) for _ in range(10)), seconds(large)) for _ in range(args.reps)]
        ratio = statistics.median(b / a for a, b in runs)
        met = ratio <= GOAL
        ok &= met
        results[name] = {"runs": runs, "growth_10x": ratio, "met": met}
        print(f"{name:18s} 10 × n {statistics.median(a for a, _ in runs):.3f}s  1 × 10n "
              f"{statistics.median(b for _, b in runs):.3f}s  ratio {ratio:5.2f} (<= {GOAL:g}) {'yes' if met else 'NO'}")
    print(f"load average before {load_before:.1f}, after {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "pathological_bench.json").write_text(json.dumps({"goal": GOAL, "results": results}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
