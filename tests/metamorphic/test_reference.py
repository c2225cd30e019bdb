"""The reference packer against the relations (docs/metamorphic.md).

It holds every relation. Two regressions are kept as minimal cases: M1 failed
before the packer dropped duplicate files, and M3 failed while it skipped a chunk
that did not fit whole (then a larger budget let that chunk in and pushed out lines
packed after it). The broken packers in tests/metamorphic/packers/ that reproduce
both are caught by the search (test_broken_packers.py).
"""

from __future__ import annotations

import json

import pytest

from packverify.meta import InProcessPacker, run_meta
from packverify.meta.packers import Session
from packverify.meta.relations import Case
from packverify.meta.trace import replay
from packverify.strategies import Repo, RepoFile, synthetic_text

HOLDS = ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7"]


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
        failure, _ = replay(relation, session, Case(repo, budget, False), draws)
    finally:
        session.close()
    return None if failure is None else failure.message


def _demo() -> Repo:
    readme = ("# Demo\n\n" + synthetic_text("markdown", 3, lines=12)).encode()
    engine = synthetic_text("code", 7, lines=20).encode()
    return Repo((RepoFile("README.md", readme, 1, "markdown"), RepoFile("src/engine.py", engine, 40, "code")))


def test_reference_packer_m1_a_readme_copy_displaces_nothing():
    """Was: README_copy.md ranked before src/engine.py and displaced 71 tokens (3.55%)."""
    assert _replay("M1", _demo(), 2000, {"source": "README.md", "copy": "README_copy.md"}) is None


def test_reference_packer_m3_keeps_every_line_when_the_budget_doubles():
    """Was: at 1000 the README's one 1610-token chunk did not fit and main.py 1–75 was
    packed; at 2000 the README fit and main.py 31–75 no longer did (45 lines lost)."""
    readme = "".join(f"line {i}: " + "alpha beta gamma delta epsilon zeta eta theta " * 2 + "\n" for i in range(70))
    main = "".join(f"value_{i} = compute({i}, 'alpha beta gamma')\n" for i in range(75))
    repo = Repo((RepoFile("README.md", readme.encode(), 1, "markdown"), RepoFile("main.py", main.encode(), 1, "code")))
    assert _replay("M3", repo, 1000, {}) is None


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a hang guard: counted work (4 examples × 7 relations), >600 s under load
def test_reference_packer_through_the_default_template_holds(in_tmp):
    from helpers import run_captured

    code, out, err = run_captured(["meta", "--relations", ",".join(HOLDS), "--examples", "4", "--budgets",
                                   "4000:8000", "--format", "json", "--no-run-log"])
    assert code == 0, out + err
    report = json.loads(out)
    assert report["verdict"] == "pass"
    assert set(report["relations"]) == set(HOLDS)
