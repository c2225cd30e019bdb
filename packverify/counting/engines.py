"""The two ways to count: tiktoken (the reference) and riptoken (the fast engine).

Both are built from one verified vocabulary (packverify.tokenizer.encoding_spec:
the official sha256, tiktoken's own pattern) and count text such as
``<|endoftext|>`` as ordinary text. Counting needs only the count, never the ids.

riptoken (PyPI, MIT) re-implements tiktoken's BPE in Rust and releases the GIL, so
``-j`` threads scale; measured against tiktoken in ``bench/engines_bench.py``. Text
that tiktoken treats specially gets tiktoken's own rule: lone surrogates are
replaced by U+FFFD first (tiktoken's ``encode_ordinary`` fallback, copied), and
``<|endoftext|>`` is ordinary text to both; the self-check's probes hold both. Which engine may count
is decided by packverify.counting after a self-check against tiktoken; this module
leaves that decision alone.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence

from packverify import tokenizer as _tokenizer


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class Counter:
    """Exact token counts under one tokenizer by one engine.

    ``engine`` names the engine and its version (it keys the count cache);
    ``vocabulary`` is the verified sha256 of the vocabulary file; ``note`` says why
    this engine counts when another was asked for (``None`` otherwise)."""

    tokenizer: str
    engine: str
    vocabulary: str
    note: str | None = None

    def count(self, text: str) -> int:
        raise NotImplementedError

    def count_many(self, texts: Sequence[str], *, jobs: int = 1) -> list[int]:
        return _tokenizer.run_threaded(self.count, texts, jobs=jobs)

    def count_keyed(self, texts: Sequence[str], keys: Sequence[bytes], *, jobs: int = 1) -> list[int]:
        """``count_many`` when the caller already has each text's ``sha256(UTF-8)``
        (``keys``): a caching counter then hashes nothing again; others ignore them."""
        return self.count_many(texts, jobs=jobs)

    def describe(self) -> dict:
        out = {"engine": self.engine, "vocabulary_sha256": self.vocabulary}
        if self.note:
            out["note"] = self.note
        return out


class TiktokenCounter(Counter):
    """The reference: tiktoken's own encoder (packverify.tokenizer.count)."""

    def __init__(self, name: str) -> None:
        self.tokenizer = name
        self.encoding = _tokenizer.get_encoding(name)
        self.engine = f"tiktoken {_version('tiktoken')}"
        self.vocabulary = _tokenizer.vocabulary_sha256(name)

    def count(self, text: str) -> int:
        return _tokenizer.count(self.encoding, text)


class RiptokenCounter(Counter):
    """riptoken over the verified ranks and tiktoken's pattern. Keeps no tiktoken
    encoding: once the self-check has passed, the reference can be released (≈40 MB
    for cl100k: the Python ranks and tiktoken's own tables)."""

    def __init__(self, name: str, vocabulary: str) -> None:
        import riptoken  # imported here: a missing wheel means "not available", not a crash

        spec = _tokenizer.encoding_spec(name)
        # No special tokens: counting treats their text as ordinary text (encode_ordinary).
        self._encode = riptoken.CoreBPE(spec["mergeable_ranks"], {}, spec["pat_str"]).encode_ordinary
        self.tokenizer = name
        self.engine = f"riptoken {_version('riptoken')}"
        self.vocabulary = vocabulary

    def count(self, text: str) -> int:
        try:
            return len(self._encode(text))
        except UnicodeEncodeError:
            # Lone surrogates: tiktoken's encode_ordinary replaces them exactly so.
            return len(self._encode(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")))
