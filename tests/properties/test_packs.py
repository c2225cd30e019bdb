"""packverify.strategies: every pack from ``packs()`` passes every oracle strictly,
the strategies shrink to tiny examples, options are validated up front, the
docstring examples run, and ``check`` never imports hypothesis.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest
from helpers import check_doc
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from packverify import sample_text, strategies
from packverify.format import count_lines
from packverify.packer.assemble import serialize
from packverify.strategies import chunks, file_texts, pack_bytes, packs, repos

QUIET_OR_SKIPPED = {"pass", "skipped"}


def _assert_strict_pass(doc):
    report = check_doc(doc, strict=True)
    assert report.findings == (), [f.to_dict() for f in report.findings]
    statuses = {name: result.status.value for name, result in report.oracles.items()}
    assert statuses["source"] == "skipped"
    assert set(statuses.values()) <= QUIET_OR_SKIPPED
    for name in ("parse", "schema", "budget", "overlap", "determinism", "stats", "security"):
        assert statuses[name] == "pass", (name, report.oracles[name].reason)
    if any("content" in c for c in doc["chunks"]):
        assert statuses["tokens"] == "pass"
    return report


@given(packs(tokenizer=None))
def test_every_pack_passes_every_oracle_strictly(doc):
    _assert_strict_pass(doc)


@given(packs(tokenizer=None, near_full=True, max_files=2))
def test_near_full_packs_pass_and_fill_the_budget(doc):
    _assert_strict_pass(doc)
    info = doc["budget_info"]
    assert doc["statistics"]["total_tokens"] >= info["target_budget"]
    assert info["actual_tokens"] >= 0.995 * info["target_budget"]


@given(chunks(min_files=1, max_files=3, max_chunks=4))
def test_chunks_are_disjoint_exact_line_ranges(selections):
    assert 1 <= len({s.file_path for s in selections}) <= 3 and len(selections) <= 4
    by_file: dict[str, list] = {}
    for s in selections:
        assert s.start_line <= s.end_line
        if s.mode == "full":
            assert count_lines(s.content) == s.end_line - s.start_line + 1
        by_file.setdefault(s.file_path, []).append((s.start_line, s.end_line))
    for ranges in by_file.values():
        ranges.sort()
        assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:]))


@given(pack_bytes(max_files=2))
def test_pack_bytes_are_canonical(data):
    from packverify.load import parse_bytes

    assert parse_bytes(data).canonical is True


@given(file_texts(kind="code", unicode=False, max_lines=5))
def test_file_texts(text):
    assert text and count_lines(text) <= 5 and "\x00" not in text


SHRINK = settings(database=None, max_examples=300, derandomize=True, phases=(Phase.generate, Phase.shrink))


def test_a_failing_pack_shrinks_to_one_line_of_one_file():
    doc = find(packs(), lambda d: len(d["chunks"]) >= 1, settings=SHRINK)
    [chunk] = doc["chunks"]
    assert chunk["start_line"] == chunk["end_line"] == 1 and len(chunk["content"]) <= 8
    assert len(serialize(doc)) < 1000


def test_a_failing_repository_shrinks_to_the_files_that_matter():
    repo = find(repos(), lambda r: sum(f.size for f in r if f.packable) > 5000, settings=SHRINK)
    assert len([f for f in repo if f.packable]) <= 2, repo
    repo = find(repos(), lambda r: any(f.kind == "binary" for f in r), settings=SHRINK)
    assert [f.kind for f in repo] == ["binary"], repo


@pytest.mark.parametrize("build", [
    lambda: packs(tokenizer="gpt3"), lambda: packs(min_files=-1), lambda: packs(max_files=0),
    lambda: packs(near_full="yes"), lambda: packs(min_files=3, max_chunks=2), lambda: repos(unicode=1),
    lambda: repos(min_files=3, max_files=2), lambda: chunks(max_chunks=0), lambda: file_texts(kind="latex"),
    lambda: strategies.defects(["source.file-missing"]), lambda: strategies.defects(["no.such-code"]),
    lambda: strategies.defects([]),
], ids=["tokenizer", "min_files", "max_files", "near_full", "max_chunks", "unicode", "repo-files", "chunks",
        "kind", "excluded-code", "unknown-code", "no-codes"])
def test_options_are_validated_when_the_strategy_is_built(build):
    with pytest.raises(InvalidArgument):
        build()


@given(st.data())
def test_strategies_compose(data):
    doc = data.draw(packs(max_files=1, allow_empty=False))
    assert doc["chunks"]


def test_docstring_examples_run():
    modules = [strategies, sample_text, *(importlib.import_module(f"packverify.strategies.{m.name}")
                                         for m in pkgutil.iter_modules(strategies.__path__))]
    attempted = 0
    for module in modules:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted >= 8


def test_check_never_imports_hypothesis(tmp_path):
    pack = tmp_path / "p.json"
    from helpers import valid_doc

    pack.write_bytes(serialize(valid_doc()))
    code = ("import io, sys\nfrom packverify.cli import run\n"
            f"assert run(['check', {str(pack)!r}, '--no-run-log'], io.StringIO(), io.StringIO()) == 0\n"
            "assert 'hypothesis' not in sys.modules and 'packverify.strategies' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_examples_in_docs_strategies_run():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "strategies.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 5
    for block in blocks:
        exec(compile(block, "docs/strategies.md", "exec"), {"__name__": "docs_example"})
