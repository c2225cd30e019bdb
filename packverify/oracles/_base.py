"""Shared shape of oracle modules.

Each oracle module defines ``NAME``, ``CODES`` (code → :class:`Code`) and
``check(pack, ctx) -> Iterator[Finding]``; optionally ``requires(pack, ctx) -> str | None``
giving the reason to skip. Oracles are pure: they never print and never raise on
bad input — an exception escaping one is a packverify bug, reported by the engine
as ``<oracle>.internal-error``.
"""

from __future__ import annotations

from dataclasses import dataclass

from packverify.model import Severity


@dataclass(frozen=True)
class Code:
    """A finding code's documentation; doubles as SARIF rule metadata."""

    title: str
    severity: Severity
    why: str
    example: str = ""


ERROR = Severity.ERROR
WARNING = Severity.WARNING


def short(value: object, limit: int = 120) -> str:
    """A value rendered for a message, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
