"""``check DIR --shard K/N`` and merging shard reports back into one.

A shard is a deterministic part of the packs a check would read: pack number i
(0-based, in the order ``check`` reads them: arguments in order, files of a
directory sorted by path) belongs to shard ``i mod N + 1``. Round-robin by that
order, not by hash, so shards are as even as they can be; every runner of a CI
matrix expands the same arguments in the same order, so they agree on it.

A shard's report records ``{"index": K, "count": N, "total": M, "inputs": sha256
of the M paths, "positions": [i, ...]}``. ``merge`` accepts shard reports only when
together they are exactly shards 1..N of one input list — a missing, duplicated or
foreign shard is an error (exit 2), never a smaller total — and puts the packs back
in input order. Leaves alone: checking (packverify.engine).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(Exception):
    """A shard spec or a set of shard reports that cannot be used: exit 2."""


def parse_shard(spec: str) -> tuple[int, int]:
    """``"K/N"`` → (K, N) with 1 <= K <= N."""
    match = _SPEC.match(spec or "")
    if not match:
        raise ShardError(f"--shard must look like K/N (e.g. 2/4), not {spec!r}")
    index, count = int(match[1]), int(match[2])
    if not 1 <= index <= count:
        raise ShardError(f"--shard {spec}: K must be between 1 and N")
    return index, count


def inputs_digest(paths: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(paths).encode("utf-8", "surrogateescape")).hexdigest()


def select_shard(paths: Sequence[str], index: int, count: int) -> tuple[list[str], dict[str, Any]]:
    """This shard's paths and the record its report carries."""
    positions = list(range(index - 1, len(paths), count))
    record = {"index": index, "count": count, "total": len(paths), "inputs": inputs_digest(paths),
              "positions": positions}
    return [paths[i] for i in positions], record


def merge(reports: Sequence[dict]) -> dict:
    """One report from the JSON reports of shards 1..N (``check --format json --shard K/N``)."""
    if not reports:
        raise ShardError("no shard reports to merge")
    records = []
    for number, report in enumerate(reports, 1):
        record = report.get("shard") if isinstance(report, dict) else None
        if not isinstance(record, dict) or not {"index", "count", "total", "inputs", "positions"} <= set(record):
            raise ShardError(f"report {number} is not a shard report (no 'shard' record; run check with --shard K/N)")
        records.append(record)
    first = records[0]
    for record, report in zip(records, reports):
        for key in ("count", "total", "inputs"):
            if record[key] != first[key]:
                raise ShardError(f"shard {record['index']}/{record['count']} is from another run: its {key} "
                                 f"is {record[key]!r}, shard {first['index']}'s is {first[key]!r}")
        if report.get("tool") != reports[0].get("tool"):
            raise ShardError(f"shard {record['index']} was made by {report.get('tool')}, "
                             f"shard {first['index']} by {reports[0].get('tool')}")
        if len(record["positions"]) != len(report.get("packs", [])):
            raise ShardError(f"shard {record['index']} lists {len(record['positions'])} positions "
                             f"but holds {len(report.get('packs', []))} packs")
    indexes = sorted(r["index"] for r in records)
    expected = list(range(1, first["count"] + 1))
    if indexes != expected:
        missing = sorted(set(expected) - set(indexes))
        twice = sorted({i for i in indexes if indexes.count(i) > 1})
        raise ShardError("shards do not add up: " + "; ".join(
            part for part in (f"missing {missing}" if missing else "", f"given twice {twice}" if twice else "")
            if part))
    placed: dict[int, dict] = {}
    for record, report in zip(records, reports):
        for position, pack in zip(record["positions"], report["packs"]):
            if position in placed:
                raise ShardError(f"pack position {position} appears in two shards")
            placed[position] = pack
    if sorted(placed) != list(range(first["total"])):
        raise ShardError(f"the shards hold {len(placed)} packs of {first['total']}")
    packs = [placed[i] for i in range(first["total"])]
    verdict = "fail" if any(p.get("verdict") == "fail" for p in packs) else "pass"
    counting: dict = {}
    for report in reports:
        counting.update(report.get("environment", {}).get("counting", {}))
    environment = dict(reports[0].get("environment", {}))
    if counting:
        environment["counting"] = {name: counting[name] for name in sorted(counting)}
    return {"tool": reports[0].get("tool"), "verdict": verdict, "packs": packs, "environment": environment,
            "merged": {"shards": first["count"], "total": first["total"], "inputs": first["inputs"]}}
