"""The real tools, end to end: each recorded command runs again on a freshly generated
repository and its output reads into the files tool_model.py expects. Skipped with the
reason when a tool is not installed (scripts/install-packers); under CI=true a missing tool
fails instead."""

from __future__ import annotations

import os

import awkward_repo
import pytest
import tool_model
import tools

import packverify.readers as readers
from packverify.readers import scribe_stats
from packverify.tokenizer import get_encoding

EXPECTED = {
    "repomix-xml": tool_model.repomix, "repomix-markdown": tool_model.repomix, "repomix-plain": tool_model.repomix,
    "repomix-json": tool_model.repomix, "gitingest": tool_model.gitingest,
    "files-to-prompt": tool_model.files_to_prompt, "files-to-prompt-cxml": tool_model.files_to_prompt,
    "files-to-prompt-markdown": tool_model.files_to_prompt, "scribe": tool_model.scribe,
}


class Services:
    tokenizer = "cl100k"

    def count_tokens(self, text: str, tokenizer: str) -> int:
        return len(get_encoding(tokenizer).encode_ordinary(text))


@pytest.mark.parametrize("run", tools.RUNS, ids=lambda run: f"{run.tool}-{run.output}")
def test_real_tool_output_reads_into_the_expected_files(run, tmp_path):
    tools.require(run.tool)
    repo = tmp_path / "repo"
    awkward_repo.write(str(repo), special=run.special, git=True)
    (tmp_path / "out").mkdir()
    out = os.path.join("..", "out", run.output)
    raw = tools.execute(run, str(repo), out)
    pack = readers.read(raw, run.output)
    assert pack.format == run.reader
    assert pack.findings == []
    got = {e.path: e.text if e.text is not None else e.placeholder for e in pack.files}
    if run.reader in EXPECTED:
        assert got == EXPECTED[run.reader]()
    elif run.reader == "packrepo":
        assert tuple((e.path, e.start_line, e.end_line, e.mode, e.text) for e in pack.files) == tool_model.PACKREPO
        digest = next(c for c in pack.claims if c.kind == "digest")
        assert digest.recompute(Services()) == digest.claimed
    else:  # scribe-stats: its claims are about the pack that run wrote
        with open(os.path.join(str(repo), out + ".pack"), "rb") as handle:
            written = readers.read(handle.read())
        total = next(c for c in scribe_stats.bind(pack, written) if c.subject.endswith("total_tokens"))
        assert total.recompute(Services()) == total.claimed


def test_a_missing_tool_skips_but_fails_under_ci(monkeypatch):
    monkeypatch.setitem(tools.EXECUTABLES, "repomix", "/nonexistent/repomix")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        tools.require("repomix")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true: repomix is not installed"):
        tools.require("repomix")
