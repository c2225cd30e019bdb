"""packverify — verify token-budgeted repository packs for LLM context windows.

Library use::

    import packverify
    report = packverify.check(["pack.json"], repo=".", strict=True)
    report.verdict            # Verdict.PASS / Verdict.FAIL
    report.packs[0].findings  # every Finding, with code, pointer, expected, actual

The command line (``packverify check``) is a thin layer over :func:`check`.
"""

from __future__ import annotations

from packverify._version import __version__
from packverify.context import Context
from packverify.engine import UsageError, check, check_loaded
from packverify.load import Loaded, parse_bytes, read_pack
from packverify.model import Finding, OracleResult, PackReport, Report, Severity, Status, Verdict
from packverify.oracles import NAMES as ORACLES

__all__ = [
    "ORACLES", "Context", "Finding", "Loaded", "OracleResult", "PackReport", "Report", "Severity", "Status",
    "UsageError", "Verdict", "__version__", "check", "check_loaded", "parse_bytes", "read_pack",
]
