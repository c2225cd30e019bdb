"""``--cache DIR``: counts are remembered, and a bad cache is never believed.

Expected counts come from tiktoken's own loading path (helpers.stock_tiktoken)."""

from __future__ import annotations

import json
import os
import threading

import pytest
from helpers import mutated, run_captured, stock_tiktoken, valid_doc, write

from packverify import counting
from packverify.counting.cache import MAGIC, CachedCounter, CountCache, content_key

TEXTS = ["def f():\n    return 1\n", "hello world", "", "<|endoftext|>", "😀 " * 30, "x = 'é'\r\n"]


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    return stock_tiktoken(tmp_path_factory.mktemp("tiktoken-cache"))


class Counting(counting.Counter):
    """Wraps the real counter and records what it was asked to count (a spy, real counts)."""

    def __init__(self, inner):
        self.inner, self.asked = inner, []
        self.tokenizer, self.engine, self.vocabulary = inner.tokenizer, inner.engine, inner.vocabulary

    def count(self, text):
        self.asked.append(text)
        return self.inner.count(text)


def expected(stock, texts, name="cl100k"):
    return [len(stock[name].encode_ordinary(t)) for t in texts]


def test_second_run_counts_nothing_and_gives_the_same_counts(tmp_path, stock):
    first = Counting(counting.counter("cl100k"))
    assert CachedCounter(first, tmp_path).count_many(TEXTS) == expected(stock, TEXTS)
    assert sorted(first.asked) == sorted(TEXTS)
    second = Counting(counting.counter("cl100k"))
    cached = CachedCounter(second, tmp_path)
    assert cached.count_many(TEXTS + ["new text"]) == expected(stock, TEXTS + ["new text"])
    assert second.asked == ["new text"] and cached.hits == len(TEXTS)


def _bucket_files(root):
    return sorted(p for p in root.rglob("*.bin"))


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage", "extend"])
def test_a_damaged_bucket_is_ignored_never_believed(tmp_path, stock, damage):
    CachedCounter(counting.counter("cl100k"), tmp_path).count_many(TEXTS)
    for path in _bucket_files(tmp_path):
        data = bytearray(path.read_bytes())
        if damage == "flip":
            data[-1] ^= 0x01  # the last record's count, off by 1 (or 256…)
        elif damage == "truncate":
            data = data[:-3]
        elif damage == "empty":
            data = bytearray()
        elif damage == "garbage":
            data = bytearray(os.urandom(len(data)))
        else:
            data += data[-36:]  # a duplicated record: the checksum no longer matches
        path.write_bytes(bytes(data))
    spy = Counting(counting.counter("cl100k"))
    cached = CachedCounter(spy, tmp_path)
    assert cached.count_many(TEXTS) == expected(stock, TEXTS)
    assert sorted(spy.asked) == sorted(TEXTS) and cached.hits == 0
    assert cached.cache.rejected >= len(_bucket_files(tmp_path))
    healed = CachedCounter(counting.counter("cl100k"), tmp_path)  # the damaged buckets were rewritten
    assert healed.count_many(TEXTS) == expected(stock, TEXTS)
    assert healed.hits == len(TEXTS) and healed.cache.rejected == 0


def test_a_lying_record_with_a_recomputed_checksum_is_the_only_way_in(tmp_path):
    """Documented limit: the cache guards against accidents, not against a writer who
    recomputes the checksum. This test pins that the checksum covers the records."""
    import hashlib

    cached = CachedCounter(counting.counter("cl100k"), tmp_path)
    cached.count_many(["hello world"])
    [path] = _bucket_files(tmp_path)
    data = path.read_bytes()
    head = len(MAGIC) + 32
    body = bytearray(data[head + 32:])
    body[32:36] = (99).to_bytes(4, "little")
    path.write_bytes(data[:head] + hashlib.sha256(cached.cache.space + bytes(body)).digest() + bytes(body))
    assert CachedCounter(counting.counter("cl100k"), tmp_path).count_many(["hello world"]) == [99]


@pytest.mark.parametrize("other", ["engine", "tokenizer", "version"])
def test_records_of_another_engine_tokenizer_or_version_are_not_used(tmp_path, stock, monkeypatch, other):
    source = counting.counter("cl100k", "tiktoken")
    CachedCounter(source, tmp_path).count_many(TEXTS)
    theirs = CountCache(tmp_path, source)
    # Make every bucket look like it belongs to the namespace we will ask with:
    # a foreign file copied into place must still be refused.
    if other == "engine":
        asker = counting.counter("cl100k", "fast")
    elif other == "tokenizer":
        asker = counting.counter("o200k", "fast")
    else:
        from packverify import _version

        monkeypatch.setattr(_version, "__version__", "999.0.0")
        asker = counting.counter("cl100k", "tiktoken")
    ours = CountCache(tmp_path, asker)
    assert ours.dir != theirs.dir
    ours.dir.mkdir(parents=True)
    for path in theirs.dir.iterdir():
        (ours.dir / path.name).write_bytes(path.read_bytes())
    spy = Counting(asker)
    cached = CachedCounter(spy, tmp_path)
    name = asker.tokenizer
    assert cached.count_many(TEXTS) == expected(stock, TEXTS, name)
    assert cached.hits == 0 and cached.cache.rejected > 0


def test_concurrent_writers_never_corrupt_the_cache(tmp_path, stock):
    texts = [f"line {i} {'é' * (i % 7)}\n" for i in range(400)]
    errors = []

    def writer(part):
        try:
            CachedCounter(counting.counter("cl100k"), tmp_path).count_many(texts[part::4])
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cache = CachedCounter(counting.counter("cl100k"), tmp_path)
    assert cache.count_many(texts) == expected(stock, texts)
    assert cache.cache.rejected == 0 and not list(tmp_path.rglob("*.tmp"))


def test_an_unwritable_cache_directory_is_not_an_error(tmp_path, stock):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert CachedCounter(counting.counter("cl100k"), blocker).count_many(TEXTS) == expected(stock, TEXTS)


def test_keys_are_content_hashes_and_survive_lone_surrogates():
    assert content_key("hello") == bytes.fromhex("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    assert len(content_key("\ud800")) == 32


def test_cli_cache_gives_byte_identical_reports_and_catches_the_same_defects(tmp_path):
    doc = mutated(lambda d: d["chunks"][0].update(tokens=d["chunks"][0]["tokens"] + 2))
    pack = write(tmp_path, "pack.json", doc)
    cache = tmp_path / "cache"
    outs = []
    for _ in range(2):
        code, out, err = run_captured(["check", str(pack), "--format", "json", "--cache", str(cache), "--no-run-log"])
        assert code == 1, err
        outs.append(out)
    code, plain, _ = run_captured(["check", str(pack), "--format", "json", "--no-run-log"])
    assert outs[0] == outs[1] == plain
    assert any(f["code"] == "tokens.mismatch" for f in json.loads(plain)["packs"][0]["findings"])
    assert list(cache.rglob("*.bin"))


def test_valid_pack_with_cache_passes(tmp_path):
    pack = write(tmp_path, "pack.json", valid_doc(tokenizer="o200k"))
    for _ in range(2):
        code, _, err = run_captured(["check", str(pack), "--cache", str(tmp_path / "c"), "--no-run-log"])
        assert code == 0, err
