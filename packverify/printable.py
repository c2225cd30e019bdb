"""Pack-controlled text made safe for a terminal, a CI log or an XML/SARIF viewer.

A file path or message taken from a pack may hold an ESC (``\\x1b[2K`` erases the CI
log line before it), other C0 or C1 controls (a bare CR rewrites a line; C1 CSI is an
escape on some terminals), line and paragraph separators, or bidirectional controls
that make text display reversed (Trojan Source). :func:`printable` writes each of them
as a visible escape (``\\x1b``, ``\\u202e``) — the one function every human-readable
output uses: the text report, JUnit, SARIF messages and the CLI's stderr lines.
Lone surrogates (undecodable file-name bytes) become ``\\udcff`` escapes too.

Machine formats keep values as they are: the JSON report is JSON (its encoder escapes
C0 controls; a consumer sees the exact path the pack holds).
"""

from __future__ import annotations

import re

# C0 (tab and newline included: a finding's text is one line), DEL, C1, U+2028/9,
# bidirectional controls (U+061C, U+200E/F, U+202A–E, U+2066–9), lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control, separator and bidi character written as a visible escape."""
    return _UNSAFE.sub(_escape, text)
