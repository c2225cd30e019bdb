#!/usr/bin/env python3
"""Benchmark ``packverify pack`` on a generated ~50 MB source tree and on this repository.

For each tree, in fresh processes: the packer's wall time (discovery, chunking, token
counting, selection, serialisation) next to raw tiktoken encoding the *same bytes the
packer had to read* (every admitted file, since a packer must count everything to
choose) on the same cores — the physical floor. Reported as a ratio.

    python bench/pack_bench.py [--mb 50] [--budget 100000] [--jobs N] [--out bench/out]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import sysconfig
import time
from pathlib import Path


def generate(root: Path, megabytes: int) -> Path:
    """A deterministic tree of real Python source (the stdlib's), copied and renamed
    into nested packages until it weighs ``megabytes``."""
    marker = root / ".complete"
    if marker.exists():
        return root
    sources = sorted(p for p in Path(sysconfig.get_paths()["stdlib"]).rglob("*.py")
                     if "site-packages" not in p.parts)
    rng = random.Random(42)
    written = 0
    index = 0
    while written < megabytes * 1_000_000:
        source = sources[index % len(sources)]
        index += 1
        try:
            text = source.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if len(text) > 500_000:
            continue
        target = root / f"pkg{rng.randrange(40):02d}" / f"sub{rng.randrange(8)}" / f"m{index:05d}_{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written += len(text.encode())
    (root / "README.md").write_text("# Generated benchmark tree\n")
    marker.write_text("")
    return root


def run_pack(repo: str, budget: int, jobs: int) -> dict:
    from packverify.packer.build import build_pack
    from packverify.tokenizer import get_encoding

    get_encoding("cl100k")
    started = time.perf_counter()
    result = build_pack(repo, budget=budget, jobs=jobs, worktree=True)
    seconds = time.perf_counter() - started
    read = sum(len(f.text.encode()) for f in result.discovery.files)
    return {"seconds": seconds, "bytes_read": read, "files": len(result.discovery.files),
            "utilization": result.document["budget_info"]["utilization"], "pack_bytes": len(result.data)}


def run_floor(repo: str, jobs: int) -> dict:
    from packverify.packer.discover import discover
    from packverify.tokenizer import get_encoding

    enc = get_encoding("cl100k")
    texts = [f.text for f in discover(Path(repo), worktree=True).files]
    started = time.perf_counter()
    tokens = sum(len(t) for t in enc.encode_ordinary_batch(texts, num_threads=jobs))
    return {"seconds": time.perf_counter() - started, "tokens": tokens}


def child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--budget", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default="bench/out")
    parser.add_argument("--child", choices=["pack", "floor"])
    parser.add_argument("--repo")
    args = parser.parse_args()
    if args.child == "pack":
        print(json.dumps(run_pack(args.repo, args.budget, args.jobs)))
        return 0
    if args.child == "floor":
        print(json.dumps(run_floor(args.repo, args.jobs)))
        return 0
    trees = {f"generated {args.mb} MB": generate(Path(args.out) / f"tree-{args.mb}mb", args.mb),
             "this repository": Path(__file__).resolve().parent.parent}
    rows = {}
    for name, tree in trees.items():
        pack = child("--child", "pack", "--repo", str(tree), "--budget", str(args.budget), "--jobs", str(args.jobs))
        floor = child("--child", "floor", "--repo", str(tree), "--jobs", str(args.jobs))
        ratio = pack["seconds"] / floor["seconds"]
        rows[name] = {"pack": pack, "floor": floor, "ratio": ratio}
        print(f"{name}: {pack['files']} files, {pack['bytes_read'] / 1e6:.1f} MB read; pack {pack['seconds']:.2f}s, "
              f"raw tiktoken over the same bytes {floor['seconds']:.2f}s → {ratio:.2f}×; "
              f"utilization {pack['utilization']:.4f}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "pack_bench.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
