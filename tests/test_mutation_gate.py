"""The mutation gate as every CI run enforces it: the committed baseline
(mutation.baseline.json) passes the 0.90 gate over the oracle modules and is current
— every mutated module's sha256 is the one its result was recorded for
(docs/mutation.md, "How CI uses it")."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script():
    loader = importlib.machinery.SourceFileLoader("packverify_mutation_script", str(ROOT / "scripts" / "mutation"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_committed_baseline_passes_the_gate_and_is_current():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "mutation"), "--check-baseline"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "holds" in done.stderr


def test_the_baseline_covers_every_oracle_module_and_lists_its_survivors():
    script = _script()
    baseline = json.loads((ROOT / script.BASELINE).read_text(encoding="utf-8"))
    modules = script.mutated_modules(script._config())
    assert set(baseline["modules"]) == set(baseline["sources"]) == set(modules)
    assert any(m.startswith("packverify/oracles/") for m in modules) and "packverify/load.py" in modules
    for module, counts in baseline["modules"].items():
        assert counts["survived"] + counts["no_tests"] == len(baseline["survivors"].get(module, [])), module
    assert baseline["oracles"]["score"] >= baseline["threshold"] >= 0.90


def test_a_changed_module_or_a_low_score_fails_the_check(tmp_path):
    script = _script()
    modules = script.mutated_modules(script._config())
    baseline = json.loads((ROOT / script.BASELINE).read_text(encoding="utf-8"))
    path = tmp_path / script.BASELINE

    stale = json.loads(json.dumps(baseline))
    stale["sources"][modules[0]] = "0" * 64
    path.write_text(json.dumps(stale), encoding="utf-8")
    assert script.check_baseline(path, modules, 0.90) == [f"{modules[0]} changed since its mutation result was recorded"]

    weak = json.loads(json.dumps(baseline))
    for module, counts in weak["modules"].items():  # every oracle module's kills become survivors
        if module.startswith("packverify/oracles/"):
            counts["survived"] += counts["killed"]
            counts["killed"] = 0
    path.write_text(json.dumps(weak), encoding="utf-8")
    problems = script.check_baseline(path, modules, 0.90)
    assert any("below the gate" in p for p in problems) and any("do not match" in p for p in problems)

    assert script.check_baseline(tmp_path / "missing.json", modules, 0.90)[0].startswith("missing.json is missing")


def test_merging_a_one_module_run_replaces_only_that_module():
    script = _script()
    baseline = json.loads((ROOT / script.BASELINE).read_text(encoding="utf-8"))
    modules = script.mutated_modules(script._config())
    oracle = next(m for m in modules if m.startswith("packverify/oracles/"))
    counts = dict(baseline["modules"][oracle], killed=1, survived=0, timeout=0, no_tests=0, total=1, skipped=0)
    result = {"modules": {oracle: counts}, "survivors": {}}
    merged = script.merge_baseline(baseline, result, modules, 0.90)
    assert merged["modules"][oracle]["total"] == 1 and oracle not in merged["survivors"]
    others = [m for m in modules if m != oracle]
    assert all(merged["modules"][m] == baseline["modules"][m] for m in others)
    assert merged["overall"]["total"] == baseline["overall"]["total"] - baseline["modules"][oracle]["total"] + 1
