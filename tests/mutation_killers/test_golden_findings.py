"""Every oracle's complete answer on planted edge cases, compared with a reviewed recording.

A finding is more than its code: the report carries the pointer, severity, message,
``expected`` and ``actual`` (docs/contract.md §2), and the mutation run showed that
nothing pinned most of them. ``golden_findings.json`` records, for each case in
``killer_cases.py``, every oracle's status and reason and every finding in full.

The recording changes only case by case, after reading its diff (``golden.py``: compare,
then ``--accept CASE``); nothing may be pending when the suite runs. A sample of the
cases was checked by hand (``golden_findings.reviewed.json``: who checked what); their
hand-derived facts are asserted below independently of the recording.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from golden import GOLDEN, PENDING, REVIEWED, answer, answer_digest, load, make_repos
from killer_cases import cases

CASES = cases()


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    return make_repos(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_oracle_answers_as_recorded(name, repos):
    golden = load(GOLDEN)
    assert name in golden, f"no recorded answer for {name!r}: run tests/mutation_killers/golden.py and review"
    assert answer(name, repos, CASES) == golden[name], \
        f"{name}: run tests/mutation_killers/golden.py, read golden_pending/{name}.diff, then --accept {name}"


def test_golden_file_matches_the_cases_and_nothing_is_pending():
    assert sorted(load(GOLDEN)) == sorted(CASES)
    pending = sorted(p.name for p in PENDING.glob("*")) if PENDING.exists() else []
    assert pending == [], "review and --accept (or --discard) the pending golden updates first"


def test_the_update_tool_writes_a_diff_and_accepts_only_what_was_reviewed(repos, tmp_path, monkeypatch):
    import golden as tool

    name = "budget-overflow-by-one"
    stale = json.loads(GOLDEN.read_text(encoding="utf-8"))
    stale[name]["verdict"] = "pass"  # a recording that no longer matches the code
    monkeypatch.setattr(tool, "GOLDEN", tmp_path / "golden.json")
    monkeypatch.setattr(tool, "PENDING", tmp_path / "pending")
    tool.GOLDEN.write_text(json.dumps(stale), encoding="utf-8")
    assert tool.compare(repos) == [name]
    diff = (tmp_path / "pending" / f"{name}.diff").read_text(encoding="utf-8")
    assert '- "verdict": "pass",\n' in diff and '+ "verdict": "fail",\n' in diff
    assert tool.accept(["budget-target-one"], repos) == [
        "budget-target-one: nothing pending (run without --accept first, then read the diff)"]
    assert tool.accept([name], repos) == []
    assert load(tool.GOLDEN)[name] == load(GOLDEN)[name] and not (tmp_path / "pending").exists()


def test_the_hand_reviews_are_current_and_enough():
    reviewed, golden = load(REVIEWED), load(GOLDEN)
    assert len(reviewed) >= 10
    for name, review in reviewed.items():
        assert name in golden, name
        assert review["reviewer"] and review["checked"], name
        assert review["answer_sha256"] == answer_digest(golden[name]), \
            f"{name}: its recorded answer changed since it was checked by hand — check it again"


def _findings(name, repos, code=None):
    return [f for f in answer(name, repos, CASES)["findings"] if code is None or f[1] == code]


def test_cases_plant_what_they_say(repos):
    """A few cases, checked by hand rather than against the recording."""
    def codes(name):
        return [f[1] for f in _findings(name, repos)]

    assert "budget.overflow" in codes("budget-chunks-sum-over-target-actual-at-target")
    assert "budget.overflow" not in codes("budget-chunks-sum-equal-to-target")
    assert "budget.underflow" not in codes("budget-near-full-default-allowance")
    assert "budget.underflow" in codes("budget-near-full-no-allowance")
    assert codes("determinism-exact-duplicate-is-in-order").count("determinism.chunk-order") == 0
    assert "determinism.chunk-order" in codes("determinism-tie-broken-by-id")
    assert "overlap.shared-lines" in codes("overlap-shared-boundary-line")
    assert answer("integrity-empty-span", repos, CASES)["oracles"]["integrity"][0] == "pass"
    shared = _findings("overlap-reach-index", repos, "overlap.shared-lines")
    assert [f[4].rsplit(" ", 1)[-1] for f in shared] == ["/chunks/0", "/chunks/0"]
    assert answer("source-git", repos, CASES)["oracles"]["source"][0] == "fail"


BASE_COUNTS = {"README.md 1-3": 6, "src/a.py 1-10": 60, "src/a.py 11-20": 60, "src/b.py 1-6": 27}  # cl100k, by hand


def test_hand_checked_answers(repos):
    """Findings of reviewed cases as worked out by hand (golden_findings.reviewed.json says
    how), not read from the recording: (code, pointer, expected, actual) in report order."""
    def triples(name):
        return [(f[1], f[3], f[5], f[6]) for f in _findings(name, repos)]

    honest = sum(BASE_COUNTS.values())
    assert honest == 153
    assert triples("budget-overflow-by-one") == [
        ("budget.overflow", "/budget_info/actual_tokens", "<= 1000", 1001),
        ("budget.sum-mismatch", "/budget_info/actual_tokens", honest, 1001),
        ("budget.utilization-mismatch", "/budget_info/utilization", 1001 / 1000, honest / 1000)]
    claim = BASE_COUNTS["README.md 1-3"] + 1000 - honest + 5
    assert triples("budget-chunks-sum-over-target-actual-at-target")[:3] == [
        ("budget.sum-mismatch", "/budget_info/actual_tokens", 1005, 1000),
        ("budget.overflow", "/chunks", "<= 1000", 1005),
        ("tokens.mismatch", "/chunks/0/tokens", 6, claim)]
    assert triples("budget-near-full-no-allowance")[0] == ("budget.underflow", "/budget_info/actual_tokens",
                                                           ">= 1000.0", 999)
    assert [t[0] for t in triples("budget-near-full-default-allowance")] == [
        "tokens.mismatch", "integrity.manifest-digest-mismatch"]
    assert triples("budget-utilization-at-tolerance") == []
    assert triples("budget-utilization-over-tolerance") == [
        ("budget.utilization-mismatch", "/budget_info/utilization", 0.0, 1.5e-9)]
    assert triples("budget-underflow-default") == [("budget.underflow", "/budget_info/actual_tokens", ">= 995.0", 153)]
    assert triples("stats-distribution-over-total-files") == [
        ("stats.language-distribution", "/statistics/language_distribution", "<= 3", 4)]
    assert triples("overlap-reach-index")[-2:] == [
        ("overlap.shared-lines", "/chunks/1", "start_line > 10", 2),
        ("overlap.shared-lines", "/chunks/2", "start_line > 10", 5)]
    canonical = hashlib.sha256(b'["src/a.py",1,2]').hexdigest()[:16]
    assert ("determinism.unstable-id", "/chunks/1/id", canonical, "aa") in triples("determinism-tie-broken-by-id")
    assert triples("tokens-real-overflow")[4] == ("tokens.real-overflow", "/budget_info/target_budget", "<= 20", 153)
    nines = int("9" * 61)
    edges = triples("schema-message-edges")
    assert ("schema.range", "/chunks/1/tokens", 2**53 - 1, nines) in edges
    assert ("budget.sum-mismatch", "/budget_info/actual_tokens", 6 + 60 + 27 + nines, honest) in edges
    assert ("tokens.mismatch", "/chunks/1/tokens", 60, nines) in edges
    [message] = [f[4] for f in _findings("schema-message-edges", repos, "schema.range")]
    assert message == "9" * 59 + "… violates maximum 9007199254740991"
