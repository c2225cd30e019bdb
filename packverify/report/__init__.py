"""Output formats. One mapping feeds both dispatch and the ``--format`` choices.

Every reporter is ``render(report, stream, *, color=None) -> None``; machine formats
carry no clock, uuid or absolute path (golden files need no scrubbing).
"""

from __future__ import annotations

from types import MappingProxyType

from packverify.report import github, json_report, junit, sarif, text

REPORTERS = MappingProxyType({
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
})
