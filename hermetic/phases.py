"""Phases of a hermetic run: each with its suite, build, result and duration.

The list is what ``artifacts/hermetic.json`` keeps under ``phases`` so that a later step
(an in-toto attestation of the build, say) can sign every step's outcome. Results:
``ok``; ``fail`` — it ran and found something wrong (drift under ``--frozen``, a test
failure, two builds that differ: exit 1); ``error`` — it could not run (a missing tool,
a network failure, a command that failed: exit 2).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


class CannotRun(Exception):
    """The build could not do its job (exit 2). The message says what and how to fix it."""


class Failed(Exception):
    """Something was built or run and found wrong (exit 1). The message names what."""


@dataclass
class Phase:
    name: str
    suite: str | None
    build: int | None
    result: str = "running"
    seconds: float = 0.0
    message: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "suite": self.suite, "build": self.build, "result": self.result,
                "seconds": round(self.seconds, 1), "message": self.message, "detail": self.detail}


class Recorder:
    """Runs phases in order, timing each; prints one line per phase to ``log``."""

    def __init__(self, log) -> None:
        self.phases: list[Phase] = []
        self._log = log

    @contextmanager
    def phase(self, name: str, suite: str | None = None, build: int | None = None) -> Iterator[Phase]:
        phase = Phase(name, suite, build)
        self.phases.append(phase)
        where = " ".join(p for p in (suite or "", f"build {build}" if build else "") if p)
        self._log(f"hermetic: {name}{f' ({where})' if where else ''} ...")
        start = time.monotonic()
        try:
            yield phase
        except Failed as exc:
            phase.result, phase.message = "fail", str(exc)
            raise
        except CannotRun as exc:
            phase.result, phase.message = "error", str(exc)
            raise
        except BaseException as exc:
            phase.result, phase.message = "error", f"{type(exc).__name__}: {exc}"
            raise
        else:
            if phase.result == "running":
                phase.result = "ok"
        finally:
            phase.seconds = time.monotonic() - start
            self._log(f"hermetic: {name}{f' ({where})' if where else ''}: {phase.result} in {phase.seconds:.1f} s"
                      + (f" — {phase.message}" if phase.message else ""))
