"""Many packs: ``check DIR`` on every core gives the sequential report byte for byte;
``--shard K/N`` parts merge back into it, and a missing or doubled part is an error."""

from __future__ import annotations

import json

import pytest
from helpers import mutated, run_captured, valid_doc, write

from packverify import sharding


@pytest.fixture
def packs_dir(tmp_path):
    """Twelve packs: valid ones in two tokenizers, a defective one, two malformed ones
    (recognisable as packs: ``check DIR`` skips JSON that is not one), and a nested directory."""
    root = tmp_path / "packs"
    (root / "sub").mkdir(parents=True)
    docs = [valid_doc(), valid_doc(tokenizer="o200k"),
            mutated(lambda d: d["chunks"][0].update(tokens=d["chunks"][0]["tokens"] + 1))]
    for i in range(10):
        write(root / ("sub" if i % 3 == 0 else ""), f"p{i:02d}.json", docs[i % 3])
    write(root, "broken.json", raw=b'{"budget_info": {}, "chunks": [')  # a pack cut short
    write(root, "dup.json", raw=b'{"budget_info": {}, "chunks": [], "chunks": []}')  # a key twice
    return root


def run_json(*argv):
    code, out, err = run_captured(["check", *argv, "--format", "json", "--no-run-log"])
    return code, out, err


def test_every_core_gives_the_sequential_report_byte_for_byte(packs_dir):
    code1, seq, err1 = run_json(str(packs_dir), "-j", "1")
    code2, par, err2 = run_json(str(packs_dir), "-j", "3")
    assert code1 == code2 == 1, err1 + err2
    assert par == seq
    report = json.loads(seq)
    assert len(report["packs"]) == 12
    assert sorted(report["environment"]["counting"]) == ["cl100k", "o200k"]


@pytest.mark.parametrize("count", [1, 2, 5, 20])
def test_shards_merge_into_the_unsharded_packs(packs_dir, tmp_path, count):
    _, whole, _ = run_json(str(packs_dir), "-j", "1")
    parts = []
    for index in range(1, count + 1):
        code, out, err = run_json(str(packs_dir), "-j", "1", "--shard", f"{index}/{count}")
        assert code in (0, 1), err
        record = json.loads(out)["shard"]
        assert (record["index"], record["count"], record["total"]) == (index, count, 12)
        parts.append(write(tmp_path, f"s{index}.json", raw=out.encode()))
    code, merged, err = run_captured(["merge", *map(str, reversed(parts))])
    assert code == 1, err  # one defective pack fails the merged verdict
    merged, whole = json.loads(merged), json.loads(whole)
    assert merged["packs"] == whole["packs"] and merged["verdict"] == whole["verdict"]
    assert merged["merged"] == {"shards": count, "total": 12, "inputs": record["inputs"]}


def _shard_reports(packs_dir, count):
    return [json.loads(run_json(str(packs_dir), "-j", "1", "--shard", f"{k}/{count}")[1]) for k in range(1, count + 1)]


def test_a_missing_or_doubled_shard_is_an_error_not_a_smaller_total(packs_dir):
    one, two, three = _shard_reports(packs_dir, 3)
    with pytest.raises(sharding.ShardError, match=r"missing \[2\]"):
        sharding.merge([one, three])
    with pytest.raises(sharding.ShardError, match=r"given twice \[1\]"):
        sharding.merge([one, one, two, three])
    with pytest.raises(sharding.ShardError, match="not a shard report"):
        sharding.merge([one, two, {k: v for k, v in three.items() if k != "shard"}])
    with pytest.raises(sharding.ShardError, match="no shard reports"):
        sharding.merge([])
    tampered = json.loads(json.dumps(three))
    tampered["packs"].pop()
    with pytest.raises(sharding.ShardError, match="positions"):
        sharding.merge([one, two, tampered])


def test_shards_of_another_input_or_count_are_refused(packs_dir, tmp_path):
    one, two, three = _shard_reports(packs_dir, 3)
    write(packs_dir, "extra.json", valid_doc())  # the same directory, one pack more
    other = _shard_reports(packs_dir, 3)
    with pytest.raises(sharding.ShardError, match="from another run"):
        sharding.merge([one, two, other[2]])
    four = _shard_reports(packs_dir, 4)
    with pytest.raises(sharding.ShardError, match="from another run"):
        sharding.merge([one, two, three, four[3]])


def test_merge_cli_exit_codes(packs_dir, tmp_path):
    reports = _shard_reports(packs_dir, 2)
    paths = [write(tmp_path, f"r{i}.json", raw=json.dumps(r).encode()) for i, r in enumerate(reports)]
    code, _, err = run_captured(["merge", str(paths[0])])
    assert code == 2 and "missing [2]" in err
    code, _, err = run_captured(["merge", str(paths[0]), str(tmp_path / "nope.json")])
    assert code == 2 and "cannot read" in err
    out = tmp_path / "merged.json"
    code, _, err = run_captured(["merge", *map(str, paths), "-o", str(out)])
    assert code == 1 and json.loads(out.read_text())["merged"]["shards"] == 2


@pytest.mark.parametrize("spec", ["0/3", "4/3", "3", "a/b", "1/0", ""])
def test_bad_shard_specs_are_exit_2(packs_dir, spec):
    code, _, err = run_json(str(packs_dir), "--shard", spec)
    assert code == 2 and "--shard" in err


def test_partition_is_round_robin_in_reading_order():
    paths = [f"p{i}" for i in range(7)]
    parts = [sharding.select_shard(paths, k, 3)[0] for k in (1, 2, 3)]
    assert parts == [["p0", "p3", "p6"], ["p1", "p4"], ["p2", "p5"]]
    assert sorted(sum(parts, [])) == sorted(paths)
