#!/usr/bin/env python3
"""Benchmark ``packverify check`` on synthetic packs of 1k, 10k and 100k chunks (≈100 MB).

For each pack, in a fresh process (so peak RSS is the check's own): time to load
and per oracle, total with and without the ``tokens`` recount, MB/s, peak RSS; and
the physical floor — raw tiktoken encoding the same content on the same cores
(``Encoding.encode_ordinary_batch(num_threads=J)``, its public batch API). Every
target is a ratio measured in this one run, not an absolute time:

* full check of the largest pack ≤ 1.25 × raw tiktoken;
* without ``tokens`` ≥ 100 MB/s;
* 10k → 100k chunks: time ≤ 12 × (linear growth);
* peak RSS ≤ 4 × the pack file size (also shown above the process baseline).

Content is real code: the CPython standard library's own sources, cut into line
ranges, so token statistics are those of source code. Packs are built by
``packverify.packer.assemble`` (valid by construction: every oracle runs fully).

    python bench/check_bench.py [--sizes 1000,10000,100000] [--jobs N] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

TARGETS = {"tokens_ratio": 1.25, "mb_per_s_without_tokens": 100.0, "growth_10x": 12.0, "rss_ratio": 4.0}


def corpus_lines() -> list[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    lines: list[str] = []
    for path in sorted(stdlib.rglob("*.py")):
        if "site-packages" in path.parts or "test" in path.parts:
            continue
        try:
            lines.extend(path.read_text(encoding="utf-8").splitlines(keepends=True))
        except (UnicodeDecodeError, OSError):
            continue
        if len(lines) > 1_500_000:
            break
    return lines


def build(chunks: int, out: Path, jobs: int) -> Path:
    from packverify.packer.assemble import Selection, assemble, serialize

    path = out / f"pack-{chunks}.json"
    if path.exists():
        return path
    lines = corpus_lines()
    selections, cursor = [], 0
    per_file = 20
    for i in range(chunks):
        size = 20 + (i * 7919) % 30  # 20–49 lines, deterministic
        if cursor + size > len(lines):
            cursor = 0
        content = "".join(lines[cursor:cursor + size])
        cursor += size
        file_index, slot = divmod(i, per_file)
        start = slot * 60 + 1
        selections.append(Selection(f"src/mod{file_index:06d}.py", start, start + size - 1, content,
                                    language="python"))
    doc = assemble(selections, target_budget=10**12, jobs=jobs)
    doc["budget_info"]["target_budget"] = max(1000, doc["budget_info"]["actual_tokens"])
    doc["budget_info"]["utilization"] = doc["budget_info"]["actual_tokens"] / doc["budget_info"]["target_budget"]
    path.write_bytes(serialize(doc))
    return path


def vm_hwm() -> int:
    """Peak resident memory of this process in bytes (VmHWM: reset at exec, unlike
    ru_maxrss, which a child inherits from a large parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(pack: str, jobs: int, skip_tokens: bool) -> dict:
    """Runs in the child process: one check, timed per phase."""
    import packverify
    from packverify.context import Context
    from packverify.engine import select_oracles
    from packverify.load import read_pack
    from packverify.tokenizer import get_encoding

    get_encoding("cl100k")  # vocabulary load is per process, not per pack; timed separately
    baseline = vm_hwm()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    loaded = read_pack(pack)
    timings["load"] = time.perf_counter() - started
    loaded.release_raw()
    ctx = Context(jobs=jobs)
    report = packverify.check_loaded(loaded, ctx, select_oracles(skip=["tokens"] if skip_tokens else None),
                                     timings=timings)
    total = time.perf_counter() - started
    assert report.verdict.value == "pass", [f.to_dict() for f in report.findings[:5]]
    return {"timings": timings, "total": total, "peak_rss": vm_hwm(), "baseline_rss": baseline}


def floor(pack: str, jobs: int, which: str) -> dict:
    """Raw tiktoken over the same content, same threads, content loaded beforehand —
    the first encoding pass in a fresh process, as in a real check (a second pass in
    the same process is ≈1.3–2× faster: pages already faulted in)."""
    import orjson

    from packverify.tokenizer import count_many, get_encoding

    enc = get_encoding("cl100k")
    texts = [c["content"] for c in orjson.loads(Path(pack).read_bytes())["chunks"]]
    started = time.perf_counter()
    if which == "floor":
        total = sum(len(t) for t in enc.encode_ordinary_batch(texts, num_threads=jobs))
    else:
        total = sum(count_many(enc, texts, jobs=jobs))
    return {"seconds": time.perf_counter() - started, "tokens": total}


def child(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default="bench/out")
    parser.add_argument("--child", choices=["check", "check-no-tokens", "floor", "floor-ours"])
    parser.add_argument("--pack")
    args = parser.parse_args()
    if args.child:
        result = floor(args.pack, args.jobs, args.child) if args.child.startswith("floor") else \
            measure(args.pack, args.jobs, args.child == "check-no-tokens")
        print(json.dumps(result))
        return 0

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for chunks in [int(s) for s in args.sizes.split(",")]:
        pack = str(build(chunks, out, args.jobs))
        size = os.path.getsize(pack)
        full = child(["--child", "check", "--pack", pack, "--jobs", str(args.jobs)])
        lite = child(["--child", "check-no-tokens", "--pack", pack, "--jobs", str(args.jobs)])
        raw = child(["--child", "floor", "--pack", pack, "--jobs", str(args.jobs)])
        ours = child(["--child", "floor-ours", "--pack", pack, "--jobs", str(args.jobs)])
        assert raw["tokens"] == ours["tokens"]
        base = {"encode_ordinary_batch": raw["seconds"], "count_many": ours["seconds"]}
        rows.append({"chunks": chunks, "bytes": size, "full": full, "no_tokens": lite, "floor": base})
        mb = size / 1e6
        print(f"\n{chunks} chunks, {mb:.1f} MB, {args.jobs} thread(s)")
        print("  " + "  ".join(f"{k} {v:.3f}s" for k, v in full["timings"].items()))
        print(f"  full check {full['total']:.2f}s ({mb / full['total']:.1f} MB/s); "
              f"without tokens {lite['total']:.2f}s ({mb / lite['total']:.1f} MB/s)")
        print(f"  raw tiktoken encode_ordinary_batch {base['encode_ordinary_batch']:.2f}s; "
              f"packverify count_many {base['count_many']:.2f}s (each cold, own process); "
              f"full check / raw tiktoken = {full['total'] / base['encode_ordinary_batch']:.2f}")
        print(f"  peak RSS {full['peak_rss'] / 1e6:.0f} MB = {full['peak_rss'] / size:.2f}× file "
              f"(baseline after imports+vocabulary {full['baseline_rss'] / 1e6:.0f} MB; "
              f"above baseline {(full['peak_rss'] - full['baseline_rss']) / size:.2f}× file)")
    summary = {}
    largest = rows[-1]
    summary["tokens_ratio"] = largest["full"]["total"] / largest["floor"]["encode_ordinary_batch"]
    summary["mb_per_s_without_tokens"] = largest["bytes"] / 1e6 / largest["no_tokens"]["total"]
    by_chunks = {r["chunks"]: r for r in rows}
    if 10000 in by_chunks and 100000 in by_chunks:
        summary["growth_10x"] = by_chunks[100000]["full"]["total"] / by_chunks[10000]["full"]["total"]
    summary["rss_ratio"] = largest["full"]["peak_rss"] / largest["bytes"]
    print("\ntarget                              measured   target   ok")
    ok = True
    for key, value in summary.items():
        target = TARGETS[key]
        met = value >= target if key == "mb_per_s_without_tokens" else value <= target
        ok &= met
        print(f"  {key:32s} {value:9.2f}  {target:7.2f}   {'yes' if met else 'NO'}")
    (out / "check_bench.json").write_text(json.dumps({"rows": rows, "summary": summary, "targets": TARGETS}, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
