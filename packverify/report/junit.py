"""``--format junit`` (placeholder until the JUnit writer lands)."""

from __future__ import annotations

from typing import IO

from packverify.model import Report


def render(report: Report, stream: IO[str], *, color: bool | None = None) -> None:
    raise NotImplementedError("junit")
