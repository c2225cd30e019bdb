"""What every command shares: exit codes, list options, run logs and where they go,
writing the report (``-o/--output``), and the configuration file.

Every ``*_cmd`` module imports from here and nothing from ``main``, which imports
them all to build the command group: dependencies point one way.

Where run logs and kept artifacts go by default: ``artifacts/`` under the current
directory — unless the current directory is inside a tree the command packs or checks
(``pack .``, ``check .``, ``repro`` from the repository it copies, ``--repo``), where they
would change what is being verified: then the user's state directory
(``$PACKVERIFY_STATE_DIR``, else ``$XDG_STATE_HOME/packverify``, else
``~/.local/state/packverify``). An explicit ``--run-log``/``--artifacts`` always wins.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from packverify.config import Config, ConfigError, load_config
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


def state_dir() -> Path:
    """The user's packverify state directory (run logs made inside a checked tree)."""
    explicit = os.environ.get("PACKVERIFY_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "packverify"


def _inside(path: Path, tree: Path) -> bool:
    return path == tree or tree in path.parents


def artifacts_dir(*trees: str | os.PathLike | None) -> Path:
    """``artifacts`` (relative) unless the current directory is inside one of ``trees``
    (the directories the command packs or checks): then :func:`state_dir`."""
    here = Path.cwd().resolve()
    for tree in trees:
        if tree is not None and os.path.isdir(tree) and _inside(here, Path(tree).resolve()):
            return state_dir()
    return Path("artifacts")


def default_run_log(command: str, *trees: str | os.PathLike | None) -> str:
    return os.fspath(artifacts_dir(*trees) / f"{command}.run.json")


RUN_LOG_HELP = ("Where to write the JSON run log [default: artifacts/{command}.run.json, or the user state "
                "directory when the current directory is inside the tree being packed or checked].")


def write_report(command: str, output: str | None, out: IO[str], err: IO[str],
                 write: Callable[[IO[str]], object]) -> bool:
    """Send the report to ``output`` (``-o FILE``; ``-`` is stdout) or stdout. False, with
    the reason on ``err``, when the file cannot be written."""
    if not output or output == "-":
        write(out)
        return True
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
    except OSError as exc:
        err.write(f"packverify {command}: error: cannot write {output}: {exc.strerror or exc}\n")
        return False
    return True


def settings(command: str, path: str | None, err: IO[str]) -> Config | None:
    """The configuration (``--config FILE`` or the nearest ``[tool.packverify]``); None,
    with the reason on ``err``, when it is unreadable or invalid (exit 2)."""
    try:
        return load_config(path)
    except ConfigError as exc:
        err.write(f"packverify {command}: error: configuration: {exc}\n")
        return None
