"""The two ways an attestation operation stops: unusable input, or a refused check.

:class:`Unusable` — the input cannot be used at all (an unreadable or wrong-kind key, a
hermetic record that is not the documented shape): the command could not do its job.
:class:`Refused` — an attestation was examined and one named check failed (a tampered
byte, another key, a missing subject, a failing verdict). Nothing here prints or exits;
the CLI maps the first to exit 2 and the second to exit 1.
"""

from __future__ import annotations


class Unusable(Exception):
    """Input that cannot be used (exit 2)."""


class Refused(Exception):
    """An attestation failed the check named by ``check`` (exit 1)."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(f"[{check}] {message}")
        self.check = check
        self.message = message
