"""Progress on stderr for every command that can run for more than a second.

On a terminal: a rich bar per task, erased when the command ends. Otherwise (CI logs,
pipes): one plain line at most every ``interval`` seconds (5 by default), so a long
run is never silent for minutes and a short one prints nothing. ``quiet`` (``-q``)
silences both. Progress never goes to stdout, where the report is.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported only when a bar is shown (on a terminal)
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

PLAIN_INTERVAL = 5.0  # seconds between plain progress lines off a terminal


class Progress:
    """``update(task, done, total, detail)`` as work advances; use as a context manager."""

    def __init__(self, stream: IO[str], label: str, *, quiet: bool = False, interval: float = PLAIN_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.label, self.quiet, self.interval, self.clock = stream, label, quiet, interval, clock
        self.tty = not quiet and hasattr(stream, "isatty") and stream.isatty()
        self._bar: Bar | None = None
        self._tasks: dict[str, TaskID] = {}
        self._last = clock()

    def __enter__(self) -> Progress:
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            console = Console(file=self.stream if self.stream is not sys.stdout else sys.stderr)
            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console, transient=True)
            self._bar.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)
            self._bar = None

    def update(self, task: str, done: int, total: int | None = None, detail: str = "") -> None:
        if self.quiet:
            return
        if self._bar is not None:
            if task not in self._tasks:
                self._tasks[task] = self._bar.add_task(task, total=total)
            description = f"{task} {detail}".strip()
            self._bar.update(self._tasks[task], completed=done, total=total, description=description)
            return
        now = self.clock()
        if now - self._last < self.interval:
            return
        self._last = now
        of = f"/{total}" if total is not None else ""
        self.stream.write(f"{self.label}: {task} {done}{of}" + (f" {detail}" if detail else "") + "\n")
        self.stream.flush()
