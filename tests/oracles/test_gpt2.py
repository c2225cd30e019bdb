"""The GPT-2 tokenizer (packverify/gpt2_vocabulary.py): the vendored files are tiktoken's,
the encoding counts like GPT-2's reference byte-pair encoder, and a tampered file is refused.

The reference is an independent implementation of the algorithm of OpenAI's
``gpt-2/src/encoder.py`` (byte-to-unicode table, merge ranks from ``vocab.bpe``, greedy
lowest-rank merges), written here from that source, not through tiktoken.
"""

from __future__ import annotations

import gzip
import hashlib
import inspect
import json
from functools import lru_cache
from importlib import resources

import pytest
import regex
from helpers import check_doc, mutated, valid_doc

from packverify import counting, gpt2_vocabulary, tokenizer
from packverify.sample_text import synthetic_text

GPT2_PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def _data(name: str) -> bytes:
    return gzip.decompress(resources.files("packverify").joinpath("data", "gpt2", name + ".gz").read_bytes())


@lru_cache(maxsize=1)
def _reference():
    byte_values = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    chars = byte_values[:]
    extra = 0
    for b in range(256):
        if b not in byte_values:
            byte_values.append(b)
            chars.append(256 + extra)
            extra += 1
    byte_encoder = dict(zip(byte_values, map(chr, chars)))
    merges = [tuple(line.split()) for line in _data("vocab.bpe").decode("utf-8").split("\n")[1:-1]]
    return byte_encoder, {pair: rank for rank, pair in enumerate(merges)}, json.loads(_data("encoder.json"))


def _bpe(token: str, ranks: dict) -> list[str]:
    word = list(token)
    while len(word) > 1:
        pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
        best = min(pairs, key=lambda pair: ranks.get(pair, float("inf")))
        if best not in ranks:
            break
        merged, i = [], 0
        while i < len(word):
            if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                merged.append(word[i] + word[i + 1])
                i += 2
            else:
                merged.append(word[i])
                i += 1
        word = merged
    return word


def reference_encode(text: str) -> list[int]:
    byte_encoder, ranks, encoder = _reference()
    ids = []
    for piece in GPT2_PATTERN.findall(text):
        token = "".join(byte_encoder[b] for b in piece.encode("utf-8"))
        ids.extend(encoder[part] for part in _bpe(token, ranks))
    return ids


def test_hello_world_is_the_known_answer():
    assert tokenizer.get_encoding("gpt2").encode_ordinary("hello world") == [31373, 995]  # encoder.json: "hello" 31373, "Ġworld" 995, by hand
    assert reference_encode("hello world") == [31373, 995]


@pytest.mark.parametrize("kind", ["code", "markdown", "config", "text"])
@pytest.mark.parametrize("seed", range(4))
def test_counts_equal_the_reference_encoder(kind, seed):
    text = synthetic_text(kind, seed, lines=40) + "  naïve 東京 🙂\t\r\n<|endoftext|> 12345 ''' \n\n"
    assert tokenizer.get_encoding("gpt2").encode_ordinary(text) == reference_encode(text)
    assert tokenizer.count(tokenizer.get_encoding("gpt2"), text) == len(reference_encode(text))


def test_vendored_files_have_tiktokens_hashes():
    import tiktoken_ext.openai_public as public

    source = inspect.getsource(public.gpt2)
    for name, digest in gpt2_vocabulary.GPT2_FILES.items():
        assert digest in source, f"{name}: the hash is not the one tiktoken pins"
        assert hashlib.sha256(_data(name)).hexdigest() == digest


def test_a_tampered_gpt2_file_is_refused(monkeypatch):
    monkeypatch.setitem(gpt2_vocabulary.GPT2_FILES, "vocab.bpe", "0" * 64)
    with pytest.raises(gpt2_vocabulary.VocabularyError, match="expected the official"):
        gpt2_vocabulary.gpt2_spec()
    # a fresh process: nothing built from the untampered files is remembered (the encodings and
    # specs of packverify.tokenizer, the counters packverify.counting builds once per process)
    monkeypatch.setattr(tokenizer, "_cache", {})
    monkeypatch.setattr(tokenizer, "_specs", {})
    monkeypatch.setattr(counting, "_built", {})
    doc = mutated(lambda d: d["tokenizer_info"].update(name="gpt2", version="gpt2"))
    result = check_doc(doc).oracles["tokens"]
    assert result.status.value == "skipped" and "expected the official" in result.reason


def test_a_valid_gpt2_pack_passes_strictly():
    doc = valid_doc(tokenizer="gpt2")
    assert doc["chunks"][0]["tokens"] == len(reference_encode(doc["chunks"][0]["content"]))
    assert check_doc(doc, strict=True).verdict.value == "pass"
