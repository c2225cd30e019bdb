"""``meta`` on any packer: relations judged on what they state, validity reported once,
budget relations skipped for a packer without ``{budget}``, and a reproducer that replays
a case whose saved failure came before a choice (docs/metamorphic.md)."""

from __future__ import annotations

import json

import pytest
from conftest import script_template

from packverify.meta import TemplatePacker, run_meta
from packverify.meta.reproducer import replay_directory
from packverify.repo_fixtures import Repo, RepoFile, materialize

ALL = ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7"]


def test_pretty_printed_json_is_one_validity_warning_and_every_relation_holds(tmp_path):
    """pretty_json.py writes the reference packer's packs indented: valid, not canonical bytes.
    Before, every relation failed on that one warning; now the relations hold and the
    warning is reported once, with the count of outputs that have it."""
    report = run_meta(TemplatePacker(script_template("pretty_json.py")), relations=ALL, examples=2, seed=0,
                      artifacts=tmp_path, shrink_runs=10, budgets=(4000, 8000))
    assert {r.name: r.status for r in report.results} == dict.fromkeys(ALL, "pass"), \
        [r.message for r in report.results]
    assert report.verdict == "pass" and report.format == "packverify-json"
    validity = report.validity.to_dict()
    assert validity["status"] == "pass" and validity["errors"] == 0 and validity["warnings"] == 1
    [warning] = validity["findings"]
    assert warning["code"] == "determinism.non-canonical-bytes" and warning["severity"] == "warning"
    assert warning["outputs"] == validity["outputs"] > len(ALL)  # every output, reported once
    example = tmp_path / "meta" / "validity" / "determinism.non-canonical-bytes"
    assert warning["example"] == str(example)
    assert (example / "pack.json").read_bytes().startswith(b"{\n  ")  # what the packer wrote: indented
    assert "packverify check" in (example / "REPRODUCE.md").read_text(encoding="utf-8")
    # the smallest input with the warning: no larger than the two-file preflight, which has it too
    assert json.loads((example / "case.json").read_text(encoding="utf-8"))["files"] <= 2


def test_a_packer_without_budget_skips_the_budget_relations(tmp_path):
    """The same packer with the budget and tokenizer written into the template: M3 and M4
    cannot be stated; the others are judged (M1 against what the base pack carries)."""
    template = script_template("pretty_json.py").replace("{budget}", "8000").replace("{tokenizer}", "cl100k")
    packer = TemplatePacker(template)
    assert not packer.takes_budget and not packer.takes_tokenizer
    report = run_meta(packer, relations=["M1", "M3", "M4"], examples=1, seed=0, artifacts=tmp_path, shrink_runs=5)
    results = {r.name: r for r in report.results}
    assert results["M3"].status == "skipped" and results["M3"].message == "skipped: the packer takes no {budget}"
    assert results["M4"].message == "skipped: the packer takes no {budget} and no {tokenizer}"
    assert results["M3"].examples == results["M4"].examples == 0
    assert results["M1"].status == "pass" and results["M1"].examples == 1


def test_a_budget_overflow_is_a_validity_error_not_a_relation_failure(tmp_path):
    """ignores_budget.py packs everything and claims the budget it was given. Packing
    everything at b and 2b loses no line (M3 holds) and the same input gives the same
    pack (M0 holds); the overflow is a validity error — once, failing the run."""
    text = "".join(f"value_{i} = compute({i}, 'alpha beta gamma delta')\n" for i in range(400))  # > 4000 tokens
    given = materialize(Repo((RepoFile("src/big.py", text.encode(), 1, "code"),)), tmp_path / "given")
    report = run_meta(TemplatePacker(script_template("ignores_budget.py")), relations=["M0", "M3"], examples=2,
                      seed=0, repo=given, artifacts=tmp_path, shrink_runs=5, budgets=(1000, 1000))
    assert {r.name: r.status for r in report.results} == {"M0": "pass", "M3": "pass"}
    codes = [f["code"] for f in report.validity.to_dict()["findings"]]
    assert "budget.overflow" in codes and codes.count("budget.overflow") == 1
    assert report.validity.status == "fail" and report.verdict == "fail"
    assert (tmp_path / "meta" / "validity" / "budget.overflow" / "repo").is_dir()


def _unrecorded_case(tmp_path, template: str):
    """A reproducer whose failure was saved before M5 drew anything (as a failure of the
    base run was saved before validity was reported apart): no recorded choice at all."""
    materialize(Repo((RepoFile("src/a.py", b"def a():\n    return 1\n", 1, "code"),)), tmp_path / "repo")
    record = {"relation": "M5", "draws": {}, "budget": 1000, "git": False, "packer": template,
              "kinds": {"src/a.py": "code"}}
    (tmp_path / "case.json").write_text(json.dumps(record), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("script,code,needle", [
    ("packs_vendored.py", 1, "M5 still fails: adding 1 vendored file(s) under node_modules/"),
    ("pretty_json.py", 0, "M5 holds on this case"),
])
def test_a_reproducer_replays_choices_its_failure_never_made(tmp_path, script, code, needle):
    """Was: ``cannot replay: _Invalid: vendor`` (exit 2). The missing choices take their
    simplest values — node_modules/, one file — and the reproducer says so."""
    directory = _unrecorded_case(tmp_path, script_template("nondeterministic.py"))
    got, message = replay_directory(directory, script_template(script))
    assert got == code, message
    assert needle in message
    assert "vendor, vendor_files, vendor_seed, vendor_repeat" in message and "simplest choice" in message
