"""JSON run logs under ``artifacts/`` (docs/contract.md §4).

The log is written twice: first with the ``environment`` section and
``"status": "running"`` before any work starts (so a crash still leaves a record),
then completed with the outcome. No wall-clock time, no random names: the same run
gives the same bytes (the environment section aside, which describes the machine).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from packverify import environment


class RunLog:
    def __init__(self, path: str | os.PathLike | None, command: str, argv: list[str]) -> None:
        self.path = Path(path) if path is not None else None
        self.record: dict[str, Any] = {
            "environment": environment.section(),
            "command": command,
            "argv": list(argv),
            "status": "running",
        }
        self._write()

    def finish(self, *, exit_code: int, **outcome: Any) -> None:
        self.record.update(outcome)
        self.record["status"] = "finished"
        self.record["exit_code"] = exit_code
        self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(self.record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            # A log that cannot be written must not turn a verdict into a crash;
            # the CLI warns on stderr.
            self.path = None
            raise
