"""The reference packer on any ``repos()`` tree and any budget: its pack passes
``check --strict --repo``, leaves out what must be left out, and fills at least
99.5% of the budget whenever there is more content than budget."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from helpers import check_doc
from hypothesis import given
from hypothesis import strategies as st

from packverify.packer.build import build_pack
from packverify.strategies import materialize, repos

NEVER_PACKED = {"ignored", "vendored", "binary", "latin1", "empty", "oversized", "secret"}


@given(repo=repos(secrets=True), budget=st.integers(1000, 12_000), git=st.booleans(),
       tokenizer=st.sampled_from(["cl100k", "o200k"]))
def test_reference_packer_passes_every_oracle_and_fills_the_budget(repo, budget, git, tokenizer):
    with tempfile.TemporaryDirectory() as tmp:
        root = materialize(repo, Path(tmp) / "repo", git=git)
        result = build_pack(root, budget=budget, tokenizer=tokenizer)
        report = check_doc(None, raw=result.data, strict=True, repo=root)
    assert report.findings == (), [f.to_json() for f in report.findings]
    if result.document["chunks"]:
        assert report.oracles["source"].status.value == "pass"
    info, stats = result.document["budget_info"], result.document["statistics"]
    assert info["actual_tokens"] <= budget
    if stats["total_tokens"] > budget:
        assert info["actual_tokens"] >= 0.995 * budget, (info, stats["total_tokens"])
    packed = {c["file_path"] for c in result.document["chunks"]}
    kinds = {f.path: f.kind for f in repo}
    assert not {p for p in packed if kinds.get(p) in NEVER_PACKED}
    assert packed <= set(kinds)


def _pack(tmp_path, files: dict[str, str], budget: int):
    root = tmp_path / "repo"
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    result = build_pack(root, budget=budget)
    return result, check_doc(None, raw=result.data, strict=True, repo=root)


@pytest.mark.xfail(strict=True, reason=(
    "reference packer: greedy fill misses a fill that whole lines allow — models.py and util.py (5 tokens each) "
    "are taken first, then only 61 of util.txt's 62 16-token lines fit: 986 of 1000 (98.6%) with "
    "statistics.total_tokens 1002, so the pack fails budget.underflow; leaving one small file out and taking "
    "all of util.txt gives 997 (99.7%). Found by test_reference_packer_passes_every_oracle_and_fills_the_budget "
    "(nightly-sized run)."))
def test_reference_packer_fills_when_whole_lines_allow_it(tmp_path):
    line = "Queue, שלום index render; שלום index render!\n"
    result, report = _pack(tmp_path, {"models.py": "x = 0\n", "util.py": "x = 0\n", "util.txt": line * 62}, 1000)
    assert result.document["statistics"]["total_tokens"] > 1000
    assert report.findings == (), [f.code for f in report.findings]


@pytest.mark.xfail(strict=True, reason=(
    "budget underflow rule vs line granularity: a.txt (16 tokens) + b.txt (62 lines of 17 tokens, 1054 tokens) "
    "at budget 1000 — the best selection of whole lines is 986 tokens (98.6%), below the 99.5% floor, so no "
    "packer that packs whole lines can pass `check` here. Either the packer may not claim total_tokens above "
    "what it could have filled, or the oracle's floor should allow the unfilled remainder smaller than the "
    "smallest left-out line (docs/format.md §budget_info); the lead's call."))
def test_underflow_floor_is_reachable_with_whole_lines(tmp_path):
    files = {"a.txt": "word " * 15 + "\n", "b.txt": ("alpha beta gamma delta " * 4 + "\n") * 62}
    result, report = _pack(tmp_path, files, 1000)
    assert result.document["statistics"]["total_tokens"] > 1000
    assert report.findings == (), [f.code for f in report.findings]
