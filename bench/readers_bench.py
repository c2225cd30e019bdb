#!/usr/bin/env python3
"""Benchmark the foreign-format readers against the raw tiktoken count of the same text.

For each format, a pack of about ``--mb`` MB (default 50) is rendered from real code (the
CPython standard library's sources) by the test suite's independent renderers
(tests/readers/renderers.py); then, in this one process, interleaved: the reader's time
(``packverify.readers.read``, detection included) and raw tiktoken counting the same
text on ``--jobs`` threads (``encode_ordinary_batch`` over ~1 MB line-aligned pieces, its
public batch API). Wall-clock ratio and CPU-time ratio (the process's CPU seconds, every
thread: stable on a machine shared with other jobs) are both printed. The target is a ratio, not a time: reading must cost a small fraction
of counting (issue 9: reading plus checking a 50 MB repomix XML ≤ 1.5 × the raw count).
``--check`` also times ``packverify check`` of the same bytes as a file (its format detected,
reading and every oracle that applies to the format, ``--jobs`` as given), interleaved
the same way: the issue's "reading plus checking" ratio.

    python bench/readers_bench.py [--mb 50] [--jobs 2] [--formats repomix-xml,gitingest] [--check]
"""

from __future__ import annotations

import argparse
import os
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "readers"))

from renderers import RENDERERS  # noqa: E402

import packverify.readers as readers  # noqa: E402
from packverify.tokenizer import get_encoding  # noqa: E402


def corpus(megabytes: float) -> list[tuple[str, str]]:
    """(path, text) of standard-library sources until ``megabytes`` MB of text."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files, size, rounds = [], 0, 0
    while size < megabytes * 1e6:
        rounds += 1  # the library is smaller than the target: each round under its own directory
        for path in sorted(stdlib.rglob("*.py")):
            if "site-packages" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            files.append((f"round{rounds}/{path.relative_to(stdlib).as_posix()}", text))
            size += len(text.encode())
            if size >= megabytes * 1e6:
                break
    return files


def pieces(text: str, size: int = 1 << 20) -> list[str]:
    out, start = [], 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    return out


def count_tokens(encoding, text: str, jobs: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process: every thread) for raw tiktoken on ``text``."""
    started, cpu = time.perf_counter(), time.process_time()
    encoding.encode_ordinary_batch(pieces(text), num_threads=jobs)
    return time.perf_counter() - started, time.process_time() - cpu


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--formats", default=",".join(RENDERERS))
    parser.add_argument("--check", action="store_true", help="also time packverify check of the file")
    args = parser.parse_args(argv)
    encoding = get_encoding("cl100k")
    files = corpus(args.mb)
    print(f"corpus: {len(files)} files, {sum(len(t.encode()) for _, t in files) / 1e6:.1f} MB of CPython stdlib "
          f"source; cl100k on {args.jobs} threads; cpus={os.cpu_count()}")
    print(f"{'format':26} {'MB':>6} {'read s':>7} {'MB/s':>7} {'count s':>8} {'MB/s':>6} {'wall ratio':>10} "
          f"{'cpu ratio':>9} files")
    worst = worst_check = 0.0
    for variant in args.formats.split(","):
        raw, expected = RENDERERS[variant](files)
        text = raw.decode("utf-8")
        before = count_tokens(encoding, text, args.jobs)
        started, cpu = time.perf_counter(), time.process_time()
        pack = readers.read(raw, variant)
        reading, reading_cpu = time.perf_counter() - started, time.process_time() - cpu
        after = count_tokens(encoding, text, args.jobs)
        counting, counting_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
        if len(pack.files) != len(expected) or pack.findings:
            print(f"{variant}: read {len(pack.files)} files of {len(expected)}, {len(pack.findings)} findings",
                  file=sys.stderr)
            return 1
        megabytes = len(raw) / 1e6
        ratio = reading / counting
        worst = max(worst, ratio)
        print(f"{variant:26} {megabytes:6.1f} {reading:7.2f} {megabytes / reading:7.1f} {counting:8.2f} "
              f"{megabytes / counting:6.1f} {ratio:10.3f} {reading_cpu / counting_cpu:9.3f} {len(pack.files)}",
              flush=True)
        del pack
        if args.check:
            worst_check = max(worst_check, checked(variant, raw, text, encoding, args.jobs))
        del raw, text
    print(f"worst read/count ratio: {worst:.3f}")
    if args.check:
        print(f"worst (read + check)/count ratio: {worst_check:.3f} (target <= 1.5)")
    return 0


def checked(variant: str, raw: bytes, text: str, encoding, jobs: int) -> float:
    """``packverify check`` of ``raw`` written to a file, between two raw counts: prints
    and returns the wall ratio (check / count)."""
    import tempfile

    import packverify

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("pack" + {"repomix-json": ".json", "packverify-json": ".json"}.get(variant, ".txt"))
        path.write_bytes(raw)
        packverify.check([str(path)], jobs=jobs)  # warm: imports, vocabulary
        before = count_tokens(encoding, text, jobs)
        started, cpu = time.perf_counter(), time.process_time()
        report = packverify.check([str(path)], jobs=jobs)  # the format detected, as the CLI does
        wall, wall_cpu = time.perf_counter() - started, time.process_time() - cpu
        after = count_tokens(encoding, text, jobs)
    counting, counting_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
    print(f"  check {variant}: {wall:.2f} s ({wall_cpu:.2f} CPU s), verdict {report.verdict.value}; "
          f"count {counting:.2f} s ({counting_cpu:.2f} CPU s): wall ratio {wall / counting:.3f}, "
          f"CPU ratio {wall_cpu / counting_cpu:.3f}", flush=True)
    return wall / counting


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
