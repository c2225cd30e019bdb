"""The reference packer against the relations (docs/metamorphic.md).

It holds M0, M2, M4, M5, M6 and M7 (budgets 4000–8000: at budget ~1000 its packs
can underflow at line granularity, a packer bug pinned in
tests/properties/test_reference_packer.py). It does not hold M1 (no
de-duplication) nor M3 (greedy selection is not monotone in the budget): both
pinned below as strict xfails with minimal cases, so a fix shows up as XPASS.
"""

from __future__ import annotations

import json

import pytest

from packverify.meta import InProcessPacker, run_meta
from packverify.meta.relations import Case
from packverify.meta.runner import Session
from packverify.meta.search import replay
from packverify.strategies import Repo, RepoFile, synthetic_text

HOLDS = ["M0", "M2", "M4", "M5", "M6", "M7"]


@pytest.mark.parametrize("relation", HOLDS)
def test_reference_packer_holds(relation, tmp_path):
    report = run_meta(InProcessPacker(), relations=[relation], examples=5, seed=0, artifacts=tmp_path,
                      shrink_runs=20, budgets=(4000, 8000))
    [result] = report.results
    assert result.status == "pass", result.message
    assert result.examples == 5 and result.reproducer is None


def _replay(relation: str, repo: Repo, budget: int, draws: dict) -> str | None:
    session = Session(InProcessPacker())
    try:
        failure = replay(relation, session, Case(repo, budget, False), draws)
    finally:
        session.close()
    return None if failure is None else failure.message


def _demo() -> Repo:
    readme = ("# Demo\n\n" + synthetic_text("markdown", 3, lines=12)).encode()
    engine = synthetic_text("code", 7, lines=20).encode()
    return Repo((RepoFile("README.md", readme, 1, "markdown"), RepoFile("src/engine.py", engine, 40, "code")))


@pytest.mark.xfail(strict=True, reason=(
    "reference packer: no de-duplication — a copy of README.md (README_copy.md, 14 lines) ranks before "
    "src/engine.py and displaces 71 tokens (3.55% of budget 2000) of it; M1 allows 1%. Fix: drop files whose "
    "content hash was already seen (count them in statistics.duplicates_removed)."))
def test_reference_packer_m1_duplicate_displaces_other_files():
    assert _replay("M1", _demo(), 2000, {"source": "README.md", "copy": "README_copy.md"}) is None


@pytest.mark.xfail(strict=True, reason=(
    "reference packer: greedy selection with skipping is not monotone in the budget — at 1000 the README's "
    "one 1610-token chunk does not fit and main.py 1–75 is packed; at 2000 the README fits and main.py "
    "31–75 no longer does (M3: 45 lines lost). Fix: select a rank-order prefix of whole chunks and fill only "
    "with line prefixes, so a larger budget only extends the selection."))
def test_reference_packer_m3_keeps_every_line_when_the_budget_doubles():
    readme = "".join(f"line {i}: " + "alpha beta gamma delta epsilon zeta eta theta " * 2 + "\n" for i in range(70))
    main = "".join(f"value_{i} = compute({i}, 'alpha beta gamma')\n" for i in range(75))
    repo = Repo((RepoFile("README.md", readme.encode(), 1, "markdown"), RepoFile("main.py", main.encode(), 1, "code")))
    assert _replay("M3", repo, 1000, {}) is None


def test_m1_and_m3_failures_are_found_by_the_search(tmp_path):
    """The same two deviations, found from generated trees (so the search is not blind to them)."""
    report = run_meta(InProcessPacker(), relations=["M1"], examples=6, seed=0, artifacts=tmp_path,
                      shrink_runs=20, budgets=(4000, 8000))
    [result] = report.results
    assert result.status == "fail" and "copy of" in result.message, result.message
    record = json.loads((tmp_path / "meta" / "M1" / "case.json").read_text(encoding="utf-8"))
    assert record["relation"] == "M1" and record["draws"]["copy"] in record["kinds"]


@pytest.mark.slow
def test_reference_packer_through_the_default_template_holds(in_tmp):
    from packverify.cli.main import run_captured

    code, out, err = run_captured(["meta", "--relations", ",".join(HOLDS), "--examples", "4", "--budgets",
                                   "4000:8000", "--format", "json", "--no-run-log"])
    assert code == 0, out + err
    report = json.loads(out)
    assert report["verdict"] == "pass"
    assert set(report["relations"]) == set(HOLDS)
