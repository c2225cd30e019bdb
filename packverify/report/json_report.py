"""``--format json``: the contract's object (docs/contract.md §2), one shape at every verbosity."""

from __future__ import annotations

import json
from typing import IO

from packverify.model import Report


def dumps(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render(report: Report, stream: IO[str], *, color: bool | None = None) -> None:
    stream.write(dumps(report))
