"""The mutation gate as the mutation job enforces it: the committed baseline
(mutation.baseline.json) holds each gated module — every oracle module and
packverify/format.py — at 0.90 *on its own*, and is current: every mutated module's
sha256, the digest of the tests mutmut runs and the mutmut version are the ones its
result was recorded with (docs/mutation.md, "How CI uses it").

``test_the_committed_baseline_passes_the_gate_and_is_current`` fails whenever a gated
module or a test changes, until the baseline is re-recorded (a mutmut run); it runs in the
mutation job (``PACKVERIFY_MUTATION_GATE=1``), not in every push's suite. The other tests
check the gate's logic on baselines made up here, everywhere."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOW = {"tests": "digest-of-the-tests", "mutmut": "3.8.1"}


def _script():
    loader = importlib.machinery.SourceFileLoader("packverify_mutation_script", str(ROOT / "scripts" / "mutation"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


# The committed baseline's currency is checked by the mutation job (scripts/mutation
# --check-baseline, docs/mutation.md "How CI uses it"), which sets PACKVERIFY_MUTATION_GATE=1;
# the default suite checks the gate's logic on made-up baselines below.
BASELINE_JOB = pytest.mark.skipif(os.environ.get("PACKVERIFY_MUTATION_GATE") != "1",
                                  reason="the committed baseline is checked by the mutation job "
                                         "(PACKVERIFY_MUTATION_GATE=1 scripts/mutation --check-baseline)")


@BASELINE_JOB
def test_the_committed_baseline_passes_the_gate_and_is_current():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "mutation"), "--check-baseline"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "holds" in done.stderr


@BASELINE_JOB
def test_the_baseline_covers_every_mutated_module_and_lists_its_survivors():
    script = _script()
    baseline = json.loads((ROOT / script.BASELINE).read_text(encoding="utf-8"))
    modules = script.mutated_modules(script._config())
    assert set(baseline["modules"]) == set(baseline["sources"]) == set(baseline["mutmut"]) <= set(modules)
    assert {m for m in modules if script.is_gated(m)} <= set(baseline["modules"])  # reported ones may wait
    assert baseline["gated"] == list(script.GATED_MODULES)
    assert any(m.startswith("packverify/oracles/") for m in modules) and "packverify/load.py" in modules
    for module, counts in baseline["modules"].items():
        assert counts["survived"] + counts["no_tests"] == len(baseline["survivors"].get(module, [])), module
    assert baseline["threshold"] >= 0.90


def _counts(killed: int, survived: int) -> dict:
    total = killed + survived
    return {"killed": killed, "survived": survived, "timeout": 0, "no_tests": 0, "suspicious": 0, "skipped": 0,
            "segfault": 0, "not_checked": 0, "caught_by_type_check": 0, "check_was_interrupted_by_user": 0,
            "total": total, "score": round(killed / total, 4) if total else None}


def _made_up_baseline(script, modules: list[str], scores: dict[str, tuple[int, int]]) -> dict:
    result = {"modules": {m: _counts(*scores.get(m, (95, 5))) for m in modules},
              "survivors": {m: [f"{m}.x_{i}" for i in range(scores.get(m, (95, 5))[1])] for m in modules}}
    return script.merge_baseline(None, result, modules, 0.90, measured_with=NOW)


def test_a_current_baseline_holds(tmp_path):
    script = _script()
    modules = script.mutated_modules(script._config())
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(_made_up_baseline(script, modules, {})), encoding="utf-8")
    assert script.check_baseline(path, modules, 0.90, measured_with=NOW) == []


def test_one_gated_module_below_the_gate_fails_even_when_the_total_is_above(tmp_path):
    script = _script()
    modules = script.mutated_modules(script._config())
    schema = "packverify/oracles/schema.py"
    baseline = _made_up_baseline(script, modules, {schema: (176, 23)})  # 0.8844, as recorded before
    assert baseline["oracles"]["score"] > 0.90  # what hid it
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(baseline), encoding="utf-8")
    assert script.check_baseline(path, modules, 0.90, measured_with=NOW) == [
        f"{schema}'s mutation score 0.8844 is below the gate 0.9"]
    # format.py is gated too; load.py is reported, not gated
    baseline = _made_up_baseline(script, modules, {"packverify/format.py": (80, 20), "packverify/load.py": (80, 20)})
    path.write_text(json.dumps(baseline), encoding="utf-8")
    assert script.check_baseline(path, modules, 0.90, measured_with=NOW) == [
        "packverify/format.py's mutation score 0.8 is below the gate 0.9"]


def test_a_changed_module_test_or_mutmut_makes_the_baseline_stale(tmp_path):
    script = _script()
    modules = script.mutated_modules(script._config())
    path = tmp_path / "baseline.json"
    baseline = _made_up_baseline(script, modules, {})

    gated = [m for m in modules if script.is_gated(m)]
    stale = json.loads(json.dumps(baseline))
    stale["sources"][gated[0]] = "0" * 64
    path.write_text(json.dumps(stale), encoding="utf-8")
    assert script.check_baseline(path, modules, 0.90, measured_with=NOW) == [
        f"{gated[0]} changed since its mutation result was recorded"]

    # a reported module (the loader, the canonical forms) that changed is a notice, not a failure
    stale = json.loads(json.dumps(baseline))
    stale["sources"]["packverify/canonical.py"] = "0" * 64
    del stale["sources"]["packverify/load.py"]
    path.write_text(json.dumps(stale), encoding="utf-8")
    assert script.check_baseline(path, modules, 0.90, measured_with=NOW) == []
    assert script.stale_reported(path, modules, measured_with=NOW) == [
        "packverify/canonical.py changed since its mutation result was recorded",
        "packverify/load.py has no mutation result in baseline.json"]

    path.write_text(json.dumps(baseline), encoding="utf-8")
    other_tests = dict(NOW, tests="another-digest")
    assert script.check_baseline(path, modules, 0.90, measured_with=other_tests) == [
        f"the tests changed since {m}'s mutation result was recorded" for m in gated]
    other_mutmut = dict(NOW, mutmut="3.9.0")
    assert script.check_baseline(path, modules, 0.90, measured_with=other_mutmut) == [
        f"{m}'s mutation result was recorded with mutmut 3.8.1, not 3.9.0" for m in gated]

    weak = json.loads(json.dumps(baseline))
    weak["oracles"]["killed"] += 1
    path.write_text(json.dumps(weak), encoding="utf-8")
    assert script.check_baseline(path, modules, 0.90, measured_with=NOW) == [
        "the 'oracles' totals of baseline.json do not match its per-module counts"]
    assert script.check_baseline(tmp_path / "missing.json", modules, 0.90)[0].startswith("missing.json is missing")


def test_the_tests_digest_covers_what_mutmut_runs_and_nothing_else(tmp_path, monkeypatch):
    script = _script()
    for rel, text in {"tests/test_a.py": "def test(): pass\n", "tests/data/golden.json": "{}\n",
                      "tests/e2e/test_e2e.py": "x = 1\n", "tests/test_mutation_gate.py": "y = 1\n",
                      "docs/a.md": "doc\n"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    monkeypatch.setattr(script, "ROOT", tmp_path)
    config = {"pytest_add_cli_args_test_selection": ["tests/", "--ignore=tests/e2e",
                                                     "--ignore=tests/test_mutation_gate.py"]}
    assert script.test_files(config) == ["tests/data/golden.json", "tests/test_a.py"]
    before = script.tests_digest(config)
    for rel in ("tests/e2e/test_e2e.py", "tests/test_mutation_gate.py", "docs/a.md"):  # not run by mutmut
        (tmp_path / rel).write_text("changed\n", encoding="utf-8")
        assert script.tests_digest(config) == before, rel
    (tmp_path / "tests/data/golden.json").write_text('{"a": 1}\n', encoding="utf-8")
    assert script.tests_digest(config) != before
    changed = script.tests_digest(config)
    assert script.tests_digest(dict(config, pytest_add_cli_args=["--hypothesis-profile=ci"])) != changed


def test_merging_a_one_module_run_replaces_only_that_module():
    script = _script()
    modules = script.mutated_modules(script._config())
    baseline = _made_up_baseline(script, modules, {})
    oracle = next(m for m in modules if m.startswith("packverify/oracles/"))
    result = {"modules": {oracle: _counts(1, 0)}, "survivors": {}}
    merged = script.merge_baseline(baseline, result, modules, 0.90, measured_with=dict(NOW, tests="new"))
    assert merged["modules"][oracle]["total"] == 1 and oracle not in merged["survivors"]
    assert merged["tests"][oracle] == "new"
    others = [m for m in modules if m != oracle]
    assert all(merged["modules"][m] == baseline["modules"][m] and merged["tests"][m] == NOW["tests"] for m in others)
    assert merged["overall"]["total"] == baseline["overall"]["total"] - baseline["modules"][oracle]["total"] + 1


def test_added_test_files_keep_a_result_current_changed_ones_do_not(tmp_path):
    """A score measured without a test file added since is a lower bound (a mutant is killed
    when any test fails), so it stays current; a changed or removed test file, or another
    [tool.mutmut] table, makes it stale."""
    script = _script()
    modules = ["packverify/oracles/budget.py"]
    recorded = {"tests": "before", "config": "c1", "files": {"tests/a.py": "1", "tests/b.py": "2"}, "mutmut": "3.8.1"}
    baseline = script.merge_baseline(None, {"modules": {modules[0]: _counts(95, 5)}, "survivors": {}}, modules, 0.90,
                                     measured_with=recorded)
    baseline["sources"] = {modules[0]: script.source_digest(modules[0])}
    path = tmp_path / script.BASELINE
    path.write_text(json.dumps(baseline), encoding="utf-8")

    def check(files, config="c1"):
        now = {"tests": "now", "config": config, "files": files, "mutmut": "3.8.1"}
        return script.check_baseline(path, modules, 0.90, measured_with=now)

    stale = [f"the tests changed since {modules[0]}'s mutation result was recorded"]
    assert check({"tests/a.py": "1", "tests/b.py": "2", "tests/new.py": "3"}) == []
    assert check({"tests/a.py": "1", "tests/b.py": "changed"}) == stale
    assert check({"tests/a.py": "1"}) == stale
    assert check({"tests/a.py": "1", "tests/b.py": "2"}, config="c2") == stale
    assert script.only_added(recorded, {"config": "c1", "files": {"tests/a.py": "x"}}) == ["tests/a.py", "tests/b.py"]
