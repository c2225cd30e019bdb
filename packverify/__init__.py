"""packverify — verify token-budgeted repository packs for LLM context windows.

Library use::

    import packverify
    report = packverify.check(["pack.json"], repo=".", strict=True)
    report.verdict            # Verdict.PASS / Verdict.FAIL
    report.packs[0].findings  # every Finding, with code, pointer, expected, actual

Packer authors (docs/api.md): :func:`count_tokens`, :func:`canonical_json`,
:func:`chunk_id`, :func:`content_hash`, :func:`pack_digest`, :func:`body_spans`,
:func:`scan_secrets`, and ``packverify.testing.assert_valid_pack``. Everything in
``__all__`` is stable.

The command line (``packverify check``) is a thin layer over :func:`check`.
"""

from __future__ import annotations

from packverify._version import __version__
from packverify.api import (
    Secret,
    body_spans,
    canonical_json,
    chunk_id,
    content_hash,
    count_tokens,
    pack_digest,
    scan_secrets,
    secret_file,
    token_counts,
)
from packverify.context import Context
from packverify.engine import UsageError, check, check_loaded
from packverify.format import count_lines, split_lines
from packverify.load import Loaded, parse_bytes, read_pack
from packverify.model import Finding, OracleResult, PackReport, Report, Severity, Status, Verdict
from packverify.oracles import NAMES as ORACLES
from packverify.tokenizer import TokenizerUnavailable

__all__ = [
    "ORACLES", "Context", "Finding", "Loaded", "OracleResult", "PackReport", "Report", "Secret", "Severity", "Status",
    "TokenizerUnavailable", "UsageError", "Verdict", "__version__", "body_spans", "canonical_json", "check",
    "check_loaded", "chunk_id", "content_hash", "count_lines", "count_tokens", "pack_digest", "parse_bytes",
    "read_pack", "scan_secrets", "secret_file", "split_lines", "token_counts",
]
