"""scripts/mutation --shard K/N and --merge-shards, on small fixtures (no mutmut run):
the parts cover every mutated module once, and merging the parts gives the counts a
single run records — built here from the committed baseline's own per-module counts,
the independent record of a real full run. A missing or doubled part is an error."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from test_mutation_gate import ROOT, _script

script = _script()
BASELINE = json.loads((ROOT / script.BASELINE).read_text(encoding="utf-8"))
MODULES = script.mutated_modules(script._config())


def shard_results(count: int, modules=MODULES, baseline=BASELINE) -> list[dict]:
    """What N shard jobs would write, their counts taken from the baseline (a fixture)."""
    parts = script.partition(modules, count, script.shard_weights(modules, baseline))
    sources = {m: script.source_digest(m) for m in modules}
    out = []
    for k, part in enumerate(parts, 1):
        counts = {m: baseline["modules"][m] for m in part if m in baseline["modules"]}
        out.append({"scope": part, "shard": {"index": k, "count": count, "modules": part, "sources": sources},
                    "modules": counts, "survivors": {m: baseline["survivors"][m] for m in part
                                                     if m in baseline.get("survivors", {})}})
    return out


@pytest.mark.parametrize("count", [1, 2, 3, 5, len(MODULES) + 2])
def test_parts_cover_every_module_once_and_are_even(count):
    weights = script.shard_weights(MODULES, BASELINE)
    parts = script.partition(MODULES, count, weights)
    assert len(parts) == count and sorted(sum(parts, [])) == sorted(MODULES)
    loads = [sum(weights[m] for m in p) for p in parts]
    assert max(loads) - min(loads) <= max(weights.values())  # greedy, largest first: within one module
    assert script.partition(list(reversed(MODULES)), count, weights) == parts  # input order does not matter


@pytest.mark.parametrize("count", [1, 2, 4])
def test_merged_parts_equal_the_single_run(count):
    present = [m for m in MODULES if m in BASELINE["modules"]]
    merged = script.merge_shards(shard_results(count, present), BASELINE["threshold"])
    assert merged["modules"] == {m: BASELINE["modules"][m] for m in sorted(present)}
    assert merged["survivors"] == {m: s for m, s in BASELINE["survivors"].items() if m in present}
    assert merged["oracles"] == script._sum([BASELINE["modules"][m] for m in sorted(present)
                                             if m.startswith("packverify/oracles/")])
    recorded = script.merge_baseline(None, merged, present, BASELINE["threshold"])
    assert recorded["modules"] == merged["modules"] and recorded["oracles"] == merged["oracles"]


def test_a_missing_doubled_or_foreign_part_is_an_error():
    present = [m for m in MODULES if m in BASELINE["modules"]]
    one, two, three = shard_results(3, present)
    with pytest.raises(script.ShardError, match=r"missing \[2\]"):
        script.merge_shards([one, three], 0.9)
    with pytest.raises(script.ShardError, match=r"given twice \[3\]"):
        script.merge_shards([one, two, three, three], 0.9)
    foreign = copy.deepcopy(three)
    foreign["shard"]["sources"][present[0]] = "0" * 64
    with pytest.raises(script.ShardError, match="other sources"):
        script.merge_shards([one, two, foreign], 0.9)
    partial = copy.deepcopy(two)
    partial["modules"].popitem()
    with pytest.raises(script.ShardError, match="its part is"):
        script.merge_shards([one, partial, three], 0.9)
    with pytest.raises(script.ShardError, match="not a shard result"):
        script.merge_shards([one, two, {"modules": {}}], 0.9)


@pytest.mark.parametrize("spec", ["0/2", "3/2", "x", "1/2/3"])
def test_bad_shard_specs(spec):
    with pytest.raises(script.ShardError):
        script.parse_shard(spec)


def test_merge_command_exit_codes(tmp_path):
    results = shard_results(2)
    for part in results:  # a module the baseline lacks (new since) counts as 0 of 0 here
        part["modules"] = {m: part["modules"].get(m, script._tally([])) for m in part["shard"]["modules"]}
    files = []
    for part in results:
        files.append(tmp_path / f"m{part['shard']['index']}.json")
        files[-1].write_text(json.dumps(part), encoding="utf-8")
    out = tmp_path / "merged.json"
    run = [sys.executable, str(ROOT / "scripts" / "mutation"), "--output", str(out), "--merge-shards"]
    done = subprocess.run([*run, *map(str, files)], capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1) and "2 shards merged" in done.stderr, done.stderr
    assert sorted(json.loads(out.read_text())["modules"]) == sorted(MODULES)
    done = subprocess.run([*run, str(files[0])], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "missing [2]" in done.stderr
