"""Secret detection against the labelled corpus (tests/data/secrets/corpus.toml).

Labels were set when the corpus was made (make_corpus.py: by construction, from each
issuer's documented format), never by a detector; bench/secrets_bench.py measures the
candidate scanners on the same cases (docs/security.md). Here the chosen rules must
find every labelled secret on one of its lines and stay quiet on every benign
look-alike — through ``find_secrets`` and through the whole engine, where a case
becomes a chunk of a pack.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from helpers import check_doc, mutated

from packverify.packer.assemble import Selection
from packverify.secrets import find_secrets, secret_file_reason

CORPUS = Path(__file__).resolve().parent.parent / "data" / "secrets" / "corpus.toml"
CASES = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["case"]
POSITIVE = [c for c in CASES if c["label"] == "secret"]
BENIGN = [c for c in CASES if c["label"] == "benign"]


def test_the_corpus_covers_the_formats_issue_12_names():
    kinds = {c["kind"] for c in POSITIVE}
    assert {"github-token", "npm-token", "slack-token", "slack-webhook", "stripe-key", "stripe-webhook",
            "google-api-key", "openai-key", "anthropic-key", "huggingface-token", "aws-key", "credential-uri", "jwt",
            "private-key", "password-file"} <= kinds
    ids = {c["id"] for c in CASES}
    assert {"github-fine-grained-pat", "slack-app-level", "aws-secret-yaml-unquoted", "aws-secret-env-unquoted",
            "aws-credentials-file", "uri-git-remote-github", "jwt-bearer-header", "private-key-body-after-begin",
            "putty-v3", "pgpass", "aws-example-secret-unquoted", "pem-header-constant-python",
            "npm-lock-integrity", "uri-env-password"} <= ids
    assert len(POSITIVE) >= 50 and len(BENIGN) >= 50
    assert all(c["source"] for c in CASES)


@pytest.mark.parametrize("case", POSITIVE, ids=[c["id"] for c in POSITIVE])
def test_every_labelled_secret_is_found_on_its_lines(case):
    lines = {hit.line for hit in find_secrets(case["text"])}
    by_name = secret_file_reason(case["path"]) is not None
    for span in case["secrets"]:
        assert by_name or lines & set(span), (case["id"], span, sorted(lines))


@pytest.mark.parametrize("case", BENIGN, ids=[c["id"] for c in BENIGN])
def test_no_benign_look_alike_is_flagged(case):
    assert find_secrets(case["text"]) == []
    assert secret_file_reason(case["path"]) is None


def _pack_of(case):
    text = case["text"]
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return mutated(lambda d: None, selections=[Selection("README.md", 1, 1, "# Demo\n"),
                                              Selection(case["path"], 1, lines, text)])


@pytest.mark.parametrize("case", POSITIVE, ids=[c["id"] for c in POSITIVE])
def test_the_engine_reports_each_secret_without_echoing_it(case):
    doc = _pack_of(case)
    [index] = [i for i, c in enumerate(doc["chunks"]) if c["file_path"] == case["path"]]  # canonical order
    report = check_doc(doc, only=["security"])
    found = {f.code for f in report.findings if f.pointer in (f"/chunks/{index}/content", f"/chunks/{index}/file_path")}
    assert found & {"security.secret", "security.secret-file"}, [f.to_dict() for f in report.findings]
    rendered = repr([f.to_dict() for f in report.findings])
    for span in case["secrets"]:
        for number in span:
            line = case["text"].split("\n")[number - 1]
            if len(line) >= 24 and not line.startswith("-----"):
                assert line.strip() not in rendered


@pytest.mark.parametrize("case", BENIGN, ids=[c["id"] for c in BENIGN])
def test_the_engine_is_quiet_on_each_look_alike(case):
    report = check_doc(_pack_of(case), only=["security"], strict=True)
    assert report.findings == (), [f.to_dict() for f in report.findings]
