"""``check --cache DIR``: token counts remembered between runs, never believed blindly.

A count is a pure function of (packverify version, engine and its version,
vocabulary sha256, tokenizer, content). The first four make the *namespace*; a
record is ``sha256(content) ‖ count``. Records live in bucket files that carry
their namespace and ``sha256(namespace ‖ records)``: a bucket that is corrupted,
truncated, or written by another version, engine or vocabulary fails that check
and is ignored whole (its counts are recomputed) — a cache can make a check
faster, never different. One checksum per bucket rather than per record: hashing
100,000 records one by one cost more than the counting it saved. Not a MAC: the cache defends against accidents, not against someone who
can write the directory and wants to lie (they could edit packverify itself).

Layout: ``DIR/packverify-counts-v1/<namespace>/<xx>.bin``, 256 buckets by the first
byte of the content hash, each ``MAGIC ‖ namespace ‖ checksum ‖ records``. Writers rewrite a
bucket into a temporary file and rename it over the old one (atomic on POSIX):
concurrent writers can lose each other's new records (recomputed next time), never
mix them. A bucket keeps at most ``MAX_RECORDS`` records, the newest. The bucket
checks and atomic writes are packverify.result_cache's, which offers the same cache to
any per-content result.

Leaves alone: what is counted and how (packverify.counting).
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Sequence
from pathlib import Path

from packverify.counting.engines import Counter
from packverify.result_cache import read_bucket, store_buckets

MAGIC = b"packverify-counts-v1\n"
_RECORD = struct.Struct("<32sI")
MAX_RECORDS = 1 << 16


def namespace(counter: Counter) -> bytes:
    """What a count depends on besides the content: 32 bytes."""
    from packverify._version import __version__

    ident = "\0".join(["packverify", __version__, counter.engine, counter.vocabulary, counter.tokenizer])
    return hashlib.sha256(ident.encode()).digest()


def content_key(text: str) -> bytes:
    # surrogatepass: a lone surrogate still has a key (its count is tiktoken's).
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class CountCache:
    """The records of one namespace in ``root``: ``lookup`` what is known, ``store`` the rest."""

    def __init__(self, root: str | os.PathLike, counter: Counter) -> None:
        self.space = namespace(counter)
        self.dir = Path(root) / "packverify-counts-v1" / self.space.hex()[:32]
        self.rejected = 0  # bucket files that failed their check (corrupted, truncated or foreign)

    def _bucket(self, first: int) -> Path:
        return self.dir / f"{first:02x}.bin"

    def _read(self, first: int) -> dict[bytes, int]:
        body = read_bucket(self._bucket(first), MAGIC + self.space, self.space)
        if body is None or len(body) % _RECORD.size:
            self.rejected += 1  # corrupted, truncated or foreign: ignored, never believed
            return {}
        return {key: value for key, value in _RECORD.iter_unpack(body)}

    def lookup(self, keys: Sequence[bytes]) -> dict[bytes, int]:
        """Every valid record among ``keys``."""
        wanted = {k[0] for k in keys}
        found: dict[bytes, int] = {}
        for first in sorted(wanted):
            found.update(self._read(first))
        return found

    def store(self, new: dict[bytes, int]) -> None:
        """Add records; a cache directory that cannot be written is silently skipped
        (the counts were right anyway)."""
        store_buckets(self.dir, new, self._read, lambda items: b"".join(_RECORD.pack(k, v) for k, v in items),
                      MAGIC + self.space, self.space, MAX_RECORDS)


class CachedCounter(Counter):
    """A counter that asks ``cache`` first and counts only what it does not know."""

    def __init__(self, inner: Counter, root: str | os.PathLike) -> None:
        self.inner = inner
        self.cache = CountCache(root, inner)
        self.tokenizer, self.engine, self.vocabulary, self.note = (
            inner.tokenizer, inner.engine, inner.vocabulary, inner.note)
        self.hits = 0

    def count(self, text: str) -> int:
        return self.count_many([text])[0]

    def count_many(self, texts: Sequence[str], *, jobs: int = 1) -> list[int]:
        return self.count_keyed(texts, [content_key(t) for t in texts], jobs=jobs)

    def count_keyed(self, texts: Sequence[str], keys: Sequence[bytes], *, jobs: int = 1) -> list[int]:
        known = self.cache.lookup(keys)
        missing = {k: t for k, t in zip(keys, texts) if k not in known}
        self.hits += len(texts) - len(missing)
        if missing:
            counted = self.inner.count_many(list(missing.values()), jobs=jobs)
            fresh = dict(zip(missing, counted))
            self.cache.store(fresh)
            known.update(fresh)
        return [known[k] for k in keys]
