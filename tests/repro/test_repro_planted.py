"""Every planted nondeterminism is caught and blamed on exactly its cause; the careful
packer passes under every variation at once."""

from __future__ import annotations

import pytest
from repro_helpers import packer, require

from packverify.repro import VARIATION_NAMES

PLANTED = {
    "time_date": "time",
    "hashseed_set": "hashseed",
    "listdir_order": "order",
    "abs_path": "path",
    "cwd_relative": "cwd",
    "home_cache": "home",
    "local_time": "tz",
    "umask_mode": "umask",
    "cpu_shards": "cpus",
    "locale_collate": "locale",
    "env_var": "env",
}


def test_every_variation_has_a_planted_packer():
    assert sorted(PLANTED.values()) == sorted(VARIATION_NAMES)


def test_deterministic_packer_passes_under_every_variation(repro):
    result = repro(command=packer("deterministic"))
    assert result.code == 0, result.err
    report = result.json
    assert report["verdict"] == "pass" and report["causes"] == [] and report["differences"] == []
    assert [r["name"] for r in report["runs"]] == ["run-1", "run-2", "control"]
    assert len({r["sha256"] for r in report["runs"]}) == 1
    # Every available variation really was applied: run-2 differs from run-1 in all of them.
    assert report["runs"][1]["varied"] == report["varied"]
    assert set(report["varied"]) | set(report["unavailable"]) == set(VARIATION_NAMES)


@pytest.mark.parametrize(("name", "cause"), sorted(PLANTED.items()))
def test_planted_defect_is_caught_and_attributed_to_its_cause(repro, capabilities, name, cause):
    require(capabilities, cause)
    result = repro(command=packer(name))
    assert result.code == 1, result.err
    report = result.json
    assert report["verdict"] == "fail"
    assert report["causes"] == [cause], report["attribution"]
    probes = {r["name"]: r["same_as_reference"] for r in report["runs"] if r["role"] == "probe"}
    assert probes[f"probe-{cause}"] is False
    assert [p for p, same in probes.items() if not same] == [f"probe-{cause}"]
    assert any(d["b"] == f"probe-{cause}" for d in report["differences"])


def test_random_shuffle_is_inherent(repro):
    result = repro(command=packer("shuffle"))
    assert result.code == 1, result.err
    report = result.json
    assert "inherent" in report["causes"]
    # Nothing varied already differs: no single-variation probe could tell variations apart.
    assert not any(r["role"] == "probe" for r in report["runs"])
    assert any(d["b"] == "control" for d in report["differences"])
