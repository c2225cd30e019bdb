"""No vacuous pass and no silent drop (issue 10): ``--require`` turns a skipped oracle into
a failing ``<oracle>.not-run``; excluding every oracle is a usage error; ``--ignore``d
findings stop counting but stay in every report. Expected values are written by hand."""

from __future__ import annotations

import json

import pytest
from helpers import mutated, run_captured, valid_doc, write


@pytest.fixture
def good(tmp_path):
    return str(write(tmp_path, "good.json", valid_doc()))


@pytest.fixture
def sum_mismatch(tmp_path):
    """actual_tokens 100 (utilization 100/1000 agrees): the chunks sum to 219 (budget.sum-mismatch),
    and 100 is under min(1000, total 219) × 0.995 (budget.underflow); nothing else is wrong."""
    return str(write(tmp_path, "sum.json", mutated(lambda d: d["budget_info"].update(actual_tokens=100,
                                                                                        utilization=0.1))))


def _json(argv):
    code, out, err = run_captured([*argv, "--format", "json", "--no-run-log"])
    return code, json.loads(out) if out else None, err


def test_a_required_oracle_that_is_skipped_fails_with_the_reason(good):
    code, report, _ = _json(["check", good, "--require", "source"])
    assert code == 1 and report["verdict"] == "fail"
    pack = report["packs"][0]
    assert pack["oracles"]["source"] == {"status": "fail", "findings": 1, "reason": "no --repo given"}
    [finding] = pack["findings"]
    assert finding["code"] == "source.not-run" and finding["severity"] == "error" and finding["pointer"] == ""
    assert "no --repo given" in finding["message"] and (finding["expected"], finding["actual"]) == ("run", "skipped")


def test_require_all_without_a_repository_fails_and_with_one_passes(good, tmp_path):
    assert _json(["check", good, "--require", "all"])[0] == 1
    assert _json(["check", good])[0] == 0, "a skip alone never fails"


def test_require_all_means_the_oracles_that_run(good):
    code, report, _ = _json(["check", good, "--require", "all", "--skip", "source"])
    assert code == 0 and "source" not in report["packs"][0]["oracles"]


def test_a_pack_that_does_not_parse_fails_every_required_oracle(tmp_path):
    broken = str(write(tmp_path, "broken.json", raw=b'{"chunks": [], "budget_info": '))
    code, report, _ = _json(["check", broken, "--require", "tokens"])
    codes = [f["code"] for f in report["packs"][0]["findings"]]
    assert code == 1 and "tokens.not-run" in codes and "parse.invalid-json" in codes


@pytest.mark.parametrize(("argv", "needle"), [
    (["--only", "budget", "--skip", "budget"], "no oracle left to run"),
    (["--skip", "parse,schema,structure,budget,tokens,integrity,overlap,determinism,stats,security,source,coverage"],
     "no oracle left"),
    (["--require", "tokns"], "did you mean 'tokens'"),
    (["--require", "source", "--skip", "source"], "excluded by --only/--skip"),
    (["--ignore", "budget.overfow"], "did you mean 'budget.overflow'"),
    (["--ignore", "tokens.internal-error"], "cannot be ignored"),
    (["--ignore", "source.not-run"], "cannot be ignored"),
])
def test_usage_errors(good, argv, needle):
    code, out, err = run_captured(["check", good, *argv, "--no-run-log"])
    assert code == 2 and out == "" and needle in err


def test_gpt2_with_faked_counts_no_longer_passes_strictly(tmp_path):
    """The issue's own case: tokenizer gpt2, every tokens claim a cl100k count."""
    repo = tmp_path / "repo"
    doc = mutated(lambda d: d["tokenizer_info"].update(name="gpt2", version="gpt2"))
    pack = str(write(tmp_path, "gpt2.json", doc))
    code, report, _ = _json(["check", pack, "--strict", "--require", "all", "--skip", "source"])
    assert code == 1 and report["packs"][0]["oracles"]["tokens"]["status"] == "fail"
    assert not repo.exists()


def test_ignored_findings_do_not_count_but_are_listed_everywhere(sum_mismatch):
    code, report, _ = _json(["check", sum_mismatch])
    assert code == 1
    failing = {f["code"] for f in report["packs"][0]["findings"]}
    assert failing == {"budget.sum-mismatch", "budget.underflow"}, failing
    argv = ["check", sum_mismatch, "--ignore", "budget.sum-mismatch", "--ignore", "budget.underflow"]
    code, report, _ = _json(argv)
    pack = report["packs"][0]
    assert code == 0 and pack["verdict"] == "pass" and pack["findings"] == []
    assert sorted(f["code"] for f in pack["ignored"]) == ["budget.sum-mismatch", "budget.underflow"]
    assert pack["oracles"]["budget"] == {"status": "pass", "findings": 0, "ignored": 2}
    code, out, _ = run_captured([*argv, "--no-run-log"])
    assert code == 0 and "ignored (--ignore): 1 × budget.sum-mismatch" in out
    code, out, _ = run_captured([*argv, "--no-run-log", "--format", "sarif"])
    results = json.loads(out)["runs"][0]["results"]
    assert [r["suppressions"] for r in results if r["ruleId"] == "budget.sum-mismatch"] == [
        [{"kind": "external", "justification": "--ignore budget.sum-mismatch"}]]
    code, out, _ = run_captured([*argv, "--no-run-log", "--format", "junit"])
    assert "ignored (--ignore): error budget.sum-mismatch /budget_info/actual_tokens" in out
    code, out, _ = run_captured([*argv, "--no-run-log", "--format", "github"])
    assert "::notice file=" in out and "title=budget.sum-mismatch::ignored (--ignore): " in out


def test_ignoring_one_code_keeps_the_others_failing(sum_mismatch):
    code, report, _ = _json(["check", sum_mismatch, "--ignore", "budget.sum-mismatch"])
    assert code == 1 and [f["code"] for f in report["packs"][0]["findings"]] == ["budget.underflow"]
