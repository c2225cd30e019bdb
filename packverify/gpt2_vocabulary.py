"""The GPT-2 tokenizer (a pack's ``tokenizer_info.name: "gpt2"``), offline and verified.

The vocabulary is OpenAI's two GPT-2 files, vendored gzipped in ``packverify/data/gpt2/``
(source and licence in its README). Each is checked against the sha256 that tiktoken
itself pins for ``gpt2`` before use; then tiktoken's own constructor
(``tiktoken_ext.openai_public.gpt2``: ``data_gym_to_mergeable_bpe_ranks``, the r50k
pattern, ``<|endoftext|>`` = 50256) builds the encoding from them, with the download
replaced by the verified bytes. So the ranks, pattern and special tokens are exactly
tiktoken's; ``"hello world"`` is ``[31373, 995]``.

Leaves alone: caching and counting (``packverify.tokenizer``, which calls
:func:`gpt2_spec` once and keeps the encoding).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources

import tiktoken.load
import tiktoken_ext.openai_public as _openai_public

# file name → official sha256 of the raw file (tiktoken_ext.openai_public.gpt2)
GPT2_FILES = {
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
}


class VocabularyError(Exception):
    """A vendored vocabulary file is missing, unreadable or not the official one."""


def gpt2_file(name: str) -> bytes:
    """The raw GPT-2 vocabulary file ``name`` (a key of :data:`GPT2_FILES`), hash-checked."""
    try:
        packed = importlib.resources.files("packverify").joinpath("data", "gpt2", name + ".gz").read_bytes()
        raw = gzip.decompress(packed)
    except (OSError, EOFError) as exc:
        raise VocabularyError(f"vocabulary file {name} not readable from packverify/data/gpt2: {exc}") from exc
    actual = hashlib.sha256(raw).hexdigest()
    if actual != GPT2_FILES[name]:
        raise VocabularyError(f"vocabulary {name} has sha256 {actual}, expected the official {GPT2_FILES[name]}")
    return raw


def gpt2_spec() -> dict:
    """The keyword arguments of ``tiktoken.Encoding`` for GPT-2, from the verified files.

    Not thread-safe on its own (it swaps tiktoken's file reader for the call): the
    caller, ``packverify.tokenizer.get_encoding``, holds its lock."""
    files = {name: gpt2_file(name) for name in GPT2_FILES}

    def verified(blobpath: str, expected_hash: str | None = None) -> bytes:
        return files[blobpath.rsplit("/", 1)[-1]]  # tiktoken asks for its download URLs

    original = tiktoken.load.read_file_cached
    tiktoken.load.read_file_cached = verified
    try:
        return _openai_public.gpt2()
    finally:
        tiktoken.load.read_file_cached = original
