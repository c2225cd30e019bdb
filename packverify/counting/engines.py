"""The two ways to count: tiktoken (the reference) and riptoken (the fast engine).

Both are built from one verified vocabulary (packverify.tokenizer.encoding_spec:
the official sha256, tiktoken's own pattern) and count text such as
``<|endoftext|>`` as ordinary text. Counting needs only the count, never the ids.

riptoken (PyPI, MIT) re-implements tiktoken's BPE in Rust and releases the GIL, so
``-j`` threads scale; measured against tiktoken in ``bench/engines_bench.py``. Text
that tiktoken treats specially is routed to tiktoken: lone surrogates (riptoken
cannot take them; tiktoken replaces them with U+FFFD first). Which engine may count
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
        self.vocabulary = _tokenizer.VOCABULARIES[name][2]

    def count(self, text: str) -> int:
        return _tokenizer.count(self.encoding, text)


class RiptokenCounter(Counter):
    """riptoken over the verified ranks and tiktoken's pattern; special-cased text goes
    to the reference (``reference.count``)."""

    def __init__(self, name: str, reference: TiktokenCounter) -> None:
        import riptoken  # imported here: a missing wheel means "not available", not a crash

        spec = _tokenizer.encoding_spec(name)
        # No special tokens: counting treats their text as ordinary text (encode_ordinary).
        self._encode = riptoken.CoreBPE(spec["mergeable_ranks"], {}, spec["pat_str"]).encode_ordinary
        self._reference = reference
        self.tokenizer = name
        self.engine = f"riptoken {_version('riptoken')}"
        self.vocabulary = reference.vocabulary

    def count(self, text: str) -> int:
        try:
            return len(self._encode(text))
        except UnicodeEncodeError:  # lone surrogates: tiktoken's own replacement rule
            return self._reference.count(text)
