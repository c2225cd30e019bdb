"""Shared shape of oracle modules.

Each oracle module defines ``NAME``, ``CODES`` (code → :class:`Code`) and
``check(pack, ctx) -> Iterator[Finding]``; optionally ``requires(pack, ctx) -> str | None``
giving the reason to skip. For packs in other formats (:mod:`packverify.foreign_view`),
``check_foreign(view, ctx)`` and ``requires_foreign(view, ctx)``; an oracle without
``check_foreign`` is skipped for them with the reason ``requires_foreign`` gives. Oracles are pure: they never print and never raise on
bad input — an exception escaping one is a packverify bug, reported by the engine
as ``<oracle>.internal-error``.
"""

from __future__ import annotations

from packverify.model import Code, Severity

__all__ = ["ERROR", "INFO", "WARNING", "Code", "short"]  # Code lives in model: the readers share it

ERROR = Severity.ERROR
WARNING = Severity.WARNING
INFO = Severity.INFO


def short(value: object, limit: int = 120) -> str:
    """A value rendered for a message, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
