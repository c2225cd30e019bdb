"""The stable API for packer authors (docs/api.md): everything a packer needs to write
packs that pass ``packverify check --strict --repo``, without a private name.

* tokens: :func:`count_tokens` / :func:`token_counts` — the real tiktoken encodings,
  offline and hash-verified (``cl100k``, ``o200k``, ``gpt2``), counted as the format
  counts (special-token text as ordinary text). ``tiktoken.get_encoding`` downloads
  its vocabulary and dies offline; these never touch the network;
* bytes: :func:`canonical_json` — RFC 8785 (the canonical serialisation of a pack);
* the format's derived fields: :func:`chunk_id`, :func:`content_hash`,
  :func:`pack_digest` (``manifest_digest``), :func:`body_spans`;
* secrets: :func:`scan_secrets` — the credentials the ``security`` oracle would report,
  so a packer can leave those files out.

Thin by design: each function calls the one implementation the oracles use
(``packverify.format``, ``packverify.tokenizer``, ``packverify.canonical``, the
security oracle's detection), so a pack built with them agrees with the checker.
Names here never change meaning; new ones may be added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from packverify import tokenizer as _tokenizer
from packverify.canonical import jcs_bytes
from packverify.format import body_spans_of, canonical_chunk_id, hash_content, manifest_digest, manifest_rows
from packverify.oracles import security as _security  # the secret rules move to packverify.secrets (issue 12)


class Secret(NamedTuple):
    """A credential found in a text: its 1-based line and what kind it is."""

    line: int
    kind: str


def count_tokens(text: str, tokenizer: str = "cl100k") -> int:
    """Tokens in ``text`` under ``tokenizer`` (``cl100k``, ``o200k``, ``gpt2``): the count a
    chunk's ``tokens`` must hold. Raises ``TokenizerUnavailable`` for another name."""
    return _tokenizer.count(_tokenizer.get_encoding(tokenizer), text)


def token_counts(texts: Sequence[str], tokenizer: str = "cl100k", *, jobs: int = 1) -> list[int]:
    """:func:`count_tokens` of many texts, on ``jobs`` threads, in input order."""
    return _tokenizer.count_many(_tokenizer.get_encoding(tokenizer), list(texts), jobs=jobs)


def canonical_json(document: Any) -> bytes:
    """The RFC 8785 (JCS) bytes of any JSON value: write a pack with these bytes and declare
    ``metadata.serialization: "rfc8785"``."""
    return jcs_bytes(document)


def chunk_id(file_path: str, start_line: int, end_line: int) -> str:
    """The ``packverify-v1`` chunk id (declare ``metadata.chunk_id_scheme: "packverify-v1"``)."""
    return canonical_chunk_id(file_path, start_line, end_line)


def content_hash(content: str) -> str:
    """A chunk's ``content_hash``: sha256 of its content's UTF-8 bytes, lowercase hex."""
    return hash_content(content)


def pack_digest(tokenizer: str, chunks: Iterable[Mapping[str, Any]]) -> str:
    """The ``manifest_digest`` of chunk objects (each with ``id``, ``file_path``, ``start_line``,
    ``end_line``, ``tokens``, ``content_hash``) under ``tokenizer_info.name``."""
    return manifest_digest(tokenizer, manifest_rows(chunks))


def body_spans(chunks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``body_spans`` of a rendered body that is the chunks' contents one after another."""
    return body_spans_of(chunks)


def scan_secrets(text: str) -> list[Secret]:
    """Every credential the ``security`` oracle would report in ``text``: (line, kind), each
    once, in line order."""
    return [Secret(line, kind) for line, kind in sorted({(hit.line, hit.kind) for hit in _security.find_secrets(text)})]


def secret_file(path: str) -> str | None:
    """Why ``path`` names a secret file (``.env``, ``id_rsa``, ``*.key``, …), or ``None``."""
    return _security.secret_file_reason(path)
