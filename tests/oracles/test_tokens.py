"""tokens: the real tokenizer, offline, verified; skipped (never passed) when it cannot run.

Expected counts come from tiktoken's own loader (:func:`packverify.strategies.reference_encoding`)
or from tiktoken's published examples, never from packverify.tokenizer itself."""

from __future__ import annotations

import pytest
from helpers import check_doc, mutated, pairs

from packverify import tokenizer
from packverify.context import Context
from packverify.strategies import reference_encoding, reference_token_count


def test_stock_encodings_give_tiktoken_ids():
    assert tokenizer.get_encoding("cl100k").encode_ordinary("hello world") == [15339, 1917]
    assert tokenizer.get_encoding("o200k").encode_ordinary("hello world") == [24912, 2375]


def test_special_token_text_counts_as_ordinary_text():
    enc = tokenizer.get_encoding("cl100k")
    # '<', '|', 'endo', 'ft', 'ext', '|', '>' — seven ordinary tokens, not the special one (100257)
    assert reference_encoding("cl100k").encode_ordinary("<|endoftext|>") == [27, 91, 8862, 728, 428, 91, 29]
    assert tokenizer.count(enc, "<|endoftext|>") == 7


def test_parallel_counting_equals_serial():
    enc = tokenizer.get_encoding("cl100k")
    texts = [f"def f{i}():\n    return '{'é' * i}'\n" for i in range(300)] + ["", "x"]
    assert tokenizer.count_many(enc, texts, jobs=4) == tokenizer.count_many(enc, texts, jobs=1) == [
        reference_token_count("cl100k", t) for t in texts]


def test_gpt2_counts_are_recounted_not_skipped():
    """Issue 10: a pack claiming gpt2 with cl100k counts once passed --strict --repo (tokens
    skipped: no vocabulary). gpt2 ships now, so the counts are checked."""
    doc = mutated(lambda d: d["tokenizer_info"].update(name="gpt2", version="gpt2"))
    report = check_doc(doc, strict=True)
    assert report.oracles["tokens"].status.value == "fail"
    assert "tokens.mismatch" in {f.code for f in report.findings}


def test_a_tampered_vocabulary_is_refused(monkeypatch):
    name, filename, _ = tokenizer.VOCABULARIES["cl100k"]
    monkeypatch.setitem(tokenizer.VOCABULARIES, "cl100k", (name, filename, "0" * 64))
    with pytest.raises(tokenizer.TokenizerUnavailable, match="expected the official"):
        tokenizer.vocabulary_bytes("cl100k")


def test_unavailable_tokenizer_skips_instead_of_passing():
    def broken(name):
        raise tokenizer.TokenizerUnavailable("vocabulary missing (test double)")

    result = check_doc(mutated(lambda d: None), context=Context(counter=broken)).oracles["tokens"]
    assert result.status.value == "skipped" and "vocabulary missing" in result.reason


def test_o200k_pack_recounted_with_o200k():
    doc = mutated(lambda d: d["chunks"][0].update(tokens=d["chunks"][0]["tokens"] + 1), tokenizer="o200k")
    report = check_doc(doc)
    assert ("tokens.mismatch", "/chunks/0/tokens") in pairs(report)
    finding = next(f for f in report.findings if f.code == "tokens.mismatch")
    assert finding.expected == reference_token_count("o200k", doc["chunks"][0]["content"])
