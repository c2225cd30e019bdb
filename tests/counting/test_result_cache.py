"""packverify.result_cache: per-content results remembered, and a bad cache never believed.

The "computation" here is a spy around sha1 of the content (hashlib, not the code under
test), so every expected value is known without the cache."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from packverify import _version
from packverify.context import Context
from packverify.format import content_digest
from packverify.result_cache import RESULTS_MAGIC, ResultCache

TEXTS = ["def f():\n    return 1\n", "hello world", "", "😀 " * 30, "x = 'é'\r\n", "a" * 70_000]


def truth(text: str) -> bytes:
    return hashlib.sha1(text.encode()).digest() * (len(text) % 3)  # lengths 0, 20 and 40 bytes


class Spy:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, texts: list[str]) -> list[bytes]:
        self.asked.extend(texts)
        return [truth(t) for t in texts]


def cached(root, texts, kind="secrets-scan", depends_on=("rules 1",)):
    spy = Spy()
    cache = ResultCache(root, kind, depends_on)
    values = cache.get_or_compute([content_digest(t) for t in texts], texts, spy)
    return values, spy, cache


def buckets(root):
    return sorted(root.rglob("*.bin"))


def test_second_run_computes_only_what_is_new(tmp_path):
    values, spy, _ = cached(tmp_path, TEXTS)
    assert values == [truth(t) for t in TEXTS] and sorted(spy.asked) == sorted(TEXTS)
    values, spy, cache = cached(tmp_path, TEXTS + ["new"])
    assert values == [truth(t) for t in TEXTS + ["new"]] and spy.asked == ["new"] and cache.rejected == 0


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage", "extend", "length"])
def test_a_damaged_bucket_is_ignored_never_believed_and_rewritten(tmp_path, damage):
    cached(tmp_path, TEXTS)
    for path in buckets(tmp_path):
        data = bytearray(path.read_bytes())
        if damage == "flip":
            data[-1] ^= 0x01
        elif damage == "truncate":
            data = data[:-3]
        elif damage == "empty":
            data = bytearray()
        elif damage == "garbage":
            data = bytearray(os.urandom(len(data)))
        elif damage == "extend":
            data += data[-10:]
        else:  # a record's length made longer, the checksum recomputed: the records no longer parse
            head = len(RESULTS_MAGIC) + 32
            body = bytearray(data[head + 32:])
            body[32:36] = (len(body)).to_bytes(4, "little")
            space = ResultCache(tmp_path, "secrets-scan", ("rules 1",)).space
            data = bytearray(data[:head] + hashlib.sha256(space + bytes(body)).digest() + bytes(body))
        path.write_bytes(bytes(data))
    values, spy, cache = cached(tmp_path, TEXTS)
    assert values == [truth(t) for t in TEXTS] and sorted(spy.asked) == sorted(TEXTS)
    assert cache.rejected >= len(buckets(tmp_path))
    values, spy, cache = cached(tmp_path, TEXTS)  # healed
    assert values == [truth(t) for t in TEXTS] and spy.asked == [] and cache.rejected == 0


@pytest.mark.parametrize("other", ["kind", "depends_on", "version"])
def test_records_of_another_namespace_are_refused_even_copied_into_place(tmp_path, monkeypatch, other):
    cached(tmp_path, TEXTS)
    theirs = ResultCache(tmp_path, "secrets-scan", ("rules 1",))
    if other == "version":
        monkeypatch.setattr(_version, "__version__", "999.0.0")
    kind = "other-kind" if other == "kind" else "secrets-scan"
    depends_on = ("rules 2",) if other == "depends_on" else ("rules 1",)
    ours = ResultCache(tmp_path, kind, depends_on)
    assert ours.dir != theirs.dir and ours.space != theirs.space
    ours.dir.mkdir(parents=True)
    for path in theirs.dir.iterdir():
        (ours.dir / path.name).write_bytes(path.read_bytes())
    values, spy, cache = cached(tmp_path, TEXTS, kind, depends_on)
    assert values == [truth(t) for t in TEXTS] and sorted(spy.asked) == sorted(TEXTS) and cache.rejected > 0


def test_concurrent_writers_never_corrupt_the_cache(tmp_path):
    texts = [f"line {i} {'é' * (i % 7)}\n" for i in range(400)]
    errors = []

    def writer(part):
        try:
            cached(tmp_path, texts[part::4])
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    values, spy, cache = cached(tmp_path, texts)
    assert values == [truth(t) for t in texts] and cache.rejected == 0


def test_an_unwritable_directory_still_gives_the_results(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    values, _, _ = cached(blocker, TEXTS)
    assert values == [truth(t) for t in TEXTS]


def test_the_context_offers_a_cache_only_with_cache_dir(tmp_path):
    assert Context().result_cache("secrets-scan", ("rules 1",)) is None
    ctx = Context(cache=tmp_path)
    cache = ctx.result_cache("secrets-scan", ("rules 1",))
    assert cache is not None and cache.dir.is_relative_to(tmp_path)
    with pytest.raises(ValueError):
        ResultCache(tmp_path, "../escape", ())


def test_the_views_content_keys_are_the_count_caches_keys():
    """The tokens oracle hands the view's digests to the count cache: they must be the
    keys the cache computes itself (records written either way are found either way)."""
    from packverify.counting.cache import content_key

    assert [content_digest(t) for t in TEXTS] == [content_key(t) for t in TEXTS]
    assert content_digest("é") == hashlib.sha256("é".encode()).digest()
