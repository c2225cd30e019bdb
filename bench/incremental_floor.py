#!/usr/bin/env python3
"""How fast *any* incremental re-check could be, in Python, against the full check — the
evidence behind issue 13's ``--cache`` goal (a pack with 1 % of its chunks changed
re-checked in ≤ 10 % of a full check).

A re-check that believed nothing it had not seen before must still, for the whole file:
read it, find each chunk's bytes (a structural pass over the JSON, no strings decoded),
hash each chunk's bytes (the key of what was cached about it) and the file (the report's
sha256), and load the cached record of every chunk. This measures exactly those steps,
each by the fastest means on PyPI (msgspec's ``Raw``, which skips a value's bytes without
decoding them; ``hashlib``, the file hashed on the second core meanwhile; one msgpack
table of 100,000 records), then the one part of a re-check no per-chunk cache removes:
packverify's whole-pack oracles (budget, integrity, overlap, determinism, stats) on the
pack with every content taken out — and the full check (no cache) of the same pack in
the same run, on the same cores. The first part is what any cache must spend, by the
fastest means there are; the second is what today's oracles spend on what a cache cannot
give back. Their sum over the full check is what a perfect per-chunk cache would reach.

It measures the same way the floor under the other goal out of reach, 150 MB/s without
the recount: the native steps alone (read, decode, hash every content, the credential
anchor pass), with no per-chunk Python at all.

msgspec is a measuring tool here, not a dependency of packverify: ``pip install
msgspec`` first (measured with 0.22.0).

    python bench/incremental_floor.py bench/out/pack-100000-changed.json [--reps 3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import statistics
import sys
import time

try:  # a measuring tool, not a dependency (see above)
    import msgspec
except ImportError:
    msgspec = None


def _read(path: str, steps: dict[str, float]) -> bytes:
    """The file's bytes, the time it took recorded as the step ``read``."""
    started = time.perf_counter()
    with open(path, "rb") as handle:
        raw = handle.read()
    steps["read"] = time.perf_counter() - started
    return raw


def floor(path: str) -> dict[str, float]:
    class Record(msgspec.Struct, array_like=True):  # what a cache must give back per chunk, at least
        id: str
        file_path: str
        start_line: int
        end_line: int
        tokens: int
        content_hash: str
        mode: str
        language: str
        content_digest: bytes
        real_tokens: int
        lines: int
        utf8_length: int

    steps: dict[str, float] = {}
    clock = time.perf_counter
    raw = _read(path, steps)

    class Skeleton(msgspec.Struct):  # one pass: the other members are skipped, the chunks kept as bytes
        chunks: list[msgspec.Raw]

    started = clock()
    whole = concurrent.futures.ThreadPoolExecutor(1).submit(lambda: hashlib.sha256(raw).hexdigest())
    chunks = msgspec.json.decode(raw, type=Skeleton).chunks  # the file hashed meanwhile, on the other core
    steps["split into chunks (the file hashed alongside)"] = clock() - started
    started = clock()
    sha256 = hashlib.sha256
    keys = [sha256(chunk).digest() for chunk in chunks]
    steps["hash each chunk"] = clock() - started
    started = clock()
    whole.result()
    steps["the file's hash, waited for"] = clock() - started
    records = [Record("0" * 16, f"src/mod{i:06d}.py", 1, 20, 164, "0" * 64, "full", "python", bytes(32), 164, 20, 1500)
               for i in range(len(keys))]
    table = msgspec.msgpack.encode([keys, records])
    started = clock()
    stored_keys, stored = msgspec.msgpack.decode(table, type=tuple[list[bytes], list[Record]])
    by_key = dict(zip(stored_keys, stored))
    steps["load the cache"] = clock() - started
    started = clock()
    [by_key.get(key) for key in keys]
    steps["look every chunk up"] = clock() - started
    steps["whole-pack oracles over the rows"] = whole_pack_oracles(raw)
    return steps


def whole_pack_oracles(raw: bytes) -> float:
    """Seconds of the oracles' whole-pack work, which no per-chunk cache removes (order,
    overlaps, ids, sums, the manifest digest, statistics, the typed view they share), by
    packverify's own oracles on the pack with every content taken out, so that nothing
    per content is left to do."""
    import orjson

    from packverify.context import Context
    from packverify.engine import check_loaded
    from packverify.load import Loaded

    document = orjson.loads(raw)
    for chunk in document["chunks"]:
        chunk.pop("content", None)
    loaded = Loaded("pack.json", b"", "0" * 64, document, canonical=True, size=len(raw))
    timings: dict[str, float] = {}
    check_loaded(loaded, Context(jobs=1), ["budget", "integrity", "overlap", "determinism", "stats"], timings=timings)
    return sum(timings.values())


def whole_floor(path: str) -> dict[str, float]:
    """The least a check without recount must do, natively, with no per-chunk Python:
    read the file, decode it into Python objects (msgspec, the fastest decoder on PyPI
    here: 0.44 s where orjson takes 0.71 s), hash every content (``integrity``) and find
    where a credential could start in every content (``security``'s anchor pass,
    Hyperscan). The goal of 150 MB/s allows ``size / 150e6`` seconds for all of it and
    every oracle besides."""
    from packverify.secrets import with_anchors

    steps: dict[str, float] = {}
    clock = time.perf_counter
    raw = _read(path, steps)
    started = clock()
    document = msgspec.json.decode(raw)
    steps["decode"] = clock() - started
    contents = [c["content"] for c in document["chunks"]]
    started = clock()
    sha256 = hashlib.sha256
    [sha256(text.encode()).digest() for text in contents]
    steps["hash every content"] = clock() - started
    started = clock()
    with_anchors(contents)
    steps["credential anchors"] = clock() - started
    return steps


def full_check(path: str, jobs: int) -> float:
    from packverify.engine import check

    started = time.perf_counter()
    check([path], jobs=jobs)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pack")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if msgspec is None:
        print("bench/incremental_floor.py measures with msgspec: pip install msgspec", file=sys.stderr)
        return 2
    runs = []
    for _ in range(args.reps):  # interleaved: the floor and the full check see the same machine
        steps = floor(args.pack)
        runs.append({"steps": steps, "floor": sum(steps.values()), "full": full_check(args.pack, args.jobs)})
    ratio = statistics.median(r["floor"] / r["full"] for r in runs)
    for run in runs:
        print("; ".join(f"{name} {seconds:.3f}" for name, seconds in run["steps"].items())
              + f" = floor {run['floor']:.2f} s; full check {run['full']:.2f} s")
    print(f"incremental floor / full check (median of {args.reps}): {ratio:.3f} (the goal: <= 0.10)")
    size = os.path.getsize(args.pack)
    wholes = [whole_floor(args.pack) for _ in range(args.reps)]
    for steps in wholes:
        print("; ".join(f"{name} {seconds:.3f}" for name, seconds in steps.items())
              + f" = {sum(steps.values()):.2f} s")
    whole = statistics.median(sum(steps.values()) for steps in wholes)
    print(f"without recount, native steps alone (median of {args.reps}): {whole:.2f} s = {size / whole / 1e6:.0f} MB/s "
          f"(the goal, 150 MB/s, allows {size / 150e6:.2f} s for these and every oracle)")
    print(json.dumps({"runs": runs, "floor_ratio": ratio, "whole": wholes, "bytes": size}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
