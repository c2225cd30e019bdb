"""A fuzzing session for ``packverify fuzz``: N workers, one wall time, every target in turn.

Each worker is a thread that runs one libFuzzer process at a time
(:class:`~packverify.fuzz.process.LibFuzzer`): it takes the next target in the rotation
(:mod:`packverify.fuzz.schedule`), fuzzes it for a slice, and takes the next, until the
session's ``seconds`` are up. Measured here (docs/fuzzing.md), long-lived processes keep
far more executions per second than libFuzzer's own ``-fork`` mode, which restarts the
interpreter, re-instruments packverify and replays the corpus for every short job.

* The corpus of a target is ``CORPUS/<target>/``, shared by every worker that runs it and
  by the next session: a rerun continues from it (and from where the rotation stopped).
* libFuzzer stops at a crash; the worker hands the input to :class:`~packverify.fuzz.triage.Triage`
  and starts the target again for the rest of its slice. A target that crashes on its own
  corpus (before libFuzzer's ``INITED``) is retired for the session; one that hits the
  same crash :data:`STUCK` times in a slice ends that slice early.
* Every ``stats_interval`` seconds a stats line goes to ``on_line`` and a point to the
  time series (executions, exec/s, coverage, corpus, unique crashes, per target).
* :meth:`FuzzSession.stop` (SIGINT/SIGTERM in the CLI) ends every process the way libFuzzer
  ends on SIGTERM — final stats printed — so the summary is complete and the corpus kept.

Leaves alone: rendering (packverify/cli/fuzz_cmd.py) and the targets themselves.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packverify.fuzz import TARGETS, Target
from packverify.fuzz.process import LibFuzzer, ProcessEnd, crash_files, libfuzzer_command, seeds_and_dictionary
from packverify.fuzz.schedule import Rotation, load_first, save_next, slice_seconds
from packverify.fuzz.triage import Triage

STUCK = 3  # the same crash this many times in a row in one slice: the slice ends
MIN_RUN = 5.0  # seconds: less than this left is not worth starting a process


@dataclass
class TargetStats:
    """One target's share of the session: finished processes plus the ones running."""

    name: str
    executions: int = 0
    seconds: float = 0.0  # worker-seconds spent on it
    coverage: int | None = None
    features: int | None = None
    corpus_size: int | None = None
    workers: int = 0  # the most workers it had at once
    slices: int = 0
    restarts: int = 0  # processes started again after a crash
    error: str | None = None
    skipped: str | None = None
    log: str | None = None
    running: dict[int, LibFuzzer] = field(default_factory=dict)

    def live_executions(self) -> int:
        return self.executions + sum(p.status.executions for p in list(self.running.values()))

    def take(self, outcome: ProcessEnd) -> None:
        status = outcome.status
        self.executions += status.executions
        self.seconds += outcome.elapsed
        for name in ("coverage", "features", "corpus_size"):  # libFuzzer's counts: seeds and grown inputs
            value = getattr(status, name)
            if value is not None:
                setattr(self, name, max(value, getattr(self, name) or 0))


@dataclass
class Options:
    targets: Sequence[str]
    seconds: float
    workers: int
    corpus_root: Path
    artifacts_root: Path
    slice_seconds: float | None = None  # default: schedule.slice_seconds
    stats_interval: float = 60.0
    known: frozenset[str] = frozenset()
    # (target, corpus dir, seconds, crash dir) → the command; tests plant their own fuzzers here
    command_for: Callable[[Target, Path, float, Path], list[str]] | None = None


def default_command(target: Target, corpus: Path, seconds: float, crashes: Path) -> list[str]:
    seeds, dictionary = seeds_and_dictionary(target.name)
    return libfuzzer_command(target, corpus, seconds=seconds, artifacts=crashes, seeds=seeds, dictionary=dictionary,
                             python=sys.executable)


class FuzzSession:
    """Run :class:`Options` to the end (or to :meth:`stop`); :meth:`summary` describes it."""

    def __init__(self, options: Options, targets: Mapping[str, Target] = TARGETS,
                 on_line: Callable[[str], None] | None = None) -> None:
        self.options = options
        self.targets = targets
        self.on_line = on_line or (lambda line: None)
        self.stats = {name: TargetStats(name) for name in options.targets}
        self.triage = Triage(options.artifacts_root, set(options.known))
        self.series: list[dict[str, Any]] = []
        self.interrupted = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._retired: set[str] = set()
        self._started = 0.0
        self._elapsed = 0.0
        runnable = []
        for name in options.targets:
            reason = targets[name].missing()
            if reason:
                self.stats[name].skipped = reason
            else:
                runnable.append(name)
        self.rotation = Rotation(runnable, load_first(options.corpus_root, runnable)) if runnable else None
        self.slice = options.slice_seconds or slice_seconds(options.seconds, len(runnable), options.workers)

    # ------------------------------------------------------------------ control

    def stop(self) -> None:
        """End the session now (thread- and signal-safe): every process is asked to finish."""
        self.interrupted = True
        self._stop.set()
        for stats in self.stats.values():
            for process in list(stats.running.values()):
                process.stop()

    def _left(self) -> float:
        return self._started + self.options.seconds - time.monotonic()

    def run(self) -> None:
        self._started = time.monotonic()
        workers = [threading.Thread(target=self._worker, args=(k,), name=f"fuzz-worker-{k}", daemon=True)
                   for k in range(1, self.options.workers + 1)] if self.rotation else []
        for worker in workers:
            worker.start()
        last = self._started
        previous = (0.0, 0)
        while any(w.is_alive() for w in workers):
            next(w for w in workers if w.is_alive()).join(timeout=0.5)  # short: signal handlers run between
            if time.monotonic() - last >= self.options.stats_interval:
                last = time.monotonic()
                previous = self._tick(previous)
        self._elapsed = time.monotonic() - self._started
        self._tick(previous)
        if self.rotation is not None:
            save_next(self.options.corpus_root, self.rotation.next_name)
        self.triage.write()

    # ------------------------------------------------------------------ workers

    def _worker(self, number: int) -> None:
        while not self._stop.is_set() and self._left() > MIN_RUN:
            with self._lock:
                busy = {name for name, s in self.stats.items() if s.running}
                name = self.rotation.take(busy, self._retired)
            if name is None:
                return
            self._slice(number, name, time.monotonic() + min(self.slice, self._left()))

    def _slice(self, number: int, name: str, until: float) -> None:
        """Fuzz ``name`` until ``until``, starting it again after each crash."""
        stats = self.stats[name]
        target = self.targets[name]
        corpus = self.options.corpus_root / name
        crashes = self.options.artifacts_root / ".incoming" / f"{name}-w{number}"
        log = self.options.artifacts_root / "logs" / f"{name}-w{number}.log"
        try:
            for directory in (corpus, crashes, log.parent):
                directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._retire(stats, f"cannot create {corpus} or {crashes}: {exc.strerror or exc}")
            return
        stats.slices += 1
        stats.log = str(log)
        repeated: list[str] = []
        for stale in crash_files(crashes):  # from a process not followed to its end (a killed session)
            self.triage.add(name, stale, "")
        while not self._stop.is_set() and until - time.monotonic() > MIN_RUN:
            seconds = until - time.monotonic()
            command = (self.options.command_for or default_command)(target, corpus, seconds, crashes)
            process = LibFuzzer(command, log, seconds)
            with self._lock:
                stats.running[number] = process
                stats.workers = max(stats.workers, len(stats.running))
            if self._stop.is_set():
                process.stop()
            outcome = process.run()
            with self._lock:
                del stats.running[number]
                stats.take(outcome)
            found = [self.triage.add(name, path, outcome.trace) for path in crash_files(crashes)]
            if not self._after(stats, outcome, found, repeated):
                return

    def _after(self, stats: TargetStats, outcome: ProcessEnd, found: list, repeated: list[str]) -> bool:
        """What a process's end means for its slice: True to start the target again."""
        if outcome.error:
            self._retire(stats, outcome.error)
            return False
        if not found:
            if outcome.exit_code and not outcome.stopped:
                why = " (killed: it overran its time)" if outcome.killed else ""
                tail = "".join(outcome.tail).strip()
                self._retire(stats, f"the fuzzer exited {outcome.exit_code} without a crash input{why}; "
                                    f"see {stats.log}" + (f": {tail[-300:]}" if tail else ""))
            return False
        if not outcome.status.inited:
            self._retire(stats, f"it crashes on its own corpus ({found[0].signature}): fix it or move the "
                                f"input out of the corpus; replay: {found[0].replay}")
            return False
        repeated.append(found[0].id)
        stats.restarts += 1
        return not (len(repeated) >= STUCK and len(set(repeated[-STUCK:])) == 1)

    def _retire(self, stats: TargetStats, why: str) -> None:
        with self._lock:
            stats.error = stats.error or why
            self._retired.add(stats.name)

    # ------------------------------------------------------------------ stats

    def _tick(self, previous: tuple[float, int]) -> tuple[float, int]:
        now = time.monotonic() - self._started
        total = sum(s.live_executions() for s in self.stats.values())
        rate = (total - previous[1]) / (now - previous[0]) if now > previous[0] else 0.0
        point: dict[str, Any] = {"t": round(now, 1), "executions": total, "exec_per_sec": round(rate, 1),
                                 "unique_crashes": len(self.triage.this_session), "targets": {}}
        running = []
        for name, stats in self.stats.items():
            live = [p.status for p in list(stats.running.values())]
            coverage = max([s.coverage or 0 for s in live] + [stats.coverage or 0]) or None
            corpus = max([s.corpus_size or 0 for s in live] + [stats.corpus_size or 0]) or None
            if stats.live_executions():
                point["targets"][name] = {"executions": stats.live_executions(), "coverage": coverage,
                                          "corpus_size": corpus, "workers": len(live)}
            if live:
                running.append(f"{name}×{len(live)} cov {coverage} corpus {corpus}")
        self.series.append(point)
        self.on_line(f"fuzz {now:5.0f}/{self.options.seconds:g} s: {total} execs, {rate:.0f} exec/s, "
                     f"{len(self.triage.this_session)} unique crash(es)"
                     + (" | " + ", ".join(running) if running else ""))
        return now, total

    def summary(self) -> dict[str, Any]:
        """The session's outcome: the contract's per-target fields first, then the rest."""
        targets = {name: self._target_summary(stats) for name, stats in self.stats.items()}
        new = self.triage.new()
        errors = [s for s in self.stats.values() if s.error]
        verdict = "fail" if new else ("error" if errors else "pass")
        executions = sum(s.executions for s in self.stats.values())
        return {"verdict": verdict, "seconds": round(self._elapsed, 1), "workers": self.options.workers,
                "executions": executions,
                "exec_per_sec": round(executions / self._elapsed, 1) if self._elapsed else 0.0,
                "unique_crashes": len(self.triage.this_session), "new_crashes": [c.id for c in new],
                "crashes_file": str(self.options.artifacts_root / "crashes.json"), "interrupted": self.interrupted,
                "slice_seconds": round(self.slice, 1), "targets": targets}

    def _target_summary(self, stats: TargetStats) -> dict[str, Any]:
        crashes = self.triage.of(stats.name)
        out: dict[str, Any] = {
            "execs": stats.executions, "exec_per_sec": round(stats.executions / stats.seconds, 1) if stats.seconds
            else 0.0, "crashes": [c.input for c in crashes], "executions": stats.executions,
            "coverage": stats.coverage, "workers": stats.workers, "unique_crashes": len(crashes),
            "features": stats.features, "corpus_size": stats.corpus_size, "seconds": round(stats.seconds, 1),
            "slices": stats.slices, "restarts": stats.restarts, "replay": [c.replay for c in crashes],
            "log": stats.log}
        if stats.error:
            out["error"] = stats.error
        if stats.skipped:
            out["skipped"] = stats.skipped
        return out

