"""Run fuzz targets under libFuzzer as subprocesses, for ``packverify fuzz``.

Each target runs as ``python -m packverify.fuzz.libfuzzer TARGET CORPUS [SEEDS] -flags``
for ``seconds``: the writable corpus first (libFuzzer adds what it finds there),
the committed seed corpus read-only after it, the target's dictionary, and
``-artifact_prefix`` so crash inputs land in the artifacts directory. libFuzzer's
status lines (``#4096 pulse cov: 888 ft: 2428 corp: 142/232Kb exec/s: 204``) feed
progress; its final ``stat::`` lines the totals. Every crash input (``crash-*``,
``timeout-*``, ``oom-*``, ``leak-*``) gets a ``.replay`` file holding the one-line
command that replays it and a ``.txt`` file with the traceback.

Leaves alone: rendering (packverify/cli/fuzz_cmd.py) and the targets themselves.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packverify.fuzz import TARGETS, Target

CRASH_PREFIXES = ("crash-", "timeout-", "oom-", "leak-")
# Startup (tokenizer vocabularies, instrumentation), the last input, and libFuzzer's
# own -timeout for it: how long past --seconds a target may run before it is killed.
GRACE_SECONDS = 120
_STATUS = re.compile(r"^#(\d+)\s+(\w+)\s+(.*)$")
_FIELD = re.compile(r"(cov|ft|exec/s): (\d+)|corp: (\d+)/")
_STAT = re.compile(r"^stat::(\w+):\s+(\d+)")
_DONE = re.compile(r"^Done (\d+) runs in (\d+) second")
_TRACE_START = re.compile(r"=== Uncaught Python exception: ===|^==\d+== ERROR: libFuzzer")


@dataclass
class TargetRun:
    """What one target's run did; ``to_dict`` is the contract's per-target object."""

    name: str
    seconds: int
    execs: int = 0
    exec_per_sec: float = 0.0
    coverage: int | None = None
    features: int | None = None
    corpus_size: int | None = None
    crashes: list[str] = field(default_factory=list)
    replay: list[str] = field(default_factory=list)
    exit_code: int | None = None
    error: str | None = None
    log: str | None = None
    elapsed: float = 0.0

    @property
    def crashed(self) -> bool:
        return bool(self.crashes)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"execs": self.execs, "exec_per_sec": self.exec_per_sec, "crashes": list(self.crashes),
                               "coverage": self.coverage, "features": self.features, "corpus_size": self.corpus_size,
                               "seconds": self.seconds, "replay": list(self.replay), "log": self.log}
        if self.error is not None:
            out["error"] = self.error
        return out

    def update(self, line: str) -> bool:
        """Take one line of libFuzzer output; True when it was a status line."""
        status = _STATUS.match(line)
        if status:
            self.execs = int(status.group(1))
            for name, value, corpus in _FIELD.findall(status.group(3)):
                if corpus:
                    self.corpus_size = int(corpus)
                elif name == "cov":
                    self.coverage = int(value)
                elif name == "ft":
                    self.features = int(value)
                elif name == "exec/s":
                    self.exec_per_sec = float(value)
            return True
        stat = _STAT.match(line)
        if stat:
            if stat.group(1) == "number_of_executed_units":
                self.execs = int(stat.group(2))
            elif stat.group(1) == "average_exec_per_sec":
                self.exec_per_sec = float(stat.group(2))
            return False
        done = _DONE.match(line)
        if done:
            self.execs = int(done.group(1))
        return False


def find_checkout_file(*parts: str) -> Path | None:
    """A file of the source checkout (seed corpora, dictionaries): looked up under the
    current directory, then beside the installed package (an editable install)."""
    import packverify

    for base in (Path.cwd(), Path(packverify.__file__).resolve().parent.parent):
        candidate = base.joinpath(*parts)
        if candidate.exists():
            return candidate
    return None


def replay_command(target: Target, crash: str) -> str:
    return f"python -m packverify.fuzz.libfuzzer {target.name} {crash}"


def libfuzzer_command(target: Target, corpus: Path, *, seconds: int, artifacts: Path,
                      seeds: Path | None, dictionary: Path | None, python: str = sys.executable) -> list[str]:
    command = [python, "-m", "packverify.fuzz.libfuzzer", target.name, str(corpus)]
    if seeds is not None:
        command.append(str(seeds))
    command += [f"-max_total_time={seconds}", f"-artifact_prefix={artifacts}{os.sep}", f"-timeout={target.timeout}",
                "-print_final_stats=1", "-rss_limit_mb=2048"]
    if dictionary is not None:
        command.append(f"-dict={dictionary}")
    return command


def _crash_files(directory: Path) -> set[str]:
    if not directory.is_dir():
        return set()
    return {p.name for p in directory.iterdir() if p.name.startswith(CRASH_PREFIXES) and "." not in p.name}


def run_target(
    name: str,
    *,
    seconds: int,
    corpus_root: Path,
    artifacts_root: Path,
    progress: Callable[[TargetRun], None] | None = None,
    command: Sequence[str] | None = None,
    env: dict[str, str] | None = None,
) -> TargetRun:
    """Fuzz one target for ``seconds``. ``command`` replaces the libFuzzer command line
    (tests use it to run a fuzzer that crashes on purpose)."""
    target = TARGETS[name]
    run = TargetRun(name, seconds)
    corpus = corpus_root / name
    artifacts = artifacts_root / name
    try:
        corpus.mkdir(parents=True, exist_ok=True)
        artifacts.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        run.error = f"cannot create {corpus} or {artifacts}: {exc.strerror or exc}"
        return run
    if command is None:
        command = libfuzzer_command(target, corpus, seconds=seconds, artifacts=artifacts,
                                    seeds=find_checkout_file("tests", "fuzzing", "corpus", name),
                                    dictionary=find_checkout_file("tests", "fuzzing", f"{name}.dict"))
    log_path = artifacts_root / f"{name}.log"
    run.log = str(log_path)
    before = _crash_files(artifacts)
    started = time.monotonic()
    try:
        trace = _follow(run, list(command), log_path, env, progress, started)
    except OSError as exc:
        run.error = f"cannot write {log_path}: {exc.strerror or exc}"
        return run
    if trace is None:  # the fuzzer did not start; run.error says why
        return run
    run.elapsed = time.monotonic() - started
    if not run.exec_per_sec and run.execs and run.elapsed:
        run.exec_per_sec = round(run.execs / run.elapsed, 1)
    _note_crashes(run, target, artifacts, sorted(_crash_files(artifacts) - before), trace)
    if run.exit_code and not run.crashes:
        tail = "".join(trace[-5:]).strip() if trace else ""
        run.error = (f"the fuzzer exited {run.exit_code} without a crash input"
                     + (f" after {run.elapsed:.0f} s (killed)" if run.elapsed >= seconds + GRACE_SECONDS else "")
                     + f"; see {log_path}" + (f": {tail}" if tail else ""))
    return run


def _follow(run: TargetRun, command: list[str], log_path: Path, env: dict[str, str] | None,
            progress: Callable[[TargetRun], None] | None, started: float) -> list[str] | None:
    """Run the fuzzer, copying its output to ``log_path`` and feeding ``run`` from its
    status lines; kill it ``GRACE_SECONDS`` past its time. Returns the traceback lines
    it printed, or ``None`` (with ``run.error`` set) when it could not start."""
    trace: list[str] = []
    tracing_done = False
    with open(log_path, "w", encoding="utf-8", errors="replace") as log:
        log.write("$ " + " ".join(command) + "\n")
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, env=env, text=True, errors="replace")
        except OSError as exc:
            run.error = f"cannot start the fuzzer: {exc.strerror or exc}"
            return None
        killer = threading.Timer(run.seconds + GRACE_SECONDS, process.kill)
        killer.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                log.write(line)
                if (_TRACE_START.search(line) or trace) and not tracing_done:
                    trace.append(line)
                    tracing_done = line.startswith("Base64:")  # libFuzzer's last line about the input
                if run.update(line.rstrip("\n")) and progress is not None:
                    run.elapsed = time.monotonic() - started
                    progress(run)
            run.exit_code = process.wait()
        finally:
            killer.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
    return trace


def _note_crashes(run: TargetRun, target: Target, artifacts: Path, crashes: list[str], trace: list[str]) -> None:
    """List each new crash input with its replay command, and leave a ``.replay`` and a
    ``.txt`` (the traceback) beside it."""
    for crash in crashes:
        path = artifacts / crash
        run.crashes.append(str(path))
        line = replay_command(target, str(path))
        run.replay.append(line)
        try:
            (artifacts / f"{crash}.replay").write_text(line + "\n", encoding="utf-8")
            (artifacts / f"{crash}.txt").write_text("".join(trace) or "(no traceback in the fuzzer's output)\n",
                                                    encoding="utf-8")
        except OSError:
            pass  # the crash input itself is saved; the notes are a convenience


def atheris_missing(python: str = sys.executable) -> str | None:
    """Why atheris cannot run under ``python``, or None."""
    probe = subprocess.run([python, "-c", "import atheris"], capture_output=True, text=True)
    if probe.returncode != 0:
        return "atheris is not installed for " + python + " (pip install atheris==3.0.0; CPython 3.11 on Linux/macOS)"
    return None
