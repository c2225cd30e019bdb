"""The reference packer on any ``repos()`` tree and any budget: its pack passes
``check --strict --repo``, leaves out what must be left out, and fills at least
99.5% of the budget whenever there is more content than budget — unless every line
it left out is longer than the budget it left unused (no packer of whole lines could
then add one): then ``budget.underflow`` is the only finding, and the packer says so
(docs/packer.md, "When the budget cannot be filled")."""

from __future__ import annotations

import tempfile
from pathlib import Path

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
    codes = [f.code for f in report.findings]
    if codes == ["budget.underflow"]:
        assert result.smallest_left_out is not None and result.smallest_left_out > result.unused, \
            (result.unused, result.smallest_left_out)
    else:
        assert report.findings == (), [f.to_dict() for f in report.findings]
        assert result.smallest_left_out is None
    if result.document["chunks"]:
        assert report.oracles["source"].status.value == "pass"
    info, stats = result.document["budget_info"], result.document["statistics"]
    assert info["actual_tokens"] <= budget
    if stats["total_tokens"] > budget and not codes:
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


def test_the_repair_trades_a_small_file_for_the_lines_that_fill_the_budget(tmp_path):
    """Found by the nightly-sized run of the property above: models.py and util.py
    (5 tokens each) are taken first, then only 61 of util.txt's 62 16-token lines fit
    (986 of 1000, 98.6%). Giving util.py back lets all of util.txt in: 997 (99.7%)."""
    line = "Queue, שלום index render; שלום index render!\n"
    result, report = _pack(tmp_path, {"models.py": "x = 0\n", "util.py": "y = 1\n", "util.txt": line * 62}, 1000)
    assert result.document["statistics"]["total_tokens"] > 1000
    assert report.findings == (), [f.code for f in report.findings]
    assert result.document["budget_info"]["actual_tokens"] >= 995
    assert result.smallest_left_out is None


def test_the_repair_gives_back_lines_of_a_chunk_taken_whole(tmp_path):
    """README lines weigh ~23 tokens, main.py's 12: the README prefix leaves 11 unused,
    less than one line of either; giving back README lines lets main.py's fill it."""
    readme = "".join(f"line {i}: " + "alpha beta gamma delta epsilon zeta eta theta " * 2 + "\n" for i in range(70))
    main = "".join(f"value_{i} = compute({i}, 'alpha beta gamma')\n" for i in range(75))
    result, report = _pack(tmp_path, {"README.md": readme, "main.py": main}, 1000)
    assert report.findings == (), [f.code for f in report.findings]
    paths = [c["file_path"] for c in result.document["chunks"]]
    assert paths == ["README.md", "main.py"] and result.split == 2


def test_when_no_whole_lines_fill_the_budget_underflow_is_the_only_finding(tmp_path, capsys):
    """a.txt (16 tokens) + b.txt (62 lines of 17 tokens) at budget 1000: the best
    selection of whole lines is 986 tokens (98.6%), below the 99.5% floor — no packer
    of whole lines can pass here. The reference packer leaves less unused than its
    shortest line left out, reports it, and ``check`` says budget.underflow (an
    honest statistics.total_tokens, not one lowered to pass)."""
    from helpers import run_captured

    files = {"a.txt": "word " * 15 + "\n", "b.txt": ("alpha beta gamma delta " * 4 + "\n") * 62}
    result, report = _pack(tmp_path, files, 1000)
    assert result.document["statistics"]["total_tokens"] == 16 + 62 * 17
    assert [f.code for f in report.findings] == ["budget.underflow"]
    assert result.unused == 1000 - result.document["budget_info"]["actual_tokens"] < result.smallest_left_out == 17
    code, out, err = run_captured(["pack", str(tmp_path / "repo"), "--budget", "1000", "-o", str(tmp_path / "p.json"),
                                   "--no-run-log"])
    assert code == 0, err
    assert "warning:" in err and "the shortest has 17 tokens" in err and "budget.underflow" in err
