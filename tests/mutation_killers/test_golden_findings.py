"""Every oracle's complete answer on planted edge cases, compared with a recorded one.

A finding is more than its code: the contract's report carries the pointer, severity,
message, ``expected`` and ``actual`` (CONTRACT.md §2), and the mutation run showed
that nothing pinned most of them. ``golden_findings.json`` records, for each case in
``killer_cases.py``, every oracle's status and reason and every finding in full.

After a deliberate change of a message or a figure, regenerate and review the diff:

    PACKVERIFY_UPDATE_GOLDEN=1 .venv/bin/pytest tests/mutation_killers/test_golden_findings.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from killer_cases import cases, make_repo

from packverify.context import Context
from packverify.engine import check_loaded
from packverify.load import parse_bytes
from packverify.oracles import NAMES

GOLDEN = Path(__file__).resolve().parent / "golden_findings.json"
UPDATE = os.environ.get("PACKVERIFY_UPDATE_GOLDEN") == "1"
CASES = cases()


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    tree = tmp_path_factory.mktemp("tree")
    make_repo(tree, git=False)
    git = tmp_path_factory.mktemp("git")
    commit = make_repo(git, git=True)
    return {"tree": tree, "git": git, "commit": commit}


def answer(name: str, repos: dict) -> dict:
    raw, options = CASES[name]
    repo = repos[options["repo"]] if options.get("repo") else None
    if options.get("repo") == "git":  # the fixture commit's id is known only once it is made
        raw = raw.replace(b'"commit":"' + b"0" * 40 + b'"', b'"commit":"' + repos["commit"].encode() + b'"')
    loaded = parse_bytes(raw, path=f"{name}.json")
    report = check_loaded(loaded, Context(repo=repo, strict=options.get("strict", False)), NAMES)

    def clean(value):
        text = json.dumps(value, ensure_ascii=False)
        for key in ("tree", "git"):
            text = text.replace(json.dumps(str(repos[key]))[1:-1], f"<{key}>")
        return json.loads(text)

    return clean({
        "verdict": report.verdict.value,
        "oracles": {n: [r.status.value, r.reason] for n, r in report.oracles.items()},
        "findings": [[f.oracle, f.code, f.severity.value, f.pointer, f.message, f.to_dict()["expected"],
                      f.to_dict()["actual"]] for f in report.findings],
    })


@pytest.mark.skipif(UPDATE, reason="regenerating the golden file")
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_oracle_answers_as_recorded(name, repos):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert name in golden, f"no recorded answer for {name!r}: regenerate (see the module docstring)"
    assert answer(name, repos) == golden[name]


def test_golden_file_matches_the_cases(repos):
    if UPDATE:
        GOLDEN.write_text(json.dumps({n: answer(n, repos) for n in sorted(CASES)}, ensure_ascii=False, indent=1)
                          + "\n", encoding="utf-8")
    assert sorted(json.loads(GOLDEN.read_text(encoding="utf-8"))) == sorted(CASES)


def test_cases_plant_what_they_say(repos):
    """A few cases, checked by hand rather than against the recording."""
    def codes(name):
        return [f[1] for f in answer(name, repos)["findings"]]

    assert "budget.overflow" in codes("budget-chunks-sum-over-target-actual-at-target")
    assert "budget.overflow" not in codes("budget-chunks-sum-equal-to-target")
    assert "budget.underflow" not in codes("budget-near-full-default-allowance")
    assert "budget.underflow" in codes("budget-near-full-no-allowance")
    assert codes("determinism-exact-duplicate-is-in-order").count("determinism.chunk-order") == 0
    assert "determinism.chunk-order" in codes("determinism-tie-broken-by-id")
    assert "overlap.shared-lines" in codes("overlap-shared-boundary-line")
    assert answer("integrity-empty-span", repos)["oracles"]["integrity"][0] == "pass"
    shared = [f for f in answer("overlap-reach-index", repos)["findings"] if f[1] == "overlap.shared-lines"]
    assert [f[4].rsplit(" ", 1)[-1] for f in shared] == ["/chunks/0", "/chunks/0"]
    assert answer("source-git", repos)["oracles"]["source"][0] == "fail"
