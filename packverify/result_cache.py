"""``check --cache DIR`` for any per-content result: remembered between runs, never
believed blindly.

The rules of the token-count cache (packverify.counting.cache), written once here and
offered to every oracle whose result for a chunk is a pure function of its content
(a secret scan of the content, for one). A result is keyed by ``sha256(content)``
inside a *namespace*: packverify's version, the ``kind`` of result, and everything
else it depends on (``depends_on``: an engine and its version, a rule set's or a
vocabulary's sha256). Records live in 256 bucket files by the key's first byte, each
``RESULTS_MAGIC ‖ namespace ‖ sha256(namespace ‖ records) ‖ records`` with a record
``key (32 bytes) ‖ length (u32 LE) ‖ value``. A bucket that is corrupted, truncated,
or written under another namespace fails that check and is ignored whole (``rejected``
counts them) and rewritten on the next store — a cache can make a check faster, never
different. Writes go to a temporary file renamed over the bucket (atomic on POSIX):
concurrent writers can lose each other's records, never mix them.

Anything that depends on the document as a whole (chunk order, overlaps, digests over
all chunks, statistics, canonical bytes) is not a per-content result and has no place
here. Not a MAC: the cache defends against accidents, not against someone who can write
the directory and recompute checksums. Leaves alone: what is computed (the caller's
``compute``) and how values are encoded (bytes in, bytes out).
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

RESULTS_MAGIC = b"packverify-results-v1\n"
_LENGTH = struct.Struct("<I")
_MAX_RECORDS = 1 << 16  # per bucket, the newest kept


def result_namespace(kind: str, depends_on: Sequence[str]) -> bytes:
    """What a ``kind`` of result depends on besides the content: 32 bytes."""
    from packverify._version import __version__

    return hashlib.sha256("\0".join(["packverify", __version__, kind, *depends_on]).encode()).digest()


def checksum(space: bytes, body: bytes | memoryview) -> bytes:
    """A bucket's checksum: sha256 of its namespace and its records."""
    digest = hashlib.sha256(space)
    digest.update(body)
    return digest.digest()


def read_bucket(path: Path, head: bytes, space: bytes) -> memoryview | None:
    """The records of the bucket at ``path`` (``b""`` when there is none yet), or
    ``None`` when it is not a bucket of this namespace or fails its checksum."""
    try:
        data = path.read_bytes()
    except OSError:
        return memoryview(b"")
    view = memoryview(data)
    body = view[len(head) + 32:]
    if not data.startswith(head) or view[len(head):len(head) + 32] != checksum(space, body):
        return None
    return body


def store_buckets(directory: Path, new: dict, read: Callable[[int], dict], encode: Callable[[list], bytes],
                  header: bytes, space: bytes, keep: int) -> None:
    """Merge ``new`` records into their buckets (a bucket per first key byte), the newest
    ``keep`` of each kept, every bucket rewritten atomically with ``header`` and its
    checksum; a directory that cannot be written is skipped (the values were right anyway)."""
    by_bucket: dict[int, dict] = {}
    for key, value in new.items():
        by_bucket.setdefault(key[0], {})[key] = value
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    for first, records in sorted(by_bucket.items()):
        merged = read(first)
        merged.update(records)
        body = encode(list(merged.items())[-keep:])
        write_atomic(directory, directory / f"{first:02x}.bin", header + checksum(space, body) + body)


def write_atomic(directory: Path, path: Path, data: bytes) -> None:
    """``data`` into ``path`` through a temporary file in ``directory`` and a rename;
    a directory that cannot be written is skipped silently (the results were right anyway)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=directory)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


class ResultCache:
    """The records of one namespace in ``root``: ``lookup`` what is known, ``store``
    the rest, or both at once with :meth:`get_or_compute`."""

    def __init__(self, root: str | os.PathLike, kind: str, depends_on: Sequence[str]) -> None:
        if not kind.replace("-", "").isalnum():
            raise ValueError(f"a cache kind is letters, digits and '-': {kind!r}")
        self.space = result_namespace(kind, depends_on)
        self.dir = Path(root) / "packverify-results-v1" / kind / self.space.hex()[:32]
        self.rejected = 0  # bucket files that failed their check (corrupted, truncated or foreign)

    def _read(self, first: int) -> dict[bytes, bytes]:
        body = read_bucket(self.dir / f"{first:02x}.bin", RESULTS_MAGIC + self.space, self.space)
        records = None if body is None else _records(body)
        if records is None:
            self.rejected += 1  # ignored, never believed
            return {}
        return records

    def lookup(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """Every valid record among ``keys`` (32-byte content digests)."""
        wanted = set(keys)
        found: dict[bytes, bytes] = {}
        for first in sorted({k[0] for k in wanted}):
            found.update((k, v) for k, v in self._read(first).items() if k in wanted)
        return found

    def store(self, new: dict[bytes, bytes]) -> None:
        """Add records (merged into their buckets, the newest ``_MAX_RECORDS`` kept)."""
        if any(len(key) != 32 for key in new):
            raise ValueError("a key is a 32-byte sha256 digest")
        store_buckets(self.dir, new, self._read, lambda items: b"".join(k + _LENGTH.pack(len(v)) + v for k, v in items),
                      RESULTS_MAGIC + self.space, self.space, _MAX_RECORDS)

    def get_or_compute(self, keys: Sequence[bytes], items: Sequence, compute: Callable[[list], list[bytes]]) -> list[bytes]:
        """The value for every ``items[i]`` (whose content digest is ``keys[i]``): known
        ones from the cache, the rest from ``compute(missing items)`` — one call, in order
        — stored before they are returned."""
        known = self.lookup(keys)
        missing = {k: item for k, item in zip(keys, items) if k not in known}
        if missing:
            fresh = dict(zip(missing, compute(list(missing.values()))))
            self.store(fresh)
            known.update(fresh)
        return [known[k] for k in keys]


def _records(body: memoryview) -> dict[bytes, bytes] | None:
    """The records of a checked bucket body, or ``None`` when they do not parse."""
    out: dict[bytes, bytes] = {}
    at, end = 0, len(body)
    while at < end:
        if at + 36 > end:
            return None
        key = bytes(body[at:at + 32])
        (length,) = _LENGTH.unpack_from(body, at + 32)
        at += 36
        if at + length > end:
            return None
        out[key] = bytes(body[at:at + length])
        at += length
    return out
