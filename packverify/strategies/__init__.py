"""Hypothesis strategies for packs, repositories and planted defects.

The package of packverify that imports hypothesis (``packverify check`` never
loads it; ``packverify meta`` imports it lazily, only to search). Nothing is drawn
at import time; every option is keyword-only and validated when the strategy is
built, so a typo fails at collection, not in the middle of a run.

* :func:`packs` — semantically valid pack documents, so every oracle passes with
  ``--strict``: built by this package's own implementation of the format
  (:func:`reference_pack`: ``rfc8785``, :mod:`hashlib`, tiktoken's own loader),
  never by the reference packer or the code the oracles use. :func:`pack_bytes`
  gives their canonical bytes, :func:`chunks` the :class:`Excerpt` lists they are
  built from, :func:`file_texts` realistic file text (code, markdown, config,
  prose, Unicode).
* ``reference_*`` — that implementation, written from docs/format.md alone: chunk
  ids, content hashes, ``manifest_digest``, ``body_spans``, lines, chunk order,
  tiktoken counts, the underflow floor and canonical bytes — the expected values of
  packverify's own tests.
* :func:`repos` — synthetic repository trees (:class:`Repo`, a value) with code,
  markdown and config files, nested and Unicode names, large, oversized, binary
  and non-UTF-8 files, ``.gitignore``-d and vendored directories, optionally secret
  files; :func:`materialize` writes one to a directory, optionally as a git
  repository, in any file-creation order.
* :data:`INJECTORS` — one injector per finding code that can be planted in a
  document or its bytes; :func:`defects` draws a valid pack and plants exactly one
  named defect (plus the documented unavoidable couplings, ``Injector.couples``).
  :data:`SOURCE_INJECTORS` plant the ``source`` codes beside a repository made by
  :func:`pack_repo`; :data:`EXCLUDED` says which codes have no injector and why.

Shrinking: every strategy is built from lists, booleans, small integers and
``sampled_from`` whose first element is the simplest choice, so a failing case
shrinks to one file of one line (a pack), or a handful of tiny files (a repo).

Layout: this module only re-exports. ``_text`` and ``_paths`` draw file text and
paths, ``_packs`` chunks and packs, ``_repos`` repositories, ``_defects``,
``_byte_defects`` and ``_source_defects`` the injectors (``_edits`` keeps derived
fields consistent), ``_reference`` the format. :class:`Repo`, :class:`RepoFile`, :func:`materialize` and
:func:`git_commit` live in :mod:`packverify.repo_fixtures` and
:func:`synthetic_text` in :mod:`packverify.sample_text`: neither imports hypothesis.

Independence: nothing here imports an oracle, the secret scanner, the path rules,
the packer, :mod:`packverify.canonical`, :mod:`packverify.tokenizer` or a rule of
:mod:`packverify.format` (``tests/test_architecture.py`` enforces it). Paths and text
are safe by construction (``_paths``, ``_text`` say how), not filtered by the checks
they are meant to test.

Leaves alone: ``parse.too-large`` is a property of the reader's size limit, not of
any bytes; ``schema.violation`` has no schema keyword that maps to it (docs/properties.md).
"""

from __future__ import annotations

from packverify.repo_fixtures import Repo, RepoFile, git_commit, materialize
from packverify.sample_text import synthetic_text
from packverify.strategies._defects import EXCLUDED, INJECTORS, defects
from packverify.strategies._injector import Defect, Injector
from packverify.strategies._packs import TOKENIZERS, chunks, pack_bytes, packs
from packverify.strategies._reference import (
    REFERENCE_EPOCH,
    REFERENCE_UNDERFLOW,
    REFERENCE_ZERO_COMMIT,
    Excerpt,
    reference_bytes,
    reference_chunk,
    reference_chunk_id,
    reference_content_hash,
    reference_digest,
    reference_encoding,
    reference_line_count,
    reference_lines,
    reference_pack,
    reference_sorted,
    reference_spans,
    reference_token_count,
    reference_underflow_floor,
)
from packverify.strategies._repos import repos
from packverify.strategies._source_defects import SOURCE_INJECTORS, pack_repo, with_commit
from packverify.strategies._text import file_texts

__all__ = [
    "EXCLUDED", "INJECTORS", "REFERENCE_EPOCH", "REFERENCE_UNDERFLOW", "REFERENCE_ZERO_COMMIT", "SOURCE_INJECTORS",
    "TOKENIZERS", "Defect", "Excerpt", "Injector", "Repo", "RepoFile", "chunks", "defects", "file_texts",
    "git_commit", "materialize", "pack_bytes", "pack_repo", "packs", "reference_bytes", "reference_chunk",
    "reference_chunk_id", "reference_content_hash", "reference_digest", "reference_encoding", "reference_line_count",
    "reference_lines", "reference_pack", "reference_sorted", "reference_spans", "reference_token_count",
    "reference_underflow_floor", "repos", "synthetic_text", "with_commit",
]
