"""What every command shares: exit codes, list options, run logs.

Every ``*_cmd`` module imports from here and nothing from ``main``, which imports
them all to build the command group: dependencies point one way.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import IO, Any

from packverify.runlog import RunLog


class ExitCode(enum.IntEnum):
    """Exit codes for every command (docs/contract.md §2)."""

    OK = 0  # all checks held
    FINDINGS = 1  # something was verified and found wrong
    ERROR = 2  # the command could not do its job


def split_list(values: Sequence[str]) -> list[str]:
    """Values of a repeatable, comma-separated option (``--only a,b --only c``), trimmed."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def open_run_log(path: str | None, command: str, argv: list[str], err: IO[str]) -> RunLog:
    """The command's run log (environment recorded now, before the work); ``path`` None
    means none. A log that cannot be written is a warning on ``err``, never an error."""
    try:
        return RunLog(path, command, argv)
    except OSError as exc:
        err.write(f"packverify {command}: warning: cannot write run log {path}: {exc.strerror or exc}\n")
        return RunLog(None, command, argv)


def finish_run_log(log: RunLog, code: int, err: IO[str], **outcome: Any) -> None:
    """Write the run log's outcome and exit code (a failure to write is a warning)."""
    try:
        log.finish(exit_code=int(code), **outcome)
    except OSError as exc:
        err.write(f"packverify: warning: cannot write run log: {exc.strerror or exc}\n")
