"""packverify — verify token-budgeted repository packs for LLM context windows.

Library use::

    import packverify
    report = packverify.check(["pack.json"], repo=".", strict=True)
    report.verdict            # Verdict.PASS / Verdict.FAIL
    report.packs[0].findings  # every Finding, with code, pointer, expected, actual

The command line (``packverify check``) is a thin layer over :func:`check`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from packverify.context import Context  # noqa: E402
from packverify.engine import UsageError, check, check_loaded  # noqa: E402
from packverify.load import Loaded, parse_bytes, read_pack  # noqa: E402
from packverify.model import Finding, OracleResult, PackReport, Report, Severity, Status, Verdict  # noqa: E402
from packverify.oracles import NAMES as ORACLES  # noqa: E402

__all__ = [
    "ORACLES", "Context", "Finding", "Loaded", "OracleResult", "PackReport", "Report", "Severity", "Status",
    "UsageError", "Verdict", "__version__", "check", "check_loaded", "parse_bytes", "read_pack",
]
