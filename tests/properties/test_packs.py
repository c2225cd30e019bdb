"""packverify.strategies: every pack from ``packs()`` passes every oracle strictly,
the strategies shrink to tiny examples, options are validated up front, the
docstring examples run, and ``check`` never imports hypothesis.

The generators are safe by construction, not filtered by the oracles they feed; the
properties here check that construction with this file's own rules (docs/format.md
paths, credential-shaped text), never with the security oracle or the packer.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
import subprocess
import sys
import unicodedata

import pytest
from helpers import check_doc, profile_settings
from hypothesis import Phase, find, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from packverify import sample_text, strategies
from packverify.strategies import chunks, file_texts, pack_bytes, packs, reference_bytes, repos

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
        if s.mode == "full":  # docs/format.md §Lines, counted here by hand
            lines = s.content.count("\n") + (not s.content.endswith("\n"))
            assert lines == s.end_line - s.start_line + 1
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
    assert text and text.count("\n") + (not text.endswith("\n")) <= 5 and "\x00" not in text


# What a credential needs, in every format a scanner knows: a long run of token
# characters (keys, tokens, base64 bodies), a key header, or a URL with a password.
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_+/=-]{16,}")
_KEY_HEADER = re.compile(r"-----BEGIN|PRIVATE KEY|PuTTY-User-Key", re.I)


def _credential_shaped(text: str) -> list[str]:
    return _TOKEN_RUN.findall(text) + _KEY_HEADER.findall(text) + (["://"] if "://" in text else [])


@given(packs(tokenizer=None))
def test_generated_content_and_metadata_hold_nothing_credential_shaped(doc):
    """No secret is generated except by the secret injectors: checked with this
    file's own patterns, not with the scanner the security oracle uses."""
    for chunk in doc["chunks"]:
        assert _credential_shaped(chunk["content"]) == [], chunk["content"]
    metadata = doc["metadata"]
    assert _credential_shaped(" ".join([metadata["repo_info"]["path"], metadata["created_at"]])) == []


def _fold(path: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", path).casefold())


@given(st.lists(packs(tokenizer=None).map(lambda d: [c["file_path"] for c in d["chunks"]]), max_size=1),
       repos(max_files=6, binary=False, large=False, ignored=False, vendored=False))
def test_generated_paths_follow_the_path_rules_by_construction(paths_of_a_pack, repo):
    """docs/format.md §Chunk ``file_path``, written out here: relative POSIX, no
    ``.``/``..``/empty segment, no backslash or control or format character, NFC; one
    tree's paths distinct under case folding and none the directory of another."""
    for paths in [*paths_of_a_pack, [f.path for f in repo if f.kind in ("code", "markdown", "config", "text")]]:
        for path in paths:
            segments = path.split("/")
            assert all(s not in ("", ".", "..") for s in segments) and "\\" not in path, path
            assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for c in path), path
            assert unicodedata.is_normalized("NFC", path), path
            assert not _TOKEN_RUN.search(path.replace("/", " ")), path
        folded = {_fold(p) for p in paths}
        assert len(folded) == len(set(paths))
        assert not any("/".join(f.split("/")[:i]) in folded for f in folded for i in range(1, f.count("/") + 1))


@given(file_texts())
def test_free_text_is_beyond_ascii_words(text):
    assert _credential_shaped(text) == [], text


SHRINK = profile_settings(multiplier=5, database=None, derandomize=True, phases=(Phase.generate, Phase.shrink))


def test_a_failing_pack_shrinks_to_one_line_of_one_file():
    doc = find(packs(), lambda d: len(d["chunks"]) >= 1, settings=SHRINK)
    [chunk] = doc["chunks"]
    assert chunk["start_line"] == chunk["end_line"] == 1 and len(chunk["content"]) <= 8
    assert len(reference_bytes(doc)) < 1000


def test_a_failing_repository_shrinks_to_the_files_that_matter():
    repo = find(repos(), lambda r: sum(f.size for f in r if f.packable) > 5000, settings=SHRINK)
    sizes = sorted((f.size for f in repo if f.packable), reverse=True)
    # One file carries the size; at most two crumbs of a line or so remain (a local minimum
    # hypothesis can reach: deleting a crumb drops below 5000 and a file's repeat count
    # never grows while shrinking), never a spread of real files.
    assert len(sizes) <= 3 and sum(sizes[1:]) <= 40 and sizes[0] > 4900, repo
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

    pack.write_bytes(reference_bytes(valid_doc()))
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
