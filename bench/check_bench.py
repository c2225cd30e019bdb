#!/usr/bin/env python3
"""Benchmark ``packverify check`` against the raw tiktoken floor (issue 13).

Every goal is a ratio measured in this one run, subject and floor interleaved, each
repeated ``--reps`` times (the median is the result), so a loaded machine slows both
sides alike. Goals (``--goals``, default all):

* ``speed``  — full check (recount included) of the 100k-chunk pack ≤ 1.0 × the raw
  floor: tiktoken ``encode_ordinary_batch`` on the same threads, **in this process**,
  vocabulary loaded and texts in memory beforehand; and the check without the
  ``tokens`` oracle ≥ 150 MB/s.
* ``growth`` — full check of 100k chunks ≤ 11 × the check of 10k chunks.
* ``memory`` — peak RSS of a full check of the 100k pack in a fresh process (imports,
  vocabulary and all) ≤ 2 × the pack file.
* ``cache``  — ``--cache``: re-checking the 100k pack with 1 % of its chunks changed,
  the cache warm from the original, ≤ 10 % of the full check of that pack.
* ``many``   — ``check DIR`` of 1,000 small packs on every core ≤ 1.2 × (the sum of
  the packs checked one at a time) / cores.

Content is real code: the CPython standard library's own sources, cut into line
ranges; packs are built by ``packverify.packer.assemble`` (valid by construction).

    python bench/check_bench.py [--goals speed,growth,memory,cache,many] [--reps 3] [--jobs N] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

GOALS = {  # name: (target, higher is better, what)
    "tokens_ratio": (1.0, False, "full check of the 100k pack / raw tiktoken floor (same run, same threads)"),
    "mb_per_s_without_tokens": (150.0, True, "check without the tokens oracle, MB/s"),
    "growth_10x": (11.0, False, "full check 100k chunks / 10k chunks"),
    "rss_ratio": (2.0, False, "peak RSS of a full check (fresh process) / pack file size"),
    "cache_ratio": (0.10, False, "re-check with 1% chunks changed, warm --cache / full check"),
    "many_ratio": (1.2, False, "check DIR of 1,000 packs / (sum of single-pack checks / cores)"),
}
GROUPS = {"speed": ("tokens_ratio", "mb_per_s_without_tokens"), "growth": ("growth_10x",), "memory": ("rss_ratio",),
          "cache": ("cache_ratio",), "many": ("many_ratio",)}
CHANGED_EVERY = 100  # 1 % of the chunks differ in the "changed" pack


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


def build(chunks: int, out: Path, jobs: int, *, changed: bool = False, name: str | None = None,
          lines: list[str] | None = None, offset: int = 0) -> Path:
    """The bench pack of ``chunks`` chunks (``changed``: every 100th chunk's content edited,
    same lines, recounted), written once and reused."""
    from packverify.packer.assemble import Selection, assemble, serialize

    path = out / (name or f"pack-{chunks}{'-changed' if changed else ''}.json")
    if path.exists():
        return path
    lines = lines if lines is not None else corpus_lines()
    selections, cursor = [], offset
    per_file = 20
    for i in range(chunks):
        size = 20 + (i * 7919) % 30  # 20–49 lines, deterministic
        if cursor + size > len(lines):
            cursor = 0
        content = "".join(lines[cursor:cursor + size])
        if changed and i % CHANGED_EVERY == 0:  # one character edited, the lines kept
            at = next((k for k, ch in enumerate(content) if ch != "\n"), None)
            if at is not None:
                content = content[:at] + ("#" if content[at] != "#" else "~") + content[at + 1:]
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


def many_packs(out: Path, jobs: int, count: int = 1000) -> Path:
    directory = out / "many"
    if directory.exists() and len(list(directory.glob("*.json"))) == count:
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    lines = corpus_lines()
    for i in range(count):
        build(12, directory, 1, name=f"p{i:04d}.json", lines=lines, offset=i * 400)
    return directory


def vm_hwm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def cpu_timed(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn``, CPU counting this process's threads and its reaped
    children: on a shared machine the CPU side says what the work cost, whatever share
    of the cores the run got."""
    def cpu() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    wall, before = time.perf_counter(), cpu()
    fn()
    return time.perf_counter() - wall, cpu() - before


def check(paths, jobs: int, **kwargs):
    import packverify

    report = packverify.check(paths, jobs=jobs, **kwargs)
    assert report.verdict.value == "pass", [f.to_dict() for p in report.packs for f in p.findings[:3]]
    return report


def speed(pack: Path, jobs: int, reps: int) -> dict:
    import orjson

    from packverify import counting
    from packverify.tokenizer import get_encoding

    enc = get_encoding("cl100k")
    engine = counting.counter("cl100k").engine  # loaded before timing, as the floor's vocabulary is
    texts = [c["content"] for c in orjson.loads(pack.read_bytes())["chunks"]]
    size = pack.stat().st_size
    runs = []
    for _ in range(reps):
        floor = timed(lambda: enc.encode_ordinary_batch(texts, num_threads=jobs))
        full = timed(lambda: check([str(pack)], jobs))
        lite = timed(lambda: check([str(pack)], jobs, skip=["tokens"]))
        runs.append({"floor": floor, "full": full, "without_tokens": lite})
    return {"engine": engine, "bytes": size, "runs": runs,
            "tokens_ratio": statistics.median(r["full"] / r["floor"] for r in runs),
            "mb_per_s_without_tokens": statistics.median(size / 1e6 / r["without_tokens"] for r in runs)}


def profile(pack: Path, jobs: int) -> dict:
    """Where the time of one full check goes (wall seconds per phase)."""
    from packverify.context import Context
    from packverify.engine import check_loaded
    from packverify.load import read_pack

    timings: dict[str, float] = {}
    started = time.perf_counter()
    loaded = read_pack(str(pack))
    timings["load"] = time.perf_counter() - started
    check_loaded(loaded, Context(jobs=jobs), timings=timings)
    return timings


def growth(small: Path, large: Path, jobs: int, reps: int) -> dict:
    runs = [{"10k": timed(lambda: check([str(small)], jobs)), "100k": timed(lambda: check([str(large)], jobs))}
            for _ in range(reps)]
    return {"runs": runs, "growth_10x": statistics.median(r["100k"] / r["10k"] for r in runs)}


def memory(pack: Path, jobs: int, reps: int) -> dict:
    runs = []
    for _ in range(reps):
        done = subprocess.run([sys.executable, __file__, "--child", "memory", "--pack", str(pack), "--jobs",
                               str(jobs)], capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout))
    size = pack.stat().st_size
    return {"runs": runs, "rss_ratio": statistics.median(r["peak"] / size for r in runs),
            "baseline_ratio": statistics.median(r["baseline"] / size for r in runs)}


def memory_child(pack: str, jobs: int) -> dict:
    from packverify import counting

    counting.counter("cl100k")
    baseline = vm_hwm()  # imports and vocabularies: what any check of a cl100k pack carries
    check([pack], jobs)
    return {"peak": vm_hwm(), "baseline": baseline}


def cache(original: Path, changed: Path, jobs: int, reps: int, out: Path) -> dict:
    """Warm re-check / full check, and the floor under it: reading the file and
    ``orjson.loads`` alone, / the same full check."""
    import shutil

    import orjson

    runs = []
    for rep in range(reps):
        directory = out / f"cache-{rep}"
        shutil.rmtree(directory, ignore_errors=True)
        check([str(original)], jobs, cache=directory)  # warm: the pack as it was
        warm, warm_cpu = cpu_timed(lambda d=directory: check([str(changed)], jobs, cache=d))
        full, full_cpu = cpu_timed(lambda: check([str(changed)], jobs))
        floor = timed(lambda: orjson.loads(changed.read_bytes()))  # reading alone: no check can skip it
        shutil.rmtree(directory, ignore_errors=True)
        runs.append({"warm_cache": warm, "full": full, "warm_cache_cpu": warm_cpu, "full_cpu": full_cpu,
                     "read_floor": floor})
    return {"runs": runs, "cache_ratio": statistics.median(r["warm_cache"] / r["full"] for r in runs),
            "cache_cpu_ratio": statistics.median(r["warm_cache_cpu"] / r["full_cpu"] for r in runs),
            "read_floor_ratio": statistics.median(r["read_floor"] / r["full"] for r in runs)}


def many(directory: Path, cores: int, reps: int) -> dict:
    paths = sorted(str(p) for p in directory.glob("*.json"))
    check(paths[:1], 1)  # vocabulary loaded before either side is timed
    runs = []
    for _ in range(reps):
        singles = [cpu_timed(lambda p=p: check([p], 1)) for p in paths]
        one_by_one, one_by_one_cpu = sum(w for w, _ in singles), sum(c for _, c in singles)
        wall, cpu = cpu_timed(lambda: check([str(directory)], cores))
        runs.append({"sum_single": one_by_one, "parallel": wall, "cores_busy": cpu / wall,
                     "sum_single_cpu": one_by_one_cpu, "parallel_cpu": cpu})
    return {"runs": runs, "packs": len(paths), "cores": cores,
            "many_ratio": statistics.median(r["parallel"] / (r["sum_single"] / cores) for r in runs),
            "many_cpu_ratio": statistics.median(r["parallel_cpu"] / r["sum_single_cpu"] for r in runs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--goals", default=",".join(GROUPS))
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default="bench/out")
    parser.add_argument("--child", choices=["memory"])
    parser.add_argument("--pack")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(memory_child(args.pack, args.jobs)))
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    goals = [g.strip() for g in args.goals.split(",") if g.strip()]
    unknown = set(goals) - set(GROUPS)
    if unknown:
        parser.error(f"unknown goals {sorted(unknown)}; choose from {', '.join(GROUPS)}")
    load_before = os.getloadavg()
    print(f"{args.jobs} thread(s)/process(es), {args.reps} interleaved repetitions; load average before "
          f"{load_before[0]:.1f} on {os.cpu_count()} CPUs")
    large = build(100_000, out, args.jobs)
    results: dict = {}
    if "speed" in goals:
        results["speed"] = speed(large, args.jobs, args.reps)
        results["profile"] = profile(large, args.jobs)
        print(f"speed ({results['speed']['engine']}, {results['speed']['bytes'] / 1e6:.1f} MB): " + "; ".join(
            f"floor {r['floor']:.2f}s full {r['full']:.2f}s without tokens {r['without_tokens']:.2f}s"
            for r in results["speed"]["runs"]))
        print("  one full check by phase: " + ", ".join(f"{k} {v:.2f}s" for k, v in results["profile"].items()))
    if "growth" in goals:
        results["growth"] = growth(build(10_000, out, args.jobs), large, args.jobs, args.reps)
        print("growth: " + "; ".join(f"10k {r['10k']:.2f}s 100k {r['100k']:.2f}s" for r in results["growth"]["runs"]))
    if "memory" in goals:
        results["memory"] = memory(large, args.jobs, args.reps)
        print("memory: " + "; ".join(f"peak {r['peak'] / 1e6:.0f} MB (after imports+vocabulary {r['baseline'] / 1e6:.0f} MB)"
                                     for r in results["memory"]["runs"]))
    if "cache" in goals:
        results["cache"] = cache(large, build(100_000, out, args.jobs, changed=True), args.jobs, args.reps, out)
        print("cache: " + "; ".join(f"warm {r['warm_cache']:.2f}s ({r['warm_cache_cpu']:.2f} CPU s) full {r['full']:.2f}s "
                                    f"({r['full_cpu']:.2f} CPU s)" for r in results["cache"]["runs"])
              + f"; CPU ratio (median) {results['cache']['cache_cpu_ratio']:.2f}; reading alone (read + orjson.loads) / "
              f"full check (median) {results['cache']['read_floor_ratio']:.3f}")
    if "many" in goals:
        results["many"] = many(many_packs(out, args.jobs), args.jobs, args.reps)
        print("many: " + "; ".join(f"one by one {r['sum_single']:.2f}s ({r['sum_single_cpu']:.2f} CPU s), DIR "
                                   f"{r['parallel']:.2f}s ({r['parallel_cpu']:.2f} CPU s, {r['cores_busy']:.2f} cores busy)"
                                   for r in results["many"]["runs"])
              + f"; CPU of DIR / CPU one by one (median) {results['many']['many_cpu_ratio']:.2f}")
    print(f"\nload average after {os.getloadavg()[0]:.1f}\n")
    print(f"{'goal':26s} {'median':>8s} {'target':>7s}  ok   reproduce")
    ok = True
    for group in goals:
        for key in GROUPS[group]:
            target, higher, _ = GOALS[key]
            value = results[group][key]
            met = value >= target if higher else value <= target
            ok &= met
            print(f"{key:26s} {value:8.2f} {('>= ' if higher else '<= ') + format(target, 'g'):>7s}  "
                  f"{'yes' if met else 'NO ':3s}  python bench/check_bench.py --goals {group} --reps {args.reps}")
    (out / "check_bench.json").write_text(json.dumps({"results": results, "goals": GOALS, "load": load_before},
                                                     indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
