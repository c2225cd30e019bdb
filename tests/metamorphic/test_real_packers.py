"""``meta --packer`` on the real tools (scripts/install-packers): repomix in each style,
gitingest, files-to-prompt, scribe. Each run is small (one example per relation, a few
shrink runs) — the point is that every relation is judged on what these tools write, in
their own formats, and that what fails is what the tools are known to do
(docs/metamorphic.md, "Real packers"; RECIPES of each tool in docs/formats/).

A missing tool skips with the reason; under CI=true it fails (tests/readers/tools.py)."""

from __future__ import annotations

import json
import shlex

import pytest
from helpers import reader_tools, run_captured

from packverify.meta import TemplatePacker, run_meta
from packverify.meta.packers import scratch_root

tools = reader_tools()

ALL = ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7"]
NO_BUDGET = "skipped: the packer takes no {budget}"


@pytest.fixture
def tool_env(monkeypatch):
    """The tools' environment (offline tiktoken cache, UTF-8 locale) for the packer runs."""
    for key, value in tools.environment().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PYTHONPATH", raising=False)


def template(tool: str, *arguments: str) -> str:
    return shlex.join([tools.EXECUTABLES[tool]]) + " " + " ".join(arguments)


def _meta(packer_template: str, relations: list[str], tmp_path, **options):
    options = {"examples": 1, "seed": 0, "shrink_runs": 6, **options}
    return run_meta(TemplatePacker(packer_template), relations=relations, artifacts=tmp_path / "artifacts", **options)


def _statuses(report) -> dict[str, str]:
    return {r.name: r.status for r in report.results}


def _vendored_failure_is_third_party(report) -> None:
    """repomix and gitingest leave node_modules/ and vendor/ out, not third_party/: M5 holds,
    or fails by packing third_party/ (docs/metamorphic.md)."""
    m5 = next(r for r in report.results if r.name == "M5")
    assert m5.status == "pass" or "under third_party/" in m5.message, m5.message


@pytest.mark.parametrize("style,fmt,relations", [
    pytest.param("xml", "repomix-xml", ALL, id="xml"),
    pytest.param("markdown", "repomix-markdown", ["M2", "M3", "M5"], id="markdown"),
    pytest.param("plain", "repomix-plain", ["M2", "M4", "M6"], id="plain"),
    pytest.param("json", "repomix-json", ["M0", "M2", "M3"], id="json"),
])
def test_repomix_in_each_style(style, fmt, relations, tmp_path, tool_env):
    tools.require("repomix")
    report = _meta(template("repomix", "{repo}", "--style", style, "-o", "{out}"), relations, tmp_path)
    assert report.format == fmt
    statuses = _statuses(report)
    for name in relations:
        if name in ("M3", "M4"):
            assert next(r.message for r in report.results if r.name == name).startswith(NO_BUDGET)
            assert statuses[name] == "skipped"
        elif name != "M5":  # repomix: no clock in its output, files in a fixed order, content as read
            assert statuses[name] == "pass", [r.message for r in report.results]
    if "M5" in relations:
        _vendored_failure_is_third_party(report)
    assert report.validity.to_dict()["errors"] == 0, report.validity.to_dict()


def test_gitingest(tmp_path, tool_env):
    tools.require("gitingest")
    report = _meta(template("gitingest", "{repo}", "-o", "{out}"), ALL, tmp_path)
    assert report.format == "gitingest"
    statuses = _statuses(report)
    assert statuses["M3"] == statuses["M4"] == "skipped"
    assert {statuses[n] for n in ("M0", "M1", "M2", "M6", "M7")} == {"pass"}, [r.message for r in report.results]
    _vendored_failure_is_third_party(report)
    assert report.validity.to_dict()["errors"] == 0, report.validity.to_dict()


def test_files_to_prompt_through_the_command_line(in_tmp, tool_env):
    """files-to-prompt packs node_modules/ (M5) and walks directories in readdir order, so
    on a tmpfs the creation order changes its pack (M7); it names files by the absolute
    path it was given ({repo}), which meta makes relative."""
    tools.require("files-to-prompt")
    if scratch_root() is None:
        pytest.skip("no tmpfs at /dev/shm: creation order does not change a directory listing here")
    code, out, err = run_captured(["meta", "--packer", template("files-to-prompt", "{repo}", "-o", "{out}"),
                                   "--relations", "M0,M3,M5,M7", "--examples", "2", "--shrink-runs", "12",
                                   "--format", "json", "--no-run-log"])
    assert code == 1, out + err
    report = json.loads(out)
    assert report["format"] == "files-to-prompt"
    relations = report["relations"]
    assert relations["M0"]["status"] == "pass"
    assert relations["M3"] == {"status": "skipped", "examples": 0, "message": NO_BUDGET, "reproducer": None}
    assert relations["M5"]["status"] == "fail" and "is packed only in the follow-up" in relations["M5"]["message"]
    assert relations["M7"]["status"] == "fail"
    assert "the same files in another order from position" in relations["M7"]["message"]
    assert "/repo/" not in relations["M7"]["message"]  # paths relative to the input
    assert report["validity"]["errors"] == 0
    done = run_captured(["meta", "--packer", template("files-to-prompt", "{repo}", "-o", "{out}"), "--relations",
                         "M7", "--examples", "2", "--shrink-runs", "12", "--format", "json", "--no-run-log"])
    assert json.loads(done[1])["relations"]["M7"] == relations["M7"]  # the same seed, the same report


def test_scribe_takes_a_budget_but_no_tokenizer(tmp_path, tool_env):
    """scribe has --budget (M3 is judged) and no tokenizer option (M4 is skipped); its
    header's generation_time is the wall clock, so two runs differ outside the files (M0).
    --target-time: scribe's default time budget fails on a loaded machine."""
    tools.require("scribe")
    packer = template("scribe", "{repo}", "--budget", "{budget}", "--mode", "fast", "--target-time", "3600",
                      "-o", "{out}")
    report = _meta(packer, ["M0", "M3", "M4"], tmp_path, shrink_runs=2, budgets=(2000, 4000))
    assert report.format == "scribe"
    results = {r.name: r for r in report.results}
    assert results["M4"].status == "skipped" and results["M4"].message == "skipped: the packer takes no {tokenizer}"
    assert "takes no" not in results["M3"].message and results["M3"].examples == 1
    assert results["M0"].status == "fail"
    assert "every file is the same; outside the files" in results["M0"].message
    assert '"generation_time"' in results["M0"].message
