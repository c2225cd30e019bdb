"""The fast counting engine against tiktoken, its startup self-check, and
``--tokenizer-engine``.

The reference is tiktoken's own loading path (helpers.stock_tiktoken), not
packverify's: a count is right when it equals ``len(encode_ordinary(text))`` there.
Besides these tests, tests/conftest.py compares every count the fast engine makes
anywhere in the suite with tiktoken (the differential fixture)."""

from __future__ import annotations

import json

import pytest
from helpers import check_doc, mutated, run_captured, stock_tiktoken, valid_doc, write
from hypothesis import given
from hypothesis import strategies as st

from packverify import counting
from packverify.context import Context
from packverify.counting import engines, probes
from packverify.tokenizer import TokenizerUnavailable


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    return stock_tiktoken(tmp_path_factory.mktemp("tiktoken-cache"))


# Pieces that stress pre-tokenizers and BPE merges; glued at random into adversarial text.
PIECES = ["", " ", "  ", "\t", "\n", "\r\n", "\r", "\n\n\n", "   \n", "'s", "'S", "'ll", "'RE", "'", "''",
          "0", "12", "123", "1234", "٣", "Ⅻ", "a", "A", "aB", "é", "e\u0301", "ß", "ﬁ", "İ", "ı", "ǅ",
          "中文", "日本", "한", "😀", "👍🏽", "👩‍👧", "🇩🇪", "\u200b", "\u00a0", "\u2028", "\ufeff", "\x00",
          "\x1b", "\x7f", "<|endoftext|>", "<|fim_prefix|>", "<|endofprompt|>", "<|", "|>", "x" * 40,
          " " * 33, "=" * 17, "!!", "...", "->", "//", "/*", "{}", "$", "\\", "\\n", "\ud800", "\udfff"]
adversarial = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40).map("".join)


@given(st.sampled_from(["cl100k", "o200k"]), adversarial)
def test_fast_counts_are_tiktokens_on_adversarial_text(stock, name, text):
    fast = counting.counter(name, "fast")
    assert fast.count(text) == len(stock[name].encode_ordinary(text))


@given(st.sampled_from(["cl100k", "o200k"]), st.lists(adversarial, max_size=30), st.integers(1, 4))
def test_fast_count_many_is_in_order_and_tiktokens(stock, name, texts, jobs):
    fast = counting.counter(name, "fast")
    assert fast.count_many(texts, jobs=jobs) == [len(stock[name].encode_ordinary(t)) for t in texts]


@pytest.mark.parametrize("name", ["cl100k", "o200k"])
def test_every_probe_is_counted_as_tiktoken_counts_it(stock, name):
    fast = counting.counter(name, "fast")
    assert isinstance(fast, engines.RiptokenCounter)
    for text in probes.PROBES:
        assert fast.count(text) == len(stock[name].encode_ordinary(text)), text


def test_the_probe_set_covers_what_tiktoken_treats_specially():
    joined = "".join(probes.PROBES)
    assert "<|endoftext|>" in joined and "\r\n" in joined and "\ud800" in joined
    assert any(len(p) >= 500 and len(set(p)) == 1 for p in probes.PROBES)  # long runs of one character
    assert any(ord(c) > 0xFFFF for c in joined)  # outside the BMP
    assert "don't" in joined and "DON'T" in joined


def test_lone_surrogates_and_special_token_text_are_counted_like_tiktoken(stock):
    fast = counting.counter("cl100k", "fast")
    for text in ["\ud800", "a\udfffb", "<|endoftext|>", "x<|endoftext|>\ud83d"]:
        assert fast.count(text) == len(stock["cl100k"].encode_ordinary(text))


def test_the_differential_fixture_is_in_place(differential):
    before = differential["compared"].get("o200k", 0)
    report = check_doc(valid_doc(tokenizer="o200k"), only=["tokens"])
    assert report.oracles["tokens"].status.value == "pass"
    assert differential["compared"].get("o200k", 0) > before


class _OffByOne(engines.Counter):
    """A fake fast engine (test double) that miscounts one probe."""

    def __init__(self, name, vocabulary):
        self.tokenizer, self.engine, self.vocabulary = name, "off-by-one 0", vocabulary
        self.reference = engines.TiktokenCounter(name)

    def count(self, text):
        return self.reference.count(text) + (text == "don't I'm we're they've she'll he'd it's")


@pytest.fixture
def broken_fast_engine(monkeypatch):
    monkeypatch.setattr(counting, "RiptokenCounter", _OffByOne)
    monkeypatch.setattr(counting, "_built", {})


def test_auto_refuses_a_fast_engine_that_disagrees_and_says_why(broken_fast_engine):
    chosen = counting.counter("cl100k", "auto")
    assert isinstance(chosen, engines.TiktokenCounter)
    assert "off-by-one 0 counts" in chosen.note and "don't" in chosen.note
    ctx = Context()
    report = check_doc(valid_doc(), only=["tokens"], context=ctx)
    assert report.oracles["tokens"].status.value == "pass"
    assert ctx.counting()["cl100k"]["engine"].startswith("tiktoken ")
    assert "off-by-one" in ctx.counting()["cl100k"]["note"]


def test_fast_refuses_to_count_rather_than_fall_back(broken_fast_engine):
    with pytest.raises(TokenizerUnavailable, match="fast refused: off-by-one 0 counts"):
        counting.counter("cl100k", "fast")
    result = check_doc(valid_doc(), context=Context(engine="fast")).oracles["tokens"]
    assert result.status.value == "skipped" and "fast refused" in result.reason


def test_a_fast_engine_that_crashes_is_refused(monkeypatch):
    class Crashing(_OffByOne):
        def count(self, text):
            raise RuntimeError("boom")

    monkeypatch.setattr(counting, "RiptokenCounter", Crashing)
    monkeypatch.setattr(counting, "_built", {})
    chosen = counting.counter("o200k", "auto")
    assert isinstance(chosen, engines.TiktokenCounter) and "RuntimeError: boom" in chosen.note


def test_missing_fast_engine_falls_back(monkeypatch):
    def missing(name, vocabulary):
        raise ImportError("No module named 'riptoken'")

    monkeypatch.setattr(counting, "RiptokenCounter", missing)
    monkeypatch.setattr(counting, "_built", {})
    assert "not installed" in counting.counter("cl100k", "auto").note


def test_unknown_engine_and_tokenizer():
    with pytest.raises(ValueError, match="unknown tokenizer engine"):
        counting.counter("cl100k", "turbo")
    with pytest.raises(TokenizerUnavailable, match="unknown tokenizer 'p50k'"):
        counting.counter("p50k", "auto")


@pytest.mark.parametrize("engine, prefix", [("tiktoken", "tiktoken "), ("fast", "riptoken "), ("auto", "riptoken ")])
def test_cli_engine_option_and_the_report_says_who_counted(tmp_path, engine, prefix):
    pack = write(tmp_path, "pack.json", valid_doc())
    log = tmp_path / "run.json"
    code, out, err = run_captured(["check", str(pack), "--format", "json", "--tokenizer-engine", engine,
                                   "--run-log", str(log)])
    assert code == 0, err
    counted = json.loads(out)["environment"]["counting"]
    assert list(counted) == ["cl100k"] and counted["cl100k"]["engine"].startswith(prefix)
    assert counted["cl100k"]["vocabulary_sha256"].startswith("223921b7")
    assert json.loads(log.read_text())["counting"] == counted


def test_both_engines_find_the_same_mismatches():
    doc = mutated(lambda d: d["chunks"][1].update(tokens=d["chunks"][1]["tokens"] - 1))
    reports = [check_doc(doc, context=Context(engine=e)) for e in ("tiktoken", "fast")]
    assert [f.to_dict() for f in reports[0].findings] == [f.to_dict() for f in reports[1].findings]
    assert any(f.code == "tokens.mismatch" for f in reports[0].findings)


def test_cli_rejects_an_unknown_engine():
    code, _, err = run_captured(["check", "x.json", "--tokenizer-engine", "turbo"])
    assert code == 2 and "turbo" in err


def test_the_differential_fixture_catches_a_disagreement(differential):
    fast = engines.RiptokenCounter("cl100k", "test")
    fast._encode = lambda text: [0] * (len(text) + 1)  # a broken engine (test double)
    before = len(differential["disagreed"])
    assert fast.count("hello world") == 12
    caught = differential["disagreed"][before:]
    assert caught == [("cl100k", "hello world", 12, 2)]
    del differential["disagreed"][before:]  # caught as it should be; do not fail this test for it
