"""Shared shape of oracle modules.

Each oracle module defines ``NAME``, ``CODES`` (code → :class:`Code`) and
``check(pack, ctx) -> Iterator[Finding]``; optionally ``requires(pack, ctx) -> str | None``
giving the reason to skip. For packs in other formats (:mod:`packverify.foreign_view`),
``check_foreign(view, ctx)`` and ``requires_foreign(view, ctx)``; an oracle without
``check_foreign`` is skipped for them with the reason ``requires_foreign`` gives. A reason
that is a :class:`NotApplicable` says the oracle does not judge this kind of pack at all
(``structure`` and packverify JSON): ``--require all`` does not demand it. When the file did
not parse, every oracle but ``parse`` is skipped, unless it has ``check_unparsed(pack, ctx)``
judging the file's text (``pack.unparsed_text()``, for packverify JSON and other formats
alike) and that finds something (``security``:
credentials in the text). Oracles are pure: they never print and never raise on
bad input — an exception escaping one is a packverify bug, reported by the engine
as ``<oracle>.internal-error``.
"""

from __future__ import annotations

from packverify.model import Code, Severity

__all__ = ["ERROR", "INFO", "WARNING", "Code", "NotApplicable", "short"]  # Code lives in model: the readers share it

ERROR = Severity.ERROR
WARNING = Severity.WARNING
INFO = Severity.INFO


class NotApplicable(str):
    """A skip reason meaning "this oracle does not judge this kind of pack", not "could not run":
    ``--require all`` asks only for the oracles that apply (an oracle named in ``--require`` is
    demanded all the same)."""


def short(value: object, limit: int = 120) -> str:
    """A value rendered for a message, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
