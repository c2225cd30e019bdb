"""``packverify fuzz merge``: libFuzzer's real ``-merge=1`` on a real reader target.

Minimising keeps the coverage (libFuzzer's own feature count, measured with ``-runs=0``
on the corpus before and after) with fewer files; merging into the seeds adds only what
is new, named ``merged-*``, never touches the existing seeds and stops at the cap."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_captured

from packverify.fuzz import TARGETS, documents
from packverify.fuzz.corpus import merge_into_seeds, minimize

TARGET = TARGETS["read_files_to_prompt"]
SEEDS = Path(__file__).resolve().parent / "corpus" / TARGET.name


def _grown(directory: Path) -> Path:
    """A grown corpus: documents of the format (several shapes), each twice under another name."""
    directory.mkdir(parents=True)
    samples = [[("a.py", "x = 1\n")], [("a.py", "")], [("d/b.txt", "---\n\n---\nz")],
               [("x", "1"), ("y", "2\r\n"), ("z", "\n\n")], [("long.txt", "line\n" * 300)]]
    for number, files in enumerate(samples):
        text, _ = documents.WRITERS["files-to-prompt"][0](files)
        for copy in ("a", "b"):
            (directory / f"input-{number}-{copy}").write_bytes(text.encode())
    (directory / "junk").write_bytes(b"\x00\xff" * 40)
    return directory


def _features(directory: Path) -> int:
    done = subprocess.run([sys.executable, "-m", "packverify.fuzz.libfuzzer", TARGET.name, "-runs=0", str(directory)],
                          capture_output=True, text=True, timeout=600)
    return int(re.findall(r"INITED .*?ft: (\d+)", done.stdout + done.stderr)[-1])


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


@pytest.mark.slow
def test_minimising_keeps_the_coverage_with_fewer_files(tmp_path):
    grown = _grown(tmp_path / "corpus" / TARGET.name)
    before = _features(grown)
    files_before, files_after = minimize(TARGET, grown, tmp_path / "merge.log")
    assert files_before == 11 and 0 < files_after <= 6, (files_before, files_after)
    assert _features(grown) == before
    assert not list(tmp_path.joinpath("corpus").glob(".*"))  # no staging directory left behind


@pytest.mark.slow
def test_merging_adds_only_new_coverage_to_the_seeds_within_the_cap(tmp_path):
    grown = _grown(tmp_path / "corpus" / TARGET.name)
    seeds = tmp_path / "seeds" / TARGET.name
    shutil.copytree(SEEDS, seeds)
    original = _digests(seeds)
    capped = merge_into_seeds(TARGET, grown, seeds, tmp_path / "merge.log", max_files=len(original) + 1)
    assert capped.candidates >= 2, "the grown inputs cover something the seeds do not"
    assert len(capped.added) == 1 and capped.over_cap == capped.candidates - 1
    assert {k: v for k, v in _digests(seeds).items() if k in original} == original
    assert capped.added[0].startswith("merged-") and capped.seed_files == len(original) + 1
    smallest = min(p.stat().st_size for p in grown.iterdir() if p.name != "junk")
    assert (seeds / capped.added[0]).stat().st_size >= smallest  # smallest first, among what adds coverage

    again = merge_into_seeds(TARGET, grown, seeds, tmp_path / "merge.log", max_file_bytes=1)
    assert again.added == [] and again.over_cap == again.candidates


@pytest.mark.slow
def test_fuzz_merge_command(tmp_path):
    grown = _grown(tmp_path / "corpus" / TARGET.name)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds / TARGET.name)
    code, out, err = run_captured(["fuzz", "merge", "--target", TARGET.name, "--corpus", str(tmp_path / "corpus"),
                                   "--into", str(seeds), "--max-bytes", "1000000", "--format", "json"])
    assert code == 0, err
    result = json.loads(out)["targets"][TARGET.name]
    assert result["corpus_before"] == 11 and result["corpus_after"] < 11 and result["added"]
    assert len(list(grown.iterdir())) == result["corpus_after"]
    assert f"merge {TARGET.name}: corpus 11 → {result['corpus_after']} files" in err


def test_fuzz_merge_refuses_an_unknown_target(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_captured(["fuzz", "merge", "--target", "nonexistent"])
    assert code == 2 and "unknown target" in err
